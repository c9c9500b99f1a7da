import { useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import { TreeSelect, Typography } from 'antd';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { BRANCH_TYPES, ORG_TYPES, type OrgType } from '../../../contracts/dict';
import { useDebounced } from '../../shared/use-debounced';
import { childrenQuery, useOrg, useOrgSearch, type OrgSummary } from './api';

interface Props {
  value?: string | null;
  onChange?: (id: string | null, org?: OrgSummary) => void;
  /** only branch-type orgs (党支部、联合党支部、临时党支部) can be picked */
  branchOnly?: boolean;
  /** only orgs of these types can be picked (the others stay in the tree to open) */
  pickableTypes?: readonly OrgType[];
  /** this org and its subtree cannot be picked (moving an org) */
  excludeId?: string;
  placeholder?: string;
  allowClear?: boolean;
  style?: CSSProperties;
  disabled?: boolean;
  id?: string;
  'aria-label'?: string;
}

interface Node {
  value: string;
  title: ReactNode;
  label: string;
  isLeaf: boolean;
  selectable: boolean;
  disabled?: boolean;
  children?: Node[];
}

/** A lazily loaded org tree picker within the user's scope, with server-side search by name. */
export function OrgTreeSelect({ value, onChange, branchOnly = false, pickableTypes, excludeId, placeholder, allowClear = true, style, disabled, id, ...aria }: Props) {
  const qc = useQueryClient();
  const [loaded, setLoaded] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 300);
  const roots = useQuery(childrenQuery(null));
  const kids = useQueries({ queries: loaded.map((pid) => childrenQuery(pid)) });
  const found = useOrgSearch(term);

  const byParent = useMemo(() => {
    const m = new Map<string, OrgSummary[]>();
    loaded.forEach((pid, i) => {
      const d = kids[i]?.data;
      if (d) m.set(pid, d);
    });
    return m;
  }, [loaded, kids]);

  const known = useMemo(() => {
    const m = new Map<string, OrgSummary>();
    for (const o of roots.data ?? []) m.set(o.id, o);
    for (const list of byParent.values()) for (const o of list) m.set(o.id, o);
    for (const o of found.data ?? []) m.set(o.id, o);
    return m;
  }, [roots.data, byParent, found.data]);

  const current = useOrg(value && !known.has(value) ? value : null);

  const toNode = (o: OrgSummary, nested: boolean): Node => {
    const pickable = !o.isDissolved && (!branchOnly || BRANCH_TYPES.includes(o.type)) && (!pickableTypes || pickableTypes.includes(o.type)) && o.id !== excludeId;
    const list = nested ? byParent.get(o.id) : undefined;
    return {
      value: o.id,
      label: o.name,
      title: (
        <span style={{ color: pickable ? undefined : '#8c8c8c' }}>
          {o.name}
          <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>
            {ORG_TYPES[o.type]}
            {o.isDissolved ? ' · 已撤销' : ''}
          </Typography.Text>
        </span>
      ),
      isLeaf: !nested || !o.hasChildren || o.id === excludeId,
      selectable: pickable,
      disabled: o.id === excludeId,
      children: list?.map((c) => toNode(c, true)),
    };
  };

  const treeData: Node[] = term ? (found.data ?? []).map((o) => toNode(o, false)) : (roots.data ?? []).map((o) => toNode(o, true));
  const label = value ? (known.get(value)?.name ?? current.data?.name ?? '正在加载…') : undefined;

  return (
    <TreeSelect<{ value: string; label: ReactNode }>
      id={id}
      aria-label={aria['aria-label']}
      style={{ minWidth: 240, ...style }}
      disabled={disabled}
      labelInValue
      value={value ? { value, label } : undefined}
      onChange={(v) => {
        const picked = v?.value ?? null;
        onChange?.(picked, picked ? known.get(picked) : undefined);
      }}
      treeData={treeData}
      treeNodeLabelProp="label"
      loadData={async (node) => {
        const key = String(node.value);
        await qc.ensureQueryData(childrenQuery(key));
        setLoaded((l) => (l.includes(key) ? l : [...l, key]));
      }}
      showSearch
      searchValue={search}
      onSearch={setSearch}
      filterTreeNode={false}
      allowClear={allowClear}
      placeholder={placeholder ?? (branchOnly ? '选择党支部（可输入名称查找）' : '选择组织（可输入名称查找）')}
      notFoundContent={term ? (found.isFetching ? '正在查找…' : '没有找到名称含此关键字的组织') : roots.isPending ? '正在加载…' : '您的管理范围内没有组织'}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxHeight: 420, overflow: 'auto', minWidth: 320 } } }}
      onOpenChange={(open) => {
        if (!open) setSearch('');
      }}
    />
  );
}
