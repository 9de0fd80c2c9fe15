import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));

it('docs/policy-coverage.md only references rule case files that exist', () => {
  const coverage = fs.readFileSync(path.join(HERE, '..', '..', 'docs', 'policy-coverage.md'), 'utf8');
  const referenced = [...coverage.matchAll(/`(cn-[0-9]{6}-[0-9]{4}\/[^`]+\.json)`/g)].map(
    (match) => match[1]!,
  );
  expect(referenced.length).toBeGreaterThan(50);
  const missing = referenced.filter((file) => !fs.existsSync(path.join(HERE, 'cases', file)));
  expect(missing).toEqual([]);
});
