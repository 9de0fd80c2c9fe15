import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, QueryOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { CitationTag, LoadState, Money, StatusTag } from '../../components/common.tsx';
import { OccupationName } from '../../components/OccupationName.tsx';
import { OccupationPicker } from '../../components/OccupationPicker.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { RegionPicker } from '../../components/RegionPicker.tsx';
import { businessNow, date } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { LEVELS, label, options } from '../../vocabulary.ts';

/** A catalog version with its entries (项目), as GET /api/catalog/versions/:id answers it. */
type CatalogVersion = Answer<'/api/catalog/versions/{id}', 'get'>;
/** A version as listed (without its entries). */
type CatalogVersionSummary = Answer<'/api/catalog/versions', 'get'>['items'][number];
type CatalogEntry = CatalogVersion['entries'][number];
type Level = CatalogEntry['level'];

const ENTRY_STATUSES = {
  active: ['有效', 'Active'],
  withdrawn: ['已撤回', 'Withdrawn'],
} as const;

/** Withdraws a published catalog entry (撤回) after confirmation, with a required reason. */
function WithdrawEntryModal({
  entry,
  onClose,
  onWithdrawn,
}: {
  entry: CatalogEntry | null;
  onClose(): void;
  onWithdrawn(): void;
}) {
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [isBusy, setBusy] = useState(false);
  const submit = async () => {
    if (!entry) return;
    const values = await form.validateFields();
    setBusy(true);
    try {
      await call(
        client.POST('/api/catalog/entries/{id}/withdraw', {
          params: { path: { id: entry.id } },
          body: { reason: values.reason.trim() },
        }),
      );
      message.success('目录项目已撤回，不能再据此开班');
      onWithdrawn();
    } catch (error) {
      if (showFieldErrors(form, error, [['reason']])) message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={entry !== null}
      title={`撤回目录项目：${entry?.occupationCode ?? ''} ${entry ? label(LEVELS, entry.level, language) : ''}`}
      okText="确认撤回"
      okButtonProps={{ danger: true }}
      confirmLoading={isBusy}
      onCancel={onClose}
      onOk={() => void submit()}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        className="block-gap"
        title="撤回后不能再据此项目开班，公开目录不再列出；已备案的班级不受影响。撤回不可恢复。"
      />
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label="撤回理由"
          rules={[{ required: true, whitespace: true, message: '请填写撤回理由' }]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

const VERSION_STATUSES = {
  draft: ['草稿', 'Draft'],
  published: ['已发布', 'Published'],
  superseded: ['已被替代', 'Superseded'],
} as const;

interface NewVersionValues {
  regionCode: string;
  title: string;
  effectiveFrom: Dayjs;
  citation: { document: string; article: string };
}

interface NewEntryValues {
  occupationCode: string;
  level: Level;
  standardAmountYuan: number;
  standardDays: number;
  standardClassHours: number;
  isShortage?: boolean;
  isNewOccupation?: boolean;
}

function NewVersionModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(id: number): void;
}) {
  const { user } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewVersionValues>();
  const [isBusy, setBusy] = useState(false);
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const created = await call(
        client.POST('/api/catalog/versions', {
          body: {
            regionCode: values.regionCode.trim(),
            title: values.title.trim(),
            effectiveFrom: values.effectiveFrom.format('YYYY-MM-DD'),
            citation: { document: values.citation.document.trim(), article: values.citation.article.trim() },
          },
        }),
      );
      message.success('已新建目录草稿，请添加项目后发布');
      onCreated(created.id);
    } catch (error) {
      if (
        showFieldErrors(form, error, [
          ['regionCode'],
          ['title'],
          ['effectiveFrom'],
          ['citation', 'document'],
          ['citation', 'article'],
        ])
      )
        message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title="新建目录版本（草稿）"
      okText="新建草稿"
      confirmLoading={isBusy}
      onCancel={onClose}
      onOk={() => void submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          regionCode: user?.regionCode,
          effectiveFrom: dayjs(`${dayjs(businessNow()).year()}-01-01`),
        }}
      >
        <Form.Item name="regionCode" label="地区" rules={[{ required: true, message: '请选择目录所属地区' }]}>
          <RegionPicker ariaLabel="地区" />
        </Form.Item>
        <Form.Item name="title" label="目录名称" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="effectiveFrom" label="生效日期" rules={[{ required: true }]}>
          <DatePicker className="full-width" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item
              name={['citation', 'document']}
              label="依据文件"
              rules={[{ required: true, whitespace: true }]}
            >
              <Input placeholder="如：衡人社发【2019】21号" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item
              name={['citation', 'article']}
              label="条款"
              rules={[{ required: true, whitespace: true }]}
            >
              <Input placeholder="如：六（一）" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

function EntryForm({ versionId, onAdded }: { versionId: number; onAdded(): void }) {
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewEntryValues>();
  const [isBusy, setBusy] = useState(false);
  const add = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      await call(
        client.POST('/api/catalog/versions/{id}/entries', {
          params: { path: { id: versionId } },
          body: {
            entries: [
              {
                occupationCode: values.occupationCode.trim(),
                level: values.level,
                standardAmountFen: Math.round(values.standardAmountYuan * 100),
                standardDays: values.standardDays,
                standardClassHours: values.standardClassHours,
                isShortage: values.isShortage ?? false,
                isNewOccupation: values.isNewOccupation ?? false,
              },
            ],
          },
        }),
      );
      message.success('已添加项目');
      form.resetFields(['occupationCode']);
      onAdded();
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      name="catalog-entry"
      initialValues={{ level: 'primary', standardDays: 10, standardClassHours: 80 }}
    >
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Form.Item
            name="occupationCode"
            label="职业（工种）"
            rules={[{ required: true, message: '请选择职业（工种）' }]}
          >
            <OccupationPicker />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="level" label="等级" rules={[{ required: true }]}>
            <Select options={options(LEVELS, language)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="standardAmountYuan" label="补贴标准（元）" rules={[{ required: true }]}>
            <InputNumber min={0.01} precision={2} className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="standardDays" label="标准天数" rules={[{ required: true }]}>
            <InputNumber min={1} precision={0} className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="standardClassHours" label="标准课时" rules={[{ required: true }]}>
            <InputNumber min={1} precision={0} className="full-width" />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="isShortage" label="紧缺职业" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="isNewOccupation" label="新职业" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Button type="primary" loading={isBusy} onClick={() => void add()}>
        添加项目
      </Button>
    </Form>
  );
}

function VersionDrawer({
  versionId,
  onClose,
  onChanged,
}: {
  versionId: number;
  onClose(): void;
  onChanged(): void;
}) {
  const { language } = useLanguage();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const loaded = useLoad(
    () => call(client.GET('/api/catalog/versions/{id}', { params: { path: { id: versionId } } })),
    [versionId],
  );
  const [withdrawing, setWithdrawing] = useState<CatalogEntry | null>(null);
  const publish = (version: CatalogVersion) =>
    modal.confirm({
      title: `发布“${version.title}”？`,
      content: '发布后本地区原有的已发布版本将被替代，新的开班与补贴按新目录执行。',
      okText: '确认发布',
      onOk: async () => {
        try {
          await call(
            client.POST('/api/catalog/versions/{id}/publish', { params: { path: { id: version.id } } }),
          );
          message.success('目录已发布');
          loaded.reload();
          onChanged();
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  return (
    <Drawer open size="large" title="目录版本" onClose={onClose} destroyOnHidden>
      <LoadState loaded={loaded}>
        {(version) => (
          <Space direction="vertical" className="full-width" size="middle" data-testid="catalog-version">
            <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label="名称">{version.title}</Descriptions.Item>
              <Descriptions.Item label="状态">
                <StatusTag status={version.status} text={label(VERSION_STATUSES, version.status, language)} />
              </Descriptions.Item>
              <Descriptions.Item label="地区">
                <RegionName code={version.regionCode} withCode />
              </Descriptions.Item>
              <Descriptions.Item label="版本号">{version.versionNumber}</Descriptions.Item>
              <Descriptions.Item label="生效">
                {version.effectiveFrom} 至 {version.effectiveTo ?? '长期'}
              </Descriptions.Item>
              <Descriptions.Item label="依据">
                <CitationTag citation={version.citation} />
              </Descriptions.Item>
            </Descriptions>
            <Table
              rowKey="id"
              size="small"
              scroll={{ x: true }}
              dataSource={version.entries ?? []}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              columns={[
                {
                  title: '职业（工种）',
                  dataIndex: 'occupationCode',
                  render: (code: string) => <OccupationName code={code} />,
                },
                {
                  title: '等级',
                  dataIndex: 'level',
                  render: (level: string) => label(LEVELS, level, language),
                },
                {
                  title: '补贴标准',
                  dataIndex: 'standardAmountFen',
                  align: 'right',
                  render: (fen: number) => <Money fen={fen} />,
                },
                { title: '天数', dataIndex: 'standardDays', align: 'right' },
                { title: '课时', dataIndex: 'standardClassHours', align: 'right' },
                {
                  title: '标记',
                  render: (_, entry) =>
                    [entry.isShortage ? '紧缺' : '', entry.isNewOccupation ? '新职业' : '']
                      .filter(Boolean)
                      .join('、') || '—',
                },
                {
                  title: '项目状态',
                  key: 'entryStatus',
                  render: (_, entry) => {
                    const status = entry.status ?? 'active';
                    return (
                      <Space direction="vertical" size={0}>
                        <StatusTag status={status} text={label(ENTRY_STATUSES, status, language)} />
                        {status === 'withdrawn' && (
                          <Typography.Text type="secondary">
                            {entry.withdrawnOn} {entry.withdrawalReason}
                          </Typography.Text>
                        )}
                      </Space>
                    );
                  },
                },
                ...(version.status !== 'draft' && can('catalog.publish')
                  ? [
                      {
                        title: '操作',
                        key: 'actions',
                        render: (_: unknown, entry: CatalogEntry) =>
                          (entry.status ?? 'active') === 'active' && (
                            <Button size="small" danger onClick={() => setWithdrawing(entry)}>
                              撤回
                            </Button>
                          ),
                      },
                    ]
                  : []),
              ]}
            />
            <WithdrawEntryModal
              entry={withdrawing}
              onClose={() => setWithdrawing(null)}
              onWithdrawn={() => {
                setWithdrawing(null);
                loaded.reload();
              }}
            />
            {version.status === 'draft' && can('catalog.edit') && (
              <Card size="small" title="添加项目（职业 × 等级 × 补贴标准）">
                <EntryForm versionId={version.id} onAdded={loaded.reload} />
              </Card>
            )}
            {version.status === 'draft' && can('catalog.publish') && (
              <Button
                type="primary"
                disabled={(version.entries ?? []).length === 0}
                onClick={() => publish(version)}
              >
                发布目录
              </Button>
            )}
          </Space>
        )}
      </LoadState>
    </Drawer>
  );
}

/** Training catalog versions (培训项目目录): drafts are edited here and published by the officer. */
export function CatalogVersionsPage() {
  const { language } = useLanguage();
  const { can } = useAuth();
  const [status, setStatus] = useState<QueryOf<'/api/catalog/versions', 'get'>['status']>();
  const [page, setPage] = useState(1);
  const [isCreating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/catalog/versions', {
          params: { query: { status, page, pageSize: 20 } },
        }),
      ),
    [status, page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        培训项目目录
      </Typography.Title>
      <Card>
        <Space wrap className="block-gap">
          {can('catalog.edit') && (
            <Button type="primary" onClick={() => setCreating(true)}>
              新建目录草稿
            </Button>
          )}
          <Select
            aria-label="状态"
            placeholder="状态"
            allowClear
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={options(VERSION_STATUSES, language)}
            style={{ minWidth: 140 }}
          />
        </Space>
        <Alert
          type="info"
          showIcon
          className="block-gap"
          title="开班职业须在本地区已发布的目录内；补贴标准按开班日有效的目录项目计算。"
        />
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
                hideOnSinglePage: true,
              }}
              columns={[
                {
                  title: '名称',
                  dataIndex: 'title',
                  render: (title: string, version) => (
                    <Button type="link" style={{ padding: 0 }} onClick={() => setOpenId(version.id)}>
                      {title}
                    </Button>
                  ),
                },
                {
                  title: '地区',
                  dataIndex: 'regionCode',
                  render: (code: string) => <RegionName code={code} />,
                },
                { title: '版本', dataIndex: 'versionNumber' },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (value: string) => (
                    <StatusTag status={value} text={label(VERSION_STATUSES, value, language)} />
                  ),
                },
                { title: '生效日期（业务日期）', dataIndex: 'effectiveFrom' },
                {
                  title: '发布记录日期（系统时钟）',
                  dataIndex: 'publishedAt',
                  render: (value: string | null) => date(value),
                },
                {
                  title: '依据',
                  dataIndex: 'citation',
                  render: (citation: CatalogVersionSummary['citation']) => (
                    <CitationTag citation={citation} />
                  ),
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
      <NewVersionModal
        open={isCreating}
        onClose={() => setCreating(false)}
        onCreated={(id) => {
          setCreating(false);
          loaded.reload();
          setOpenId(id);
        }}
      />
      {openId !== null && (
        <VersionDrawer versionId={openId} onClose={() => setOpenId(null)} onChanged={loaded.reload} />
      )}
    </div>
  );
}
