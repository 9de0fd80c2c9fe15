import { Card, Form, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { LoadState, Money } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { today } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { JURISDICTIONS } from '../../vocabulary.ts';

type DisclosureCell = Answer<'/api/public/disclosure', 'get'>['items'][number];

/** 资金使用情况公开: allocations, person-times and payments by sub-region and quarter (no person). */
export function DisclosurePage() {
  const [regionCode, setRegionCode] = useState('430400');
  const [year, setYear] = useState(() => Number(today().slice(0, 4)));
  const loaded = useLoad(
    () => call(client.GET('/api/public/disclosure', { params: { query: { regionCode, year } } })),
    [regionCode, year],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        资金使用公开
      </Typography.Title>
      <Card>
        <Space className="block-gap" wrap>
          <Form layout="inline">
            <Form.Item label="地区">
              <Select
                className="region-select"
                value={regionCode}
                onChange={setRegionCode}
                options={JURISDICTIONS.map((item) => ({ value: item.code, label: item.name }))}
              />
            </Form.Item>
            <Form.Item label="年度">
              <InputNumber
                min={2015}
                max={2100}
                value={year}
                formatter={(value) => String(value ?? '')}
                onChange={(value) => value && setYear(value)}
              />
            </Form.Item>
          </Form>
          <ExportButton
            label="下载 CSV"
            fileName={`资金使用公开-${regionCode}-${year}.csv`}
            request={() =>
              client.GET('/api/public/disclosure.csv', {
                params: { query: { regionCode, year } },
                parseAs: 'blob',
              })
            }
          />
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <>
              <Typography.Paragraph type="secondary">
                {data.regionName} {data.year} 年。补贴人数少于 {data.minPersons}{' '}
                人的单元格不予公开（以“—”表示），以免公开可识别个人的补贴信息。
              </Typography.Paragraph>
              <Table
                rowKey={(row) => `${row.regionCode}-${row.quarter}`}
                size="small"
                scroll={{ x: true }}
                dataSource={data.items}
                pagination={false}
                columns={[
                  { title: '地区', dataIndex: 'regionName' },
                  {
                    title: '季度',
                    dataIndex: 'quarter',
                    render: (quarter: number) => `第${'一二三四'[quarter - 1] ?? quarter}季度`,
                  },
                  {
                    title: '下拨资金',
                    dataIndex: 'allocatedFen',
                    align: 'right',
                    sorter: (a: DisclosureCell, b: DisclosureCell) => a.allocatedFen - b.allocatedFen,
                    render: (fen: number) => <Money fen={fen} />,
                  },
                  {
                    title: '补贴人次',
                    dataIndex: 'personTimes',
                    align: 'right',
                    render: (value: number | null) => value ?? '—',
                  },
                  {
                    title: '支付金额',
                    dataIndex: 'paidFen',
                    align: 'right',
                    render: (fen: number | null) => (fen === null ? '—' : <Money fen={fen} />),
                  },
                ]}
              />
            </>
          )}
        </LoadState>
      </Card>
    </div>
  );
}
