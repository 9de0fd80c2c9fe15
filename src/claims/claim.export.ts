import ExcelJS from 'exceljs';
import type { Executor } from '../db/database.ts';
import { maskIdNumber } from '../shared/crypto.ts';
import { personsById } from './claim.facts.ts';
import { selectClaimDetail } from './claim.repository.ts';
import type { ClaimSummary } from './claim.types.ts';
import { CLAIM_STATUS_LABELS } from './claim.workflow.ts';

const yuan = (amountFen: number) => Math.round(amountFen) / 100;

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
      yuan(amount),
      line.status === 'excluded'
        ? '异议成立，已排除'
        : line.isEligible
          ? '符合条件'
          : line.decision.denials.map((denial) => denial.message).join('；'),
    ]);
  }
  sheet.addRow(['合计', '', '', '', yuan(total), '']);
  sheet.getColumn(2).width = 12;
  sheet.getColumn(3).width = 22;
  sheet.getColumn(4).width = 40;
  sheet.getColumn(6).width = 40;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A page of claims as xlsx (no personal data: claims are per organisation). */
export async function claimListWorkbook(claims: ClaimSummary[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('补贴申请');
  sheet.addRow([
    '申请编号',
    '辖区',
    '补贴类别',
    '申请日期',
    '状态',
    '明细数',
    '符合条件人数',
    '核定金额（元）',
  ]);
  for (const claim of claims) {
    sheet.addRow([
      claim.claimNumber,
      claim.regionCode,
      claim.subsidyKind,
      claim.applicationDate,
      CLAIM_STATUS_LABELS[claim.status],
      claim.lineCount,
      claim.eligibleLineCount,
      yuan(claim.totalAmountFen),
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
