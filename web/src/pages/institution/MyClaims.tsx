import { Card, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { QueryOf } from '../../api/types.ts';
import { useAuth } from '../../auth.tsx';
import { LoadState } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { CLAIM_STATUSES, options } from '../../vocabulary.ts';
import { CertificateClaimCard } from '../evaluation/CertificateClaim.tsx';
import { ClaimsTable } from '../officer/Claims.tsx';

/** Where each kind of applicant starts a claim: a page of its own menu. */
const WHERE_TO_APPLY: Record<string, string> = {
  institution_operator: '在“开班与培训”中打开已结业的班级，选择“补贴申请”生成申请。',
  enterprise_operator:
    '以工代训：在“职工与就业记录”中勾选职工申请；企业职工培训：在“开班与培训”中打开已结业的班级申请；培训进行中的预拨在“预拨与清算”。',
  evaluation_org_operator: '取证补贴：在下方勾选本机构颁发的证书生成申请。',
};

/** The applicant's claims and their status; a returned claim shows the reason, and opens to resubmit. */
export function MyClaimsPage() {
  const { language } = useLanguage();
  const { user } = useAuth();
  const role = user?.role ?? '';
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
      {role === 'evaluation_org_operator' && <CertificateClaimCard />}
      <Card>
        <Space className="block-gap" wrap>
          {WHERE_TO_APPLY[role] && <Typography.Text type="secondary">{WHERE_TO_APPLY[role]}</Typography.Text>}
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
          <ExportButton
            fileName="补贴申请.xlsx"
            request={() =>
              client.GET('/api/claims/export.xlsx', {
                params: { query: status ? { status } : {} },
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
