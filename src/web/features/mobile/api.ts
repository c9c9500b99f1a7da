import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { MemberDetail } from '../../../contracts/member';
import type { MyDevelopment as MyDevelopmentSchema } from '../../../contracts/development';
import type { DuesOrderCreated as DuesOrderCreatedSchema, DuesOrderSimulated, DuesOrderStatus as DuesOrderStatusSchema, MyDuesView } from '../../../contracts/dues';
import type { Created, Ok } from '../../../contracts/common';
import type { MyTransfers as MyTransfersSchema, RequestMyTransferBody } from '../../../contracts/transfer';
import { ApiError, api } from '../../shared/api';

export type MyDevelopment = z.infer<typeof MyDevelopmentSchema>;

export function useMyProfile(enabled = true) {
  return useQuery({ queryKey: ['me', 'profile'], queryFn: () => api.get<MemberDetail>('/api/v1/me/profile'), enabled });
}

/** The profile answers 404 for an account whose person is not (yet) a Party member, e.g. an applicant. */
export function isNoProfile(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** The signed-in person's development file (入党进度); `file` is null for members without one. */
export function useMyDevelopment(enabled = true) {
  return useQuery({ queryKey: ['me', 'development'], queryFn: () => api.get<MyDevelopment>('/api/v1/me/development'), enabled, staleTime: 60_000 });
}

/** Submits a 思想汇报 (title + PDF/image/DOCX); the server checks the content type. */
export function useSubmitReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ title, file }: { title: string; file: File }) => api.upload<z.infer<typeof Created>>('/api/v1/me/development/reports', file, file.name, undefined, { title }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me', 'development'] }),
  });
}

// ---- 党费 (the member's own dues, online payment through the provider's cashier)

export type MyDues = z.infer<typeof MyDuesView>;
export type MyDuesBill = MyDues['owed'][number];
export type MyDuesEntry = MyDues['statement'][number];
export type DuesOrderCreated = z.infer<typeof DuesOrderCreatedSchema>;
export type DuesOrderStatus = z.infer<typeof DuesOrderStatusSchema>;

export function useMyDues(enabled = true) {
  return useQuery({ queryKey: ['me', 'dues'], queryFn: () => api.get<MyDues>('/api/v1/me/dues'), enabled });
}

export function useCreateDuesOrder() {
  return useMutation({ mutationFn: (billIds: string[]) => api.post<DuesOrderCreated>('/api/v1/me/dues/orders', { billIds }) });
}

/** The order's status; polled every 1.5 s (at most `maxPolls` times) while `poll` is on and the order is still pending. */
export function useDuesOrder(outTradeNo: string, poll: boolean, maxPolls: number) {
  return useQuery({
    queryKey: ['me', 'dues', 'order', outTradeNo],
    queryFn: () => api.get<DuesOrderStatus>(`/api/v1/me/dues/orders/${encodeURIComponent(outTradeNo)}`),
    refetchInterval: (q) => (poll && q.state.data?.status === 'pending' && q.state.dataUpdateCount <= maxPolls ? 1500 : false),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
  });
}

/** The simulated cashier's 确认支付: the provider then notifies the server asynchronously. */
export function useSimulatePay(outTradeNo: string) {
  return useMutation({ mutationFn: () => api.post<z.infer<typeof DuesOrderSimulated>>(`/api/v1/me/dues/orders/${encodeURIComponent(outTradeNo)}/simulate`, {}) });
}

// ---- 组织关系 (the member's own relation transfers: letters, requests, 活动证)

export type MyTransfers = z.infer<typeof MyTransfersSchema>;
export type MyTransferLetter = MyTransfers['letters'][number];
export type MyTransferRequest = MyTransfers['requests'][number];

export function useMyTransfers(enabled = true) {
  return useQuery({ queryKey: ['me', 'transfers'], queryFn: () => api.get<MyTransfers>('/api/v1/me/transfers'), enabled });
}

export function useRequestMyTransfer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestMyTransferBody) => api.post<z.infer<typeof Created>>('/api/v1/me/transfer-requests', body),
    onSettled: () => qc.invalidateQueries({ queryKey: ['me', 'transfers'] }),
  });
}

export function useWithdrawMyTransferRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) => api.post<z.infer<typeof Ok>>(`/api/v1/me/transfer-requests/${id}/withdraw`, { version }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['me', 'transfers'] }),
  });
}
