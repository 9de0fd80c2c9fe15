import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateEvaluateRequest } from './evaluate.schema.ts';
import { evaluate } from './evaluate.ts';
import type { Citation, EvaluateResponse } from './evaluate.types.ts';

/**
 * Rule tests as data: every `cases/<pack>/<sentence>.json` holds a request, the subset of the
 * response it expects, and the article it relies on. The file name is the test's name.
 */
interface RuleCase {
  request: unknown;
  expected: Partial<EvaluateResponse> & Record<string, unknown>;
  citation: Citation;
}

const CASES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');

function citationsOf(response: EvaluateResponse): Citation[] {
  const citations: Citation[] = [];
  for (const line of response.lines) citations.push(line.citation);
  for (const denial of response.denials) if (denial.citation) citations.push(denial.citation);
  if (response.payeeCitation) citations.push(response.payeeCitation);
  for (const line of response.lines) if (line.fundingCitation) citations.push(line.fundingCitation);
  return citations;
}

for (const packId of fs.readdirSync(CASES_DIR).sort()) {
  const files = fs.readdirSync(path.join(CASES_DIR, packId)).filter((file) => file.endsWith('.json'));
  describe(packId, () => {
    it('has at least 15 cases including denials', () => {
      expect(files.length).toBeGreaterThanOrEqual(15);
      const denials = files.filter(
        (file) =>
          (JSON.parse(fs.readFileSync(path.join(CASES_DIR, packId, file), 'utf8')) as RuleCase).expected
            .eligible === false,
      );
      expect(denials.length).toBeGreaterThanOrEqual(3);
    });
    for (const file of files.sort()) {
      it(file.replace(/\.json$/, ''), () => {
        const ruleCase = JSON.parse(fs.readFileSync(path.join(CASES_DIR, packId, file), 'utf8')) as RuleCase;
        const validation = validateEvaluateRequest(ruleCase.request);
        expect(validation.ok, JSON.stringify(validation)).toBe(true);
        if (!validation.ok) return;
        const response = evaluate(validation.value);
        expect(response).toMatchObject(ruleCase.expected);
        expect(response.policy).toBe(packId);
        // The article the case relies on must be one the decision actually cites.
        expect(citationsOf(response)).toContainEqual(ruleCase.citation);
        if (response.eligible) {
          expect(response.lines.length).toBeGreaterThan(0);
          expect(response.lines.reduce((sum, line) => sum + line.amountFen, 0)).toBe(response.amountFen);
        } else {
          expect(response.amountFen).toBe(0);
          expect(response.denials.length).toBeGreaterThan(0);
        }
      });
    }
  });
}
