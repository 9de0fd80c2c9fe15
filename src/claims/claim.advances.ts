import { sql } from 'kysely';
import { type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import type { Citation } from '../policy/evaluate.types.ts';
import { resolvePack } from '../policy/packs/index.ts';
import { publishedAdvanceRule } from '../policy/parameter.query.ts';
import { SUBSIDY_KIND_LABELS, type SubsidyKind } from '../shared/vocabulary.ts';
import type { ClaimStatus } from './claim.workflow.ts';

/**
 * Advances (预拨) and their settlements (清算) as an applicant follows them: what the document of
 * its region allows, the trainings an advance may still be asked for (approved classes, running
 * or not yet started), and each advance claim with the settlement that closes it.
 */

/** What the document in force in the caller's region says about advances, in a sentence. */
export interface AdvancePolicy {
  regionCode: string;
  /** The document (文号) that governs the region, null when none does. */
  document: string | null;
  title: string | null;
  /** The document provides advance payment at all. */
  isProvided: boolean;
  maxSharePercent: number | null;
  allowedKinds: string[];
  citation: Citation | null;
  /** Why an advance may or may not be asked, for the applicant to read. */
  explanation: string;
}

/** An approved class of the applicant, with the advance already asked for it. */
export interface AdvanceCandidate {
  id: number;
  name: string;
  regionCode: string;
  subsidyKind: string;
  startsAt: Date;
  endsAt: Date;
  advanceClaimId: number | null;
}

interface ClaimBrief {
  id: number;
  claimNumber: string;
  status: ClaimStatus;
  applicationDate: string;
  totalAmountFen: number;
}

/** An advance claim and the settlement claim (if any) that closes it. */
export interface AdvanceItem {
  advance: ClaimBrief & { classId: number | null; className: string | null; subsidyKind: string };
  settlement: ClaimBrief | null;
}

const ORGANISATION_ROLES = ['institution_operator', 'enterprise_operator', 'evaluation_org_operator'];

export async function advancePolicyOf(
  executor: Executor,
  regionCode: string,
  today: string,
): Promise<AdvancePolicy> {
  const pack = resolvePack(regionCode);
  const rule = await publishedAdvanceRule(executor, regionCode, today);
  const base = { regionCode, document: pack?.document ?? null, title: pack?.title ?? null };
  if (!pack)
    return {
      ...base,
      isProvided: false,
      maxSharePercent: null,
      allowedKinds: [],
      citation: null,
      explanation: '本地区没有适用的政策文件，不能申请预拨。',
    };
  if (!rule)
    return {
      ...base,
      isProvided: false,
      maxSharePercent: null,
      allowedKinds: [],
      citation: null,
      explanation: `本地区适用的${pack.document}未规定先行拨付（预拨）培训补贴：请在培训结束后按全额申请。`,
    };
  const kinds = rule.allowedKinds.map((kind) => SUBSIDY_KIND_LABELS[kind as SubsidyKind] ?? kind).join('、');
  return {
    ...base,
    isProvided: true,
    maxSharePercent: rule.maxSharePercent,
    allowedKinds: [...rule.allowedKinds],
    citation: rule.citation,
    explanation:
      `${rule.citation.doc}${rule.citation.article}：${rule.note}的，可先行拨付不高于` +
      `${rule.maxSharePercent}%的培训补贴（${kinds}）；培训结束后按核定金额清算，多退少补。`,
  };
}

/** The applicant's approved classes (not yet completed), each with its advance claim if any. */
async function candidatesOf(executor: Executor, organisationId: number): Promise<AdvanceCandidate[]> {
  const rows = await executor
    .selectFrom('training_class as k')
    .leftJoin('claim as c', (join) =>
      join
        .onRef('c.class_id', '=', 'k.id')
        .onRef('c.province_code', '=', 'k.province_code')
        .on('c.mode', '=', 'advance')
        .on('c.status', '!=', 'rejected'),
    )
    .select([
      'k.id',
      'k.name',
      'k.region_code',
      'k.subsidy_kind',
      'k.starts_at',
      'k.ends_at',
      (eb) => eb.fn.max('c.id').as('advance_claim_id'),
    ])
    .where('k.institution_id', '=', organisationId)
    .where('k.status', '=', 'approved')
    .groupBy(['k.id', 'k.name', 'k.region_code', 'k.subsidy_kind', 'k.starts_at', 'k.ends_at'])
    .orderBy('k.starts_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    regionCode: row.region_code,
    subsidyKind: row.subsidy_kind,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    advanceClaimId: row.advance_claim_id === null ? null : Number(row.advance_claim_id),
  }));
}

function brief(row: {
  id: number;
  claim_number: string;
  status: string;
  application_date: string;
  total_amount_fen: number | string;
}): ClaimBrief {
  return {
    id: row.id,
    claimNumber: row.claim_number,
    status: row.status as ClaimStatus,
    applicationDate: row.application_date,
    totalAmountFen: Number(row.total_amount_fen),
  };
}

/**
 * The caller's advances (an organisation's own; an officer's region), newest first, one page,
 * each with its latest settlement; the policy of the caller's region on `today` and, for an
 * organisation, the classes an advance may be asked for.
 */
export async function listAdvances(
  executor: Executor,
  principal: Principal,
  query: { page: number; pageSize: number; today: string },
) {
  const isOrganisation = ORGANISATION_ROLES.includes(principal.role);
  let base = executor.selectFrom('claim as a').where('a.mode', '=', 'advance');
  base = isOrganisation
    ? base.where('a.applicant_organisation_id', '=', principal.organisationId ?? -1)
    : base.where('a.region_code', 'like', regionLikePattern(principal.regionCode));
  const [rows, total, policy, classes] = await Promise.all([
    base
      .leftJoin('training_class as k', (join) =>
        join.onRef('k.id', '=', 'a.class_id').onRef('k.province_code', '=', 'a.province_code'),
      )
      .select([
        'a.id',
        'a.claim_number',
        'a.status',
        'a.application_date',
        'a.total_amount_fen',
        'a.class_id',
        'a.subsidy_kind',
        'k.name as class_name',
      ])
      .orderBy('a.id', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
    advancePolicyOf(executor, principal.regionCode, query.today),
    isOrganisation && principal.organisationId !== null
      ? candidatesOf(executor, principal.organisationId)
      : Promise.resolve([]),
  ]);
  const settlements =
    rows.length === 0
      ? []
      : await executor
          .selectFrom('claim')
          .select([
            'id',
            'claim_number',
            'status',
            'application_date',
            'total_amount_fen',
            'advance_claim_id',
          ])
          .where(
            'advance_claim_id',
            'in',
            rows.map((row) => row.id),
          )
          .where('status', '!=', 'rejected')
          .orderBy('id', 'asc')
          .execute();
  const items: AdvanceItem[] = rows.map((row) => {
    const settlement = settlements.filter((candidate) => candidate.advance_claim_id === row.id).at(-1);
    return {
      advance: {
        ...brief(row),
        classId: row.class_id,
        className: row.class_name ?? null,
        subsidyKind: row.subsidy_kind,
      },
      settlement: settlement ? brief(settlement) : null,
    };
  });
  return { items, total: total.count, page: query.page, pageSize: query.pageSize, policy, classes };
}
