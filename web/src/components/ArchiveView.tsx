import { Card, Descriptions, List, Space, Statistic, Tag } from 'antd';
import type { Answer } from '../api/types.ts';
import { date } from '../format.ts';
import { useLanguage } from '../i18n.tsx';
import {
  CERTIFICATE_TYPES,
  CLAIM_STATUSES,
  CLASS_STATUSES,
  LEVELS,
  label,
  SUBSIDY_KINDS,
} from '../vocabulary.ts';
import { Money } from './common.tsx';

/** A person's electronic training archive (GET /api/persons/{id}/archive, GET /api/me/archive). */
export type PersonArchive = Answer<'/api/me/archive', 'get'>;

const SUBSIDY_STATUS_COLOURS: Record<string, string> = {
  paid: 'green',
  payment_failed: 'red',
  in_notice: 'gold',
};

/** Where a subsidy stands, in the words a worker reads on a phone. */
function subsidyProgress(status: string | undefined, paidOn: string | null): string {
  switch (status) {
    case 'submitted':
    case 'reviewed':
      return '人社部门审核中';
    case 'in_notice':
      return '公示中，公示期满无异议后审批';
    case 'approved':
      return '已审批，等待财政下达支付';
    case 'payment_ordered':
      return '已下达支付，等待银行到账';
    case 'paid':
      return paidOn ? `已于 ${paidOn} 支付` : '已支付';
    case 'payment_failed':
      return '银行支付未成功，经办机构更正收款账户后重新支付';
    default:
      return paidOn ? `已于 ${paidOn} 支付` : '未支付';
  }
}

/**
 * A person's electronic training archive; a list layout that works on a phone. `showsPerson`
 * false leaves out the name and ID number where the page around it already shows them.
 */
export function ArchiveView({
  archive,
  showsPerson = true,
}: {
  archive: PersonArchive;
  showsPerson?: boolean;
}) {
  const { language } = useLanguage();
  return (
    <Space direction="vertical" className="full-width" size="middle">
      {showsPerson && (
        <Descriptions bordered size="small" column={1}>
          <Descriptions.Item label="姓名">{archive.person.name}</Descriptions.Item>
          <Descriptions.Item label="身份证号">
            <span className="id-number">{archive.person.idNumber}</span>
          </Descriptions.Item>
        </Descriptions>
      )}
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
      <Card size="small" title="补贴进度" data-testid="archive-subsidies">
        <List
          dataSource={archive.subsidies}
          locale={{ emptyText: '暂无补贴申请' }}
          renderItem={(item) => (
            <List.Item data-testid={`archive-subsidy-${item.claimId}`}>
              <List.Item.Meta
                title={
                  <Space wrap size={4}>
                    {label(SUBSIDY_KINDS, item.subsidyKind, language)}
                    <Money fen={item.amountFen} />
                    {item.status && (
                      <Tag color={SUBSIDY_STATUS_COLOURS[item.status] ?? 'blue'}>
                        {label(CLAIM_STATUSES, item.status, language)}
                      </Tag>
                    )}
                  </Space>
                }
                description={`${item.claimNumber ? `申请编号 ${item.claimNumber} · ` : ''}${subsidyProgress(item.status, item.paidOn)}`}
              />
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
