import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { call, client } from '../api/client.ts';
import type { Answer, QueryOf } from '../api/types.ts';
import { label, ORGANISATION_KINDS } from '../vocabulary.ts';
import { useRegionNames } from './RegionName.tsx';

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
  const [text, setText] = useState('');
  const [found, setFound] = useState<PickedOrganisation[]>([]);
  const [isSearching, setSearching] = useState(false);
  const [chosen, setChosen] = useState<PickedOrganisation | undefined>();
  const latest = useRef(0);
  useEffect(() => {
    const search = text.trim();
    if (!search) {
      setFound([]);
      return undefined;
    }
    const ticket = latest.current + 1;
    latest.current = ticket;
    const timer = setTimeout(() => {
      setSearching(true);
      call(client.GET('/api/admin/organisation-choices', { params: { query: { search, kind } } }))
        .then((answer) => {
          if (latest.current === ticket) setFound(answer.items);
        })
        .catch(() => {
          if (latest.current === ticket) setFound([]);
        })
        .finally(() => {
          if (latest.current === ticket) setSearching(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [text, kind]);
  const describe = (organisation: PickedOrganisation) =>
    `${organisation.name}（${label(ORGANISATION_KINDS, organisation.kind)}，${regionNames.get(organisation.regionCode) ?? organisation.regionCode}）`;
  return (
    <Select
      id={id}
      showSearch
      allowClear
      aria-label={ariaLabel}
      placeholder={placeholder}
      value={value}
      filterOption={false}
      onSearch={setText}
      notFoundContent={
        isSearching ? <Spin size="small" /> : text.trim() ? '未找到本辖区的该单位' : '请输入单位名称'
      }
      onChange={(organisationId?: number) => {
        setChosen(found.find((candidate) => candidate.id === organisationId));
        onChange?.(organisationId);
      }}
      options={[
        ...(chosen && !found.some((organisation) => organisation.id === chosen.id) ? [chosen] : []),
        ...found,
      ].map((organisation) => ({ value: organisation.id, label: describe(organisation) }))}
      style={{ minWidth: 280 }}
    />
  );
}
