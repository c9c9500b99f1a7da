import { z } from 'zod';
import { IsoDate, PageQuery, Text, keysOf, pageOf } from './common';
import { IdempotencyKey } from './points';

// 积分商城 (issue 17, PRODUCT M9): goods and services supplied by a community's
// or unit's Party organisation, bought with points. A redemption reserves the
// member's points (the ledger's hold) and the stock in one transaction; the
// pick-up desk checks the redemption code and confirms; a cancellation or an
// expired pick-up gives both back.

export const MALL_ITEM_KINDS = { goods: '实物', service: '服务' } as const;
export const MALL_ITEM_STATUSES = { on_sale: '上架', withdrawn: '已下架' } as const;
export const REDEMPTION_STATUSES = { reserved: '待领取', fulfilled: '已领取', cancelled: '已取消', expired: '逾期未领' } as const;
export const STOCK_ENTRY_KINDS = { stock_in: '入库', adjust_out: '盘减', redeem: '兑换占用', release: '取消退回' } as const;

export type RedemptionStatus = keyof typeof REDEMPTION_STATUSES;

const Name = Text.pipe(z.string().trim().min(1, '请填写商品名称').max(60, '商品名称不超过60个字'));
const Description = Text.pipe(z.string().trim().max(1000, '说明不超过1000个字'));
const Price = z.number({ message: '请填写兑换积分' }).int('兑换积分应为整数').min(1, '兑换积分至少为1分').max(100_000, '兑换积分不超过100000分');
const Limit = z.number().int('限兑数量应为整数').min(1, '每人限兑至少为1件').max(1000, '每人限兑不超过1000件').nullable();
const PickupPlace = Text.pipe(z.string().trim().min(1, '请填写领取地点').max(100, '领取地点不超过100个字'));

const saleWindow = <T extends { saleFrom: string; saleTo?: string | null }>(b: T) => !b.saleTo || b.saleFrom <= b.saleTo;

export const CreateMallItemBody = z
  .object({
    supplierOrgId: z.uuid({ message: '请选择供应组织' }),
    /** whose members may redeem: the subtree of this org (default: the supplier's own) */
    audienceOrgId: z.uuid({ message: '请选择兑换范围' }).nullable().default(null),
    kind: z.enum(keysOf(MALL_ITEM_KINDS), { message: '请选择实物或服务' }),
    name: Name,
    description: Description.default(''),
    pointsPrice: Price,
    perPersonLimit: Limit.default(null),
    saleFrom: IsoDate,
    saleTo: IsoDate.nullable().default(null),
    pickupPlace: PickupPlace,
    initialStock: z.number({ message: '请填写首批库存' }).int('库存应为整数').min(0, '库存不能为负数').max(100_000, '库存不超过100000件'),
  })
  .refine(saleWindow, { message: '兑换截止日期不能早于开始日期', path: ['saleTo'] });
export type CreateMallItemBody = z.infer<typeof CreateMallItemBody>;

export const UpdateMallItemBody = z
  .object({
    name: Name,
    description: Description,
    pointsPrice: Price,
    perPersonLimit: Limit,
    saleFrom: IsoDate,
    saleTo: IsoDate.nullable(),
    pickupPlace: PickupPlace,
    status: z.enum(keysOf(MALL_ITEM_STATUSES)),
    version: z.number().int(),
  })
  .refine(saleWindow, { message: '兑换截止日期不能早于开始日期', path: ['saleTo'] });
export type UpdateMallItemBody = z.infer<typeof UpdateMallItemBody>;

export const RestockBody = z.object({
  /** + goods received, − stock written off (never below what is free) */
  quantity: z.number({ message: '请填写数量' }).int('数量应为整数').refine((n) => n !== 0, '数量不能为0').refine((n) => Math.abs(n) <= 100_000, '数量不超过100000件'),
  reason: Text.pipe(z.string().trim().min(1, '请填写入库或盘减的事由').max(200, '事由不超过200个字')),
});
export type RestockBody = z.infer<typeof RestockBody>;

export const MallItemView = z.object({
  id: z.uuid(),
  supplierOrgId: z.uuid(),
  supplierOrgName: z.string(),
  audienceOrgId: z.uuid(),
  audienceOrgName: z.string(),
  kind: z.enum(keysOf(MALL_ITEM_KINDS)),
  name: z.string(),
  description: z.string(),
  pointsPrice: z.number().int(),
  perPersonLimit: z.number().int().nullable(),
  saleFrom: z.string(),
  saleTo: z.string().nullable(),
  pickupPlace: z.string(),
  status: z.enum(keysOf(MALL_ITEM_STATUSES)),
  /** free to redeem now */
  stock: z.number().int(),
  /** redemptions waiting for pick-up */
  reserved: z.number().int(),
  /** picked up, all time */
  fulfilled: z.number().int(),
  /** on sale today: listed, in its window and with stock */
  onSaleToday: z.boolean(),
  version: z.number().int(),
});
export type MallItemView = z.infer<typeof MallItemView>;

export const ListMallItemsQuery = PageQuery.extend({
  orgId: z.uuid({ message: '编号格式不正确' }).optional(),
  status: z.enum(keysOf(MALL_ITEM_STATUSES)).optional(),
  q: Text.pipe(z.string().trim().max(60)).optional(),
});
export type ListMallItemsQuery = z.infer<typeof ListMallItemsQuery>;
export const MallItemPage = pageOf(MallItemView);
export type MallItemPage = z.infer<typeof MallItemPage>;

export const StockEntryView = z.object({
  id: z.number().int(),
  kind: z.enum(keysOf(STOCK_ENTRY_KINDS)),
  quantity: z.number().int(),
  stockAfter: z.number().int(),
  reason: z.string().nullable(),
  redemptionId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  at: z.string(),
});
export const StockLedger = z.object({ item: MallItemView, entries: z.array(StockEntryView) });
export type StockLedger = z.infer<typeof StockLedger>;

export const RedemptionView = z.object({
  id: z.uuid(),
  itemId: z.uuid(),
  itemName: z.string(),
  supplierOrgName: z.string(),
  pickupPlace: z.string(),
  personId: z.uuid(),
  personName: z.string(),
  orgName: z.string(),
  quantity: z.number().int(),
  points: z.number().int(),
  status: z.enum(keysOf(REDEMPTION_STATUSES)),
  /** shown only to the member who redeemed (the supplier checks it at pick-up) */
  code: z.string().nullable(),
  redeemedAt: z.string(),
  pickupBy: z.string(),
  settledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
});
export type RedemptionView = z.infer<typeof RedemptionView>;

const RedemptionFilters = z.object({
  orgId: z.uuid({ message: '编号格式不正确' }).optional(),
  itemId: z.uuid({ message: '编号格式不正确' }).optional(),
  status: z.enum(keysOf(REDEMPTION_STATUSES)).optional(),
  /** redeemed on or after / on or before (Beijing dates) */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});
const fromNotAfterTo = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
export const ListRedemptionsQuery = PageQuery.extend(RedemptionFilters.shape).refine(fromNotAfterTo, { message: '开始日期不能晚于结束日期', path: ['to'] });
export type ListRedemptionsQuery = z.infer<typeof ListRedemptionsQuery>;
/** The supplier's reconciliation workbook: the redemptions of the filters (at most EXPORT_LIMIT) and the items' stock. */
export const ExportRedemptionsQuery = RedemptionFilters.refine(fromNotAfterTo, { message: '开始日期不能晚于结束日期', path: ['to'] });
export type ExportRedemptionsQuery = z.infer<typeof ExportRedemptionsQuery>;
export const REDEMPTION_EXPORT_LIMIT = 20_000;
export const RedemptionPage = pageOf(RedemptionView);
export type RedemptionPage = z.infer<typeof RedemptionPage>;

export const RedeemBody = z.object({
  itemId: z.uuid({ message: '请选择商品' }),
  quantity: z.number({ message: '请填写数量' }).int('数量应为整数').min(1, '数量至少为1件').max(100, '一次最多兑换100件'),
  idempotencyKey: IdempotencyKey,
});
export type RedeemBody = z.infer<typeof RedeemBody>;

export const RedemptionCode = Text.pipe(
  z.string().trim().toUpperCase().regex(/^[2-9A-HJ-NP-Z]{8}$/, '兑换码为8位字母或数字，请核对后重新输入'),
);
export const FulfilRedemptionBody = z.object({ code: RedemptionCode });
export type FulfilRedemptionBody = z.infer<typeof FulfilRedemptionBody>;

export const CancelRedemptionBody = z.object({ reason: Text.pipe(z.string().trim().min(1, '请填写取消原因').max(200, '取消原因不超过200个字')) });
export type CancelRedemptionBody = z.infer<typeof CancelRedemptionBody>;

/** The member's shop window: their points and what they may redeem today. */
export const MyMall = z.object({
  balance: z.number().int(),
  onHold: z.number().int(),
  items: z.array(MallItemView.extend({ redeemedByMe: z.number().int() })),
});
export type MyMall = z.infer<typeof MyMall>;
export const MyRedemptions = z.object({ items: z.array(RedemptionView) });
export type MyRedemptions = z.infer<typeof MyRedemptions>;
