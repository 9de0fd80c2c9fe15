import { Card, Drawer, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Person } from '../../api/types.ts';
import { api } from '../../api.ts';
import { ArchiveView, type PersonArchive } from '../../components/ArchiveView.tsx';
import { LoadState } from '../../components/common.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { GROUPS, label } from '../../vocabulary.ts';

/**
 * Real-name registry. ID numbers and phones are shown exactly as the API sends them: masked
 * unless the role holds person.unmask. The page never un-masks.
 */
export function PersonsPage() {
  const { language } = useLanguage();
  const [name, setName] = useState<string>();
  const [page, setPage] = useState(1);
  const [archiveOf, setArchiveOf] = useState<number | null>(null);
  const loaded = useLoad(
    () => call(client.GET('/api/persons', { params: { query: { name, page, pageSize: 20 } } })),
    [name, page],
  );
  const archive = useLoad(
    () =>
      archiveOf === null
        ? Promise.resolve(undefined)
        : api<PersonArchive>(`/api/persons/${archiveOf}/archive`),
    [archiveOf],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        实名人员
      </Typography.Title>
      <Card>
        <Space className="block-gap">
          <Input.Search
            aria-label="姓名"
            placeholder="按姓名查询"
            allowClear
            onSearch={(value) => {
              setName(value || undefined);
              setPage(1);
            }}
          />
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              scroll={{ x: true }}
              dataSource={data.items}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              columns={[
                { title: '姓名', dataIndex: 'name' },
                {
                  title: '身份证号',
                  dataIndex: 'idNumber',
                  render: (value: string) => <span className="id-number">{value}</span>,
                },
                { title: '电话', dataIndex: 'phone', render: (value: string | null) => value ?? '—' },
                {
                  title: '人员类别',
                  dataIndex: 'groups',
                  render: (groups: Person['groups']) =>
                    groups.map((group) => (
                      <Tag key={group.groupCode}>{label(GROUPS, group.groupCode, language)}</Tag>
                    )),
                },
                {
                  title: '档案',
                  key: 'archive',
                  render: (_, row) => (
                    <Typography.Link onClick={() => setArchiveOf(row.id)}>电子培训档案</Typography.Link>
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
      <Drawer open={archiveOf !== null} onClose={() => setArchiveOf(null)} title="电子培训档案" size="large">
        {archiveOf !== null && (
          <LoadState loaded={archive}>{(data) => (data ? <ArchiveView archive={data} /> : null)}</LoadState>
        )}
      </Drawer>
    </div>
  );
}
