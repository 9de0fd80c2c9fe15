import { Select } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { occupationNames } from '../occupations.ts';

/**
 * An occupation (工种, 职业分类大典) chosen by its name, the code secondary; search by either
 * (中式烹调 or 4-03-02-01). The value is the code the API takes.
 */
export function OccupationPicker({
  id,
  value,
  onChange,
  placeholder = '输入职业名称或代码',
  ariaLabel,
  style,
}: {
  id?: string;
  value?: string;
  onChange?: (code: string | undefined) => void;
  placeholder?: string;
  ariaLabel?: string;
  style?: React.CSSProperties;
}) {
  const [names, setNames] = useState<Map<string, string> | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void occupationNames().then((map) => {
      if (isCurrent) setNames(map);
    });
    return () => {
      isCurrent = false;
    };
  }, []);
  const options = useMemo(
    () =>
      [...(names ?? new Map<string, string>())]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, name]) => ({ value: code, label: `${name}（${code}）` })),
    [names],
  );
  return (
    <Select
      id={id}
      showSearch
      allowClear
      aria-label={ariaLabel}
      loading={names === null}
      placeholder={placeholder}
      value={value}
      onChange={(code?: string) => onChange?.(code)}
      options={options}
      optionFilterProp="label"
      style={{ minWidth: 220, ...style }}
    />
  );
}
