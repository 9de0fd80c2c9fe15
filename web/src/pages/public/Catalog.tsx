import { Alert, Button, Card, Form, Input, Select, Space, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, api, errorText, type Page } from '../../api.ts';
import { CitationTag, Money } from '../../components/common.tsx';
import { useLanguage } from '../../i18n.tsx';
import { JURISDICTIONS, LEVELS, label } from '../../vocabulary.ts';

interface Occupation {
  code: string;
  name: string;
  majorCategory?: number;
}

interface CatalogEntry {
  id: number;
  occupationCode: string;
  occupationName?: string;
  level: string;
  standardAmountFen: number;
  standardDays: number;
  standardClassHours: number;
  isShortage?: boolean;
  isNewOccupation?: boolean;
  citation?: { document: string; article: string };
}

interface CatalogVersion {
  id: number;
  regionCode: string;
  title: string;
  status: string;
  effectiveFrom: string;
  entries?: CatalogEntry[];
}

interface InstitutionEntry {
  id: number;
  institutionId: number;
  institutionName?: string;
  occupationCode: string;
  level: string;
  regionCode: string;
  validFrom: string;
  validTo: string | null;
}

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
      setMessage(
        error instanceof ApiError && error.status === 401
          ? '目录查询需要先登录（公开查询接口尚未开放）'
          : errorText(error),
      );
    } finally {
      setBusy(false);
    }
  };
  return { rows, message, isBusy, run };
}

const regionOptions = JURISDICTIONS.map((item) => ({
  value: item.code,
  label: `${item.name}（${item.code}）`,
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
                await api<Page<Occupation>>('/api/occupations', {
                  query: { search: values.search, pageSize: 50 },
                })
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

function StandardSearch() {
  const { language } = useLanguage();
  const search = useSearch<CatalogEntry & { versionTitle: string }>();
  const load = async (regionCode: string) => {
    const versions = await api<Page<CatalogVersion>>('/api/catalog/versions', {
      query: { regionCode, status: 'published', pageSize: 20 },
    });
    const rows: (CatalogEntry & { versionTitle: string })[] = [];
    for (const version of versions.items) {
      const detail = await api<CatalogVersion>(`/api/catalog/versions/${version.id}`);
      for (const entry of detail.entries ?? []) rows.push({ ...entry, versionTitle: detail.title });
    }
    return rows;
  };
  return (
    <>
      <Form
        layout="inline"
        name="standards"
        onFinish={(values: { regionCode: string }) => search.run(() => load(values.regionCode))}
      >
        <Form.Item name="regionCode" label="地区" rules={[{ required: true }]} initialValue="430400">
          <Select options={regionOptions} className="region-select" />
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
          columns={[
            { title: '目录', dataIndex: 'versionTitle' },
            { title: '职业', render: (_, row) => `${row.occupationName ?? ''} ${row.occupationCode}` },
            { title: '等级', dataIndex: 'level', render: (level: string) => label(LEVELS, level, language) },
            {
              title: '补贴标准',
              dataIndex: 'standardAmountFen',
              align: 'right',
              render: (fen: number) => <Money fen={fen} />,
            },
            { title: '标准天数', dataIndex: 'standardDays' },
            {
              title: '依据',
              dataIndex: 'citation',
              render: (citation) => <CitationTag citation={citation} />,
            },
          ]}
        />
      )}
    </>
  );
}

function InstitutionSearch() {
  const { language } = useLanguage();
  const search = useSearch<InstitutionEntry>();
  return (
    <>
      <Form
        layout="inline"
        name="institutions"
        onFinish={(values: { regionCode: string; occupationCode?: string }) =>
          search.run(
            async () =>
              (
                await api<Page<InstitutionEntry>>('/api/catalog/institutions', {
                  query: { ...values, status: 'active', pageSize: 100 },
                })
              ).items,
          )
        }
      >
        <Form.Item name="regionCode" label="地区" rules={[{ required: true }]} initialValue="430421">
          <Select options={regionOptions} className="region-select" />
        </Form.Item>
        <Form.Item name="occupationCode" label="职业代码">
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
          rowKey="id"
          scroll={{ x: true }}
          dataSource={search.rows}
          columns={[
            { title: '培训机构', render: (_, row) => row.institutionName ?? `#${row.institutionId}` },
            { title: '职业代码', dataIndex: 'occupationCode' },
            { title: '等级', dataIndex: 'level', render: (level: string) => label(LEVELS, level, language) },
            { title: '地区', dataIndex: 'regionCode' },
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
