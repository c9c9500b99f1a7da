import { useState } from 'react';
import { Input } from 'antd';

// The name search of a list's filter bar: typed freely, applied on Enter or the
// search button, cleared at once by the clear icon. It follows the applied
// value (the URL's q), so the bar's 重置 and back/forward empty or refill it.

export function SearchBox({ value, onSearch, placeholder, width, ...aria }: { value: string | undefined; onSearch: (q: string | undefined) => void; placeholder: string; width: number; 'aria-label': string }) {
  const [state, setState] = useState({ text: value ?? '', applied: value });
  if (state.applied !== value) setState({ text: value ?? '', applied: value });
  return (
    <Input.Search
      placeholder={placeholder}
      allowClear
      value={state.text}
      onChange={(e) => {
        setState((s) => ({ ...s, text: e.target.value }));
        if (!e.target.value) onSearch(undefined);
      }}
      onSearch={(v) => onSearch(v.trim() || undefined)}
      style={{ width }}
      aria-label={aria['aria-label']}
      maxLength={50}
    />
  );
}
