import { describe, expect, it } from 'vitest';
import { matchesRequestSchema } from './evaluate.check.ts';
import { evaluateRequestSchema } from './evaluate.schema.ts';
import { CERTIFICATE_TYPES, EMPLOYER_FLAGS, EMPLOYER_SIZES, GROUP_CODES, LEVELS } from './evaluate.types.ts';
import validateCompiled from './evaluate.validator.generated.js';
import { generateWorkload } from './workload.ts';

// matchesRequestSchema is the schema written out by hand; the ajv validator compiled from the
// schema is the reference. Each test below holds the two to the same answer.

/** A request with every member the schema knows, each valid. */
const FULL = {
  region: '430421',
  date: '2021-06-15',
  subsidy: 'training',
  mode: 'full',
  person: {
    groups: ['poor_labor', 'disabled'],
    graduationDate: '2020-06-30',
    receivesPension: false,
    relativeOfGroups: ['poor_labor'],
  },
  employment: {
    employerSize: 'small',
    employerFlags: ['difficult'],
    contractMonths: 12,
    start: '2021-01-01',
    end: '2021-06-01',
    verifiedMonths: ['2021-01', '2021-02', '2021-12'],
  },
  training: {
    filed: true,
    approvedOn: '2021-01-05',
    occupationCode: '4-10-01-01',
    newOccupation: false,
    inCatalog: true,
    level: 'primary',
    start: '2021-02-01',
    end: '2021-03-01',
    offlineDays: 10,
    onlineDays: 2,
    classHours: 80,
    scheduledClassHours: 90,
    months: 1,
    dailyRateFen: 5000,
    onlineDailyRateFen: 3000,
    catalogStandardFen: 100000,
    projectBased: false,
  },
  certificate: { type: 'skill_level', level: 'primary', number: 'HY000001', firstIssue: true },
  history: [
    {
      date: '2020-02-01',
      subsidy: 'training',
      occupationCode: '4-10',
      level: 'primary',
      certificateNumber: 'A1',
      start: '2020-01-01',
      end: '2020-01-31',
    },
  ],
};

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: readonly string[];
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
}

/** Values to put in place of a member: of every JSON type, at and past each bound. */
function probes(node: SchemaNode, valid: unknown): unknown[] {
  const values: unknown[] = [null, true, false, 0, -1, 1.5, 1e21, '', 'x', [], {}, Number.NaN];
  values.push(
    '2021-02-28',
    '2021-02-29',
    '2020-02-29',
    '1900-02-29',
    '2000-02-29',
    '2021-04-31',
    '2021-04-30',
  );
  values.push('2021-13-01', '2021-00-10', '2021-01-00', '2021-1-01', '2021-01-01 ', '２０２１-01-01');
  values.push('2021-01', '2021-00', '2021-09', '2021-10', '2021-12', '2021-13', '202a-01', '2021-1');
  values.push('430400', '930400', '030400', '43040', '4304001', '43040a', '100000', '800000');
  values.push(
    '4',
    '4-10',
    '4-10-01',
    '4-10-01-01',
    '4-10-01-01-01',
    '9-10',
    '0-10',
    '4-1',
    '4-100',
    '4_10',
    '8-99-99-99',
  );
  values.push('a'.repeat(64), 'a'.repeat(65), '中'.repeat(64), '中'.repeat(65));
  values.push(...LEVELS, ...CERTIFICATE_TYPES, ...EMPLOYER_SIZES, 'training', 'full', 'advance', 'nope');
  if (node.minimum !== undefined) values.push(node.minimum, node.minimum - 1);
  if (node.maximum !== undefined) values.push(node.maximum, node.maximum + 1, node.maximum - 0.5);
  if (node.enum) values.push(...node.enum);
  if (node.type === 'array') {
    const item = (valid as unknown[])[0];
    values.push([item, 'nope'], [item, null], [item, 7]);
    if (node.maxItems !== undefined)
      values.push(new Array(node.maxItems).fill(item), new Array(node.maxItems + 1).fill(item));
    values.push([...GROUP_CODES], [...EMPLOYER_FLAGS], ['2021-01', '2021-13']);
  }
  if (node.type === 'object')
    values.push(
      { ...(valid as object), extra: 1 },
      JSON.parse(`{"__proto__":1,${JSON.stringify(valid).slice(1)}`),
    );
  return values;
}

/** Every request one change away from `base` at `node`, found by walking the schema. */
function mutations(
  node: SchemaNode,
  value: unknown,
  replace: (next: unknown) => unknown,
  out: unknown[],
): void {
  for (const probe of probes(node, value)) out.push(replace(probe));
  if (node.type === 'object' && node.properties) {
    const record = value as Record<string, unknown>;
    expect(Object.keys(record).sort(), 'FULL names every member of the schema').toEqual(
      Object.keys(node.properties).sort(),
    );
    for (const [key, child] of Object.entries(node.properties)) {
      const without = { ...record };
      delete without[key];
      out.push(replace(without));
      out.push(replace(JSON.parse(`{"${key}":${JSON.stringify(record[key])}}`)));
      mutations(child, record[key], (next) => replace({ ...record, [key]: next }), out);
    }
  }
  if (node.type === 'array' && node.items) {
    const items = value as unknown[];
    mutations(node.items, items[0], (next) => replace([next, ...items.slice(1)]), out);
    mutations(node.items, items[0], (next) => replace([...items, next]), out);
  }
}

describe('the hand-written request check', () => {
  it('accepts what the schema accepts: every request of the mixed workload', () => {
    for (const request of generateWorkload(5_000)) expect(matchesRequestSchema(request)).toBe(true);
    expect(validateCompiled(FULL)).toBe(true);
    expect(matchesRequestSchema(FULL)).toBe(true);
  });

  it('answers as the schema does for every request one change away from a full one', () => {
    const requests: unknown[] = [];
    mutations(evaluateRequestSchema as SchemaNode, FULL, (next) => next, requests);
    expect(requests.length).toBeGreaterThan(5_000);
    let accepted = 0;
    for (const request of requests) {
      const reference = validateCompiled(request);
      expect(matchesRequestSchema(request), JSON.stringify(request)).toBe(reference);
      if (reference) accepted += 1;
    }
    // Both answers occur often: the probes are not all valid nor all broken.
    expect(accepted).toBeGreaterThan(500);
    expect(requests.length - accepted).toBeGreaterThan(500);
  });

  it('leaves to ajv what it cannot count cheaply, never saying yes where the schema says no', () => {
    const pairs = '😀'.repeat(64); // 64 characters for ajv, 128 UTF-16 units
    const request = { ...FULL, certificate: { ...FULL.certificate, number: pairs } };
    expect(validateCompiled(request)).toBe(true);
    expect(matchesRequestSchema(request)).toBe(false);
    expect(validateCompiled({ ...FULL, mode: undefined })).toBe(true);
    expect(matchesRequestSchema({ ...FULL, mode: undefined })).toBe(false);
    for (const input of [undefined, null, 1, 'x', [], [FULL]])
      expect(matchesRequestSchema(input)).toBe(false);
  });
});
