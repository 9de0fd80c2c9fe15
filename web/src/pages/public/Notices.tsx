import { Alert, Card, Form, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { LoadState, Money } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { JURISDICTIONS, label, SUBSIDY_KINDS } from '../../vocabulary.ts';

type PublicNotice = Answer<'/api/public/notices', 'get'>['items'][number];

/** 公示: the claims whose public notice runs today, readable by anyone (no person is named). */
export function PublicNoticesPage() {
  const { language } = useLanguage();
  const [regionCode, setRegionCode] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/public/notices', { params: { query: { regionCode, page, pageSize: 20 } } })),
    [regionCode, page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        补贴公示
      </Typography.Title>
      <Card>
        <Alert
          type="info"
          showIcon
          className="block-gap"
          title="以下为正在公示的补贴申请。对公示内容有异议的，请在公示期内向申请所在地人力资源社会保障部门反映。"
        />
        <Form layout="inline" className="block-gap">
          <Form.Item label="地区">
            <Select
              allowClear
              placeholder="全部地区"
              className="region-select"
              value={regionCode}
              onChange={(value: string | undefined) => {
                setRegionCode(value);
                setPage(1);
              }}
              options={JURISDICTIONS.map((item) => ({ value: item.code, label: item.name }))}
            />
          </Form.Item>
        </Form>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="claimNumber"
              size="small"
              scroll={{ x: true }}
              dataSource={data.items}
              locale={{ emptyText: '当前没有正在公示的补贴申请' }}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              columns={[
                { title: '申请编号', dataIndex: 'claimNumber' },
                {
                  title: '地区',
                  dataIndex: 'regionCode',
                  render: (code: string) => <RegionName code={code} />,
                },
                {
                  title: '补贴类别',
                  dataIndex: 'subsidyKind',
                  render: (kind: string) => label(SUBSIDY_KINDS, kind, language),
                },
                {
                  title: '申请单位',
                  dataIndex: 'applicantName',
                  render: (name: string | null) => name ?? '个人申请',
                },
                { title: '培训班', dataIndex: 'className', render: (name: string | null) => name ?? '—' },
                {
                  title: '人数',
                  dataIndex: 'lineCount',
                  align: 'right',
                  sorter: (a: PublicNotice, b: PublicNotice) => a.lineCount - b.lineCount,
                },
                {
                  title: '申请金额',
                  dataIndex: 'totalAmountFen',
                  align: 'right',
                  sorter: (a: PublicNotice, b: PublicNotice) => a.totalAmountFen - b.totalAmountFen,
                  render: (fen: number) => <Money fen={fen} />,
                },
                {
                  title: '公示期',
                  render: (_, row) => `${row.noticeStartsOn} 至 ${row.noticeEndsOn}`,
                  sorter: (a: PublicNotice, b: PublicNotice) => a.noticeEndsOn.localeCompare(b.noticeEndsOn),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
    </div>
  );
}
