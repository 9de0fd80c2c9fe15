import fs from 'node:fs';
import type { Command } from 'commander';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import type { Config } from '../shared/config.ts';
import { generateKeyText } from '../shared/crypto.ts';
import {
  type AuditCheckpoint,
  type AuditContext,
  auditChainHeads,
  createAuditCheckpoint,
  recordAudit,
  verifyAuditChain,
  verifyAuditCheckpoint,
} from './audit.service.ts';
import {
  clearLoginThrottle,
  createUser,
  newEnrolmentCode,
  revokeUserSessions,
  totpResetValues,
} from './auth.service.ts';
import { isPublishedPassword } from './password.ts';
import { isRole, ROLES } from './roles.ts';
import { provinceOf } from './scope.ts';

/** Commands run on the server by an operator; their audit entries carry this marker as the IP. */
const CLI_CONTEXT: AuditContext = { actor: null, ip: 'cli', requestId: null };

async function withMigratedDatabase<T>(
  config: Config,
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split('\n')[0]!.replace(/\r$/, '');
}

const write = (line: string) => process.stdout.write(`${line}\n`);

/** `skillfund audit verify`, `skillfund user …` and `skillfund keys generate`. */
export function registerAuthCommands(program: Command, loadConfig: () => Config): void {
  const audit = program.command('audit').description('审计日志 audit trail');
  audit
    .command('verify')
    .description('校验审计日志哈希链；完整时退出码 0，否则指出第一条被篡改的记录并退出 1')
    .option('--checkpoint <file>', 'also check against a checkpoint written by `audit checkpoint`')
    .action(async (options: { checkpoint?: string }) => {
      const checkpoint = options.checkpoint
        ? (JSON.parse(fs.readFileSync(options.checkpoint, 'utf8')) as AuditCheckpoint)
        : undefined;
      const result = await withMigratedDatabase(loadConfig(), async ({ db }) => ({
        verification: await verifyAuditChain(db),
        heads: await auditChainHeads(db),
        checkpointProblems: checkpoint ? await verifyAuditCheckpoint(db, checkpoint) : [],
      }));
      const tampered = result.verification.firstTampered;
      if (tampered) {
        throw new Error(
          `audit chain broken at entry ${tampered.id} (province ${tampered.provinceCode}): ${tampered.reason}; ${result.verification.checked} earlier entries intact`,
        );
      }
      if (result.checkpointProblems.length > 0) {
        throw new Error(`audit trail does not match the checkpoint: ${result.checkpointProblems.join('; ')}`);
      }
      write(`audit chain intact: ${result.verification.checked} entries`);
      // Record these heads outside the database (e.g. in the daily operations log): removing the
      // newest entries is detectable only against a head hash kept elsewhere.
      for (const head of result.heads) write(`head ${head.provinceCode} #${head.id} ${head.hash}`);
    });
  audit
    .command('checkpoint')
    .description('导出审计日志检查点（各省链头，以审计密钥签名），应定期保存到数据库之外')
    .option('--out <file>', 'write the checkpoint to this file instead of stdout')
    .action(async (options: { out?: string }) => {
      const checkpoint = await withMigratedDatabase(loadConfig(), ({ db }) => createAuditCheckpoint(db));
      const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
      if (options.out) fs.writeFileSync(options.out, text);
      else process.stdout.write(text);
    });

  const user = program.command('user').description('账号维护（服务器端，含管理员账号）user administration');
  user
    .command('create')
    .description(
      'create an account; the initial password is read from stdin and must be changed at first login',
    )
    .requiredOption('--login <loginName>', 'login name')
    .requiredOption('--name <displayName>', 'display name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--region <regionCode>', 'GB/T 2260 region code of the scope')
    .option('--organisation <id>', 'organisation id (organisation roles)')
    .option('--person <id>', 'person id (worker)')
    .action(
      async (options: {
        login: string;
        name: string;
        role: string;
        region: string;
        organisation?: string;
        person?: string;
      }) => {
        if (!isRole(options.role)) throw new Error(`unknown role ${options.role}`);
        const password = await readStdinLine();
        if (isPublishedPassword(password)) throw new Error('the published demo password may not be used');
        const id = await withMigratedDatabase(loadConfig(), ({ db }) =>
          db.transaction().execute((trx) =>
            createUser(trx, CLI_CONTEXT, {
              loginName: options.login,
              displayName: options.name,
              password,
              role: options.role as (typeof ROLES)[number],
              regionCode: options.region,
              organisationId: options.organisation ? Number(options.organisation) : null,
              personId: options.person ? Number(options.person) : null,
              mustChangePassword: true,
            }),
          ),
        );
        write(`user ${options.login} created (id ${id}); the password must be changed at first login`);
      },
    );

  const accountAction = (
    name: string,
    description: string,
    action: string,
    change: () => Record<string, unknown>,
    notice?: () => string,
  ) =>
    user
      .command(name)
      .description(description)
      .argument('<loginName>')
      .action(async (loginName: string) => {
        const values = change();
        await withMigratedDatabase(loadConfig(), ({ db }) =>
          db.transaction().execute(async (trx) => {
            const row = await trx
              .updateTable('app_user')
              .set({ ...values, updated_at: new Date() })
              .where('login_name', '=', loginName)
              .returning(['id', 'region_code'])
              .executeTakeFirst();
            if (!row) throw new Error(`no user ${loginName}`);
            if (name === 'unlock') await clearLoginThrottle(trx, loginName);
            const revokedSessions = await revokeUserSessions(trx, row.id);
            await recordAudit(trx, CLI_CONTEXT, {
              action,
              objectType: 'user',
              objectId: row.id,
              provinceCode: provinceOf(row.region_code),
              after: {
                revokedSessions,
                ...('totp_enrolment_code_hash' in values && { enrolmentCodeIssued: true }),
              },
            });
          }),
        );
        write(`${name}: ${loginName} done`);
        if (notice) write(notice());
      });
  accountAction('disable', 'disable an account and revoke its sessions', 'user.disable', () => ({
    status: 'disabled',
  }));
  accountAction('enable', 'enable an account', 'user.enable', () => ({ status: 'active' }));
  accountAction('unlock', 'clear the login delays of an account', 'security.unlock', () => ({
    locked_until: null,
    failed_login_count: 0,
  }));
  let enrolmentCode = '';
  accountAction(
    'reset-totp',
    'remove the TOTP second factor; prints the one-time enrolment code to hand over out of band',
    'security.reset_totp',
    () => {
      enrolmentCode = newEnrolmentCode();
      return totpResetValues(enrolmentCode, new Date());
    },
    () => `one-time enrolment code (hand it over in person; valid 72 hours): ${enrolmentCode}`,
  );

  program
    .command('keys')
    .description('个人信息加密密钥 personal-data keys')
    .command('generate')
    .description(
      'print a new key for SKILLFUND_DATA_KEY ("<id>:<base64>"), one for SKILLFUND_INDEX_KEY and one for SKILLFUND_AUDIT_KEY',
    )
    .argument('<keyId>', 'key id, [a-z0-9_-]{1,16}, e.g. k2027')
    .action((keyId: string) => {
      write(`SKILLFUND_DATA_KEY=${generateKeyText(keyId)}`);
      write(`SKILLFUND_INDEX_KEY=${generateKeyText('x').slice(2)}`);
      write(`SKILLFUND_AUDIT_KEY=${generateKeyText(keyId)}`);
    });
}
