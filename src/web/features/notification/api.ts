import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { NotificationPage, NotificationView } from '../../../contracts/admin';
import { api } from '../../shared/api';

export type Notification = z.infer<typeof NotificationView>;
export type NotificationList = z.infer<typeof NotificationPage>;

export function useNotifications(opts: { unreadOnly?: boolean; pageSize?: number; poll?: boolean } = {}) {
  const { unreadOnly = false, pageSize = 10, poll = false } = opts;
  return useQuery({
    queryKey: ['notifications', { unreadOnly, pageSize }],
    queryFn: () => api.get<NotificationList>('/api/v1/notifications', { unreadOnly: String(unreadOnly), pageSize }),
    refetchInterval: poll ? 60_000 : false,
  });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) => api.post('/api/v1/notifications/read', ids ? { ids } : {}),
    // the 工作台 groups unread notifications too
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['notifications'] }), qc.invalidateQueries({ queryKey: ['workbench'] })]),
  });
}
