import { evaluateCatalogStandard } from '../../rules/catalog-training.ts';
import { evaluateInsuredSkillUpgrade } from '../../rules/hengyang.ts';
import { checkPensioner } from '../../rules/jiangsu.ts';
import { evaluateLivingAllowance } from '../../rules/living-allowance.ts';
import { evaluateOnTheJobTraining } from '../../rules/on-the-job.ts';
import type { PackDefinition } from '../pack.types.ts';

/** 苏政办发〔2019〕71号: Jiangsu's implementation plan of the 2019–2021 skills action. */
export const jiangsu2019: PackDefinition = {
  id: 'cn-320000-2019',
  regionCode: '320000',
  document: '苏政办发〔2019〕71号',
  title: '江苏省职业技能提升行动实施方案（2019—2021年）',
  inForceFrom: '2019-08-28',
  inForceTo: '2021-12-31',
  periodCitation: { doc: '苏政办发〔2019〕71号', article: '标题（2019—2021年）' },
  preChecks: [checkPensioner],
  evaluators: {
    training: (decision) => evaluateCatalogStandard(decision, { byOccupation: true }),
    apprenticeship: (decision) => evaluateCatalogStandard(decision, { byOccupation: true }),
    technician_training: (decision) => evaluateCatalogStandard(decision, { byOccupation: true }),
    safety_training: (decision) => evaluateCatalogStandard(decision, { byOccupation: false }),
    on_the_job_training: evaluateOnTheJobTraining,
    living_allowance: evaluateLivingAllowance,
    insured_skill_upgrade: evaluateInsuredSkillUpgrade,
  },
};
