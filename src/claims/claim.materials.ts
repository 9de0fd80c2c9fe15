import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { InferResult } from 'kysely';
import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import type { Citation } from '../policy/evaluate.types.ts';
import { type MaterialsRules, materialsRules, publishedMaterialsRules } from '../policy/parameter.query.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { assertClaimVisible } from './claim.access.ts';
import { selectClaimRow } from './claim.repository.ts';
import { paidMonthKeys } from './claim.usage.ts';
import { verifiedMonthsOf } from './contribution.service.ts';

/** One item of the materials checklist (申报材料清单) of a claim. */
export interface MaterialRequirement {
  code: string;
  label: string;
  isRequired: boolean;
  /** Why it is required, or why it is waived. */
  note: string;
  citation: Citation | null;
}

export interface ChecklistFacts {
  provinceCode: string;
  /** The claim's application date: the document's rules in force on it apply. */
  date: string;
  subsidyKind: string;
  applicantKind: string;
  /** The applicant is a classified (涉密) enterprise. */
  isClassifiedEnterprise: boolean;
  /** Every month a 以工代训 claim pays is verified by the imported social-insurance contributions. */
  isPayrollVerified: boolean;
  /** An advance (预拨) claimed while the training runs: there are no certificates yet. */
  isAdvance?: boolean;
}

/** The label of each material a checklist may name. */
export const MATERIAL_LABELS: Record<string, string> = {
  labour_contracts: '劳动合同',
  employee_roster: '职工花名册',
  payroll_bank_statement: '工资发放银行对账单',
  certificate_list: '取证人员及证书清单',
  roster: '培训学员花名册',
  certificates: '结业或职业技能证书复印件',
  training_plan: '培训计划',
  sign_in_sheets: '学员签到表',
  training_video: '培训视频类资料',
  invoice: '培训费发票或行政事业性收费票据',
};
const labelOf = (code: string) => MATERIAL_LABELS[code] ?? code;

const need = (code: string, note = '必备材料', citation: Citation | null = null): MaterialRequirement => ({
  code,
  label: labelOf(code),
  isRequired: true,
  note,
  citation,
});
const waived = (code: string, note: string, citation: Citation): MaterialRequirement => ({
  code,
  label: labelOf(code),
  isRequired: false,
  note,
  citation,
});

function onTheJobChecklist(facts: ChecklistFacts, rules: MaterialsRules): MaterialRequirement[] {
  const list = [need('labour_contracts')];
  const waiver = facts.isPayrollVerified ? rules.payrollVerifiedWaived : undefined;
  for (const code of ['employee_roster', 'payroll_bank_statement']) {
    list.push(
      waiver?.codes.includes(code)
        ? waived(code, '已通过大数据比对核实工资发放，无需提供', waiver.citation)
        : need(code),
    );
  }
  const never = rules.onTheJobTrainingWaived;
  for (const code of never?.codes ?? []) list.push(waived(code, never!.note, never!.citation));
  return list;
}

/**
 * The materials a claim must carry, by subsidy kind and applicant, and by what the document of its
 * province says (the policy pack's `materials.*` parameters): e.g. enterprises (except classified
 * ones) claiming directly in Jiangxi and Chongqing give no invoice; Chongqing enterprise training
 * centres give the training plan, sign-in sheets and video.
 */
export function materialsChecklist(
  facts: ChecklistFacts,
  rules: MaterialsRules = materialsRules(facts.provinceCode, facts.date),
): MaterialRequirement[] {
  if (facts.subsidyKind === 'on_the_job_training') return onTheJobChecklist(facts, rules);
  if (facts.subsidyKind === 'certificate') return [need('certificate_list')];
  if (facts.isAdvance) return [need('roster'), need('training_plan')];
  const list = [need('roster'), need('certificates')];
  const isDirectEnterprise = facts.applicantKind === 'enterprise' && !facts.isClassifiedEnterprise;
  const extra = isDirectEnterprise ? rules.directEnterpriseRequired : undefined;
  for (const code of extra?.codes ?? []) list.push(need(code, extra!.note, extra!.citation));
  if (!extra?.codes.includes('sign_in_sheets')) list.push(need('sign_in_sheets'));
  const noInvoice = isDirectEnterprise ? rules.directEnterpriseInvoiceWaived : undefined;
  list.push(noInvoice ? waived('invoice', noInvoice.note, noInvoice.citation) : need('invoice'));
  return list;
}

/**
 * 大数据比对: every line of a 以工代训 claim pays a period whose every month the imported
 * social-insurance contribution list verifies (a contribution above zero by the enterprise for
 * the person). The enterprise's own payroll entries verify nothing.
 */
async function isVerifiedBySocialInsurance(executor: Executor, claimId: number): Promise<boolean> {
  const lines = await executor
    .selectFrom('claim_line as l')
    .innerJoin('employment_record as e', 'e.id', 'l.employment_id')
    .select(['e.person_id', 'e.enterprise_id', 'l.period_start', 'l.period_end', 'l.is_eligible'])
    .where('l.claim_id', '=', claimId)
    .execute();
  if (lines.length === 0) return false;
  const verified = await verifiedMonthsOf(
    executor,
    lines.map((line) => ({ personId: line.person_id, enterpriseId: line.enterprise_id })),
  );
  return lines.every((line) => {
    if (!line.is_eligible || line.period_start === null || line.period_end === null) return false;
    const months = verified.get(`${line.person_id}:${line.enterprise_id}`) ?? [];
    return paidMonthKeys(line.period_start, line.period_end).every((month) => months.includes(month));
  });
}

type ClaimRow = NonNullable<Awaited<ReturnType<typeof selectClaimRow>>>;

/** The files uploaded against a claim's checklist (to send with others: src/db/together.ts). */
export function claimAttachmentsQuery(executor: Executor, claimId: number) {
  return executor
    .selectFrom('claim_attachment')
    .select(['id', 'material_code', 'file_name', 'content_type', 'size_bytes', 'sha256', 'uploaded_at'])
    .where('claim_id', '=', claimId)
    .orderBy('id');
}

type AttachmentRow = InferResult<ReturnType<typeof claimAttachmentsQuery>>[number];
type Organisation = NonNullable<Awaited<ReturnType<typeof getOrganisation>>>;

/**
 * The checklist of a stored claim, with what has been uploaded against each item. A caller that
 * has read the claim (and its applicant) already passes them (`known`), saving both reads.
 */
export async function claimChecklist(
  executor: Executor,
  claimId: number,
  known?: {
    claim: ClaimRow;
    applicant: Organisation | undefined;
    /** The rows of `claimAttachmentsQuery`, read by the caller. */
    attachments?: readonly AttachmentRow[];
  },
) {
  const claim = known?.claim ?? (await selectClaimRow(executor, claimId));
  if (!claim) throw notFound('补贴申请', claimId);
  const applicant = known
    ? known.applicant
    : claim.applicant_organisation_id === null
      ? undefined
      : await getOrganisation(executor, claim.applicant_organisation_id);
  const isPayrollVerified =
    claim.subsidy_kind === 'on_the_job_training' && (await isVerifiedBySocialInsurance(executor, claimId));
  const requirements = materialsChecklist(
    {
      provinceCode: claim.province_code,
      date: claim.application_date,
      subsidyKind: claim.subsidy_kind,
      applicantKind: claim.applicant_kind,
      isClassifiedEnterprise: applicant?.employerFlags.includes('classified') ?? false,
      isPayrollVerified,
      isAdvance: claim.mode === 'advance',
    },
    await publishedMaterialsRules(executor, claim.province_code, claim.application_date),
  );
  const attachments = known?.attachments ?? (await claimAttachmentsQuery(executor, claimId).execute());
  return requirements.map((requirement) => ({
    ...requirement,
    attachments: attachments
      .filter((attachment) => attachment.material_code === requirement.code)
      .map((attachment) => ({
        id: attachment.id,
        fileName: attachment.file_name,
        contentType: attachment.content_type,
        sizeBytes: attachment.size_bytes,
        sha256: attachment.sha256,
        uploadedAt: attachment.uploaded_at.toISOString(),
      })),
  }));
}

/** Refuses to submit a claim whose required materials are not all uploaded. */
export async function assertMaterialsComplete(
  executor: Executor,
  claimId: number,
  known?: Parameters<typeof claimChecklist>[2],
): Promise<void> {
  const checklist = await claimChecklist(executor, claimId, known);
  const missing = checklist.filter((item) => item.isRequired && item.attachments.length === 0);
  if (missing.length > 0) {
    throw new AppError(
      'MATERIALS_MISSING',
      `缺少申报材料：${missing.map((item) => item.label).join('、')}`,
      missing.map((item) => ({ field: `materials.${item.code}`, message: `${item.label} 未上传` })),
    );
  }
}

const ALLOWED_TYPES = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'video/mp4',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
]);

/**
 * Stores an uploaded file under the upload directory by its SHA-256 (so the same file is kept
 * once and any later change is detectable) and records it against a checklist item.
 */
export async function attachMaterial(
  executor: Executor,
  context: AuditContext,
  input: {
    claimId: number;
    materialCode: string;
    fileName: string;
    contentType: string;
    content: Buffer;
    uploadDir: string;
  },
) {
  const claim = await selectClaimRow(executor, input.claimId, true);
  if (!claim) throw notFound('补贴申请', input.claimId);
  assertClaimVisible(context.actor!, claim);
  if (!['draft', 'returned'].includes(claim.status)) {
    throw new AppError('INVALID_STATE', '只有草稿或退回修改的申请可以上传材料', [
      { field: 'status', message: claim.status },
    ]);
  }
  const checklist = await claimChecklist(executor, input.claimId);
  if (!checklist.some((item) => item.code === input.materialCode)) {
    throw new AppError('VALIDATION_FAILED', `材料类别 ${input.materialCode} 不在该申请的材料清单中`, [
      {
        field: 'materialCode',
        message: `应为材料清单中的一项：${checklist.map((item) => item.label).join('、')}`,
      },
    ]);
  }
  if (!ALLOWED_TYPES.has(input.contentType)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `不支持的文件类型：${input.contentType}`, [
      { field: 'file', message: '须为 PDF、JPEG、PNG、MP4、xlsx 或 CSV 文件' },
    ]);
  }
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const relativePath = path.join(sha256.slice(0, 2), sha256);
  const absolutePath = path.join(input.uploadDir, relativePath);
  await fs.mkdir(path.dirname(absolutePath), { recursive: true });
  await fs.writeFile(absolutePath, input.content, { flag: 'w' });
  const { id } = await executor
    .insertInto('claim_attachment')
    .values({
      province_code: claim.province_code,
      claim_id: input.claimId,
      material_code: input.materialCode,
      file_name: input.fileName.slice(0, 200),
      content_type: input.contentType,
      size_bytes: input.content.length,
      sha256,
      storage_path: relativePath,
      uploaded_by_user_id: context.actor?.userId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(executor, context, {
    action: 'claim.attachment.upload',
    objectType: 'claim',
    objectId: input.claimId,
    provinceCode: claim.province_code,
    after: { attachmentId: id, materialCode: input.materialCode, sha256, sizeBytes: input.content.length },
  });
  return { id, materialCode: input.materialCode, sha256, sizeBytes: input.content.length };
}
