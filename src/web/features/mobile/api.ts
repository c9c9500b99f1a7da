import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { MemberDetail } from '../../../contracts/member';
import type { MyDevelopment as MyDevelopmentSchema } from '../../../contracts/development';
import type { DuesCategory } from '../../../contracts/dues';
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
    mutationFn: ({ title, file }: { title: string; file: File }) => api.upload<{ id: string }>('/api/v1/me/development/reports', file, file.name, undefined, { title }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['me', 'development'] }),
  });
}

// ---- 党费 (the member's own dues, online payment through the provider's cashier)

export interface MyDuesBill {
  id: string;
  month: string;
  dueFen: number;
  status: 'unpaid' | 'paid' | 'exempt';
}
export interface MyDuesEntry {
  id: number;
  month: string | null;
  kind: 'payment' | 'voluntary';
  amountFen: number;
  method: string;
  paidOn: string;
  payerName: string | null;
}
export interface MyDues {
  current: { category: DuesCategory; baseFen: number | null; amountFen: number; explanation: string; effectiveMonth: string } | null;
  owed: MyDuesBill[];
  owedFen: number;
  unpaidMonths: number;
  statement: MyDuesEntry[];
  /** online payment offered or not (no provider configured: pay at the branch), and through whom */
  onlinePayment: { available: boolean; provider: string | null; simulated: boolean };
}
export interface DuesOrderCreated {
  outTradeNo: string;
  amountFen: number;
  months: string[];
  payUrl: string;
  provider: string;
}
export interface DuesOrderStatus {
  outTradeNo: string;
  amountFen: number;
  status: 'pending' | 'paid' | 'closed' | 'failed';
  paidAt: string | null;
  months: string[];
  provider: string;
  /** the order is the simulated provider's (demo): this platform's page is its cashier */
  simulated: boolean;
}

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
  return useMutation({ mutationFn: () => api.post<{ outTradeNo: string; status: string }>(`/api/v1/me/dues/orders/${encodeURIComponent(outTradeNo)}/simulate`, {}) });
}
