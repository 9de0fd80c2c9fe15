import { Card, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { QueryOf } from '../../api/types.ts';
import { LoadState } from '../../components/common.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { CLAIM_STATUSES, options } from '../../vocabulary.ts';
import { ClaimsTable } from '../officer/Claims.tsx';

/** The applicant's claims and their status; a returned claim shows the reason, and opens to resubmit. */
export function MyClaimsPage() {
  const { language } = useLanguage();
  const [status, setStatus] = useState<QueryOf<'/api/claims', 'get'>['status']>();
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => call(client.GET('/api/claims', { params: { query: { status, page, pageSize: 20 } } })),
    [status, page],
  );
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        补贴申请
      </Typography.Title>
      <Card>
        <Space className="block-gap" wrap>
          <Typography.Text type="secondary">
            在“开班与培训”中打开已结业的班级，选择“补贴申请”生成申请。
          </Typography.Text>
          <Select
            aria-label="状态"
            placeholder="状态"
            allowClear
            value={status}
            onChange={(value) => {
              setStatus(value);
              setPage(1);
            }}
            options={options(CLAIM_STATUSES, language)}
            style={{ minWidth: 160 }}
          />
        </Space>
        <LoadState loaded={loaded}>{(data) => <ClaimsTable data={data} onPage={setPage} />}</LoadState>
      </Card>
    </div>
  );
}
