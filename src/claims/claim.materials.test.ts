import { describe, expect, it } from 'vitest';
import { type ChecklistFacts, materialsChecklist } from './claim.materials.ts';

const base: ChecklistFacts = {
  provinceCode: '430000',
  date: '2021-10-01',
  subsidyKind: 'training',
  applicantKind: 'institution',
  isClassifiedEnterprise: false,
  isPayrollVerified: false,
};
const required = (facts: ChecklistFacts) =>
  materialsChecklist(facts)
    .filter((item) => item.isRequired)
    .map((item) => item.code);

describe('materials checklist', () => {
  it('asks an institution for roster, certificates, sign-in sheets and invoice', () => {
    expect(required(base)).toEqual(['roster', 'certificates', 'sign_in_sheets', 'invoice']);
  });

  it('waives the invoice for an enterprise claiming directly in Jiangxi, citing the notice', () => {
    const list = materialsChecklist({ ...base, provinceCode: '360000', applicantKind: 'enterprise' });
    expect(list.find((item) => item.code === 'invoice')).toMatchObject({
      isRequired: false,
      citation: { doc: '赣人社字〔2021〕151号', article: '三' },
    });
  });

  it('asks a Chongqing enterprise for plan, sign-in sheets and video but no invoice', () => {
    expect(required({ ...base, provinceCode: '500000', applicantKind: 'enterprise' })).toEqual([
      'roster',
      'certificates',
      'training_plan',
      'sign_in_sheets',
      'training_video',
    ]);
  });

  it('keeps the invoice for a classified enterprise', () => {
    expect(
      required({
        ...base,
        provinceCode: '500000',
        applicantKind: 'enterprise',
        isClassifiedEnterprise: true,
      }),
    ).toContain('invoice');
  });

  it('waives roster and bank statement for payroll-verified 以工代训 in Jiangxi and Shanxi only', () => {
    const ojt = {
      ...base,
      subsidyKind: 'on_the_job_training',
      applicantKind: 'enterprise',
      isPayrollVerified: true,
    };
    expect(required({ ...ojt, provinceCode: '360000' })).toEqual(['labour_contracts']);
    expect(required({ ...ojt, provinceCode: '140000' })).toEqual(['labour_contracts']);
    expect(required({ ...ojt, provinceCode: '320000' })).toEqual([
      'labour_contracts',
      'employee_roster',
      'payroll_bank_statement',
    ]);
    expect(required({ ...ojt, provinceCode: '360000', isPayrollVerified: false })).toContain(
      'payroll_bank_statement',
    );
  });
});
