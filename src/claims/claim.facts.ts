import type { Executor } from '../db/database.ts';
import type { EmployerFlag, EmployerSize, GroupCode, PersonFacts } from '../policy/evaluate.types.ts';
import type { Organisation } from '../registry/organisation.service.ts';
import { getPersons, type Person } from '../registry/person.service.ts';

// The facts a claim's evaluation request is built from, read from the real-name registry; shared
// by the employment sources (claim.sources.ts) and the training sources (claim.training-sources.ts).

/**
 * The person's facts on a date, from the real-name record: the groups whose certification is
 * valid that day, the pension status, and the graduation date (the start of a recent-graduate
 * or graduating-student certification, which HRSS records from the diploma).
 */
export function personFactsOn(person: Person, date: string): PersonFacts {
  const groups = person.groups.filter(
    (group) => group.validFrom <= date && (group.validTo === null || group.validTo >= date),
  );
  const facts: PersonFacts = {
    groups: [...new Set(groups.map((group) => group.groupCode as GroupCode))],
    receivesPension: person.pensionStatus === 'receiving',
  };
  const graduate = person.groups.find(
    (group) => group.groupCode === 'recent_graduate' || group.groupCode === 'graduating_student',
  );
  if (graduate) facts.graduationDate = graduate.validFrom;
  return facts;
}

export function enterpriseFacts(enterprise: Organisation) {
  return {
    ...(enterprise.enterpriseSize ? { employerSize: enterprise.enterpriseSize as EmployerSize } : {}),
    employerFlags: enterprise.employerFlags as EmployerFlag[],
  };
}

export async function personsById(executor: Executor, ids: readonly number[]): Promise<Map<number, Person>> {
  const persons = await getPersons(executor, [...new Set(ids)]);
  return new Map(persons.map((person) => [person.id, person]));
}
