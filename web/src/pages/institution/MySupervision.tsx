import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { LoadState, StatusTag } from '../../components/common.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { dateTime, today } from '../../format.ts';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { APPEAL_STATUSES, label, ORGANISATION_KINDS, SANCTION_ACTIONS } from '../../vocabulary.ts';

/**
 * 我的评级与处理: the organisation's own supervision record — its standing, its yearly credit
 * ratings with the reasons, every sanction imposed on it — and its appeal (申诉) against a
 * sanction that still stands, filed once on the business date after a confirmation. The server
 * answers with the caller's own organisation only.
 */
type OwnRecord = Answer<'/api/supervision/my-organisation', 'get'>;
type OwnSanction = OwnRecord['sanctions'][number];
type Rating = OwnRecord['ratings'][number];

const ORGANISATION_STATUSES: Record<string, { text: string; color: string }> = {
  active: { text: '正常', color: 'green' },
  suspended: { text: '已暂停', color: 'orange' },
  blacklisted: { text: '已列入黑名单', color: 'red' },
  revoked: { text: '已撤销', color: 'red' },
};

const GRADE_COLOURS: Record<string, string> = { A: 'green', B: 'blue', C: 'orange', D: 'red' };

const APPEAL_COLOURS: Record<string, string> = {
  none: 'default',
  filed: 'gold',
  upheld: 'red',
  overturned: 'green',
};

/** Modal: the organisation's own appeal, confirmed before it is filed (once per sanction). */
function OwnAppealModal({
  sanction,
  onClose,
  onFiled,
}: {
  sanction: OwnSanction;
  onClose(): void;
  onFiled(): void;
}) {
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<{ grounds: string }>();
  const send = async (grounds: string) => {
    try {
      await call(
        client.POST('/api/supervision/my-organisation/sanctions/{id}/appeal', {
          params: { path: { id: sanction.id } },
          body: { grounds: grounds.trim() },
        }),
      );
      message.success('申诉已提交，等待人社部门复核');
      onFiled();
    } catch (error) {
      showFieldErrors(form, error, [['grounds']]);
      message.error(errorText(error));
    }
  };
  const submit = async () => {
    const { grounds } = await form.validateFields();
    modal.confirm({
      title: '确认提交申诉？',
      content: `对第 ${sanction.id} 号处罚（${label(SANCTION_ACTIONS, sanction.action)}）的申诉将以今日（${today()}，业务日期）提交并记入审计日志。每项处罚只能申诉一次，提交后不能修改。`,
      okText: '确认提交',
      cancelText: '取消',
      onOk: () => send(grounds),
    });
  };
  return (
    <Modal
      open
      title={`申诉：第 ${sanction.id} 号处罚`}
      okText="提交申诉"
      cancelText="取消"
      onCancel={onClose}
      onOk={() => void submit()}
      destroyOnHidden
    >
      <Descriptions size="small" column={1} className="block-gap">
        <Descriptions.Item label="处罚措施">{label(SANCTION_ACTIONS, sanction.action)}</Descriptions.Item>
        <Descriptions.Item label="生效日期（业务日期）">{sanction.effectiveDate}</Descriptions.Item>
        <Descriptions.Item label="处罚理由">{sanction.reason}</Descriptions.Item>
      </Descriptions>
      <Form form={form} layout="vertical" name="own-appeal" preserve={false}>
        <Form.Item
          name="grounds"
          label="申诉理由"
          rules={[
            { required: true, whitespace: true, message: '请填写申诉理由' },
            { max: 1000, message: '申诉理由不超过 1000 字' },
          ]}
        >
          <Input.TextArea
            rows={4}
            maxLength={1000}
            showCount
            placeholder="写明事实与理由，可附说明材料的名称"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RatingsCard({ ratings }: { ratings: Rating[] }) {
  return (
    <Card title="年度信用等级" size="small" data-testid="own-ratings">
      <Table<Rating>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        pagination={false}
        dataSource={ratings}
        locale={{ emptyText: '人社部门尚未评定本机构的信用等级' }}
        columns={[
          {
            title: '年度',
            dataIndex: 'year',
            sorter: (a, b) => a.year - b.year,
            render: (year: number) => `${year} 年度`,
          },
          {
            title: '等级',
            dataIndex: 'grade',
            render: (grade: string) => <Tag color={GRADE_COLOURS[grade] ?? 'default'}>{grade} 级</Tag>,
          },
          {
            title: '得分',
            dataIndex: 'score',
            align: 'right',
            sorter: (a, b) => a.score - b.score,
            render: (score: number) => score.toFixed(1),
          },
          {
            title: '评定说明',
            dataIndex: 'explanation',
            render: (sentences: string[]) => (
              <ul className="compact-list">
                {sentences.map((sentence) => (
                  <li key={sentence}>{sentence}</li>
                ))}
              </ul>
            ),
          },
          {
            title: '评定记录时间（系统时钟）',
            dataIndex: 'computedAt',
            render: (value: string) => dateTime(value),
          },
        ]}
      />
    </Card>
  );
}

function SanctionsCard({
  sanctions,
  onAppeal,
}: {
  sanctions: OwnSanction[];
  onAppeal(sanction: OwnSanction): void;
}) {
  const { language } = useLanguage();
  return (
    <Card title="处罚与申诉" size="small" data-testid="own-sanctions">
      <Table<OwnSanction>
        rowKey="id"
        size="small"
        scroll={{ x: true }}
        pagination={false}
        dataSource={sanctions}
        locale={{ emptyText: '本单位没有受到处罚' }}
        expandable={{
          rowExpandable: (row) => row.appealStatus !== 'none',
          expandedRowRender: (row) => (
            <Descriptions size="small" column={1}>
              {row.appealFiledOn && (
                <Descriptions.Item label="申诉日期（业务日期）">{row.appealFiledOn}</Descriptions.Item>
              )}
              {row.appealGrounds && (
                <Descriptions.Item label="申诉理由">{row.appealGrounds}</Descriptions.Item>
              )}
              {row.appealDecision && (
                <Descriptions.Item label="复核意见">{row.appealDecision}</Descriptions.Item>
              )}
              {row.appealDecidedAt && (
                <Descriptions.Item label="复核记录时间（系统时钟）">
                  {dateTime(row.appealDecidedAt)}
                </Descriptions.Item>
              )}
            </Descriptions>
          ),
        }}
        columns={[
          { title: '处罚编号', dataIndex: 'id', render: (id: number) => `第 ${id} 号` },
          {
            title: '处罚措施',
            dataIndex: 'action',
            render: (action: string) => (
              <StatusTag status={action} text={label(SANCTION_ACTIONS, action, language)} />
            ),
          },
          {
            title: '生效日期（业务日期）',
            dataIndex: 'effectiveDate',
            sorter: (a, b) => a.effectiveDate.localeCompare(b.effectiveDate),
          },
          { title: '处罚理由', dataIndex: 'reason' },
          {
            title: '申诉状态',
            dataIndex: 'appealStatus',
            render: (status: string) => (
              <Tag color={APPEAL_COLOURS[status] ?? 'default'}>
                {label(APPEAL_STATUSES, status, language)}
              </Tag>
            ),
          },
          {
            title: '决定记录时间（系统时钟）',
            dataIndex: 'decidedAt',
            render: (value: string) => dateTime(value),
          },
          {
            title: '操作',
            render: (_, row) =>
              row.isAppealable ? (
                <Button size="small" onClick={() => onAppeal(row)}>
                  提出申诉
                </Button>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** 我的评级与处理: the institution's (enterprise's, evaluation organisation's) own record. */
export function MySupervisionPage() {
  const { language } = useLanguage();
  const loaded = useLoad(() => call(client.GET('/api/supervision/my-organisation')));
  const [appealing, setAppealing] = useState<OwnSanction | null>(null);
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        我的评级与处理
      </Typography.Title>
      <LoadState loaded={loaded}>
        {(data) => {
          const status = ORGANISATION_STATUSES[data.organisation.status] ?? {
            text: data.organisation.status,
            color: 'default',
          };
          const appealable = data.sanctions.filter((sanction) => sanction.isAppealable);
          return (
            <Space direction="vertical" size="middle" className="full-width">
              <Card data-testid="own-organisation">
                <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                  <Descriptions.Item label="单位">{data.organisation.name}</Descriptions.Item>
                  <Descriptions.Item label="单位类型">
                    {label(ORGANISATION_KINDS, data.organisation.kind, language)}
                  </Descriptions.Item>
                  <Descriptions.Item label="所在地区">
                    <RegionName code={data.organisation.regionCode} />
                  </Descriptions.Item>
                  <Descriptions.Item label="单位状态">
                    <Tag color={status.color}>{status.text}</Tag>
                  </Descriptions.Item>
                  <Descriptions.Item label="状态生效日期（业务日期）">
                    {data.organisation.statusSince}
                  </Descriptions.Item>
                  {data.ratings[0] && (
                    <Descriptions.Item label="最近信用等级">
                      <span data-testid="own-latest-grade">
                        {data.ratings[0].year} 年度 {data.ratings[0].grade} 级
                      </span>
                    </Descriptions.Item>
                  )}
                </Descriptions>
                {appealable.length > 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    title={`本单位有 ${appealable.length} 项处罚正在执行，可在下方“处罚与申诉”中提出申诉（每项一次）。`}
                  />
                )}
              </Card>
              {data.organisation.kind === 'institution' && <RatingsCard ratings={data.ratings} />}
              <SanctionsCard sanctions={data.sanctions} onAppeal={setAppealing} />
              {appealing && (
                <OwnAppealModal
                  sanction={appealing}
                  onClose={() => setAppealing(null)}
                  onFiled={() => {
                    setAppealing(null);
                    loaded.reload();
                  }}
                />
              )}
            </Space>
          );
        }}
      </LoadState>
    </div>
  );
}
