import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { call, client } from '../api/client.ts';
import type { Answer } from '../api/types.ts';
import { useRegionNames } from './RegionName.tsx';

export type PickedPerson = Pick<
  Answer<'/api/persons', 'get'>['items'][number],
  'id' | 'name' | 'idNumber' | 'registeringRegionCode'
>;

/** A full ID number (18 characters): searched exactly; anything else is the beginning of a name. */
const ID_NUMBER = /^\d{17}[\dXx]$/;

/**
 * A real-name person of the caller's scope, found by the beginning of the name (张) or by the full
 * ID number as typed; each choice shows the name, the masked ID number and the registering region.
 * The value is the person's id; `onChange` also hands over the person as the list answered it.
 * `source="admin"` searches through 用户管理's own lookup (the system administrator reads no
 * registry: /api/admin/person-choices, same answer, masked).
 */
export function PersonPicker({
  id,
  value,
  onChange,
  placeholder = '输入姓名或身份证号',
  ariaLabel,
  style,
  source = 'registry',
}: {
  id?: string;
  value?: number;
  onChange?: (personId: number | undefined, person?: PickedPerson) => void;
  placeholder?: string;
  ariaLabel?: string;
  style?: React.CSSProperties;
  source?: 'registry' | 'admin';
}) {
  // Two namesakes are told apart by the masked ID number and where they are registered.
  const regionNames = useRegionNames();
  const [text, setText] = useState('');
  const [found, setFound] = useState<PickedPerson[]>([]);
  const [isSearching, setSearching] = useState(false);
  // The chosen person stays an option when a later search no longer finds it.
  const [chosen, setChosen] = useState<PickedPerson | undefined>();
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
      const query = ID_NUMBER.test(search)
        ? { idNumber: search.toUpperCase(), pageSize: 20 }
        : { nameStartsWith: search, pageSize: 20 };
      const answer: Promise<{ items: PickedPerson[] }> =
        source === 'admin'
          ? call(client.GET('/api/admin/person-choices', { params: { query: { search } } }))
          : call(client.GET('/api/persons', { params: { query } }));
      answer
        .then((page) => {
          if (latest.current === ticket) setFound(page.items);
        })
        .catch(() => {
          if (latest.current === ticket) setFound([]);
        })
        .finally(() => {
          if (latest.current === ticket) setSearching(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [text, source]);
  const describe = (person: PickedPerson) =>
    `${person.name}（${person.idNumber}，${regionNames.get(person.registeringRegionCode) ?? person.registeringRegionCode}）`;
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
        isSearching ? <Spin size="small" /> : text.trim() ? '未找到本辖区的该人员' : '请输入姓名或身份证号'
      }
      onChange={(personId?: number) => {
        const person = found.find((candidate) => candidate.id === personId);
        setChosen(person);
        onChange?.(personId, person);
      }}
      options={[
        ...(chosen && !found.some((person) => person.id === chosen.id) ? [chosen] : []),
        ...found,
      ].map((person) => ({ value: person.id, label: describe(person) }))}
      style={{ minWidth: 280, ...style }}
    />
  );
}
