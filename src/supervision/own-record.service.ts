import type { Principal } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { getOrganisation, type Organisation } from '../registry/organisation.service.ts';
import { AppError } from '../shared/errors.ts';
import { currentRatingsOf, type InstitutionRating } from './rating.service.ts';
import { listOwnSanctions, type OwnSanction } from './sanction.service.ts';

/**
 * An organisation's own supervision record (我的评级与处理, issue 21): its standing, its yearly
 * credit ratings (institutions are rated) and every sanction imposed on it with its appeal. The
 * organisation is the caller's own, never one named in the request, so no other organisation's
 * record can be asked for.
 */
export interface OwnSupervisionRecord {
  organisation: Pick<Organisation, 'id' | 'name' | 'kind' | 'regionCode' | 'status' | 'statusSince'>;
  ratings: InstitutionRating[];
  sanctions: OwnSanction[];
}

export async function getOwnSupervisionRecord(
  executor: Executor,
  principal: Principal,
): Promise<OwnSupervisionRecord> {
  const organisation =
    principal.organisationId === null ? undefined : await getOrganisation(executor, principal.organisationId);
  if (!organisation)
    throw new AppError('NOT_FOUND', '当前账号不属于任何单位', [
      { field: 'organisationId', message: '当前账号不属于任何单位' },
    ]);
  const ratings = organisation.kind === 'institution' ? await currentRatingsOf(executor, organisation) : [];
  const { id, name, kind, regionCode, status, statusSince } = organisation;
  return {
    organisation: { id, name, kind, regionCode, status, statusSince },
    ratings,
    sanctions: await listOwnSanctions(executor, organisation),
  };
}
