import type { ExportColumn } from '../auth/list-export.ts';
import { CERTIFICATE_TYPE_LABELS, LEVEL_LABELS, type Level } from '../shared/vocabulary.ts';
import type { Assessment } from './assessment.service.ts';
import type { Certificate } from './certificate.service.ts';

/**
 * The sheets of the evaluation organisation's lists on 考核评价与发证 (`/api/assessments.xlsx`,
 * `/api/evaluation/certificates.xlsx`): Chinese headers, levels, certificate types and statuses as
 * the page labels them, occupations by name (code beside). The routes read the rows through the
 * same service calls as the JSON lists; neither list names a person, so neither sheet does.
 */

const levelLabel = (level: string | null) => (level ? (LEVEL_LABELS[level as Level] ?? level) : '');

export const ASSESSMENT_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<Assessment>> = [
  { header: '考核编号', value: (item) => item.id },
  { header: '职业（工种）', width: 28, value: (item, names) => names.occupation(item.occupationCode) },
  { header: '职业代码', width: 14, value: (item) => item.occupationCode },
  { header: '等级', width: 14, value: (item) => levelLabel(item.level) },
  { header: '考核日期（业务日期）', width: 14, value: (item) => item.assessedOn },
  { header: '考生人数', value: (item) => item.candidates },
  { header: '合格人数', value: (item) => item.passed },
];

export const EVALUATION_CERTIFICATE_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<Certificate>> = [
  { header: '证书编号', width: 24, value: (item) => item.certificateNumber },
  {
    header: '证书类型',
    width: 18,
    value: (item) => CERTIFICATE_TYPE_LABELS[item.certificateType] ?? item.certificateType,
  },
  { header: '等级', width: 14, value: (item) => levelLabel(item.level) },
  { header: '职业（工种）', width: 28, value: (item, names) => names.occupation(item.occupationCode) },
  { header: '职业代码', width: 14, value: (item) => item.occupationCode },
  { header: '持证人编号', value: (item) => item.personId },
  { header: '考核编号', value: (item) => item.assessmentId },
  { header: '发证日期（业务日期）', width: 14, value: (item) => item.issuedOn },
  { header: '状态', value: (item) => (item.revokedOn ? '已撤销' : '有效') },
  { header: '撤销日期（业务日期）', width: 14, value: (item) => item.revokedOn },
  { header: '撤销理由', width: 36, value: (item) => item.revocationReason },
];
