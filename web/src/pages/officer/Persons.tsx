import {
  Alert,
  App,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { call, client } from '../../api/client.ts';
import type { Answer, Person, QueryOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { useListSort } from '../../components/listSort.ts';
import { PersonRecord } from '../../components/PersonRecord.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { dateTime } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { GROUPS, label } from '../../vocabulary.ts';

type PersonSortField = NonNullable<QueryOf<'/api/persons', 'get'>['sort']>;

/** What POST /api/persons/:id/reveal answers. */
type RevealedPerson = Answer<'/api/persons/{id}/reveal', 'post'>;

/**
 * 查看完整信息: the officer states why, the API records the read (personal_data.read) and answers
 * this one person's ID number and phone in full; they are shown in the dialog only, never kept.
 */
function RevealModal({ person, onClose }: { person: Person | null; onClose(): void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [revealed, setRevealed] = useState<RevealedPerson | null>(null);
  const [isBusy, setBusy] = useState(false);
  const close = () => {
    setRevealed(null);
    onClose();
  };
  const submit = async () => {
    if (!person) return;
    const values = await form.validateFields();
    setBusy(true);
    try {
      setRevealed(
        await call(
          client.POST('/api/persons/{id}/reveal', {
            params: { path: { id: person.id } },
            body: { reason: values.reason.trim() },
          }),
        ),
      );
    } catch (error) {
      if (showFieldErrors(form, error, [['reason']])) message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={person !== null}
      title={`查看完整信息：${person?.name ?? ''}`}
      okText={revealed ? '关闭' : '查看'}
      cancelButtonProps={revealed ? { style: { display: 'none' } } : {}}
      confirmLoading={isBusy}
      onCancel={close}
      onOk={() => (revealed ? close() : void submit())}
      destroyOnHidden
    >
      {revealed ? (
        <Descriptions column={1} bordered size="small">
          <Descriptions.Item label="姓名">{revealed.name}</Descriptions.Item>
          <Descriptions.Item label="身份证号">
            <span className="id-number">{revealed.idNumber}</span>
          </Descriptions.Item>
          <Descriptions.Item label="电话">{revealed.phone ?? '—'}</Descriptions.Item>
        </Descriptions>
      ) : (
        <Form form={form} layout="vertical" preserve={false}>
          <Alert
            type="info"
            showIcon
            className="block-gap"
            title="查看完整身份证号和电话须说明理由，本次查看将记入审计日志（谁、查看了谁、理由）。"
          />
          <Form.Item
            name="reason"
            label="查看理由"
            rules={[{ required: true, whitespace: true, min: 2, message: '请填写查看理由（至少 2 个字）' }]}
          >
            <Input.TextArea maxLength={200} rows={3} placeholder="如：核对补贴申请人身份" />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

/**
 * Real-name registry. ID numbers and phones are shown masked, as the API sends them to every
 * role; an officer holding person.unmask reveals one person with a reason (RevealModal).
 */
export function PersonsPage() {
  const { language } = useLanguage();
  const { can } = useAuth();
  const [revealing, setRevealing] = useState<Person | null>(null);
  const [name, setName] = useState<string>();
  const [page, setPage] = useState(1);
  const [archiveOf, setArchiveOf] = useState<number | null>(null);
  const sorting = useListSort<PersonSortField>(() => setPage(1));
  const loaded = useLoad(
    () =>
      call(client.GET('/api/persons', { params: { query: { name, ...sorting.query, page, pageSize: 20 } } })),
    [name, JSON.stringify(sorting.query), page],
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
          <ExportButton
            fileName="实名人员.xlsx"
            request={() =>
              client.GET('/api/persons.xlsx', {
                params: { query: { name, ...sorting.query } },
                parseAs: 'blob',
              })
            }
          />
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table
              rowKey="id"
              scroll={{ x: true }}
              dataSource={data.items}
              onChange={sorting.onChange}
              pagination={{
                current: data.page,
                pageSize: data.pageSize,
                total: data.total,
                onChange: setPage,
              }}
              columns={[
                {
                  title: '姓名',
                  dataIndex: 'name',
                  render: (value: string, row) => <Link to={`/app/persons/${row.id}`}>{value}</Link>,
                  ...sorting.column('name'),
                },
                {
                  title: '身份证号',
                  dataIndex: 'idNumber',
                  render: (value: string) => <span className="id-number">{value}</span>,
                },
                { title: '电话', dataIndex: 'phone', render: (value: string | null) => value ?? '—' },
                { title: '出生日期', dataIndex: 'birthDate', ...sorting.column('birthDate') },
                {
                  title: '登记地',
                  dataIndex: 'registeringRegionCode',
                  render: (code: string) => <RegionName code={code} />,
                },
                {
                  title: '人员类别',
                  dataIndex: 'groups',
                  render: (groups: Person['groups']) =>
                    groups.map((group) => (
                      <Tag key={group.groupCode}>{label(GROUPS, group.groupCode, language)}</Tag>
                    )),
                },
                {
                  title: '登记记录时间（系统时钟）',
                  dataIndex: 'createdAt',
                  render: dateTime,
                  ...sorting.column('createdAt'),
                },
                {
                  title: '档案',
                  key: 'archive',
                  render: (_, row) => (
                    <Space>
                      <Typography.Link onClick={() => setArchiveOf(row.id)}>电子培训档案</Typography.Link>
                      {can('person.unmask') && (
                        <Typography.Link onClick={() => setRevealing(row)}>查看完整信息</Typography.Link>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
      <RevealModal person={revealing} onClose={() => setRevealing(null)} />
      <Drawer
        open={archiveOf !== null}
        onClose={() => setArchiveOf(null)}
        title="人员档案"
        size="large"
        extra={archiveOf !== null && <Link to={`/app/persons/${archiveOf}`}>打开详情页</Link>}
      >
        {archiveOf !== null && <PersonRecord personId={archiveOf} />}
      </Drawer>
    </div>
  );
}
