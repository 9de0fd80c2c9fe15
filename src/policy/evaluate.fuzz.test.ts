import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MONEY_FEN, validateEvaluateRequest } from './evaluate.schema.ts';
import { decide, evaluate } from './evaluate.ts';
import {
  CERTIFICATE_TYPES,
  DENIAL_CODES,
  EMPLOYER_FLAGS,
  EMPLOYER_SIZES,
  GROUP_CODES,
  LEVELS,
  MODES,
  SUBSIDY_KINDS,
} from './evaluate.types.ts';
import { ResponseJsonWriter } from './response-json.ts';

/** Real calendar dates around the documents' periods, as ISO strings. */
const isoDate = fc
  .date({ min: new Date('2018-01-01T00:00:00Z'), max: new Date('2023-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const region = fc.constantFrom(
  '430421',
  '430400',
  '430000',
  '320102',
  '320000',
  '500101',
  '500000',
  '360102',
  '140105',
  '110101',
  '654321',
);
const groups = fc.array(fc.constantFrom(...GROUP_CODES), { maxLength: 4 });
const smallCount = fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 3660 }));
const fen = fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: MAX_MONEY_FEN }));
const occupationCode = fc.constantFrom('6-18-01-01', '4-10-01-01', '2-02-07-09', '4-04-05-03', '5-01-01');

const person = fc.record(
  { groups, graduationDate: isoDate, receivesPension: fc.boolean(), relativeOfGroups: groups },
  { requiredKeys: [] },
);
const employment = fc.record(
  {
    employerSize: fc.constantFrom(...EMPLOYER_SIZES),
    employerFlags: fc.array(fc.constantFrom(...EMPLOYER_FLAGS), { maxLength: 3 }),
    contractMonths: fc.integer({ min: 0, max: 60 }),
    start: isoDate,
    end: isoDate,
  },
  { requiredKeys: [] },
);
const training = fc.record(
  {
    filed: fc.boolean(),
    approvedOn: isoDate,
    occupationCode,
    newOccupation: fc.boolean(),
    inCatalog: fc.boolean(),
    level: fc.constantFrom(...LEVELS),
    start: isoDate,
    end: isoDate,
    offlineDays: smallCount,
    onlineDays: smallCount,
    classHours: smallCount,
    months: fc.integer({ min: 0, max: 30 }),
    dailyRateFen: fen,
    onlineDailyRateFen: fen,
    catalogStandardFen: fen,
    projectBased: fc.boolean(),
  },
  { requiredKeys: [] },
);
const certificate = fc.record(
  {
    type: fc.constantFrom(...CERTIFICATE_TYPES),
    level: fc.constantFrom(...LEVELS),
    number: fc.constantFrom('A1', 'B2', 'C3'),
    firstIssue: fc.boolean(),
  },
  { requiredKeys: [] },
);
const historyEntry = fc.record(
  {
    date: isoDate,
    subsidy: fc.constantFrom(...SUBSIDY_KINDS),
    occupationCode,
    level: fc.constantFrom(...LEVELS),
    certificateNumber: fc.constantFrom('A1', 'B2', 'C3'),
    start: isoDate,
    end: isoDate,
  },
  { requiredKeys: ['date', 'subsidy'] },
);

/** Requests of every shape the schema allows (start/end may be out of order; validation sorts that out). */
const anyRequest = fc.record(
  {
    region,
    date: isoDate,
    subsidy: fc.constantFrom(...SUBSIDY_KINDS),
    mode: fc.constantFrom(...MODES),
    person,
    employment,
    training,
    certificate,
    history: fc.array(historyEntry, { maxLength: 5 }),
  },
  { requiredKeys: ['region', 'date', 'subsidy'] },
);

describe('fuzzing', () => {
  it('validateEvaluateRequest never throws on arbitrary JSON and names fields on failure', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const result = validateEvaluateRequest(input);
        if (!result.ok) expect(result.details.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('validateEvaluateRequest never throws on near-valid requests with corrupted fields', () => {
    const corrupted = fc.tuple(
      anyRequest,
      fc.constantFrom('date', 'region', 'person', 'training', 'history'),
      fc.anything(),
    );
    fc.assert(
      fc.property(corrupted, ([request, key, value]) => {
        validateEvaluateRequest({ ...request, [key]: value });
      }),
      { numRuns: 1000 },
    );
  });

  it('evaluate never throws on a schema-valid request and keeps the response invariants', () => {
    fc.assert(
      fc.property(anyRequest, (input) => {
        const validation = validateEvaluateRequest(input);
        if (!validation.ok) return;
        const response = evaluate(validation.value);
        expect(Number.isSafeInteger(response.amountFen)).toBe(true);
        expect(response.amountFen).toBeGreaterThanOrEqual(0);
        if (!response.eligible) {
          expect(response.amountFen).toBe(0);
          expect(response.denials.length).toBeGreaterThan(0);
        } else {
          expect(response.lines.length).toBeGreaterThan(0);
          for (const line of response.lines) expect(line.citation.article.length).toBeGreaterThan(0);
          // An advance request is never paid as a full amount.
          if (validation.value.mode === 'advance') {
            expect(response.lines.some((line) => line.item.endsWith('_advance'))).toBe(true);
          }
        }
        for (const denial of response.denials) expect(DENIAL_CODES).toContain(denial.code);
      }),
      { numRuns: 5000 },
    );
  });

  it('the CLI writes for any valid request the bytes JSON.stringify writes of its response', () => {
    // One writer for every run, with small caches, so texts and parameterVersions tails cached
    // for one request are reused (and evicted) by the next ones.
    let chunks: Buffer[] = [];
    const writer = new ResponseJsonWriter((bytes) => chunks.push(bytes), 1 << 20, {
      texts: 64,
      versions: 16,
    });
    fc.assert(
      fc.property(fc.array(anyRequest, { minLength: 1, maxLength: 8 }), (inputs) => {
        const requests = inputs.flatMap((input) => {
          const validation = validateEvaluateRequest(input);
          return validation.ok ? [validation.value] : [];
        });
        chunks = [];
        for (const request of requests) writer.decided(decide(request));
        writer.end();
        expect(Buffer.concat(chunks).toString('utf8')).toBe(
          requests.map((request) => JSON.stringify(evaluate(request))).join(''),
        );
      }),
      { numRuns: 1500 },
    );
  });
});
