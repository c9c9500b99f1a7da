import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  ArrearsView, DecideReductionBody, DuesBaseView, DuesBillPage, DuesBillView, DuesQuote, DuesSummary, GenerateResult, PaymentResult, ProposeReductionBody, RecordDuesPaymentBody,
  ReductionPage, ReductionView, SetDuesBaseBody, VoluntaryPaymentBody, MemberStatement, DuesRulesView,
  DuesBaseList, DuesBaseSet, DuesBaseStatusPage, ReconciliationView, ReductionDecision, VoluntaryPaymentResult,
} from '../../../contracts/dues';
import type { Created } from '../../../contracts/common';
import { api } from '../../shared/api';

// The 党费 API (src/server/domains/dues/dues.routes.ts) as TanStack Query hooks.
// Every mutation refreshes everything under ['dues']: a base changes the quote
// and the bills, a payment the bills, the summary and the arrears.

export type { DuesBillView, DuesQuote, MemberStatement, DuesRulesView };
export type BaseView = z.infer<typeof DuesBaseView>;
export type BillPage = z.infer<typeof DuesBillPage>;
export type Generated = z.infer<typeof GenerateResult>;
export type Payment = z.infer<typeof PaymentResult>;
export type Summary = z.infer<typeof DuesSummary>;
export type Arrears = z.infer<typeof ArrearsView>;
export type Reduction = z.infer<typeof ReductionView>;
export type Reductions = z.infer<typeof ReductionPage>;
export type Reconciliation = z.infer<typeof ReconciliationView>;
export type Difference = Reconciliation['differences'][number];

const BASE = '/api/v1/dues';

export interface BillFilters {
  orgId?: string;
  month: string;
  status: 'all' | 'unpaid' | 'paid';
  q?: string;
  sort: 'org' | 'name' | 'baseFen' | 'dueFen' | 'month';
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export function useBases(personId: string | undefined) {
  return useQuery({ queryKey: ['dues', 'bases', personId], queryFn: () => api.get<z.infer<typeof DuesBaseList>>(`/api/v1/members/${personId}/dues-bases`), enabled: !!personId });
}

export type BaseStatusPage = z.infer<typeof DuesBaseStatusPage>;
export interface BaseStatusFilters {
  orgId?: string;
  has: 'all' | 'with' | 'without';
  q?: string;
  page: number;
  pageSize: number;
}

/** 基数设置's list: the members with the base in force this month, or none (those first). */
export function useBaseStatus(f: BaseStatusFilters) {
  return useQuery({ queryKey: ['dues', 'base-status', f], queryFn: () => api.get<BaseStatusPage>(`${BASE}/bases`, { ...f }), placeholderData: keepPreviousData });
}

/** The monthly amount for a category and base (分); null when there is nothing to quote yet. */
export function useQuote(category: string | undefined, baseFen: number | null | undefined, month: string | undefined, needsBase: boolean) {
  const enabled = !!category && (!needsBase || (baseFen !== null && baseFen !== undefined));
  return useQuery({
    queryKey: ['dues', 'quote', category, needsBase ? baseFen : null, month],
    queryFn: () => api.get<DuesQuote>(`${BASE}/quote`, { category, base: needsBase ? baseFen : undefined, month }),
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useBills(f: BillFilters) {
  return useQuery({ queryKey: ['dues', 'bills', f], queryFn: () => api.get<BillPage>(`${BASE}/bills`, { ...f }), placeholderData: keepPreviousData });
}

export function useSummary(orgId: string | undefined, from: string, to: string) {
  return useQuery({ queryKey: ['dues', 'summary', orgId, from, to], queryFn: () => api.get<Summary>(`${BASE}/summary`, { orgId, from, to }) });
}

export function useArrears(orgId: string | undefined) {
  return useQuery({ queryKey: ['dues', 'arrears', orgId], queryFn: () => api.get<Arrears>(`${BASE}/arrears`, { orgId }) });
}

export function useReductions(f: { orgId?: string; status: 'all' | 'proposed' | 'approved' | 'rejected'; page: number; pageSize: number }) {
  return useQuery({ queryKey: ['dues', 'reductions', f], queryFn: () => api.get<Reductions>(`${BASE}/reductions`, { ...f }), placeholderData: keepPreviousData });
}

function useDuesMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  // a decision may take an item out of 待我审批
  return useMutation({ mutationFn: fn, onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['dues'] }), qc.invalidateQueries({ queryKey: ['approvals'] })]) });
}

export const useSetBase = () =>
  useDuesMutation(({ personId, body }: { personId: string; body: z.input<typeof SetDuesBaseBody> }) =>
    api.post<z.infer<typeof DuesBaseSet>>(`/api/v1/members/${personId}/dues-bases`, body),
  );
export const useGenerateBills = () => useDuesMutation((b: { orgId: string; month: string }) => api.post<Generated>(`${BASE}/bills/generate`, b));
export const useRecordPayment = () => useDuesMutation((b: z.input<typeof RecordDuesPaymentBody>) => api.post<Payment>(`${BASE}/payments`, b));
export const useRecordVoluntary = () => useDuesMutation((b: z.input<typeof VoluntaryPaymentBody>) => api.post<z.infer<typeof VoluntaryPaymentResult>>(`${BASE}/voluntary`, b));
export const useProposeReduction = () => useDuesMutation((b: z.input<typeof ProposeReductionBody>) => api.post<z.infer<typeof Created>>(`${BASE}/reductions`, b));
export const useDecideReduction = () =>
  useDuesMutation(({ id, body }: { id: string; body: z.input<typeof DecideReductionBody> }) =>
    api.post<z.infer<typeof ReductionDecision>>(`${BASE}/reductions/${id}/decision`, body),
  );
export const useReconcile = () => useDuesMutation((b: { day: string }) => api.post<Reconciliation>(`${BASE}/reconciliation`, b));

/** A member's statement: bills with the ledger entries that paid them. */
export function useStatement(personId: string | undefined, from: string, to: string) {
  return useQuery({
    queryKey: ['dues', 'statement', personId, from, to],
    queryFn: () => api.get<MemberStatement>(`/api/v1/members/${personId}/dues-statement`, { from, to }),
    enabled: !!personId,
    placeholderData: keepPreviousData,
  });
}

export const downloadStatement = (personId: string, from: string, to: string, name: string) =>
  api.download(`/api/v1/members/${personId}/dues-statement/export`, { from, to }, `党费明细-${name}-${from}至${to}.xlsx`);

/** The dues rule version in force (thresholds shown and checked on the pages come from it). */
export function useDuesRules(orgId: string | undefined, month?: string) {
  return useQuery({
    queryKey: ['dues', 'rules', orgId ?? null, month ?? null],
    queryFn: () => api.get<DuesRulesView>(`${BASE}/rules`, { orgId, month }),
    staleTime: 10 * 60_000,
  });
}
