import { useMemo, useState } from 'react';
import { Select, Typography } from 'antd';
import { useServerSearch } from '../../shared/search-select';
import { useCommunities, type CommunityOption } from './api';
import './resident.css';

// The place of a resident: 所在村（社区）, found by name as they type (the public
// list of communities, each with the unit residents know it by), and 网格, one
// of the grids the chosen community answers for. Used by 群众注册 and 我的.

interface CommunitySelectProps {
  value?: string;
  onChange?: (id: string | undefined) => void;
  /** the community picked (or cleared), with its grids */
  onPicked?: (c: CommunityOption | null) => void;
  /** the community already chosen (a profile), shown until another is picked */
  initial?: { id: string; name: string };
  id?: string;
  size?: 'middle' | 'large';
}

function CommunityOptionLabel({ c }: { c: CommunityOption }) {
  return (
    <span className="rs-community-option">
      <span className="rs-community-name">{c.name}</span>
      {c.unitName !== c.name && (
        <Typography.Text type="secondary" className="rs-community-unit">
          {c.unitName}
        </Typography.Text>
      )}
    </span>
  );
}

export function CommunitySelect({ value, onChange, onPicked, initial, id, size }: CommunitySelectProps) {
  const { term, selectProps } = useServerSearch();
  const q = useCommunities(term);
  // names of communities seen, so the chosen one keeps its name when the search moves on
  const [names, setNames] = useState<Record<string, string>>(() => (initial ? { [initial.id]: initial.name } : {}));
  const items = useMemo(() => q.data?.items ?? [], [q.data]);
  const options = useMemo(() => items.map((c) => ({ value: c.id, label: c.name, title: c.name, community: c })), [items]);
  return (
    <Select<{ value: string; label?: React.ReactNode }>
      id={id}
      size={size}
      labelInValue
      value={value ? { value, label: names[value] ?? '…' } : undefined}
      onChange={(v) => {
        const picked = v ? (items.find((c) => c.id === v.value) ?? null) : null;
        if (picked) setNames((n) => ({ ...n, [picked.id]: picked.name }));
        onChange?.(v?.value);
        onPicked?.(picked);
      }}
      allowClear
      {...selectProps(q.isFetching)}
      options={options}
      optionRender={(o) => <CommunityOptionLabel c={o.data.community as CommunityOption} />}
      loading={q.isFetching}
      placeholder="输入村、社区名称查找"
      notFoundContent={q.isFetching ? '正在查找…' : term ? '没有找到名称含此关键字的村（社区）' : '没有可选择的村（社区）'}
      popupMatchSelectWidth
      style={{ width: '100%' }}
    />
  );
}

interface GridSelectProps {
  value?: string | null;
  onChange?: (id: string | undefined) => void;
  /** the chosen community (null: none yet) */
  community: CommunityOption | null;
  /** the grid already chosen (a profile), shown while the community's grids load */
  initial?: { id: string; name: string } | null;
  id?: string;
  size?: 'middle' | 'large';
}

export function GridSelect({ value, onChange, community, initial, id, size }: GridSelectProps) {
  const grids = community?.grids ?? (initial ? [initial] : []);
  const none = !!community && community.grids.length === 0;
  return (
    <Select<string>
      id={id}
      size={size}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v)}
      allowClear
      disabled={!community || none}
      options={grids.map((g) => ({ value: g.id, label: g.name }))}
      placeholder={!community ? '请先选择所在村（社区）' : none ? '该村（社区）未划分网格' : '选择所在网格（可不选）'}
      style={{ width: '100%' }}
    />
  );
}
