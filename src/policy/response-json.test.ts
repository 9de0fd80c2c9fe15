import { describe, expect, it } from 'vitest';
import { validateEvaluateRequest } from './evaluate.schema.ts';
import { decide, evaluate } from './evaluate.ts';
import type { EvaluateResponse } from './evaluate.types.ts';
import { ResponseJsonWriter } from './response-json.ts';
import { generateWorkload } from './workload.ts';

function written(responses: unknown[], chunkSize?: number): string {
  const chunks: Buffer[] = [];
  const writer = new ResponseJsonWriter((bytes) => chunks.push(bytes), chunkSize);
  writer.raw('[');
  responses.forEach((response, index) => {
    if (index > 0) writer.raw(',');
    writer.response(response as EvaluateResponse);
  });
  writer.raw(']');
  writer.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('ResponseJsonWriter', () => {
  it('writes the bytes JSON.stringify writes, for a mixed workload, in small chunks', () => {
    const responses = generateWorkload(3_000).map((request) => {
      const valid = validateEvaluateRequest(request);
      if (!valid.ok) throw new Error('the workload is valid');
      return evaluate(valid.value);
    });
    expect(written(responses, 4096)).toBe(JSON.stringify(responses));
    // the second pass reuses the cached bytes and must still be exact
    expect(written(responses)).toBe(JSON.stringify(responses));
  });

  it('writes a decision straight from its working state as the response evaluate builds from it', () => {
    const requests = generateWorkload(3_000).map((request) => {
      const valid = validateEvaluateRequest(request);
      if (!valid.ok) throw new Error('the workload is valid');
      return valid.value;
    });
    // Requests no pack decides (no document for the region, a date outside its period) too.
    requests.push(
      { ...requests[0]!, region: '110101' },
      { ...requests[0]!, date: '2015-01-01' },
      { ...requests[1]!, history: [] },
    );
    const chunks: Buffer[] = [];
    const writer = new ResponseJsonWriter((bytes) => chunks.push(bytes), 4096);
    writer.raw('[');
    requests.forEach((request, index) => {
      if (index > 0) writer.raw(',');
      writer.decided(decide(request));
    });
    writer.raw(']');
    writer.end();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      JSON.stringify(requests.map((request) => evaluate(request))),
    );
  });

  it('writes the same bytes when its caches of texts and parameterVersions overflow and start again', () => {
    const requests = generateWorkload(2_000, 7).map((request) => {
      const valid = validateEvaluateRequest(request);
      if (!valid.ok) throw new Error('the workload is valid');
      return valid.value;
    });
    for (const limits of [
      { texts: 3, versions: 2 },
      { texts: 0, versions: 0 },
    ]) {
      const chunks: Buffer[] = [];
      const writer = new ResponseJsonWriter((bytes) => chunks.push(bytes), 4096, limits);
      writer.raw('[');
      requests.forEach((request, index) => {
        if (index > 0) writer.raw(',');
        writer.decided(decide(request));
      });
      writer.raw(']');
      writer.end();
      expect(Buffer.concat(chunks).toString('utf8')).toBe(
        JSON.stringify(requests.map((request) => evaluate(request))),
      );
    }
  });

  it('leaves out undefined members, writes escapes, non-finite numbers and shared frozen objects as JSON does', () => {
    const shared = Object.freeze({ doc: '衡人社发【2019】21号', article: '六（二）' });
    const odd = [
      { a: undefined, b: 'quote " backslash \\ newline \n tab \t 中文 \u2028', c: Number.NaN, d: null },
      { nested: [1, -2.5, 1e21, true, false, [], {}], citation: shared, again: shared },
      { when: new Date('2021-05-06T00:00:00Z'), f: () => 1, list: [undefined, () => 1] },
      {
        emoji: '证书 😀 ok',
        lone: 'a\ud800b',
        del: 'x\u007fy\u0001',
        big: [12345678901234568, 1234567890123, -0, 0.1, 1e15, 999],
      },
      Object.freeze(['frozen', shared]),
    ];
    expect(written(odd)).toBe(JSON.stringify(odd));
  });
});
