import { Card, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, type Page } from '../../api.ts';
import { LoadState } from '../../components/common.tsx';
import { dateTime } from '../../format.ts';
import { useLoad } from '../../hooks.ts';

interface AuditEntry {
  id: number;
  occurredAt: string;
  action: string;
  objectType: string;
  objectId: string | number | null;
  actorLoginName?: string | null;
  actorUserId?: number | null;
}

export function AuditPage() {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => api<Page<AuditEntry>>('/api/audit/entries', { query: { page, pageSize: 50 } }),
    [page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        审计日志
      </Typography.Title>
      <Card>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              size="small"
              scroll={{ x: true }}
              dataSource={data.items}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              columns={[
                { title: '时间', dataIndex: 'occurredAt', render: dateTime },
                { title: '操作', dataIndex: 'action' },
                { title: '对象', render: (_, row) => `${row.objectType} ${row.objectId ?? ''}` },
                { title: '操作人', render: (_, row) => row.actorLoginName ?? row.actorUserId ?? '系统' },
              ]}
            />
          )}
        </LoadState>
      </Card>
    </div>
  );
}
