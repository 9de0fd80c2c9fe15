import { chinaDateTime, type ExportColumn } from '../auth/list-export.ts';
import type { InstitutionRating } from './rating.service.ts';
import type { AppealStatus, Sanction, SanctionAction } from './sanction.service.ts';

/**
 * The sheets of the sanction and rating lists (`/api/supervision/sanctions.xlsx`,
 * `/api/supervision/ratings.xlsx`): Chinese headers, codes as the pages label them, organisations
 * and regions by name. The routes read the rows through the same service calls as the JSON lists.
 */

const SANCTION_ACTION_LABELS: Record<SanctionAction, string> = {
  suspended: '暂停',
  blacklisted: '列入黑名单',
};

const APPEAL_STATUS_LABELS: Record<AppealStatus, string> = {
  none: '未申诉',
  filed: '申诉待复核',
  upheld: '维持处罚',
  overturned: '撤销处罚',
};

const ORGANISATION_KIND_LABELS: Record<string, string> = {
  enterprise: '企业',
  institution: '培训机构',
  evaluation_org: '评价机构',
  review_agency: '第三方审核机构',
};

export const SANCTION_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<Sanction>> = [
  { header: '处罚编号', value: (item) => item.id },
  { header: '单位', width: 28, value: (item) => item.organisationName },
  {
    header: '单位类型',
    width: 14,
    value: (item) => ORGANISATION_KIND_LABELS[item.organisationKind] ?? item.organisationKind,
  },
  { header: '地区', width: 14, value: (item, names) => names.region(item.regionCode) },
  { header: '地区代码', value: (item) => item.regionCode },
  { header: '处罚措施', width: 12, value: (item) => SANCTION_ACTION_LABELS[item.action] },
  { header: '生效日期（业务日期）', width: 14, value: (item) => item.effectiveDate },
  { header: '处罚理由', width: 36, value: (item) => item.reason },
  { header: '核查案件编号', value: (item) => item.caseId },
  { header: '申诉状态', width: 12, value: (item) => APPEAL_STATUS_LABELS[item.appealStatus] },
  { header: '申诉日期（业务日期）', width: 14, value: (item) => item.appealFiledOn },
  { header: '申诉理由', width: 36, value: (item) => item.appealGrounds },
  { header: '复核意见', width: 36, value: (item) => item.appealDecision },
  { header: '处罚记录时间（系统时钟）', width: 20, value: (item) => chinaDateTime(item.decidedAt) },
  { header: '复核记录时间（系统时钟）', width: 20, value: (item) => chinaDateTime(item.appealDecidedAt) },
];

export const RATING_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<InstitutionRating>> = [
  { header: '培训机构', width: 28, value: (item, names) => names.organisation(item.institutionId) },
  { header: '机构编号', value: (item) => item.institutionId },
  { header: '年度', value: (item) => String(item.year) },
  { header: '等级', value: (item) => `${item.grade} 级` },
  { header: '综合得分', value: (item) => item.score },
  { header: '评定说明', width: 60, value: (item) => item.explanation.join('；') },
  { header: '评定时间（系统时钟）', width: 20, value: (item) => chinaDateTime(item.computedAt) },
];
