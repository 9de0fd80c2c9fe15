import { Button } from 'antd';
import { useState } from 'react';
import { ClaimDraftModal } from '../../components/ClaimDraftModal.tsx';

/**
 * 以工代训: the enterprise applies for the employees it selected in its employment records; the
 * policy engine decides each line from the real-name records (contract, payroll months), and the
 * draft opens for the materials and submission.
 */
export function ApplyEmploymentClaim({ employmentIds }: { employmentIds: number[] }) {
  const [isOpen, setOpen] = useState(false);
  return (
    <>
      <Button disabled={employmentIds.length === 0} onClick={() => setOpen(true)}>
        申请以工代训补贴{employmentIds.length > 0 ? `（${employmentIds.length} 人）` : ''}
      </Button>
      <ClaimDraftModal
        isOpen={isOpen}
        onClose={() => setOpen(false)}
        title="申请以工代训补贴"
        hint="按所选职工的就业记录逐人计算补贴；补贴支付给企业的收款账户。"
        formName="employment-claim"
        dateLabel="申请日期"
        successText="已生成以工代训补贴申请（草稿），请上传材料后提交"
        request={(applicationDate) => ({
          idempotencyKey: `employment-${[...employmentIds].sort((a, b) => a - b).join('-')}-${applicationDate}`,
          body: { claim: { source: 'employment', employmentIds } },
        })}
      />
    </>
  );
}
