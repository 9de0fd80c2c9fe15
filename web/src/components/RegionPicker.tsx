import { Select } from 'antd';
import { useMemo } from 'react';
import { useAuth } from '../auth.tsx';
import { useRegionNames } from './RegionName.tsx';

/** The code prefix of a region's subtree: 430000 → 43, 430400 → 4304, 430421 → 430421. */
function subtreePrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/**
 * A region chosen by its name (code secondary), among the regions of the signed-in user's subtree;
 * search by name or code. The value is the six-digit code the API takes.
 */
export function RegionPicker({
  id,
  value,
  onChange,
  placeholder = '地区',
  ariaLabel = '地区',
  style,
}: {
  /** Set by a Form.Item, so that its label names the picker. */
  id?: string;
  value?: string;
  onChange?: (code: string | undefined) => void;
  placeholder?: string;
  ariaLabel?: string;
  style?: React.CSSProperties;
}) {
  const names = useRegionNames();
  const { user } = useAuth();
  const prefix = subtreePrefix(user?.regionCode ?? '');
  const options = useMemo(
    () =>
      [...names]
        .filter(([code]) => code.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, name]) => ({ value: code, label: `${name}（${code}）` })),
    [names, prefix],
  );
  return (
    <Select
      id={id}
      showSearch
      allowClear
      aria-label={ariaLabel}
      placeholder={placeholder}
      value={value}
      onChange={(code?: string) => onChange?.(code)}
      options={options}
      optionFilterProp="label"
      style={{ minWidth: 220, ...style }}
    />
  );
}
