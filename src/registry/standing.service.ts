import type { Executor } from '../db/database.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { getOrganisation, type Organisation, type OrganisationStatus } from './organisation.service.ts';

const STATUS_LABELS: Record<Exclude<OrganisationStatus, 'active'>, string> = {
  suspended: '暂停',
  blacklisted: '列入黑名单',
  revoked: '撤销资质',
};

/** True while no suspension, blacklisting or revocation stands against the organisation. */
export function isInGoodStanding(organisation: Pick<Organisation, 'status'>): boolean {
  return organisation.status === 'active';
}

/** What stands against the organisation, in words ("已被列入黑名单（自 2021-05-31 起）"), or null. */
export function sanctionInWords(organisation: Pick<Organisation, 'status' | 'statusSince'>): string | null {
  if (organisation.status === 'active') return null;
  return `已被${STATUS_LABELS[organisation.status]}（自 ${organisation.statusSince} 起）`;
}

/**
 * Refuses, with 409 ORGANISATION_SANCTIONED naming `field`, anything a suspended, blacklisted
 * or revoked institution, enterprise, evaluation organisation or review agency would do while
 * the sanction stands: file classes, enrol, record results, issue certificates, create, submit
 * or be paid for claims. The documents ask for "依法依规严惩" of 套取、骗取 and a 黑名单制度 for
 * the bodies involved (赣人社字〔2021〕151号 五; 渝人社发〔2021〕12号 七、八); a sanction that did
 * not stop the sanctioned body would punish nothing. Every domain calls this one function so
 * the rule reads the same everywhere. Returns the organisation when it may act.
 */
export async function assertOrganisationInGoodStanding(
  executor: Executor,
  organisationId: number,
  options: { field: string; action: string },
): Promise<Organisation> {
  const organisation = await getOrganisation(executor, organisationId);
  if (!organisation) throw notFound('单位', organisationId);
  return assertInGoodStanding(organisation, options);
}

/** `assertOrganisationInGoodStanding` for an organisation the caller has read already. */
export function assertInGoodStanding(
  organisation: Organisation,
  options: { field: string; action: string },
): Organisation {
  if (organisation.status !== 'active') {
    const label = STATUS_LABELS[organisation.status];
    throw new AppError(
      'ORGANISATION_SANCTIONED',
      `${organisation.name}已被${label}（自 ${organisation.statusSince} 起），不能${options.action}`,
      [
        {
          field: options.field,
          message: `${organisation.name}自 ${organisation.statusSince} 起已被${label}`,
          status: organisation.status,
        },
      ],
    );
  }
  return organisation;
}
