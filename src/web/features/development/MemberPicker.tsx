import { useMemo, useState } from 'react';
import { Select, Typography } from 'antd';
import { useDebounced } from '../../shared/use-debounced';
import { useFullMembers } from './api';

interface Props {
  /** the file's branch: members are searched there (and below) */
  orgId: string;
  value?: string[];
  onChange?: (ids: string[]) => void;
  id?: string;
  placeholder?: string;
  'aria-label'?: string;
}

/** Picks full members of a branch (培养联系人, 入党介绍人) by name, pinyin initials or phone tail. */
export function MemberPicker({ orgId, value, onChange, id, placeholder, ...aria }: Props) {
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 250);
  const q = useFullMembers(orgId, term);
  // names of picked members, so that they keep their label when the search changes
  const [names, setNames] = useState<Record<string, string>>({});

  const options = useMemo(() => {
    const fetched = (q.data?.items ?? []).map((m) => ({
      value: m.id,
      label: m.name,
      title: m.name,
      extra: [m.orgName, m.joinDate ? `${m.joinDate} 入党` : null].filter(Boolean).join(' · '),
    }));
    const seen = new Set(fetched.map((o) => o.value));
    const picked = (value ?? []).filter((v) => !seen.has(v)).map((v) => ({ value: v, label: names[v] ?? '…', title: names[v] ?? '', extra: '' }));
    return [...picked, ...fetched];
  }, [q.data, value, names]);

  return (
    <Select<string[]>
      id={id}
      aria-label={aria['aria-label']}
      mode="multiple"
      value={value ?? []}
      onChange={(ids) => {
        const next = { ...names };
        for (const o of options) if (ids.includes(o.value) && o.title) next[o.value] = o.title;
        setNames(next);
        onChange?.(ids);
      }}
      showSearch={{ filterOption: false, searchValue: search, onSearch: setSearch }}
      onOpenChange={(open) => {
        if (!open) setSearch('');
      }}
      options={options}
      optionRender={(o) => (
        <span>
          {o.data.label}
          {o.data.extra && (
            <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
              {o.data.extra}
            </Typography.Text>
          )}
        </span>
      )}
      loading={q.isFetching}
      placeholder={placeholder ?? '输入姓名、拼音首字母查找正式党员'}
      notFoundContent={q.isFetching ? '正在查找…' : term ? '没有找到该正式党员' : '本支部没有正式党员'}
      style={{ width: '100%' }}
    />
  );
}
