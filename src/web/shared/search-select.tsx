import { useState, type ReactElement, type ReactNode } from 'react';
import { Typography } from 'antd';
import { useDebounced } from './use-debounced';

/**
 * The search state of an antd Select that searches on the server as the user
 * types: `term` (what was typed, once it stops changing) is what to query, and
 * `selectProps(fetching)` wires the Select — server-side filtering, the search
 * cleared when the dropdown closes, and the dropdown marked with the term whose
 * results it shows once they have arrived (data-search-settled). Until then it
 * may still list the previous results; a browser test waits for the mark
 * before it clicks an option, so that the list does not change under the click.
 */
export function useServerSearch(ms = 250) {
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), ms);
  const selectProps = (fetching: boolean) => {
    const settled = !fetching && term === search.trim();
    return {
      showSearch: { filterOption: false, searchValue: search, onSearch: setSearch },
      onOpenChange: (open: boolean) => {
        if (!open) setSearch('');
      },
      popupRender: (menu: ReactElement) => <div data-search-settled={settled ? term : undefined}>{menu}</div>,
    };
  };
  /** After a pick in a multiple select: the next name is typed into an empty search. */
  const clear = () => setSearch('');
  return { term, selectProps, clear };
}

/** An option of a server-search Select: its label, and a secondary line of context (the branch, the committee). */
export function optionWithExtra(o: { data: { label?: ReactNode; extra?: string } }) {
  return (
    <span>
      {o.data.label}
      {o.data.extra && (
        <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
          {o.data.extra}
        </Typography.Text>
      )}
    </span>
  );
}
