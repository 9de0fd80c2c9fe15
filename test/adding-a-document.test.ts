import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/policy/evaluate.ts';
import { loadPack, PACK_DEFINITIONS, PackRegistry } from '../src/policy/packs/index.ts';
import { hubeiTest2026 } from './fixtures/packs/cn-420000-2026/pack.ts';

/**
 * docs/adding-a-document.md followed once: a sixth document is its pack folder
 * (test/fixtures/packs/cn-420000-2026: pack.ts and parameters/*.json) and one line in the
 * registry of definitions. Nothing else changes: no other domain, no engine file.
 */
const packs = new PackRegistry(
  [...PACK_DEFINITIONS, hubeiTest2026].map((definition) => loadPack(definition)),
);

describe('a sixth policy document added as a pack folder and one registry line', () => {
  it('decides a request of its region under its own parameters, with their citations', () => {
    const response = evaluate(
      {
        region: '420102',
        date: '2026-05-01',
        subsidy: 'certificate',
        person: { groups: ['registered_unemployed'] },
        certificate: { type: 'skill_level', level: 'primary', number: 'HB-1' },
      },
      { packs },
    );
    expect(response).toMatchObject({
      policy: 'cn-420000-2026',
      eligible: true,
      amountFen: 50_000,
      payee: 'evaluation_org',
      lines: [
        { item: 'certificate', amountFen: 50_000, citation: { doc: '鄂人社测〔2026〕1号', article: '二' } },
      ],
    });
    expect(response.parameterVersions.map((version) => version.id)).toContain(
      'cn-420000-2026/certificate.amountFen',
    );
  });

  it('refuses by its own rule and leaves the five shipped documents as they were', () => {
    const refused = evaluate(
      { region: '420100', date: '2026-05-01', subsidy: 'certificate', person: { groups: ['veteran'] } },
      { packs },
    );
    expect(refused).toMatchObject({ eligible: false, denials: [{ code: 'GROUP_NOT_ELIGIBLE' }] });
    expect(evaluate({ region: '420100', date: '2026-05-01', subsidy: 'training' }, { packs })).toMatchObject({
      policy: 'cn-420000-2026',
      denials: [{ code: 'POLICY_NOT_IN_FORCE' }],
    });
    // Without the line the region has no document; the shipped registry is untouched.
    expect(evaluate({ region: '420102', date: '2026-05-01', subsidy: 'certificate' }).policy).toBeNull();
    const hengyang = { region: '430421', date: '2021-06-01', subsidy: 'training' } as const;
    expect(evaluate(hengyang, { packs })).toEqual(evaluate(hengyang));
  });
});
