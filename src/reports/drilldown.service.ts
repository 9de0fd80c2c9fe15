import type { Executor } from '../db/database.ts';
import { getPersons } from '../registry/person.service.ts';
import { maskIdNumber, maskName } from '../shared/crypto.ts';
import type { ReportPeriod } from './report.period.ts';
import { type DrilldownDimension, type DrilldownRow, selectDrilldown } from './report.repository.ts';

/** A claim line behind a report cell, with the person masked (姓名、身份证号脱敏). */
export interface DrilldownItem extends Omit<DrilldownRow, 'personId'> {
  person: { id: number; maskedName: string; maskedIdNumber: string } | null;
}

/**
 * The claim lines behind one cell of a report (dimension + key, the same names the report rows
 * and the CSV carry), a page at a time. Personal data is always masked: a report reader needs to
 * find the line, not to read the person's ID number.
 */
export async function drilldown(
  executor: Executor,
  input: {
    regionCode: string;
    period: ReportPeriod;
    dimension: DrilldownDimension;
    key: string;
    page: number;
    pageSize: number;
  },
): Promise<{ items: DrilldownItem[]; total: number; page: number; pageSize: number }> {
  const { rows, total } = await selectDrilldown(
    executor,
    { regionCode: input.regionCode, from: input.period.from, to: input.period.to },
    {
      dimension: input.dimension,
      key: input.key,
      limit: input.pageSize,
      offset: (input.page - 1) * input.pageSize,
    },
  );
  const personIds = [...new Set(rows.map((row) => row.personId).filter((id): id is number => id !== null))];
  const persons = new Map((await getPersons(executor, personIds)).map((person) => [person.id, person]));
  const items = rows.map(({ personId, ...row }) => {
    const person = personId === null ? undefined : persons.get(personId);
    return {
      ...row,
      person: person
        ? { id: person.id, maskedName: maskName(person.name), maskedIdNumber: maskIdNumber(person.idNumber) }
        : null,
    };
  });
  return { items, total, page: input.page, pageSize: input.pageSize };
}
