import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CheckInBody, CheckInResult, CreateKioskBody, KioskBoard, KioskCreated, KioskList, KioskView } from '../../../contracts/kiosk';
import { api } from '../../shared/api';

// The centre's kiosk (src/server/domains/kiosk/kiosk.routes.ts): the board the
// screen shows (by its link, no session), the console's kiosk links, and the
// volunteer's check-in from a scanned code.

export type { CheckInResult, KioskBoard, KioskCreated, KioskView };

export function useKioskBoard(token: string | undefined, refreshSeconds: number) {
  return useQuery({
    queryKey: ['kiosk', 'board', token],
    queryFn: () => api.get<KioskBoard>(`/api/v1/kiosk/${token}`),
    enabled: !!token,
    refetchInterval: refreshSeconds * 1000,
    refetchIntervalInBackground: true,
    retry: false,
  });
}
export function useKiosks(orgId: string | undefined) {
  return useQuery({ queryKey: ['kiosk', 'list', orgId ?? null], queryFn: () => api.get<KioskList>('/api/v1/kiosks', orgId ? { orgId } : {}) });
}
function useKioskMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: ['kiosk'] }) });
}
export const useCreateKiosk = () => useKioskMutation((b: CreateKioskBody) => api.post<KioskCreated>('/api/v1/kiosks', b));
export const useRevokeKiosk = () => useKioskMutation((id: string) => api.post<KioskView>(`/api/v1/kiosks/${id}/revoke`, {}));
export const useCheckIn = () => useMutation({ mutationFn: (b: CheckInBody) => api.post<CheckInResult>('/api/v1/me/volunteer/check-in', b) });
