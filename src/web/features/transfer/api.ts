import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AcceptTransferBody, CreateTransferBody, ListTransfersQuery, RejectTransferBody, TransferDecisionBody, TransferDetail, TransferListItem, TransferPage, TransferPreview } from '../../../contracts/transfer';
import type { Created } from '../../../contracts/common';
import { api } from '../../shared/api';

// The 组织关系转接 API (src/server/domains/transfer/transfer.routes.ts) as
// TanStack Query hooks. Every action refreshes everything under ['transfers']
// (the letter, the lists) and 待我审批 (an approval hop comes and goes).

export type { TransferDetail, TransferListItem, TransferPreview };
export interface TransferFilters {
  direction: ListTransfersQuery['direction'];
  status: ListTransfersQuery['status'];
  q?: string;
  personId?: string;
  page: number;
  pageSize: number;
}

const BASE = '/api/v1/transfers';

export function useTransfers(f: TransferFilters, enabled = true) {
  return useQuery({
    queryKey: ['transfers', 'list', f],
    queryFn: () => api.get<z.infer<typeof TransferPage>>(BASE, { ...f }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useTransfer(id: string | undefined) {
  return useQuery({ queryKey: ['transfers', 'detail', id], queryFn: () => api.get<TransferDetail>(`${BASE}/${id}`), enabled: !!id });
}

/** What the letter will say before it is made: scope, validity, approval hops, dues. */
export function useTransferPreview(personId: string | undefined, receiver: { toOrgId?: string; outsideScope?: 'province' | 'national' }) {
  const ready = !!personId && (!!receiver.toOrgId || !!receiver.outsideScope);
  return useQuery({
    // not under ['transfers']: saving the letter must not ask again for the preview of a modal about to close
    queryKey: ['transfer-preview', personId, receiver.toOrgId, receiver.outsideScope],
    queryFn: () => api.get<TransferPreview>(`${BASE}/preview`, { personId, toOrgId: receiver.toOrgId, outsideScope: receiver.outsideScope }),
    enabled: ready,
    retry: false,
  });
}

function useTransferMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['transfers'] }), qc.invalidateQueries({ queryKey: ['approvals'] }), qc.invalidateQueries({ queryKey: ['members'] })]),
  });
}

export type TransferAction = 'issue' | 'approve' | 'accept' | 'reject' | 'revoke';
type ActionBody = z.input<typeof TransferDecisionBody> | z.input<typeof AcceptTransferBody> | z.input<typeof RejectTransferBody>;

export const useCreateTransfer = () => useTransferMutation((b: z.input<typeof CreateTransferBody>) => api.post<z.infer<typeof Created>>(BASE, b));
export const useTransferAction = () =>
  useTransferMutation(({ id, action, body }: { id: string; action: TransferAction; body: ActionBody }) => api.post<unknown>(`${BASE}/${id}/${action}`, body));
/** Creating and issuing in one go (开具介绍信): the create is kept when the issue is refused. */
export const issueNew = (id: string) => api.get<TransferDetail>(`${BASE}/${id}`).then((d) => api.post<unknown>(`${BASE}/${id}/issue`, { version: d.version }));
