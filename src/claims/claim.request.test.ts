import { describe, expect, it } from 'vitest';
import {
  attendanceFacts,
  certificateFacts,
  classTrainingFacts,
  employmentFacts,
  personFacts,
} from './claim.request.ts';

/** The facts → request builder both claim paths use (the class claim and the batch). */
describe('claim request builder', () => {
  it('person: groups certified on the date, pension, graduation from the certification', () => {
    const groups = [
      { groupCode: 'registered_unemployed', validFrom: '2021-01-01', validTo: '2021-06-30' },
      { groupCode: 'recent_graduate', validFrom: '2020-07-01', validTo: null },
      { groupCode: 'poor_labor', validFrom: '2021-08-01', validTo: null },
    ];
    expect(personFacts(groups, 'receiving', '2021-05-01')).toEqual({
      groups: ['registered_unemployed', 'recent_graduate'],
      receivesPension: true,
      graduationDate: '2020-07-01',
    });
    expect(personFacts([], null, '2021-05-01')).toEqual({ groups: [], receivesPension: false });
  });

  it('employment: size only when known, flags, contract, an end only when set', () => {
    expect(
      employmentFacts({
        enterpriseSize: 'small',
        employerFlags: ['classified'],
        contractMonths: 12,
        start: '2021-01-01',
        end: null,
      }),
    ).toStrictEqual({
      employerSize: 'small',
      employerFlags: ['classified'],
      contractMonths: 12,
      start: '2021-01-01',
    });
    expect(
      Object.keys(
        employmentFacts({
          enterpriseSize: null,
          employerFlags: null,
          contractMonths: 6,
          start: 'a',
          end: 'b',
        }),
      ),
    ).toEqual(['employerFlags', 'contractMonths', 'start', 'end']);
  });

  it('training: the catalog standard and its daily rate, in the members order the stored forms keep', () => {
    const training = classTrainingFacts({
      isFiled: true,
      occupationCode: '4-10-01-05',
      level: 'primary',
      start: '2021-05-01',
      end: '2021-05-20',
      approvedOn: '2021-04-20',
      catalogEntry: { standardAmountFen: 150_000, standardDays: 15, isNewOccupation: false },
    });
    expect(Object.keys(training)).toEqual([
      'filed',
      'occupationCode',
      'inCatalog',
      'newOccupation',
      'level',
      'start',
      'end',
      'projectBased',
      'approvedOn',
      'catalogStandardFen',
      'dailyRateFen',
    ]);
    expect(training).toMatchObject({ inCatalog: true, catalogStandardFen: 150_000, dailyRateFen: 10_000 });
    expect(
      classTrainingFacts({
        isFiled: false,
        occupationCode: 'x',
        level: 'primary',
        start: 'a',
        end: 'b',
        approvedOn: null,
        catalogEntry: undefined,
      }),
    ).toStrictEqual({
      filed: false,
      occupationCode: 'x',
      inCatalog: false,
      newOccupation: false,
      level: 'primary',
      start: 'a',
      end: 'b',
      projectBased: false,
    });
  });

  it('attendance: whole days of 6 class hours, hours as attended; a certificate is a first issue', () => {
    expect(attendanceFacts({ offlineClassHours: 65, onlineClassHours: 11 })).toEqual({
      offlineDays: 10,
      onlineDays: 1,
      classHours: 76,
    });
    expect(certificateFacts({ type: 'skill_level', level: null, number: 'S1' })).toStrictEqual({
      type: 'skill_level',
      number: 'S1',
      firstIssue: true,
    });
  });
});
