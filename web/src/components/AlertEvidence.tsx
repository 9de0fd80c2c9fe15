import { Descriptions, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { dateTime } from '../format.ts';
import { useLanguage } from '../i18n.tsx';
import { LEVELS, label } from '../vocabulary.ts';
import { OccupationName } from './OccupationName.tsx';

/**
 * A risk alert's evidence, as the detector recorded it (src/supervision/risk.repository.ts), read
 * by an officer: each field by its Chinese name, the people, classes and claims it names as links
 * to their pages, instants on the China clock. The JSON keys stay for machines.
 */
const EVIDENCE_LABELS: Record<string, string> = {
  personId: '人员',
  personIds: '人员',
  classId: '培训班',
  claimId: '补贴申请',
  lineId: '申请明细行',
  institutionId: '培训机构编号',
  employmentId: '就业记录编号',
  certificateIds: '证书编号',
  classes: '重叠的培训班',
  startsAt: '开班时间',
  endsAt: '结业时间',
  from: '上一次签到',
  to: '本次签到',
  at: '签到时间',
  lat: '纬度',
  lng: '经度',
  distanceKm: '两地距离（公里）',
  speedKmh: '所需时速（公里/小时）',
  classStartsOn: '开班日期',
  classEndsOn: '结业日期',
  registry: '实名库登记状态',
  list: '比对名单',
  listId: '名单编号',
  title: '名单名称',
  asOf: '名单截止日期',
  validFrom: '有效期起',
  validTo: '有效期止',
  organisation: '提供单位',
  sessions: '课次数',
  flaggedSessions: '异常课次数',
  largestSameSecondGroup: '同一秒签到最多人数',
  signInsPerSession: '每课次签到人数（最多）',
  intervalSeconds: '签到间隔（秒，最短—最长）',
  examinees: '参考人数',
  passRate: '合格率',
  score: '最低成绩',
  certificates: '证书数',
  earliestIssuedOn: '最早发证日期',
  enrolled: '报名人数',
  institutionCapacity: '机构核定培训规模',
  largestGroup: '共用同一电话的最多人数',
  groups: '共用电话的人员组',
  sharing: '共用人数',
  missingMonths: '缺少工资发放记录的月数',
  lines: '涉及明细',
  months: '缺少记录的月份',
  trainees: '学员人数',
  certifiedUnemployed: '认定为失业人员的人数',
  employer: '用人单位',
  employerCreditCode: '用人单位统一社会信用代码',
  employedThere: '在该单位就业的人数',
  occupationCode: '职业（工种）',
  level: '等级',
  allowedOccupationCodes: '机构获准培训的职业（工种）',
  attendedClassHours: '实到学时',
  scheduledClassHours: '计划学时',
  minimumPercent: '最低出勤比例（%）',
  examDate: '考试日期',
};

/** How an evidence value reads: links for ids, names for codes, yes/no, China time for instants. */
function evidenceValue(key: string, value: unknown, language: 'zh' | 'en'): ReactNode {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object' || item === null)) {
      return (
        <Space wrap size={4} separator="、">
          {value.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of evidence values
            <span key={index}>{evidenceValue(key === 'personIds' ? 'personId' : key, item, language)}</span>
          ))}
        </Space>
      );
    }
    return (
      <Space direction="vertical" className="full-width" size={4}>
        {value.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of evidence records
          <EvidenceFields key={index} evidence={item} />
        ))}
      </Space>
    );
  }
  if (typeof value === 'object') return <EvidenceFields evidence={value} />;
  if (typeof value === 'boolean') return value ? '是' : '否';
  const text = String(value);
  switch (key) {
    case 'personId':
      return <Link to={`/app/persons/${text}`}>人员 {text}</Link>;
    case 'classId':
      return <Link to={`/app/classes/${text}`}>培训班 {text}</Link>;
    case 'claimId':
      return <Link to={`/app/claims/${text}`}>补贴申请 {text}</Link>;
    case 'occupationCode':
    case 'allowedOccupationCodes':
      return <OccupationName code={text} />;
    case 'level':
      return label(LEVELS, text, language);
    case 'registry':
      return text === 'receiving' ? '领取养老金' : text === 'none' ? '未领取养老金' : text;
    case 'passRate':
      return `${Math.round(Number(value) * 100)}%`;
    case 'startsAt':
    case 'endsAt':
    case 'at':
      return dateTime(text);
    default:
      return text;
  }
}

function EvidenceFields({ evidence }: { evidence: unknown }) {
  const { language } = useLanguage();
  if (!evidence || typeof evidence !== 'object')
    return <Typography.Text>{evidenceValue('', evidence, language)}</Typography.Text>;
  return (
    <Descriptions bordered size="small" column={1}>
      {Object.entries(evidence as Record<string, unknown>).map(([key, value]) => (
        <Descriptions.Item key={key} label={EVIDENCE_LABELS[key] ?? key}>
          {evidenceValue(key, value, language)}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** The evidence block of an alert (the alert list's expanded row). */
export function AlertEvidence({ evidence }: { evidence: unknown }) {
  return (
    <div data-testid="alert-evidence">
      <EvidenceFields evidence={evidence} />
    </div>
  );
}
