import { evaluateCatalogStandard } from '../../rules/catalog-training.ts';
import {
  evaluateHengyangSafetyTraining,
  evaluateHengyangTraining,
  evaluateInsuredSkillUpgrade,
} from '../../rules/hengyang.ts';
import { evaluateLivingAllowance } from '../../rules/living-allowance.ts';
import type { PackDefinition } from '../pack.types.ts';

/** 衡人社发【2019】21号: Hengyang's implementation plan of the 2019–2021 skills action. */
export const hengyang2019: PackDefinition = {
  id: 'cn-430400-2019',
  regionCode: '430400',
  document: '衡人社发【2019】21号',
  title: '衡阳市职业技能提升行动实施方案（2019-2021年）',
  inForceFrom: '2019-08-30',
  inForceTo: '2021-12-31',
  periodCitation: {
    doc: '衡人社发【2019】21号',
    article: '末段（从颁布之时起执行，执行期限到2021年12月31日止）',
  },
  preChecks: [],
  evaluators: {
    training: evaluateHengyangTraining,
    safety_training: evaluateHengyangSafetyTraining,
    living_allowance: evaluateLivingAllowance,
    apprenticeship: (decision) => evaluateCatalogStandard(decision, { byOccupation: true }),
    technician_training: (decision) => evaluateCatalogStandard(decision, { byOccupation: true }),
    insured_skill_upgrade: evaluateInsuredSkillUpgrade,
  },
};
