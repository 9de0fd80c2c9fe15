import type { Executor } from '../db/database.ts';
import type { EmployerFlag, EmployerSize, PersonFacts } from '../policy/evaluate.types.ts';
import type { Organisation } from '../registry/organisation.service.ts';
import { getPersons, type Person } from '../registry/person.service.ts';
import { personFacts } from './claim.request.ts';

// The facts a claim's evaluation request is built from, read from the real-name registry; shared
// by the employment sources (claim.sources.ts) and the training sources (claim.training-sources.ts).

/** The person's facts on a date, from the real-name record (claim.request.ts personFacts). */
export function personFactsOn(person: Person, date: string): PersonFacts {
  return personFacts(person.groups, person.pensionStatus, date);
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
