import ExcelJS from 'exceljs';
import { type ExportColumn, yuanOf } from '../auth/list-export.ts';
import type { Executor } from '../db/database.ts';
import { maskIdNumber } from '../shared/crypto.ts';
import { SUBSIDY_KIND_LABELS, type SubsidyKind } from '../shared/vocabulary.ts';
import { personsById } from './claim.facts.ts';
import { selectClaimDetail } from './claim.repository.ts';
import type { ClaimSummary } from './claim.types.ts';
import { CLAIM_STATUS_LABELS } from './claim.workflow.ts';

/**
 * The public-notice list (公示名单) of a claim as xlsx: one row per person with the masked ID
 * number, the subsidy and its amount in yuan. Nothing else about the person is published.
 */
export async function publicNoticeWorkbook(executor: Executor, claimId: number): Promise<Buffer> {
  const claim = (await selectClaimDetail(executor, claimId))!;
  const persons = await personsById(
    executor,
    claim.lines.map((line) => line.personId).filter((id): id is number => id !== null),
  );
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('公示名单');
  sheet.addRow([`补贴申请公示名单（申请编号 ${claim.claimNumber}）`]);
  sheet.addRow([`公示期：${claim.noticeStartsOn ?? '未开始'} 至 ${claim.noticeEndsOn ?? '—'}；金额单位：元`]);
  sheet.addRow(['序号', '姓名', '公民身份号码', '补贴项目', '补贴金额（元）', '核定结果']);
  let total = 0;
  for (const line of claim.lines) {
    const person = line.personId === null ? undefined : persons.get(line.personId);
    const amount = line.isEligible && line.status === 'active' ? line.amountFen : 0;
    total += amount;
    sheet.addRow([
      line.lineNumber,
      person?.name ?? '',
      person ? maskIdNumber(person.idNumber) : '',
      line.subject.replace(person?.name ?? '', '').trim(),
      yuanOf(amount),
      line.status === 'excluded'
        ? '异议成立，已排除'
        : line.isEligible
          ? '符合条件'
          : line.decision.denials.map((denial) => denial.message).join('；'),
    ]);
  }
  sheet.addRow(['合计', '', '', '', yuanOf(total), '']);
  sheet.getColumn(2).width = 12;
  sheet.getColumn(3).width = 22;
  sheet.getColumn(4).width = 40;
  sheet.getColumn(6).width = 40;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The claim list as a sheet (no personal data: claims are per organisation or per class). */
export const CLAIM_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<ClaimSummary>> = [
  { header: '申请编号', width: 20, value: (claim) => claim.claimNumber },
  { header: '地区', width: 14, value: (claim, names) => names.region(claim.regionCode) },
  { header: '地区代码', value: (claim) => claim.regionCode },
  {
    header: '申请单位',
    width: 24,
    value: (claim, names) => names.organisation(claim.applicantOrganisationId),
  },
  {
    header: '补贴类别',
    width: 24,
    value: (claim) => SUBSIDY_KIND_LABELS[claim.subsidyKind as SubsidyKind] ?? claim.subsidyKind,
  },
  { header: '申请日期', width: 12, value: (claim) => claim.applicationDate },
  { header: '状态', width: 12, value: (claim) => CLAIM_STATUS_LABELS[claim.status] },
  { header: '明细数', value: (claim) => claim.lineCount },
  { header: '符合条件人数', value: (claim) => claim.eligibleLineCount },
  { header: '核定金额（元）', width: 14, value: (claim) => yuanOf(claim.totalAmountFen) },
  { header: '风险预警阻断', value: (claim) => claim.isRiskBlocked },
  { header: '支付批次编号', value: (claim) => claim.paymentBatchId },
];
