import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';

/**
 * A select whose choices the server finds by what is typed (a name, an ID number), 250 ms after
 * the last key; an answer to an older search than the latest is dropped. The value is the chosen
 * item's id, and the chosen item stays an option when a later search no longer finds it.
 * `search` must keep its identity while its inputs stay the same (wrap it in `useCallback`): a new
 * function searches again.
 */
export function RemoteSearchSelect<Item extends { id: number }>({
  id,
  value,
  onChange,
  search,
  describe,
  placeholder,
  ariaLabel,
  style,
  promptText,
  notFoundText,
}: {
  id?: string;
  value?: number;
  onChange?: (itemId: number | undefined, item?: Item) => void;
  /** The items matching the trimmed, non-empty text typed. */
  search: (text: string) => Promise<Item[]>;
  /** A choice's label. */
  describe: (item: Item) => string;
  placeholder?: string;
  ariaLabel?: string;
  style?: React.CSSProperties;
  /** Shown before anything is typed. */
  promptText: string;
  /** Shown when the search found nothing. */
  notFoundText: string;
}) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<Item[]>([]);
  const [isSearching, setSearching] = useState(false);
  const [chosen, setChosen] = useState<Item | undefined>();
  const latest = useRef(0);
  useEffect(() => {
    const typed = text.trim();
    if (!typed) {
      setFound([]);
      return undefined;
    }
    const ticket = latest.current + 1;
    latest.current = ticket;
    const timer = setTimeout(() => {
      setSearching(true);
      search(typed)
        .then((items) => {
          if (latest.current === ticket) setFound(items);
        })
        .catch(() => {
          if (latest.current === ticket) setFound([]);
        })
        .finally(() => {
          if (latest.current === ticket) setSearching(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [text, search]);
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
      notFoundContent={isSearching ? <Spin size="small" /> : text.trim() ? notFoundText : promptText}
      onChange={(itemId?: number) => {
        const item = found.find((candidate) => candidate.id === itemId);
        setChosen(item);
        onChange?.(itemId, item);
      }}
      options={[...(chosen && !found.some((item) => item.id === chosen.id) ? [chosen] : []), ...found].map(
        (item) => ({ value: item.id, label: describe(item) }),
      )}
      style={{ minWidth: 280, ...style }}
    />
  );
}
