import { Alert, Button, Card, Form, Input, Select, Space, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { call, callAll, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { Money } from '../../components/common.tsx';
import { OccupationPicker } from '../../components/OccupationPicker.tsx';
import { RegionName } from '../../components/RegionName.tsx';
import { today } from '../../format.ts';
import { useLanguage } from '../../i18n.tsx';
import { JURISDICTIONS, LEVELS, label } from '../../vocabulary.ts';

type Occupation = Answer<'/api/occupations', 'get'>['items'][number];

function useSearch<T>() {
  const [rows, setRows] = useState<T[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const run = async (load: () => Promise<T[]>) => {
    setBusy(true);
    setMessage(null);
    try {
      setRows(await load());
    } catch (error) {
      setRows(null);
      setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return { rows, message, isBusy, run };
}

const regionOptions = JURISDICTIONS.map((item) => ({
  value: item.code,
  label: item.name,
}));

function OccupationSearch() {
  const search = useSearch<Occupation>();
  return (
    <>
      <Form
        layout="inline"
        name="occupations"
        onFinish={(values: { search?: string }) =>
          search.run(
            async () =>
              (
                await call(
                  client.GET('/api/occupations', {
                    params: { query: { search: values.search, pageSize: 50 } },
                  }),
                )
              ).items,
          )
        }
      >
        <Form.Item name="search" label="职业名称或代码">
          <Input allowClear />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={search.isBusy}>
          查询
        </Button>
      </Form>
      {search.message && <Alert type="info" showIcon title={search.message} className="block-gap-top" />}
      {search.rows && (
        <Table
          className="block-gap-top"
          size="small"
          rowKey="code"
          dataSource={search.rows}
          columns={[
            { title: '职业代码', dataIndex: 'code' },
            { title: '职业名称', dataIndex: 'name' },
          ]}
        />
      )}
    </>
  );
}

/** A standard of a published training-project catalog (培训项目目录), as the public reads it. */
type PublicEntry = Answer<'/api/public/catalog-entries', 'get'>['items'][number];
/** An institution listed in the training-institution catalog (培训机构目录). */
type PublicInstitutionEntry = Answer<'/api/public/institution-catalog', 'get'>['items'][number];

function StandardSearch() {
  const { language } = useLanguage();
  const search = useSearch<PublicEntry>();
  return (
    <>
      <Form
        layout="inline"
        name="standards"
        onFinish={(values: { regionCode: string; q?: string }) =>
          search.run(() =>
            callAll((paging) =>
              client.GET('/api/public/catalog-entries', {
                params: { query: { regionCode: values.regionCode, on: today(), q: values.q, ...paging } },
              }),
            ).then((all) => all.items),
          )
        }
      >
        <Form.Item name="regionCode" label="地区" rules={[{ required: true }]} initialValue="430400">
          <Select options={regionOptions} className="region-select" />
        </Form.Item>
        <Form.Item name="q" label="职业名称或代码">
          <Input allowClear />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={search.isBusy}>
          查询
        </Button>
      </Form>
      {search.message && <Alert type="info" showIcon title={search.message} className="block-gap-top" />}
      {search.rows && (
        <Table
          className="block-gap-top"
          size="small"
          rowKey={(row) => `${row.version.id}-${row.occupationCode}-${row.level}`}
          scroll={{ x: true }}
          dataSource={search.rows}
          locale={{ emptyText: `该地区在 ${today()} 没有已发布的目录` }}
          columns={[
            { title: '目录', render: (_, row) => row.version.title },
            {
              title: '职业',
              sorter: (a, b) => a.occupationCode.localeCompare(b.occupationCode),
              render: (_, row) => `${row.occupationName} ${row.occupationCode}`,
            },
            { title: '等级', dataIndex: 'level', render: (level: string) => label(LEVELS, level, language) },
            {
              title: '补贴标准',
              dataIndex: 'standardAmountFen',
              align: 'right',
              sorter: (a, b) => a.standardAmountFen - b.standardAmountFen,
              render: (fen: number) => <Money fen={fen} />,
            },
            { title: '生效日期', render: (_, row) => row.version.effectiveFrom },
            {
              title: '依据',
              dataIndex: 'citation',
              render: (citation: PublicEntry['citation']) => `${citation.document} ${citation.article}`,
            },
          ]}
        />
      )}
    </>
  );
}

function InstitutionSearch() {
  const { language } = useLanguage();
  const search = useSearch<PublicInstitutionEntry>();
  return (
    <>
      <Form
        layout="inline"
        name="institutions"
        onFinish={(values: { regionCode: string; occupationCode?: string }) =>
          search.run(() =>
            callAll((paging) =>
              client.GET('/api/public/institution-catalog', {
                params: {
                  query: {
                    regionCode: values.regionCode,
                    on: today(),
                    occupationCode: values.occupationCode || undefined,
                    ...paging,
                  },
                },
              }),
            ).then((all) => all.items),
          )
        }
      >
        <Form.Item name="regionCode" label="地区" rules={[{ required: true }]} initialValue="430421">
          <Select options={regionOptions} className="region-select" />
        </Form.Item>
        <Form.Item name="occupationCode" label="职业（工种）">
          <OccupationPicker />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={search.isBusy}>
          查询
        </Button>
      </Form>
      {search.message && <Alert type="info" showIcon title={search.message} className="block-gap-top" />}
      {search.rows && (
        <Table
          className="block-gap-top"
          size="small"
          rowKey="id"
          scroll={{ x: true }}
          dataSource={search.rows}
          locale={{ emptyText: `该地区在 ${today()} 没有列入目录的培训机构` }}
          columns={[
            {
              title: '培训机构',
              dataIndex: 'institutionName',
              sorter: (a, b) => a.institutionName.localeCompare(b.institutionName, 'zh-CN'),
            },
            {
              title: '职业',
              sorter: (a, b) => a.occupationCode.localeCompare(b.occupationCode),
              render: (_, row) => `${row.occupationName ?? ''} ${row.occupationCode}`,
            },
            { title: '等级', dataIndex: 'level', render: (level: string) => label(LEVELS, level, language) },
            { title: '地区', dataIndex: 'regionCode', render: (code: string) => <RegionName code={code} /> },
            { title: '有效期', render: (_, row) => `${row.validFrom} 至 ${row.validTo ?? '长期'}` },
          ]}
        />
      )}
    </>
  );
}

/** 两目录 search: occupations, the training-project catalog's standards, and the institution catalog. */
export function CatalogPage() {
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        目录查询
      </Typography.Title>
      <Space direction="vertical" className="full-width">
        <Card>
          <Tabs
            items={[
              { key: 'standards', label: '培训项目与补贴标准', children: <StandardSearch /> },
              { key: 'institutions', label: '培训机构目录', children: <InstitutionSearch /> },
              { key: 'occupations', label: '职业分类', children: <OccupationSearch /> },
            ]}
          />
        </Card>
      </Space>
    </div>
  );
}
