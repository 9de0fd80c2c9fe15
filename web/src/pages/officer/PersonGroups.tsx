import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer, BodyOf } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { LoadState } from '../../components/common.tsx';
import { PersonPicker, type PickedPerson } from '../../components/PersonPicker.tsx';
import { showFieldErrors } from '../../forms.ts';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { GROUP_CERTIFIERS, GROUPS, label, options } from '../../vocabulary.ts';

type GroupRow = Answer<'/api/persons/{id}/groups', 'get'>['items'][number];
type NewGroup = BodyOf<'/api/persons/{id}/groups', 'post'>;

/**
 * 人员类别认定: a county officer finds a person of his region, certifies a group from the list of
 * certifying bodies with its validity, and revokes a certification with a reason.
 */
export function PersonGroupsPage() {
  const [selected, setSelected] = useState<PickedPerson | null>(null);
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        人员类别认定
      </Typography.Title>
      <Card title="查找人员（本辖区登记的人员）">
        <Space wrap>
          <label htmlFor="person-picker">人员</label>
          <PersonPicker
            id="person-picker"
            ariaLabel="按姓名或身份证号查找人员"
            value={selected?.id}
            onChange={(_, person) => setSelected(person ?? null)}
            style={{ minWidth: 360 }}
          />
        </Space>
        <Typography.Paragraph type="secondary" className="block-gap-top">
          输入姓名的开头（如“张”）或完整的身份证号，从本辖区登记的人员中选择；身份证号只显示脱敏后的部分。
        </Typography.Paragraph>
      </Card>
      {selected && <PersonGroupsCard key={selected.id} person={selected} />}
    </div>
  );
}

function PersonGroupsCard({ person }: { person: PickedPerson }) {
  const { message, modal } = App.useApp();
  const { language } = useLanguage();
  const history = useLoad(
    () => call(client.GET('/api/persons/{id}/groups', { params: { path: { id: person.id } } })),
    [person.id],
  );
  const [form] = Form.useForm<{
    groupCode: NewGroup['groupCode'];
    certifierCode: NonNullable<NewGroup['certifierCode']>;
    validFrom: Dayjs;
    validTo?: Dayjs;
  }>();
  const reasonRef = useRef('');
  const certify = async () => {
    const values = await form.validateFields();
    try {
      await call(
        client.POST('/api/persons/{id}/groups', {
          params: { path: { id: person.id } },
          body: {
            groupCode: values.groupCode,
            certifierCode: values.certifierCode,
            validFrom: values.validFrom.format('YYYY-MM-DD'),
            validTo: values.validTo ? values.validTo.format('YYYY-MM-DD') : null,
          },
        }),
      );
      message.success('已登记认定');
      form.resetFields();
      history.reload();
    } catch (error) {
      if (showFieldErrors(form, error, [['groupCode'], ['certifierCode'], ['validFrom'], ['validTo']]))
        message.error(errorText(error));
    }
  };
  const revoke = (group: GroupRow) =>
    modal.confirm({
      title: `撤销认定：${label(GROUPS, group.groupCode, language)}`,
      content: (
        <Input.TextArea
          aria-label="撤销理由"
          placeholder="请填写撤销理由"
          onChange={(event) => {
            reasonRef.current = event.target.value;
          }}
        />
      ),
      okText: '确认撤销',
      cancelText: '取消',
      afterClose: () => {
        reasonRef.current = '';
      },
      onOk: async () => {
        try {
          await call(
            client.POST('/api/persons/{id}/groups/{groupId}/revoke', {
              params: { path: { id: person.id, groupId: group.id } },
              body: { reason: reasonRef.current },
            }),
          );
          message.success('认定已撤销');
          history.reload();
        } catch (error) {
          message.error(errorText(error));
          throw error;
        }
      },
    });
  return (
    <Card title={`${person.name} 的人员类别认定`} className="block-gap-top">
      <Space direction="vertical" className="full-width">
        <Form form={form} layout="vertical" name="certifyGroup">
          <Row gutter={12}>
            <Col xs={24} md={7}>
              <Form.Item
                name="groupCode"
                label="人员类别"
                rules={[{ required: true, message: '请选择人员类别' }]}
              >
                <Select showSearch optionFilterProp="label" options={options(GROUPS, language)} />
              </Form.Item>
            </Col>
            <Col xs={24} md={7}>
              <Form.Item
                name="certifierCode"
                label="认定机构"
                rules={[{ required: true, message: '请选择认定机构' }]}
              >
                <Select options={options(GROUP_CERTIFIERS, language)} />
              </Form.Item>
            </Col>
            <Col xs={12} md={5}>
              <Form.Item
                name="validFrom"
                label="有效期起"
                rules={[{ required: true, message: '请选择起始日期' }]}
              >
                <DatePicker className="full-width" />
              </Form.Item>
            </Col>
            <Col xs={12} md={5}>
              <Form.Item name="validTo" label="有效期止（可空）">
                <DatePicker className="full-width" />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" onClick={() => void certify()}>
            登记认定
          </Button>
        </Form>
        <LoadState loaded={history}>
          {(data) => (
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              scroll={{ x: true }}
              dataSource={data.items}
              columns={[
                {
                  title: '人员类别',
                  dataIndex: 'groupCode',
                  render: (code: string) => label(GROUPS, code, language),
                },
                { title: '认定机构', dataIndex: 'certifiedByOrganisation' },
                { title: '登记人', dataIndex: 'certifiedByOfficer' },
                {
                  title: '登记日期',
                  dataIndex: 'recordedOn',
                  render: (value: string | null) => value ?? '—',
                },
                {
                  title: '有效期',
                  render: (_, row) => `${row.validFrom} 至 ${row.validTo ?? '长期'}`,
                },
                {
                  title: '状态',
                  render: (_, row) =>
                    row.revokedOn ? (
                      <Tag color="red">{`已撤销（${row.revokedOn}：${row.revocationReason}）`}</Tag>
                    ) : (
                      <Tag color="green">有效</Tag>
                    ),
                },
                {
                  title: '操作',
                  render: (_, row) =>
                    row.revokedOn ? null : (
                      <Button size="small" danger onClick={() => revoke(row)}>
                        撤销
                      </Button>
                    ),
                },
              ]}
            />
          )}
        </LoadState>
      </Space>
    </Card>
  );
}
