import { describe, expect, it } from 'vitest';
import {
  allAtTopStandardForbidden,
  documentTargets,
  highSkillBaseCheck,
  materialsRules,
  subsidyCoverage,
} from './parameter.query.ts';
import type { ParameterOverride } from './parameter.types.ts';

/** What the packs answer the other domains (claims' materials, the catalog, the report targets). */
describe('what a document decides, asked by other domains', () => {
  it('materials: Jiangxi and Shanxi waive roster and bank statement on verified payroll, citing their articles', () => {
    expect(materialsRules('360000', '2021-10-01').payrollVerifiedWaived).toEqual({
      codes: ['employee_roster', 'payroll_bank_statement'],
      note: expect.stringContaining('大数据比对'),
      citation: { doc: '赣人社字〔2021〕151号', article: '一（二）' },
    });
    expect(materialsRules('140100', '2021-10-01').payrollVerifiedWaived?.citation).toEqual({
      doc: '晋人社厅函〔2021〕600号',
      article: '二',
    });
    expect(materialsRules('320000', '2021-10-01')).toEqual({});
  });

  it('materials: Chongqing asks a direct enterprise for plan, sign-in sheets and video and no invoice', () => {
    const rules = materialsRules('500000', '2021-10-01');
    expect(rules.directEnterpriseRequired?.codes).toEqual([
      'training_plan',
      'sign_in_sheets',
      'training_video',
    ]);
    expect(rules.directEnterpriseInvoiceWaived).toMatchObject({
      codes: [],
      citation: { doc: '渝人社发〔2021〕12号', article: '四' },
    });
    expect(rules.onTheJobTrainingWaived?.codes).toEqual(['training_plan']);
  });

  it('materials: nothing before the document is in force; a published version wins', () => {
    expect(materialsRules('360000', '2021-03-31')).toEqual({});
    const withdrawn: ParameterOverride = {
      packId: 'cn-360000-2021',
      key: 'materials.directEnterpriseInvoiceWaived',
      effectiveFrom: '2022-01-01',
      value: false,
      citation: { doc: '赣人社字〔2022〕1号', article: '一' },
    };
    expect(materialsRules('360000', '2021-12-31', [withdrawn]).directEnterpriseInvoiceWaived).toBeDefined();
    expect(materialsRules('360000', '2022-01-01', [withdrawn]).directEnterpriseInvoiceWaived).toBeUndefined();
  });

  it("catalog: only Shanxi's document forbids a catalog all at the top standard", () => {
    expect(allAtTopStandardForbidden('140100', '2026-01-01')).toEqual({
      doc: '晋人社厅函〔2021〕600号',
      article: '一',
    });
    expect(allAtTopStandardForbidden('360000', '2026-01-01')).toBeUndefined();
  });

  it('targets: Hengyang and Jiangsu, as the documents set them', () => {
    expect(documentTargets()).toEqual([
      ...[2019, 2020, 2021].map((year) => ({
        regionCode: '430400',
        metric: 'training_person_times',
        fromYear: year,
        toYear: year,
        targetValue: 44_100,
        comparison: 'at_least',
        citation: { doc: '衡人社发【2019】21号', article: '二（每年4.41万人次以上）' },
      })),
      {
        regionCode: '430400',
        metric: 'training_person_times',
        fromYear: 2019,
        toYear: 2021,
        targetValue: 132_300,
        comparison: 'at_least',
        citation: { doc: '衡人社发【2019】21号', article: '二（三年共13.23万人次以上）' },
      },
      {
        regionCode: '320000',
        metric: 'training_person_times',
        fromYear: 2019,
        toYear: 2019,
        targetValue: 1_950_000,
        comparison: 'at_least',
        citation: { doc: '苏政办发〔2019〕71号', article: '一（2019年培训195万人次以上）' },
      },
      {
        regionCode: '320000',
        metric: 'training_person_times',
        fromYear: 2019,
        toYear: 2021,
        targetValue: 4_500_000,
        comparison: 'at_least',
        citation: { doc: '苏政办发〔2019〕71号', article: '一（2019年至2021年共450万人次以上）' },
      },
      {
        regionCode: '320000',
        metric: 'new_apprentices',
        fromYear: 2019,
        toYear: 2021,
        targetValue: 66_000,
        comparison: 'about',
        citation: { doc: '苏政办发〔2019〕71号', article: '二（四）（三年培训6.6万名左右新型学徒）' },
      },
    ]);
  });

  it('high-skill bases: Chongqing asks 600 (national) and 300 (municipal) a year, citing 六; elsewhere no rule', () => {
    const national = (advancedTraineesPerYear: number) =>
      highSkillBaseCheck('500103', '2021-12-31', { baseLevel: 'national', advancedTraineesPerYear });
    expect(national(600)).toEqual({
      isOnTarget: true,
      minimumPerYear: 600,
      citation: { doc: '渝人社发〔2021〕12号', article: '六' },
    });
    expect(national(599)?.isOnTarget).toBe(false);
    expect(
      highSkillBaseCheck('500000', '2021-12-31', { baseLevel: 'municipal', advancedTraineesPerYear: 299 }),
    ).toMatchObject({ isOnTarget: false, minimumPerYear: 300 });
    expect(
      highSkillBaseCheck('360000', '2021-12-31', { baseLevel: 'national', advancedTraineesPerYear: 0 }),
    ).toBeUndefined();
  });
});

describe('which subsidies a region’s document funds', () => {
  it('Hengyang’s document has no 以工代训: refused up front with its number and title', () => {
    const coverage = subsidyCoverage('430421', '2021-11-16', 'on_the_job_training');
    expect(coverage).toMatchObject({ isProvided: false, packId: 'cn-430400-2019' });
    expect(coverage.explanation).toBe(
      '本地区适用的衡人社发【2019】21号《衡阳市职业技能提升行动实施方案（2019-2021年）》未规定以工代训职业培训补贴，本地区不予补贴，不能申请。',
    );
  });

  it('Jiangsu, Jiangxi, Shanxi and Chongqing fund it; outside a document’s period or region nothing is funded', () => {
    for (const region of ['320102', '360100', '140100', '500101'])
      expect(subsidyCoverage(region, '2021-08-01', 'on_the_job_training').isProvided).toBe(true);
    expect(subsidyCoverage('430421', '2022-01-01', 'training')).toMatchObject({ isProvided: false });
    expect(subsidyCoverage('430421', '2022-01-01', 'training').explanation).toContain('不在其内');
    expect(subsidyCoverage('110101', '2021-06-01', 'training')).toMatchObject({
      isProvided: false,
      packId: null,
    });
  });
});
