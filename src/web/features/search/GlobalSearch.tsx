import { useMemo, useState } from 'react';
import { AutoComplete, Input, Tag } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { MEMBER_STATUSES, ORG_TYPES, PIPELINE_STATUSES } from '../../../contracts/dict';
import { useDebounced } from '../../shared/use-debounced';
import { useGlobalSearch, type SearchResults } from './api';

type Option = { value: string; label: React.ReactNode; to: string };
type Group = { label: React.ReactNode; options: Option[] };

function groupTitle(title: string, shown: number, total: number, capped = false) {
  return (
    <span className="global-search-group">
      {title}
      <span className="global-search-count">{total > shown ? `共 ${total}${capped ? '+' : ''} 条，显示前 ${shown} 条` : `${total} 条`}</span>
    </span>
  );
}

function line(name: string, extra: string | null, tag: string) {
  return (
    <span className="global-search-item">
      <span className="global-search-name">{name}</span>
      {extra && <span className="global-search-extra">{extra}</span>}
      <Tag style={{ marginInlineEnd: 0 }}>{tag}</Tag>
    </span>
  );
}

/** The grouped options of a result, each with where it leads; "查看全部" rows open the list pre-filtered. */
export function searchOptions(r: SearchResults, q: string): Group[] {
  const groups: Group[] = [];
  const enc = encodeURIComponent(q);
  if (r.members && r.members.total > 0) {
    const options: Option[] = r.members.items.map((m) => ({ value: `member:${m.id}`, to: `/admin/members/${m.id}`, label: line(m.name, m.orgName, MEMBER_STATUSES[m.status]) }));
    if (r.members.total > r.members.items.length) options.push({ value: 'members:all', to: `/admin/members?q=${enc}`, label: <span className="global-search-more">在党员名册中查看全部 {r.members.total}{r.members.totalCapped ? '+' : ''} 名</span> });
    groups.push({ label: groupTitle('党员', r.members.items.length, r.members.total, r.members.totalCapped), options });
  }
  if (r.orgs && r.orgs.total > 0) {
    const options: Option[] = r.orgs.items.map((o) => ({ value: `org:${o.id}`, to: `/admin/orgs?id=${o.id}`, label: line(o.name, o.isDissolved ? '已撤销' : null, ORG_TYPES[o.type]) }));
    groups.push({ label: groupTitle('组织', r.orgs.items.length, r.orgs.total), options });
  }
  if (r.candidates && r.candidates.total > 0) {
    const options: Option[] = r.candidates.items.map((c) => ({ value: `candidate:${c.id}`, to: `/admin/development/candidates/${c.id}`, label: line(c.name, c.orgName, { ...PIPELINE_STATUSES, ...MEMBER_STATUSES }[c.status]) }));
    if (r.candidates.total > r.candidates.items.length) options.push({ value: 'candidates:all', to: `/admin/development/candidates?q=${enc}`, label: <span className="global-search-more">在发展对象名单中查看全部 {r.candidates.total} 名</span> });
    groups.push({ label: groupTitle('发展党员', r.candidates.items.length, r.candidates.total), options });
  }
  return groups;
}

/** The header's search box: members, organisations and development candidates by name or pinyin, in the user's scope. */
export function GlobalSearch() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const found = useGlobalSearch(q);
  const groups = useMemo(() => (found.data && q ? searchOptions(found.data, q) : []), [found.data, q]);
  const targets = useMemo(() => new Map(groups.flatMap((g) => g.options.map((o) => [o.value, o.to] as const))), [groups]);
  let notFound: React.ReactNode = null;
  if (q && found.isError) notFound = <span className="global-search-empty">查找失败，请稍后再试</span>;
  else if (q && found.data && !found.isPlaceholderData && groups.length === 0) notFound = <span className="global-search-empty">没有找到“{q}”</span>;

  return (
    <AutoComplete
      className="global-search"
      value={text}
      options={groups}
      onChange={setText}
      onSelect={(value: string) => {
        const to = targets.get(value);
        setText('');
        if (to) void navigate(to);
      }}
      notFoundContent={notFound}
      popupMatchSelectWidth={360}
    >
      <Input allowClear prefix={<SearchOutlined style={{ color: '#8c8c8c' }} />} placeholder="查找党员、组织、发展对象（姓名或拼音）" aria-label="全局查找" />
    </AutoComplete>
  );
}
