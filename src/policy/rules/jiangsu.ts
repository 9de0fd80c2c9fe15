import type { Decision } from '../decision.ts';

/**
 * 苏政办发〔2019〕71号 （十四）: only people without a right to a monthly pension are in the
 * subsidy scope, so a pensioner is refused whatever the subsidy.
 */
export function checkPensioner(decision: Decision): void {
  const citation = decision.citation('exclusions.pensionerExcluded');
  const receivesPension = decision.request.person?.receivesPension;
  if (receivesPension === undefined) decision.missing('person.receivesPension', citation);
  else if (receivesPension)
    decision.deny('PENSIONER_EXCLUDED', '按月领取养老金的人员不在补贴政策范围内', citation);
}
