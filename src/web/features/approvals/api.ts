import { useQuery } from '@tanstack/react-query';
import type { ApprovalItem, MyApprovals } from '../../../contracts/approvals';
import { api } from '../../shared/api';

export type { ApprovalItem, MyApprovals };

/** Whether the caller decides anything the queue holds (the superior committee's roles). */
export const APPROVAL_PERMISSIONS = ['development.approve', 'dues.approve'] as const;

/**
 * 待我审批 (listMyApprovals): the menu's badge and the pages share one query.
 * Refreshed every minute and whenever a decision changes development or dues data.
 */
export function useMyApprovals(enabled = true) {
  return useQuery({
    queryKey: ['approvals', 'mine'],
    queryFn: () => api.get<MyApprovals>('/api/v1/me/approvals', { limit: '200' }),
    enabled,
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}
