import { Button, Card, Table, Typography } from 'antd';
import { useState } from 'react';
import { callAll, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { ClaimDraftModal } from '../../components/ClaimDraftModal.tsx';
import { LoadState } from '../../components/common.tsx';
import { OccupationName } from '../../components/OccupationName.tsx';
import { useLoad } from '../../hooks.ts';
import { useLanguage } from '../../i18n.tsx';
import { CERTIFICATE_TYPES, LEVELS, label } from '../../vocabulary.ts';

type Certificate = Answer<'/api/evaluation/certificates', 'get'>['items'][number];

/**
 * 取证补贴 (certificate subsidy) of an evaluation organisation: it selects valid certificates it
 * issued, and the policy engine decides each one under the region's documents (whether they provide
 * the subsidy, the amount for the type and level, one subsidy per certificate); the draft opens for
 * the materials and submission.
 */
export function CertificateClaimCard() {
  const { language } = useLanguage();
  const certificates = useLoad(
    () => callAll((paging) => client.GET('/api/evaluation/certificates', { params: { query: paging } })),
    [],
  );
  const [selected, setSelected] = useState<number[]>([]);
  return (
    <Card title="申请取证补贴" size="small" className="block-gap" data-testid="certificate-claim">
      <Typography.Paragraph type="secondary">
        勾选本机构颁发的有效证书生成取证补贴（职业技能鉴定评价补贴）申请；是否补贴及金额由政策引擎按本地区政策文件逐本核定，每本证书只补贴一次。
      </Typography.Paragraph>
      <LoadState loaded={certificates}>
        {(data) => (
          <Table<Certificate>
            size="small"
            rowKey="id"
            scroll={{ x: true }}
            dataSource={data.items.filter((item) => item.revokedOn === null)}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: '暂无有效证书：在“考核评价与发证”中颁发证书后可在此申请' }}
            rowSelection={{
              selectedRowKeys: selected,
              onChange: (keys) => setSelected(keys.map(Number)),
            }}
            columns={[
              { title: '证书编号', dataIndex: 'certificateNumber' },
              {
                title: '证书类型',
                dataIndex: 'certificateType',
                render: (type: string) => label(CERTIFICATE_TYPES, type, language),
              },
              {
                title: '等级',
                dataIndex: 'level',
                render: (level: string | null) => (level ? label(LEVELS, level, language) : '—'),
              },
              {
                title: '职业（工种）',
                dataIndex: 'occupationCode',
                render: (code: string | null) => <OccupationName code={code} />,
              },
              {
                title: '发证日期',
                dataIndex: 'issuedOn',
                sorter: (a, b) => a.issuedOn.localeCompare(b.issuedOn),
              },
            ]}
          />
        )}
      </LoadState>
      <ApplyCertificateClaim certificateIds={selected} />
    </Card>
  );
}

function ApplyCertificateClaim({ certificateIds }: { certificateIds: number[] }) {
  const [isOpen, setOpen] = useState(false);
  return (
    <>
      <Button
        type="primary"
        className="block-gap-top"
        disabled={certificateIds.length === 0}
        onClick={() => setOpen(true)}
      >
        申请取证补贴{certificateIds.length > 0 ? `（${certificateIds.length} 本）` : ''}
      </Button>
      <ClaimDraftModal
        isOpen={isOpen}
        onClose={() => setOpen(false)}
        title="申请取证补贴"
        hint="按所选证书逐本计算补贴；补贴支付给本机构的收款账户。"
        formName="certificate-claim"
        dateLabel="申请日期（业务日期）"
        successText="已生成取证补贴申请（草稿），请上传材料后提交"
        request={(applicationDate) => ({
          idempotencyKey: `certificates-${[...certificateIds].sort((a, b) => a - b).join('-')}-${applicationDate}`,
          body: { claim: { source: 'certificates', certificateIds } },
        })}
      />
    </>
  );
}
