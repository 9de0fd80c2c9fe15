import { useCallback } from 'react';
import { call, client } from '../api/client.ts';
import type { Answer, QueryOf } from '../api/types.ts';
import { label, ORGANISATION_KINDS } from '../vocabulary.ts';
import { useRegionNames } from './RegionName.tsx';
import { RemoteSearchSelect } from './RemoteSearchSelect.tsx';

export type PickedOrganisation = Answer<'/api/admin/organisation-choices', 'get'>['items'][number];
type OrganisationKind = QueryOf<'/api/admin/organisation-choices', 'get'>['kind'];

/**
 * An organisation of the caller's region, found by part of its name (用户管理 binds an account to
 * it); each choice shows the name, the kind and the region. The value is the organisation's id.
 * Searches /api/admin/organisation-choices (the system administrator reads no registry).
 */
export function OrganisationPicker({
  id,
  value,
  onChange,
  kind,
  placeholder = '输入单位名称检索',
  ariaLabel,
}: {
  id?: string;
  value?: number;
  onChange?: (organisationId: number | undefined) => void;
  kind?: OrganisationKind;
  placeholder?: string;
  ariaLabel?: string;
}) {
  const regionNames = useRegionNames();
  const search = useCallback(
    async (text: string) =>
      (
        await call(
          client.GET('/api/admin/organisation-choices', { params: { query: { search: text, kind } } }),
        )
      ).items,
    [kind],
  );
  return (
    <RemoteSearchSelect<PickedOrganisation>
      id={id}
      value={value}
      onChange={(organisationId) => onChange?.(organisationId)}
      search={search}
      describe={(organisation) =>
        `${organisation.name}（${label(ORGANISATION_KINDS, organisation.kind)}，${regionNames.get(organisation.regionCode) ?? organisation.regionCode}）`
      }
      placeholder={placeholder}
      ariaLabel={ariaLabel}
      promptText="请输入单位名称"
      notFoundText="未找到本辖区的该单位"
    />
  );
}
