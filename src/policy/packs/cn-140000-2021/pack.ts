import { evaluateCatalogStandard } from '../../rules/catalog-training.ts';
import { evaluateLivingAllowance } from '../../rules/living-allowance.ts';
import { evaluateOnTheJobTraining } from '../../rules/on-the-job.ts';
import {
  checkFlexibleWorkerTransition,
  evaluateShanxiCertificate,
  evaluateShanxiDirectedTraining,
} from '../../rules/shanxi.ts';
import type { PackDefinition } from '../pack.types.ts';

/** 晋人社厅函〔2021〕600号: Shanxi's "人人持证、技能社会" notice with certificate subsidies. */
export const shanxi2021: PackDefinition = {
  id: 'cn-140000-2021',
  regionCode: '140000',
  document: '晋人社厅函〔2021〕600号',
  title: '关于充分发挥职业技能提升行动专账资金效能扎实推进新发展阶段“人人持证、技能社会”建设提质增效的通知',
  inForceFrom: '2021-07-08',
  // No end date is given; 以工代训 ends on 2021-12-31 by its own parameter.
  inForceTo: null,
  // The text at hand is the Xinzhou office's reprint (忻州市人力资源和社会保障局办公室 2021年7月8日印发);
  // the provincial issue date is not in it, so 2021-07-08 is an assumption (docs/policy-coverage.md).
  periodCitation: { doc: '晋人社厅函〔2021〕600号', article: '印发日期（2021年7月8日）' },
  preChecks: [checkFlexibleWorkerTransition],
  evaluators: {
    training: (decision) => evaluateCatalogStandard(decision, { byOccupation: true }),
    apprenticeship: (decision) => evaluateCatalogStandard(decision, { byOccupation: true }),
    directed_training: evaluateShanxiDirectedTraining,
    certificate: evaluateShanxiCertificate,
    on_the_job_training: evaluateOnTheJobTraining,
    living_allowance: evaluateLivingAllowance,
  },
};
