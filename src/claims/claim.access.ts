import { assertOrganisationScope, assertRegionScope, type Principal } from '../auth/scope.ts';
import { notFound } from '../shared/errors.ts';

// Who may see a claim; used by the claim service, its queries, materials and routes.

/** Roles that apply for claims on behalf of an organisation, and the kind of that organisation. */
export const ORGANISATION_APPLICANT_ROLES = {
  institution_operator: 'institution',
  enterprise_operator: 'enterprise',
  evaluation_org_operator: 'evaluation_org',
} as const;

/** Refuses a caller who may not see this claim: outside the region, or another organisation's. */
export function assertClaimVisible(
  principal: Principal,
  claim: {
    region_code: string;
    applicant_organisation_id: number | null;
    applicant_person_id: number | null;
  },
): void {
  if (principal.role in ORGANISATION_APPLICANT_ROLES) {
    assertOrganisationScope(principal, claim.applicant_organisation_id ?? -1);
  } else if (principal.role === 'worker') {
    if (claim.applicant_person_id !== principal.personId) throw notFound('补贴申请', 'claim');
  } else {
    assertRegionScope(principal, claim.region_code);
  }
}
