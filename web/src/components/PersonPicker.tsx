import { useCallback } from 'react';
import { call, client } from '../api/client.ts';
import type { Answer } from '../api/types.ts';
import { useRegionNames } from './RegionName.tsx';
import { RemoteSearchSelect } from './RemoteSearchSelect.tsx';

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
  const search = useCallback(
    async (text: string): Promise<PickedPerson[]> => {
      if (source === 'admin')
        return (await call(client.GET('/api/admin/person-choices', { params: { query: { search: text } } })))
          .items;
      const query = ID_NUMBER.test(text)
        ? { idNumber: text.toUpperCase(), pageSize: 20 }
        : { nameStartsWith: text, pageSize: 20 };
      return (await call(client.GET('/api/persons', { params: { query } }))).items;
    },
    [source],
  );
  return (
    <RemoteSearchSelect<PickedPerson>
      id={id}
      value={value}
      onChange={onChange}
      search={search}
      describe={(person) =>
        `${person.name}（${person.idNumber}，${regionNames.get(person.registeringRegionCode) ?? person.registeringRegionCode}）`
      }
      placeholder={placeholder}
      ariaLabel={ariaLabel}
      style={style}
      promptText="请输入姓名或身份证号"
      notFoundText="未找到本辖区的该人员"
    />
  );
}
