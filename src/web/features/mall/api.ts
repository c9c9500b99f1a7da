import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  CancelRedemptionBody, CreateMallItemBody, ExportRedemptionsQuery, FulfilRedemptionBody, ListMallItemsQuery, ListRedemptionsQuery, MallItemPage, MallItemView, MyMall, MyRedemptions, RedeemBody,
  RedemptionPage, RedemptionView, RestockBody, StockLedger, UpdateMallItemBody,
} from '../../../contracts/mall';
import type { Created } from '../../../contracts/common';
import { api } from '../../shared/api';

// The points mall's API (src/server/domains/mall/mall.routes.ts) as TanStack
// Query hooks. Every change refreshes everything under ['mall'] and the
// member's points (a redemption holds points, a cancellation gives them back).

export type { MallItemPage, MallItemView, MyMall, MyRedemptions, RedemptionPage, RedemptionView, StockLedger };
export type MyMallItem = MyMall['items'][number];
export type StockEntry = StockLedger['entries'][number];
export type ItemFilters = Partial<Omit<ListMallItemsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };
export type RedemptionFilters = Partial<Omit<ListRedemptionsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const BASE = '/api/v1/mall';

export function useMallItems(f: ItemFilters, enabled = true) {
  return useQuery({ queryKey: ['mall', 'items', f], queryFn: () => api.get<MallItemPage>(`${BASE}/items`, { ...f }), placeholderData: keepPreviousData, enabled });
}
export function useStockLedger(id: string | undefined) {
  return useQuery({ queryKey: ['mall', 'stock', id], queryFn: () => api.get<StockLedger>(`${BASE}/items/${id}/stock`), enabled: !!id });
}
export function useRedemptions(f: RedemptionFilters, enabled = true) {
  return useQuery({ queryKey: ['mall', 'redemptions', f], queryFn: () => api.get<RedemptionPage>(`${BASE}/redemptions`, { ...f }), placeholderData: keepPreviousData, enabled });
}
export function useMyMall(enabled = true) {
  return useQuery({ queryKey: ['mall', 'mine'], queryFn: () => api.get<MyMall>('/api/v1/me/mall'), enabled });
}
export function useMyRedemptions(enabled = true) {
  return useQuery({ queryKey: ['mall', 'my-redemptions'], queryFn: () => api.get<MyRedemptions>('/api/v1/me/mall/redemptions'), enabled });
}

function useMallMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['mall'] }), qc.invalidateQueries({ queryKey: ['points'] })]),
  });
}

export const useCreateMallItem = () => useMallMutation((b: CreateMallItemBody) => api.post<z.infer<typeof Created>>(`${BASE}/items`, b));
export const useUpdateMallItem = () => useMallMutation((v: { id: string; body: UpdateMallItemBody }) => api.put<MallItemView>(`${BASE}/items/${v.id}`, v.body));
export const useRestock = () => useMallMutation((v: { id: string; body: RestockBody }) => api.post<MallItemView>(`${BASE}/items/${v.id}/stock`, v.body));
export const useFulfil = () => useMallMutation((b: FulfilRedemptionBody) => api.post<RedemptionView>(`${BASE}/redemptions/fulfil`, b));
export const useCancelRedemption = () => useMallMutation((v: { id: string; body: CancelRedemptionBody }) => api.post<RedemptionView>(`${BASE}/redemptions/${v.id}/cancel`, v.body));
export const useRedeem = () => useMallMutation((b: RedeemBody) => api.post<RedemptionView>('/api/v1/me/mall/redemptions', b));

/** The reconciliation workbook of the filters (Excel): downloaded, its file name answered. */
export function exportRedemptions(f: ExportRedemptionsQuery) {
  return api.download(`${BASE}/redemptions/export`, { ...f }, '积分商城兑换记录.xlsx');
}

/** A fresh idempotency key per opening of the 兑换 sheet: a double tap or a retry after a lost answer replays, never doubles. */
export function newKey(): string {
  return crypto.randomUUID();
}
