import type { Decision } from '../../decision.ts';
import { evaluateCatalogStandard, evaluateLocalCertificateStandard } from '../../rules/catalog-training.ts';
import { evaluateLivingAllowance } from '../../rules/living-allowance.ts';
import { evaluateOnTheJobTraining } from '../../rules/on-the-job.ts';
import type { PackDefinition } from '../pack.types.ts';

const byOccupation = (decision: Decision) => evaluateCatalogStandard(decision, { byOccupation: true });

/** 赣人社字〔2021〕151号: Jiangxi's use of the special account, 以工代训 in 2021. */
export const jiangxi2021: PackDefinition = {
  id: 'cn-360000-2021',
  regionCode: '360000',
  document: '赣人社字〔2021〕151号',
  title: '关于充分发挥职业技能提升行动专账资金效能 扎实推进职业技能提升行动的通知',
  inForceFrom: '2021-04-01',
  // The notice sets no end date for its general provisions; 以工代训 has its own deadline.
  inForceTo: null,
  periodCitation: { doc: '赣人社字〔2021〕151号', article: '落款（2021年4月1日）' },
  preChecks: [],
  evaluators: {
    training: byOccupation,
    apprenticeship: byOccupation,
    directed_training: byOccupation,
    technician_training: byOccupation,
    safety_training: (decision) => evaluateCatalogStandard(decision, { byOccupation: false }),
    certificate: evaluateLocalCertificateStandard,
    on_the_job_training: evaluateOnTheJobTraining,
    living_allowance: evaluateLivingAllowance,
  },
};
