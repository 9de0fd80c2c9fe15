import type { EvaluateRequest, GroupCode } from './evaluate.types.ts';

/** A small deterministic PRNG (mulberry32): the same seed always gives the same workload. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

type Template = (random: () => number) => EvaluateRequest;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function day(random: () => number, year: number, fromMonth = 1, toMonth = 12): string {
  const month = fromMonth + Math.floor(random() * (toMonth - fromMonth + 1));
  return `${year}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
}

const TEMPLATES: readonly Template[] = [
  (random) => ({
    region: pick(random, ['430421', '430400', '430482']),
    date: day(random, pick(random, [2020, 2021])),
    subsidy: 'training',
    person: {
      groups: [
        pick(random, [
          'enterprise_employee',
          'registered_unemployed',
          'poor_labor',
          'veteran',
        ] as GroupCode[]),
      ],
    },
    employment: {
      employerFlags: random() < 0.5 ? ['difficult'] : ['industrial_transfer'],
      contractMonths: pick(random, [6, 12, 24]),
    },
    training: {
      filed: random() < 0.95,
      occupationCode: pick(random, ['6-18-01-01', '4-10-01-01']),
      inCatalog: random() < 0.7,
      level: pick(random, ['primary', 'intermediate', 'advanced']),
      catalogStandardFen: pick(random, [80000, 100000, 120000]),
    },
    certificate: {
      type: pick(random, ['training_qualified', 'skill_level']),
      number: `HY${Math.floor(random() * 1e6)}`,
    },
    history:
      random() < 0.3
        ? [{ date: '2020-02-01', subsidy: 'training', occupationCode: '4-10-01-01', level: 'primary' }]
        : [],
  }),
  (random) => ({
    region: pick(random, ['360102', '360700']),
    date: day(random, 2021, 4, 12),
    subsidy: 'on_the_job_training',
    person: {
      groups: [pick(random, ['registered_unemployed', 'recent_graduate', 'veteran'] as GroupCode[])],
      graduationDate: '2020-07-01',
    },
    employment: {
      employerSize: pick(random, ['micro', 'small', 'large']),
      contractMonths: pick(random, [3, 6, 12]),
      start: day(random, 2021, 1, 3),
      end: day(random, 2021, 4, 9),
    },
  }),
  (random) => ({
    region: pick(random, ['140105', '140200']),
    date: day(random, 2021, 8, 12),
    subsidy: random() < 0.6 ? 'certificate' : 'directed_training',
    person: { groups: ['graduating_student'] },
    training: {
      filed: true,
      occupationCode: '6-20-03-01',
      level: 'advanced',
      months: pick(random, [2, 3, 4, 6, 7]),
      catalogStandardFen: pick(random, [500000, 900000]),
    },
    certificate: {
      type: pick(random, ['skill_level', 'special_ability', 'special_operation']),
      level: pick(random, ['primary', 'intermediate', 'advanced']),
      number: `SX${Math.floor(random() * 1e6)}`,
      firstIssue: random() < 0.8,
    },
  }),
  (random) => ({
    region: pick(random, ['500101', '500103', '500000']),
    date: day(random, 2021, 4, 12),
    subsidy: 'training',
    person: { groups: [pick(random, ['registered_unemployed', 'enterprise_employee'] as GroupCode[])] },
    training: {
      filed: true,
      approvedOn: day(random, 2021, 2, 4),
      occupationCode: pick(random, ['6-18-01-01', '4-10-01-01', '4-04-05-03']),
      newOccupation: random() < 0.2,
      level: pick(random, ['primary', 'advanced']),
      offlineDays: 5 + Math.floor(random() * 15),
      onlineDays: Math.floor(random() * 5),
      classHours: pick(random, [0, 12, 15]),
      dailyRateFen: pick(random, [13000, 15000, 18000, 21000]),
      onlineDailyRateFen: pick(random, [5000, 6000]),
      catalogStandardFen: pick(random, [200000, 300000]),
    },
  }),
  (random) => ({
    region: pick(random, ['320102', '320500', '320300']),
    date: day(random, pick(random, [2020, 2021])),
    subsidy: 'training',
    mode: random() < 0.3 ? 'advance' : 'full',
    person: {
      groups: [pick(random, ['laid_off', 'enterprise_employee'] as GroupCode[])],
      receivesPension: random() < 0.1,
    },
    training: {
      filed: true,
      occupationCode: '4-10-01-01',
      inCatalog: true,
      level: 'primary',
      catalogStandardFen: 100000,
      projectBased: random() < 0.5,
    },
    history: [{ date: '2020-03-01', subsidy: 'training', occupationCode: '4-01-01-01', level: 'primary' }],
  }),
];

/** A deterministic mixed workload over all five packs. */
export function generateWorkload(size: number, seed = 20261123): EvaluateRequest[] {
  const random = seededRandom(seed);
  const requests = new Array<EvaluateRequest>(size);
  for (let index = 0; index < size; index += 1)
    requests[index] = TEMPLATES[index % TEMPLATES.length]!(random);
  return requests;
}
