import { useState } from 'react';
import { EmptyState, ErrorState } from '../../shared/states';
import { useTransfers } from './api';
import { TransferTable } from './TransferListPage';

/** The 组织关系转接 tab of a member's record: every letter of this member the viewer may see. */
export function MemberTransfers({ personId }: { personId: string }) {
  const [page, setPage] = useState({ page: 1, pageSize: 10 });
  const list = useTransfers({ direction: 'all', status: 'all', personId, ...page });
  if (list.isError && !list.data) return <ErrorState error={list.error} onRetry={() => list.refetch()} title="组织关系转接记录加载失败" />;
  return (
    <TransferTable
      items={list.data?.items ?? []}
      loading={list.isFetching}
      pagination={{ ...page, total: list.data?.total ?? 0 }}
      onPage={(p, s) => setPage({ page: s !== page.pageSize ? 1 : p, pageSize: s })}
      emptyText={list.isPending ? ' ' : <EmptyState description="该党员没有组织关系转接记录。" />}
    />
  );
}
