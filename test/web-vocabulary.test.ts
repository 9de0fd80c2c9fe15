import { describe, expect, it } from 'vitest';
import { ROLE_LABELS, ROLES } from '../src/auth/roles.ts';
import { MATERIAL_LABELS } from '../src/claims/claim.materials.ts';
import { CLAIM_STATUSES } from '../src/claims/claim.workflow.ts';
import { DENIAL_CODES } from '../src/policy/evaluate.types.ts';
import {
  CERTIFICATE_TYPES,
  EMPLOYER_FLAGS,
  EMPLOYER_SIZES,
  GROUP_CODES,
  LEVEL_LABELS,
  LEVELS,
  SUBSIDY_KIND_LABELS,
  SUBSIDY_KINDS,
} from '../src/shared/vocabulary.ts';
import * as web from '../web/src/vocabulary.ts';

const codes = (labels: Record<string, unknown>) => Object.keys(labels).sort();

/** The UI labels every code the API can answer with, in the same words as the server. */
describe('the web vocabulary', () => {
  it('labels exactly the codes of the shared vocabulary', () => {
    expect(codes(web.SUBSIDY_KINDS)).toEqual([...SUBSIDY_KINDS].sort());
    expect(codes(web.GROUPS)).toEqual([...GROUP_CODES].sort());
    expect(codes(web.LEVELS)).toEqual([...LEVELS].sort());
    expect(codes(web.CERTIFICATE_TYPES)).toEqual([...CERTIFICATE_TYPES].sort());
    expect(codes(web.EMPLOYER_FLAGS)).toEqual([...EMPLOYER_FLAGS].sort());
    expect(codes(web.EMPLOYER_SIZES)).toEqual([...EMPLOYER_SIZES].sort());
    expect(codes(web.DENIAL_CODES)).toEqual([...DENIAL_CODES].sort());
    expect(codes(web.CLAIM_STATUSES)).toEqual([...CLAIM_STATUSES].sort());
    expect(codes(web.ROLES)).toEqual([...ROLES].sort());
  });

  it('uses the server’s Chinese terms for subsidy kinds, levels and roles', () => {
    for (const kind of SUBSIDY_KINDS) expect(web.SUBSIDY_KINDS[kind]?.[0]).toBe(SUBSIDY_KIND_LABELS[kind]);
    for (const level of LEVELS) expect(web.LEVELS[level]?.[0]).toBe(LEVEL_LABELS[level]);
    for (const role of ROLES) expect(web.ROLES[role]?.[0]).toBe(ROLE_LABELS[role]);
  });

  it('labels every material a checklist (and a pack’s materials parameter) may name, as the server does', () => {
    expect(codes(web.MATERIALS)).toEqual(codes(MATERIAL_LABELS));
    for (const [code, text] of Object.entries(MATERIAL_LABELS)) expect(web.MATERIALS[code]?.[0]).toBe(text);
  });
});
