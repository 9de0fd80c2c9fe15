import type { SortOrder } from 'antd/es/table/interface';
import { type Key, useState } from 'react';

/** A list's order as its API takes it: `sort=<field>&order=asc|desc` (docs/CONVENTIONS.md). */
export interface ListSortQuery<Field extends string> {
  sort?: Field;
  order?: 'asc' | 'desc';
}

/** What a sortable column of a server-sorted table carries. */
export interface SortableColumn<Field extends string> {
  key: Field;
  sorter: true;
  sortOrder: SortOrder;
}

export interface ListSort<Field extends string> {
  /** The query properties to send with the list (and its export): empty for the list's own order. */
  query: ListSortQuery<Field>;
  /** Spread into a column: `{ title, dataIndex, ...sorting.column('applicationDate') }`. */
  column(field: Field): SortableColumn<Field>;
  /** The table's `onChange`: a click on a column header asks the server for the new order. */
  onChange(
    pagination: unknown,
    filters: unknown,
    sorter: ChosenSort | ChosenSort[],
    extra: { action: string },
  ): void;
}

/** The part of Ant Design's `SorterResult` a server-sorted table reads. */
interface ChosenSort {
  columnKey?: Key;
  order?: SortOrder;
}

/**
 * A paged table sorted by the server, before the paging (a table sorting its one page would show
 * the wrong rows). Each sortable column is controlled (`sortOrder`), so the header shows the
 * order the data was asked in; a click asks again from page 1 (`onSorted` resets the page), and
 * the third click on a header goes back to the list's own order.
 */
export function useListSort<Field extends string>(
  onSorted: () => void,
  initial: ListSortQuery<Field> = {},
): ListSort<Field> {
  const [query, setQuery] = useState<ListSortQuery<Field>>(initial);
  const orderOf = (field: Field): SortOrder =>
    query.sort === field ? (query.order === 'desc' ? 'descend' : 'ascend') : null;
  return {
    query: query.sort ? { sort: query.sort, order: query.order ?? 'asc' } : {},
    column: (field) => ({ key: field, sorter: true, sortOrder: orderOf(field) }),
    onChange: (_pagination, _filters, sorter, extra) => {
      if (extra.action !== 'sort') return;
      const chosen = Array.isArray(sorter) ? sorter[0] : sorter;
      const field = chosen?.order ? (chosen.columnKey as Field | undefined) : undefined;
      setQuery(field ? { sort: field, order: chosen?.order === 'descend' ? 'desc' : 'asc' } : {});
      onSorted();
    },
  };
}
