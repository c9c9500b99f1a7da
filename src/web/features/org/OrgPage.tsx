import { useEffect, useState, type Key } from 'react';
import { Card, Input, Space, Switch, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { BRANCH_TYPES, ORG_TYPES } from '../../../contracts/dict';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { useDebounced } from '../../shared/use-debounced';
import { usePageTitle } from '../../shared/use-title';
import { childrenQuery, useOrgSearch, type OrgSummary } from './api';
import { OrgDetailPane } from './OrgDetailPane';

function TreeTitle({ o }: { o: OrgSummary }) {
  const showCount = BRANCH_TYPES.includes(o.type) || o.type === 'party_group' || o.memberCount > 0;
  return (
    <span className="tree-title" data-org-id={o.id}>
      <span style={o.isDissolved ? { color: '#8c8c8c', textDecoration: 'line-through' } : undefined}>{o.name}</span>
      {o.isDissolved && <Tag style={{ marginInlineEnd: 0 }}>已撤销</Tag>}
      {showCount && <span className="tree-count">{o.memberCount}人</span>}
    </span>
  );
}

export function OrgPage() {
  usePageTitle('组织管理');
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('id');
  const [includeDissolved, setIncludeDissolved] = useState(false);
  const [loaded, setLoaded] = useState<string[]>([]);
  const [expanded, setExpanded] = useState<Key[]>([]);
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 300);
  const roots = useQuery(childrenQuery(null, includeDissolved));
  const kids = useQueries({ queries: loaded.map((pid) => childrenQuery(pid, includeDissolved)) });
  const found = useOrgSearch(term);

  const select = (id: string) => setParams({ id }, { replace: false });

  // open the first scope root when nothing is selected
  useEffect(() => {
    if (!selectedId && roots.data?.length) setParams({ id: roots.data[0].id }, { replace: true });
  }, [selectedId, roots.data, setParams]);

  const byParent = new Map<string, OrgSummary[]>();
  loaded.forEach((pid, i) => {
    const d = kids[i]?.data;
    if (d) byParent.set(pid, d);
  });
  const toNode = (o: OrgSummary): DataNode => ({
    key: o.id,
    title: <TreeTitle o={o} />,
    isLeaf: !o.hasChildren,
    children: byParent.get(o.id)?.map(toNode),
  });
  const treeData = (roots.data ?? []).map(toNode);
  const loadedKeys = [...byParent.keys()];

  return (
    <div className="org-split">
      <Card
        className="org-tree-card"
        title="组织树"
        extra={
          <Space size={6}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              含已撤销
            </Typography.Text>
            <Switch size="small" checked={includeDissolved} onChange={setIncludeDissolved} aria-label="显示已撤销的组织" />
          </Space>
        }
      >
        <Input.Search
          placeholder="按组织名称查找"
          allowClear
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ marginBottom: 12 }}
          aria-label="按组织名称查找"
        />
        <div className="org-tree-scroll">
          {term ? (
            found.isPending ? (
              <PageLoading tip="正在查找…" />
            ) : found.isError ? (
              <ErrorState error={found.error} onRetry={() => found.refetch()} title="查找失败" />
            ) : found.data.length === 0 ? (
              <EmptyState description={`没有找到名称含“${term}”的组织。请换个关键字，或清空搜索框浏览组织树。`} />
            ) : (
              <div role="list" aria-label="查找结果">
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  找到 {found.data.length} 个组织
                </Typography.Text>
                {found.data.map((o) => (
                  <div
                    key={o.id}
                    role="listitem"
                    tabIndex={0}
                    className={o.id === selectedId ? 'org-result org-result-active' : 'org-result'}
                    onClick={() => select(o.id)}
                    onKeyDown={(e) => e.key === 'Enter' && select(o.id)}
                  >
                    <span style={o.isDissolved ? { color: '#8c8c8c' } : undefined}>{o.name}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>
                      {ORG_TYPES[o.type]}
                      {o.isDissolved ? ' · 已撤销' : ''}
                    </Typography.Text>
                  </div>
                ))}
              </div>
            )
          ) : roots.isPending ? (
            <PageLoading />
          ) : roots.isError ? (
            <ErrorState error={roots.error} onRetry={() => roots.refetch()} title="组织树加载失败" />
          ) : treeData.length === 0 ? (
            <EmptyState description="您的管理范围内还没有组织。请联系安全管理员确认您的角色所在组织。" />
          ) : (
            <Tree
              blockNode
              treeData={treeData}
              selectedKeys={selectedId ? [selectedId] : []}
              expandedKeys={expanded}
              onExpand={(keys) => setExpanded(keys)}
              loadedKeys={loadedKeys}
              loadData={async (node) => {
                const key = String(node.key);
                await qc.ensureQueryData(childrenQuery(key, includeDissolved));
                setLoaded((l) => (l.includes(key) ? l : [...l, key]));
              }}
              onSelect={(keys) => {
                if (keys.length) select(String(keys[0]));
              }}
              aria-label="组织树"
            />
          )}
        </div>
      </Card>
      <div style={{ minWidth: 0 }}>
        {selectedId ? (
          <OrgDetailPane id={selectedId} onSelect={select} />
        ) : roots.isPending ? (
          <PageLoading />
        ) : (
          <Card>
            <EmptyState description="请在左侧组织树中选择一个组织，查看详情、班子和设置检查。" />
          </Card>
        )}
      </div>
    </div>
  );
}
