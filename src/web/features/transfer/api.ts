import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AcceptTransferBody, CreateTransferBody, ListTransfersQuery, RejectTransferBody, TransferDecisionBody, TransferDetail, TransferListItem, TransferPage, TransferPreview } from '../../../contracts/transfer';
import type {
  DecideLostContactBody, DeclineTransferRequestBody, FlowActionBody, IssueFlowCertificateBody, ListMobileMembersQuery, LostContactDecisionList, LostContactItem, LostContactPage,
  MobileMemberItem, MobileMemberPage, ProposeLostContactDecisionBody, RecordMemberContactBody, TransferRequestList, TransferRequestView,
} from '../../../contracts/transfer';
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
  /** the letters behind a report's figure */
  orgId?: string;
  orgRole?: ListTransfersQuery['orgRole'];
  kind?: ListTransfersQuery['kind'];
  issuedFrom?: string;
  issuedTo?: string;
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

// 流动党员, 失联党员 and the members' own requests (党员申请): same invalidation as the letters.

export type MobileMembersFilters = Pick<ListMobileMembersQuery, 'direction' | 'status'> & { page: number; pageSize: number };
export type { LostContactItem, MobileMemberItem, TransferRequestView };
export type LostContactDecision = LostContactDecisionList['items'][number];

export function useMobileMembers(f: MobileMembersFilters) {
  return useQuery({
    queryKey: ['transfers', 'mobile', f],
    queryFn: () => api.get<MobileMemberPage>('/api/v1/mobile-members', { ...f }),
    placeholderData: keepPreviousData,
  });
}
export const useIssueFlowCertificate = () =>
  useTransferMutation((b: z.input<typeof IssueFlowCertificateBody>) => api.post<z.infer<typeof Created>>('/api/v1/mobile-members', b));
export const useFlowAction = () =>
  useTransferMutation(({ id, body }: { id: string; body: z.input<typeof FlowActionBody> }) => api.post<unknown>(`/api/v1/mobile-members/${id}/actions`, body));

export function useLostContactMembers(page: number, pageSize: number) {
  return useQuery({
    queryKey: ['transfers', 'lost-contact', { page, pageSize }],
    queryFn: () => api.get<LostContactPage>('/api/v1/lost-contact-members', { page, pageSize }),
    placeholderData: keepPreviousData,
  });
}
export function useLostContactDecisions() {
  return useQuery({ queryKey: ['transfers', 'lost-contact-decisions'], queryFn: () => api.get<LostContactDecisionList>('/api/v1/lost-contact-decisions') });
}
export const useRecordContact = () =>
  useTransferMutation(({ personId, body }: { personId: string; body: z.input<typeof RecordMemberContactBody> }) => api.post<unknown>(`/api/v1/members/${personId}/contacts`, body));
export const useProposeLostContactDecision = () =>
  useTransferMutation(({ personId, body }: { personId: string; body: z.input<typeof ProposeLostContactDecisionBody> }) =>
    api.post<z.infer<typeof Created>>(`/api/v1/members/${personId}/lost-contact-decisions`, body),
  );
export const useDecideLostContact = () =>
  useTransferMutation(({ id, body }: { id: string; body: z.input<typeof DecideLostContactBody> }) => api.post<unknown>(`/api/v1/lost-contact-decisions/${id}/decision`, body));

export function useTransferRequests(enabled = true) {
  return useQuery({ queryKey: ['transfers', 'requests'], queryFn: () => api.get<TransferRequestList>('/api/v1/transfer-requests'), enabled });
}
export const useDeclineTransferRequest = () =>
  useTransferMutation(({ id, body }: { id: string; body: z.input<typeof DeclineTransferRequestBody> }) => api.post<unknown>(`/api/v1/transfer-requests/${id}/decline`, body));
