import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { sendTogether } from '../db/together.ts';
import { auditKey } from '../shared/audit-key.state.ts';
import { type AuditKey, auditMac } from '../shared/audit-key.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { maskName, maskPiiDeep } from '../shared/crypto.ts';
import type { Principal } from './scope.ts';

/** Who is acting, from where: carried from the route into every service that writes. */
export interface AuditContext {
  actor: Principal | null;
  ip: string | null;
  requestId: string | null;
  /**
   * The business date of the request (app.clock.today()) where a route passes it: the ledger
   * then refuses a value date after it (nothing recorded about the world is dated in its future).
   */
  businessToday?: string;
  /**
   * The business date the request ran on (app.clock.today(), every API request): records that keep
   * a business date beside their system record time (a claim's workflow step, a class filing, a
   * case) take it from here. Unlike businessToday, it refuses nothing.
   */
  businessDate?: string;
}

export const SYSTEM_CONTEXT: AuditContext = { actor: null, ip: null, requestId: null };

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | number | null;
  /** Province the object belongs to; defaults to the actor's. */
  provinceCode?: string;
  outcome?: 'success' | 'denied' | 'failure';
  before?: unknown;
  after?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The text hashed for one entry: everything but the id and the hash itself. */
export function auditHashInput(previousHash: string, row: Record<string, unknown>): string {
  return `${previousHash}\n${canonicalJson(row)}`;
}

/** The province whose chain an entry joins: its own, or else the actor's. */
export function auditProvinceOf(context: AuditContext, entry: AuditEntry): string {
  return entry.provinceCode ?? (context.actor ? context.actor.provinceCode : '000000');
}

/** The advisory lock that serialises the writers of one province's chain (held until commit). */
export function auditLockKey(provinceCode: string): string {
  return `audit:${provinceCode}`;
}

/** The newest hash of a province's chain (read under its lock); a subquery or a query of its own. */
export function lastAuditHashQuery(executor: Executor, provinceCode: string) {
  return executor
    .selectFrom('audit_log')
    .select('hash')
    .where('province_code', '=', provinceCode)
    .orderBy('id', 'desc')
    .limit(1);
}

/** The row that appends an entry after `previousHash` (null: the chain is empty), hashed with the audit key. */
export function chainedAuditRow(context: AuditContext, entry: AuditEntry, previousHash: string | null) {
  const previous = previousHash ?? GENESIS_HASH;
  const row = {
    province_code: auditProvinceOf(context, entry),
    occurred_at: new Date(),
    actor_user_id: context.actor?.userId ?? null,
    actor_role: context.actor?.role ?? null,
    ip: context.ip,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId === undefined || entry.objectId === null ? null : String(entry.objectId),
    outcome: entry.outcome ?? 'success',
    before_state: entry.before === undefined ? null : JSON.parse(JSON.stringify(entry.before)),
    after_state: entry.after === undefined ? null : JSON.parse(JSON.stringify(entry.after)),
    request_id: context.requestId,
  };
  // Keyed (issue 18): without the key, an edited entry cannot be given a matching hash again.
  const key = auditKey();
  const hash = auditMac(key, auditHashInput(previous, row));
  return {
    ...row,
    before_state: row.before_state === null ? null : JSON.stringify(row.before_state),
    after_state: row.after_state === null ? null : JSON.stringify(row.after_state),
    previous_hash: previous,
    hash,
    hash_key_id: key.id,
  };
}

/**
 * Appends one audit entry in the caller's transaction, chained to the previous entry of the
 * same province. The advisory lock serialises writers of one province so the chain has no forks.
 */
export async function recordAudit(
  executor: Executor,
  context: AuditContext,
  entry: AuditEntry,
): Promise<void> {
  const pending = deferredEntries.get(executor);
  if (pending) {
    pending.push({ context, entry });
    return;
  }
  const previous = await lockAuditChain(executor, auditProvinceOf(context, entry));
  await executor
    .insertInto('audit_log')
    .values(chainedAuditRow(context, entry, previous))
    .execute();
}

/**
 * Takes a province's chain lock (until commit) and reads its head once the lock is held: one
 * round trip of two statements (src/db/together.ts; the read has a snapshot of its own, taken
 * after the lock).
 */
async function lockAuditChain(executor: Executor, provinceCode: string): Promise<string | null> {
  const [, last] = await sendTogether(executor, [
    sql`select pg_advisory_xact_lock(hashtext(${auditLockKey(provinceCode)}))`.compile(executor),
    lastAuditHashQuery(executor, provinceCode),
  ]);
  return last[0]?.hash ?? null;
}

/** Entries recorded inside `withDeferredAudit`, by the transaction they were recorded in. */
const deferredEntries = new WeakMap<Executor, Array<{ context: AuditContext; entry: AuditEntry }>>();

/**
 * Runs `work` in the caller's transaction with its audit entries held back and appended at the
 * end, in the order they were recorded, as one chained insert per province. `recordAudit` locks a
 * province's chain from its first entry to the commit, so a long transaction that audits early
 * (a payment batch: approval request, journal, batch, approval) makes every other writer of the
 * province wait for the rest of it; deferred, the lock is held from the last statement to the
 * commit. The entries are the same rows, chained the same way (`verifyAuditChain`); their
 * `occurred_at` is the time they are appended. Nothing inside `work` may read its own entries back.
 */
export async function withDeferredAudit<T>(
  executor: Executor,
  work: (executor: Executor) => Promise<T>,
): Promise<T> {
  if (deferredEntries.has(executor)) return work(executor);
  const pending: Array<{ context: AuditContext; entry: AuditEntry }> = [];
  deferredEntries.set(executor, pending);
  try {
    const result = await work(executor);
    deferredEntries.delete(executor);
    await appendAuditEntries(executor, pending);
    return result;
  } finally {
    deferredEntries.delete(executor);
  }
}

/**
 * Appends entries in the caller's transaction, chained in the given order: per province (in code
 * order, the one lock order of every multi-province writer) the chain's lock and its head in one
 * round trip, then one insert of all its entries.
 */
export async function appendAuditEntries(
  executor: Executor,
  entries: ReadonlyArray<{ context: AuditContext; entry: AuditEntry }>,
): Promise<void> {
  const byProvince = new Map<string, Array<{ context: AuditContext; entry: AuditEntry }>>();
  for (const item of entries) {
    const province = auditProvinceOf(item.context, item.entry);
    const list = byProvince.get(province) ?? [];
    list.push(item);
    byProvince.set(province, list);
  }
  for (const province of [...byProvince.keys()].sort()) {
    const list = byProvince.get(province)!;
    let previous = await lockAuditChain(executor, province);
    const rows = list.map(({ context, entry }) => {
      const row = chainedAuditRow(context, entry, previous);
      previous = row.hash;
      return row;
    });
    await executor.insertInto('audit_log').values(rows).execute();
  }
}

export interface AuditVerification {
  checked: number;
  /** The first entry whose hash or link does not match, if any. */
  firstTampered: { id: number; provinceCode: string; reason: string } | null;
}

/** The hash an entry should carry: HMAC under its key, or (entries before the keyed chain) SHA-256. */
function expectedHash(row: { hash_key_id: string | null }, input: string, key: AuditKey): string | undefined {
  if (row.hash_key_id === null) return sha256Hex(input);
  return row.hash_key_id === key.id ? auditMac(key, input) : undefined;
}

/**
 * Recomputes every province's chain (or one province's) with the audit key; names the first
 * entry that was altered, or that follows a removed entry. An unkeyed entry (written before the
 * chain was keyed) after a keyed one is tampering: the unkeyed part can only be a prefix.
 * Removing the newest entries, or rewriting the whole chain as unkeyed, is visible only against
 * a checkpoint kept elsewhere (`skillfund audit checkpoint`, `verifyAuditCheckpoint`).
 */
export async function verifyAuditChain(
  executor: Executor,
  provinceCode?: string,
  key: AuditKey = auditKey(),
): Promise<AuditVerification> {
  let query = executor.selectFrom('audit_log').selectAll().orderBy('province_code').orderBy('id');
  if (provinceCode !== undefined) query = query.where('province_code', '=', provinceCode);
  const rows = await query.execute();
  const lastHashByProvince = new Map<string, string>();
  const keyedProvinces = new Set<string>();
  for (const row of rows) {
    const expectedPrevious = lastHashByProvince.get(row.province_code) ?? GENESIS_HASH;
    if (row.previous_hash !== expectedPrevious) {
      return tampered(rows.indexOf(row), row, 'previous_hash does not link to the preceding entry');
    }
    if (row.hash_key_id === null && keyedProvinces.has(row.province_code)) {
      return tampered(rows.indexOf(row), row, 'an unkeyed entry follows keyed entries');
    }
    if (row.hash_key_id !== null) keyedProvinces.add(row.province_code);
    const recomputed = expectedHash(
      row,
      auditHashInput(row.previous_hash, {
        province_code: row.province_code,
        occurred_at: row.occurred_at,
        actor_user_id: row.actor_user_id,
        actor_role: row.actor_role,
        ip: row.ip,
        action: row.action,
        object_type: row.object_type,
        object_id: row.object_id,
        outcome: row.outcome,
        before_state: row.before_state,
        after_state: row.after_state,
        request_id: row.request_id,
      }),
      key,
    );
    if (recomputed === undefined)
      return tampered(
        rows.indexOf(row),
        row,
        `hashed with audit key "${row.hash_key_id}", which is not configured`,
      );
    if (recomputed !== row.hash) return tampered(rows.indexOf(row), row, 'content does not match its hash');
    lastHashByProvince.set(row.province_code, row.hash);
  }
  return { checked: rows.length, firstTampered: null };

  function tampered(
    index: number,
    row: { id: number; province_code: string },
    reason: string,
  ): AuditVerification {
    return { checked: index, firstTampered: { id: row.id, provinceCode: row.province_code, reason } };
  }
}

/** The newest hash of each province's chain (to be recorded outside the database). */
export async function auditChainHeads(
  executor: Executor,
): Promise<Array<{ provinceCode: string; id: number; hash: string }>> {
  const rows = await executor
    .selectFrom('audit_log as a')
    .select(['a.province_code', 'a.id', 'a.hash'])
    .where(({ eb, selectFrom }) =>
      eb(
        'a.id',
        '=',
        selectFrom('audit_log as b')
          .select((inner) => inner.fn.max('b.id').as('max_id'))
          .whereRef('b.province_code', '=', 'a.province_code'),
      ),
    )
    .orderBy('a.province_code')
    .execute();
  return rows.map((row) => ({ provinceCode: row.province_code, id: row.id, hash: row.hash }));
}

/**
 * A checkpoint of the audit trail, to be kept outside the database (issue 18): the head of every
 * province's chain, MAC'd with the audit key so a forged checkpoint is refused. Against it,
 * `verifyAuditCheckpoint` detects what the chain alone cannot: removed newest entries, and a
 * chain rewritten wholesale.
 */
export interface AuditCheckpoint {
  createdAt: string;
  keyId: string;
  heads: Array<{ provinceCode: string; id: number; hash: string }>;
  mac: string;
}

function checkpointMac(key: AuditKey, checkpoint: Omit<AuditCheckpoint, 'mac'>): string {
  return auditMac(key, `audit-checkpoint\n${canonicalJson(checkpoint)}`);
}

/** The checkpoint of the trail as it stands (`skillfund audit checkpoint`). */
export async function createAuditCheckpoint(
  executor: Executor,
  key: AuditKey = auditKey(),
): Promise<AuditCheckpoint> {
  const body = { createdAt: new Date().toISOString(), keyId: key.id, heads: await auditChainHeads(executor) };
  return { ...body, mac: checkpointMac(key, body) };
}

/**
 * Checks the trail against a checkpoint kept elsewhere: the checkpoint's MAC, and that every
 * head it recorded is still in the trail with the same hash (the chain verification covers the
 * entries before and after it). Returns the problems found (empty when the trail agrees).
 */
export async function verifyAuditCheckpoint(
  executor: Executor,
  checkpoint: AuditCheckpoint,
  key: AuditKey = auditKey(),
): Promise<string[]> {
  const { mac, ...body } = checkpoint;
  if (checkpoint.keyId !== key.id || mac !== checkpointMac(key, body)) {
    return ['the checkpoint was not made with the configured audit key, or was altered'];
  }
  const problems: string[] = [];
  for (const head of checkpoint.heads) {
    const row = await executor
      .selectFrom('audit_log')
      .select('hash')
      .where('province_code', '=', head.provinceCode)
      .where('id', '=', head.id)
      .executeTakeFirst();
    if (!row) problems.push(`entry ${head.id} (province ${head.provinceCode}) of the checkpoint is missing`);
    else if (row.hash !== head.hash)
      problems.push(`entry ${head.id} (province ${head.provinceCode}) differs from the checkpoint`);
  }
  return problems;
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  action?: string;
  objectType?: string;
  objectId?: string;
  actorUserId?: number;
  /** The actor by login name (what an auditor knows), exact. */
  actorLoginName?: string;
  /** Actions starting with this prefix (`claim.` for every claim action). */
  actionPrefix?: string;
  outcome?: 'success' | 'denied' | 'failure';
  /** Inclusive lower bound (ISO date-time). */
  from?: string;
  /** Exclusive upper bound (ISO date-time). */
  to?: string;
}

export interface AuditEntryView {
  id: number;
  provinceCode: string;
  occurredAt: string;
  actorUserId: number | null;
  actorRole: string | null;
  /** The actor's login and display name, so that a reader sees who, not a number. */
  actorLoginName: string | null;
  actorDisplayName: string | null;
  ip: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  outcome: 'success' | 'denied' | 'failure';
  before: unknown;
  after: unknown;
  requestId: string | null;
  hash: string;
}

/** Keys whose value names a natural person (a worker, a bank account holder, a contact). */
const PERSON_NAME_KEYS = new Set([
  'personName',
  'payeeName',
  'accountName',
  'holderName',
  'traineeName',
  'workerName',
  'contactName',
]);

/**
 * A before/after state as audit readers see it: ID numbers and phones masked wherever they stand
 * (maskPiiDeep), and the names of natural persons masked like `张*丰` — `name` of a person (the
 * entry's object is a person, or the object beside it carries an ID number) and the keys in
 * PERSON_NAME_KEYS. Names of organisations, classes and staff accounts stay readable.
 */
export function maskAuditState(state: unknown, objectType: string): unknown {
  const walk = (value: unknown, isPerson: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, isPerson));
    if (value === null || typeof value !== 'object' || value instanceof Date) return maskPiiDeep(value);
    const record = value as Record<string, unknown>;
    const describesPerson = isPerson || 'idNumber' in record;
    return Object.fromEntries(
      Object.entries(record).map(([key, item]) => {
        const isName = PERSON_NAME_KEYS.has(key) || (key === 'name' && describesPerson);
        return [key, isName && typeof item === 'string' ? maskName(item) : walk(item, false)];
      }),
    );
  };
  return walk(state, objectType === 'person');
}

/**
 * One page of the audit trail of the caller's province, newest first. Personal data inside the
 * before/after states is masked (maskAuditState): audit readers do not hold `person.unmask`.
 */
export async function listAuditEntries(
  executor: Executor,
  principal: Principal,
  query: AuditQuery,
): Promise<{ items: AuditEntryView[]; total: number; page: number; pageSize: number }> {
  let base = executor.selectFrom('audit_log').where('province_code', '=', principal.provinceCode);
  if (query.action) base = base.where('action', '=', query.action);
  if (query.objectType) base = base.where('object_type', '=', query.objectType);
  if (query.objectId) base = base.where('object_id', '=', query.objectId);
  if (query.actorUserId !== undefined) base = base.where('actor_user_id', '=', query.actorUserId);
  if (query.actorLoginName) {
    const loginName = query.actorLoginName;
    base = base.where('actor_user_id', 'in', (eb) =>
      eb.selectFrom('app_user').select('id').where('login_name', '=', loginName),
    );
  }
  if (query.actionPrefix) {
    const pattern = `${query.actionPrefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    base = base.where('action', 'like', pattern);
  }
  if (query.outcome) base = base.where('outcome', '=', query.outcome);
  if (query.from) base = base.where('occurred_at', '>=', new Date(query.from));
  if (query.to) base = base.where('occurred_at', '<', new Date(query.to));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('id', 'desc')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const actorIds = [
    ...new Set(rows.flatMap((row) => (row.actor_user_id === null ? [] : [row.actor_user_id]))),
  ];
  const actors = new Map(
    actorIds.length === 0
      ? []
      : (
          await executor
            .selectFrom('app_user')
            .select(['id', 'login_name', 'display_name'])
            .where('id', 'in', actorIds)
            .execute()
        ).map((user) => [user.id, user] as const),
  );
  const items = rows.map((row) => ({
    id: row.id,
    provinceCode: row.province_code,
    occurredAt: row.occurred_at.toISOString(),
    actorUserId: row.actor_user_id,
    actorRole: row.actor_role,
    actorLoginName: row.actor_user_id === null ? null : (actors.get(row.actor_user_id)?.login_name ?? null),
    actorDisplayName:
      row.actor_user_id === null ? null : (actors.get(row.actor_user_id)?.display_name ?? null),
    ip: row.ip,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    outcome: row.outcome,
    before: maskAuditState(row.before_state, row.object_type),
    after: maskAuditState(row.after_state, row.object_type),
    requestId: row.request_id,
    hash: row.hash,
  }));
  return { items, total: Number(total), page: query.page, pageSize: query.pageSize };
}
