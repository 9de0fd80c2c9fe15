import { Card, Space, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { LoadState } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { useLoad } from '../../hooks.ts';
import { ClaimsTable } from './Claims.tsx';

/** Claims in public notice (公示), with the list export (ID numbers masked by the server). */
export function NoticesPage() {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/claims', { params: { query: { status: 'in_notice', page, pageSize: 20 } } })),
    [page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        公示名单
      </Typography.Title>
      <Card>
        <Space className="block-gap" wrap>
          <Typography.Text type="secondary">
            公示期满且异议处理完毕后方可审批。单件申请的公示名单请在详情页导出。
          </Typography.Text>
          <ExportButton
            label="导出公示中申请（xlsx）"
            fileName="notice-claims.xlsx"
            request={() =>
              client.GET('/api/claims/export.xlsx', {
                params: { query: { status: 'in_notice' } },
                parseAs: 'blob',
              })
            }
          />
        </Space>
        <LoadState loaded={loaded}>{(data) => <ClaimsTable data={data} onPage={setPage} />}</LoadState>
      </Card>
    </div>
  );
}
