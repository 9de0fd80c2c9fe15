import { Card, Descriptions, List, Space, Statistic, Tag } from 'antd';
import { date } from '../format.ts';
import { useLanguage } from '../i18n.tsx';
import type { Person } from '../shared-types.ts';
import { CERTIFICATE_TYPES, CLASS_STATUSES, LEVELS, label, SUBSIDY_KINDS } from '../vocabulary.ts';
import { Money } from './common.tsx';

export interface PersonArchive {
  person: Person;
  classes: {
    classId: number;
    classCode: string | null;
    name: string;
    occupationCode: string;
    level: string;
    institutionName: string | null;
    startsAt: string;
    endsAt: string;
    status: string;
    attendance: { attendedClassHours: number; scheduledClassHours: number; attendanceRate: number };
    creditedClassHours: number;
  }[];
  certificates: {
    id: number;
    certificateType: string;
    level: string | null;
    certificateNumber: string;
    issuer: string;
    issuedOn: string;
  }[];
  subsidies: { claimId: number; subsidyKind: string; amountFen: number; paidOn: string | null }[];
  credits: {
    offlineClassHours: number;
    onlineClassHours: number;
    creditedOnlineClassHours: number;
    totalCreditedClassHours: number;
  };
}

/** A person's electronic training archive; a list layout that works on a phone. */
export function ArchiveView({ archive }: { archive: PersonArchive }) {
  const { language } = useLanguage();
  return (
    <Space direction="vertical" className="full-width" size="middle">
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label="姓名">{archive.person.name}</Descriptions.Item>
        <Descriptions.Item label="身份证号">
          <span className="id-number">{archive.person.idNumber}</span>
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title="累计学时">
        <Space wrap size="large">
          <Statistic title="线下学时" value={archive.credits.offlineClassHours} />
          <Statistic title="线上学时（计入）" value={archive.credits.creditedOnlineClassHours} />
          <Statistic title="累计计入学时" value={archive.credits.totalCreditedClassHours} />
        </Space>
      </Card>
      <Card size="small" title="培训经历">
        <List
          dataSource={archive.classes}
          locale={{ emptyText: '暂无数据' }}
          renderItem={(item) => (
            <List.Item>
              <List.Item.Meta
                title={`${item.name}（${label(LEVELS, item.level, language)}）`}
                description={`${item.institutionName ?? ''} · ${date(item.startsAt)} 至 ${date(item.endsAt)} · 出勤 ${item.attendance.attendedClassHours}/${item.attendance.scheduledClassHours} 学时`}
              />
              <Tag>{label(CLASS_STATUSES, item.status, language)}</Tag>
            </List.Item>
          )}
        />
      </Card>
      <Card size="small" title="证书">
        <List
          dataSource={archive.certificates}
          locale={{ emptyText: '暂无数据' }}
          renderItem={(item) => (
            <List.Item data-testid={`archive-certificate-${item.id}`}>
              <List.Item.Meta
                title={`${label(CERTIFICATE_TYPES, item.certificateType, language)}${item.level ? `（${label(LEVELS, item.level, language)}）` : ''}`}
                description={`编号 ${item.certificateNumber} · ${item.issuer} · ${item.issuedOn}`}
              />
            </List.Item>
          )}
        />
      </Card>
      <Card size="small" title="享受补贴">
        <List
          dataSource={archive.subsidies}
          locale={{ emptyText: '暂无数据' }}
          renderItem={(item) => (
            <List.Item>
              {label(SUBSIDY_KINDS, item.subsidyKind, language)} · <Money fen={item.amountFen} /> ·{' '}
              {item.paidOn ?? '未支付'}
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
