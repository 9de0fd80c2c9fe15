import { evaluateCatalogStandard } from '../../rules/catalog-training.ts';
import {
  checkNoTrainingDuringOnTheJob,
  evaluateChongqingDayRateTraining,
  warnApprenticeshipCycle,
} from '../../rules/chongqing.ts';
import { evaluateLivingAllowance } from '../../rules/living-allowance.ts';
import { evaluateOnTheJobTraining } from '../../rules/on-the-job.ts';
import type { PackDefinition } from '../pack.types.ts';

/** 渝人社发〔2021〕12号: Chongqing's day-rate training subsidies from 2021-03-01. */
export const chongqing2021: PackDefinition = {
  id: 'cn-500000-2021',
  regionCode: '500000',
  document: '渝人社发〔2021〕12号',
  title: '关于扎实推进职业技能提升行动的通知',
  inForceFrom: '2021-03-01',
  // The notice applies from its issue date and sets no end date; 以工代训 ends on 2021-12-31.
  inForceTo: null,
  periodCitation: { doc: '渝人社发〔2021〕12号', article: '末段（自印发之日起实施）' },
  preChecks: [],
  evaluators: {
    training: evaluateChongqingDayRateTraining,
    technician_training: evaluateChongqingDayRateTraining,
    apprenticeship: (decision) => {
      checkNoTrainingDuringOnTheJob(decision);
      warnApprenticeshipCycle(decision);
      evaluateCatalogStandard(decision, { byOccupation: true });
    },
    on_the_job_training: evaluateOnTheJobTraining,
    living_allowance: evaluateLivingAllowance,
  },
};
