import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { isWithinRegion, type Principal } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { assertClaimVisible } from './claim.access.ts';
import { selectClaimRow } from './claim.repository.ts';

/**
 * On-site inspections (现场核查) by a third-party review agency (渝人社发〔2021〕12号 七): the
 * agency's reviewer checks a class's claim on site and records the result, its findings and
 * optionally a file (a record, a photo). Only a claim whose region a contract of the agency covers
 * on the inspection's business date, never a date after the business today; audited; every
 * officer who sees the claim reads its inspections.
 */
export type InspectionResult = 'passed' | 'minor_issues' | 'failed';

export interface ClaimInspection {
  id: number;
  claimId: number;
  classId: number | null;
  agencyId: number;
  agencyName: string;
  contractNumber: string;
  /** Business date of the check (业务日期). */
  inspectedOn: string;
  result: InspectionResult;
  findings: string;
  attachment: { fileName: string; contentType: string; sizeBytes: number; sha256: string } | null;
  /** When it was recorded, on the system clock (记录时间). */
  recordedAt: string;
}

const ATTACHMENT_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png', 'video/mp4']);

async function visibleClaim(executor: Executor, principal: Principal, claimId: number) {
  const claim = await selectClaimRow(executor, claimId);
  if (!claim) throw notFound('补贴申请', claimId);
  assertClaimVisible(principal, claim);
  return claim;
}

export async function recordClaimInspection(
  executor: Executor,
  context: AuditContext,
  input: {
    claimId: number;
    inspectedOn: string;
    result: InspectionResult;
    findings: string;
    attachment?: { fileName: string; contentType: string; content: Buffer };
    today: string;
    uploadDir: string;
  },
): Promise<ClaimInspection> {
  const principal = context.actor!;
  const claim = await visibleClaim(executor, principal, input.claimId);
  const agency =
    principal.role === 'third_party_reviewer' && principal.organisationId !== null
      ? await getOrganisation(executor, principal.organisationId)
      : undefined;
  if (agency?.kind !== 'review_agency')
    throw new AppError('FORBIDDEN', '现场核查由第三方审核机构在合同范围内登记', [
      { field: 'role', message: '仅第三方审核机构人员可登记' },
    ]);
  if (agency.status !== 'active')
    throw new AppError('FORBIDDEN', '第三方审核机构已被暂停或列入黑名单，不能登记现场核查', [
      { field: 'agency', message: '审核机构已被暂停或列入黑名单' },
    ]);
  if (input.inspectedOn > input.today)
    throw new AppError('VALIDATION_FAILED', `检查日期晚于业务日期（${input.today}）`, [
      { field: 'inspectedOn', message: `不能晚于业务日期 ${input.today}` },
    ]);
  const contracts = await executor
    .selectFrom('review_agency_contract')
    .select(['id', 'contract_number', 'region_codes'])
    .where('agency_id', '=', agency.id)
    .where('status', '=', 'active')
    .where('starts_on', '<=', input.inspectedOn)
    .where('ends_on', '>=', input.inspectedOn)
    .orderBy('id')
    .execute();
  const contract = contracts.find((row) =>
    ((row.region_codes as string[]) ?? []).some((code) => isWithinRegion(code, claim.region_code)),
  );
  if (!contract)
    throw new AppError('FORBIDDEN', '第三方审核机构在该地区、该日期没有有效的审核服务合同', [
      {
        field: 'inspectedOn',
        message: `${input.inspectedOn} 在 ${claim.region_code} 没有有效的审核服务合同`,
      },
    ]);
  let stored: { file_name: string; content_type: string; size: number; sha256: string; path: string } | null =
    null;
  if (input.attachment) {
    if (!ATTACHMENT_TYPES.has(input.attachment.contentType))
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `不支持的文件类型：${input.attachment.contentType}`, [
        { field: 'attachment.contentType', message: '须为 PDF、JPEG、PNG 或 MP4 文件' },
      ]);
    const sha256 = createHash('sha256').update(input.attachment.content).digest('hex');
    const relativePath = path.join('inspections', sha256.slice(0, 2), sha256);
    const absolutePath = path.join(input.uploadDir, relativePath);
    await fs.mkdir(path.dirname(absolutePath), { recursive: true });
    await fs.writeFile(absolutePath, input.attachment.content);
    stored = {
      file_name: input.attachment.fileName.slice(0, 200),
      content_type: input.attachment.contentType,
      size: input.attachment.content.length,
      sha256,
      path: relativePath,
    };
  }
  const row = await executor
    .insertInto('claim_inspection')
    .values({
      province_code: claim.province_code,
      claim_id: claim.id,
      class_id: claim.class_id ?? null,
      agency_id: agency.id,
      contract_id: contract.id,
      inspected_on: input.inspectedOn,
      result: input.result,
      findings: input.findings,
      attachment_file_name: stored?.file_name ?? null,
      attachment_content_type: stored?.content_type ?? null,
      attachment_size_bytes: stored?.size ?? null,
      attachment_sha256: stored?.sha256 ?? null,
      attachment_storage_path: stored?.path ?? null,
      recorded_by_user_id: principal.userId,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'claim.inspection.record',
    objectType: 'claim_inspection',
    objectId: row.id,
    provinceCode: claim.province_code,
    after: {
      claimId: claim.id,
      contractNumber: contract.contract_number,
      inspectedOn: input.inspectedOn,
      result: input.result,
      findings: input.findings,
      attachmentSha256: stored?.sha256 ?? null,
    },
  });
  const [inspection] = await selectInspections(executor, claim.id, row.id);
  return inspection!;
}

async function selectInspections(executor: Executor, claimId: number, id?: number) {
  let query = executor
    .selectFrom('claim_inspection as i')
    .innerJoin('organisation as o', (join) =>
      join.onRef('o.id', '=', 'i.agency_id').onRef('o.province_code', '=', 'i.province_code'),
    )
    .innerJoin('review_agency_contract as k', (join) =>
      join.onRef('k.id', '=', 'i.contract_id').onRef('k.province_code', '=', 'i.province_code'),
    )
    .selectAll('i')
    .select(['o.name as agency_name', 'k.contract_number'])
    .where('i.claim_id', '=', claimId);
  if (id !== undefined) query = query.where('i.id', '=', id);
  const rows = await query.orderBy('i.inspected_on', 'desc').orderBy('i.id', 'desc').execute();
  return rows.map(
    (row): ClaimInspection => ({
      id: Number(row.id),
      claimId: Number(row.claim_id),
      classId: row.class_id === null ? null : Number(row.class_id),
      agencyId: Number(row.agency_id),
      agencyName: row.agency_name,
      contractNumber: row.contract_number,
      inspectedOn: row.inspected_on,
      result: row.result,
      findings: row.findings,
      attachment:
        row.attachment_sha256 === null
          ? null
          : {
              fileName: row.attachment_file_name ?? '',
              contentType: row.attachment_content_type ?? '',
              sizeBytes: Number(row.attachment_size_bytes ?? 0),
              sha256: row.attachment_sha256,
            },
      recordedAt: new Date(row.recorded_at).toISOString(),
    }),
  );
}

/** The inspections of a claim the caller may see, newest check first. */
export async function listClaimInspections(
  executor: Executor,
  principal: Principal,
  claimId: number,
): Promise<{ items: ClaimInspection[] }> {
  await visibleClaim(executor, principal, claimId);
  return { items: await selectInspections(executor, claimId) };
}
