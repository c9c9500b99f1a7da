import { z } from 'zod';
import { ImportIssue, IsoDate, Month, pageOf, PageQuery, Text, keysOf } from './common';
import { OrgTypeEnum } from './org';

export { Month };

// Party dues (RULES §2). Amounts are integer 分 (fen); months are YYYY-MM.

export const DUES_CATEGORIES = {
  in_service: '在职（月工资收入）',
  annual_salary: '年薪制',
  self_employed: '个体经营及其他非工薪收入',
  retired: '离退休',
  farmer: '农民',
  student: '学生',
  unemployed: '下岗失业',
  relief: '依靠抚恤或救济生活',
  low_income: '领取最低生活保障',
} as const;
export type DuesCategory = keyof typeof DUES_CATEGORIES;
/** Categories whose amount is a percentage of a monthly base; the others pay a fixed amount. */
export const BASED_CATEGORIES: readonly DuesCategory[] = ['in_service', 'annual_salary', 'self_employed', 'retired'];

export const BASE_COMPONENT_KINDS = { include: '计入基数', exclude: '不计入基数', deduct: '扣除（个人缴纳的社保、公积金等）' } as const;
export const PAYMENT_METHODS = { cash: '现金', transfer: '转账', online: '在线支付' } as const;

export const DuesCategoryEnum = z.enum(keysOf(DUES_CATEGORIES), { message: '请选择党费类别' });
export const Fen = z.number().int({ message: '金额须为整数（分）' }).min(0, { message: '金额不能为负数' }).max(100_000_000_00, { message: '金额过大' });

export const QuoteDuesQuery = z.object({
  category: DuesCategoryEnum,
  base: z.coerce.number().int({ message: '基数须为整数（分）' }).min(0, { message: '基数不能为负数' }).max(100_000_000_00).optional(),
  month: Month.optional(),
});
export const DuesQuote = z.object({
  amount: z.number().int().describe('每月应交党费（分）'),
  rate: z.number().nullable().describe('比例（如 0.015 表示 1.5%）；固定金额的类别为 null'),
  rateBp: z.number().int().nullable(),
  ruleVersion: z.object({ id: z.uuid(), effectiveFrom: Text, source: Text }),
  explanation: Text,
});
export type DuesQuote = z.infer<typeof DuesQuote>;

export const BaseComponent = z.object({
  item: Text.trim().min(1, { message: '请填写项目名称' }).max(50),
  kind: z.enum(keysOf(BASE_COMPONENT_KINDS)),
  amountFen: Fen,
});

export const SetDuesBaseBody = z.object({
  category: DuesCategoryEnum,
  /** the monthly base in 分; computed from the components when they are given */
  baseFen: Fen.nullish(),
  components: z.array(BaseComponent).max(30).default([]),
  effectiveMonth: Month,
  note: Text.trim().max(500).nullish(),
});
export type SetDuesBaseBody = z.infer<typeof SetDuesBaseBody>;

export const DuesBaseView = z.object({
  id: z.number().int(),
  category: DuesCategoryEnum,
  baseFen: z.number().int().nullable(),
  components: z.array(BaseComponent),
  effectiveMonth: Text,
  note: Text.nullable(),
  recordedBy: Text.nullable(),
  recordedAt: Text,
  quote: DuesQuote,
});

export const GenerateDuesBillsBody = z.object({ orgId: z.uuid({ message: '请选择组织' }), month: Month });
export const GenerateResult = z.object({ month: Text, created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), paidKept: z.number().int(), withoutBase: z.number().int() });

export const BILL_STATUSES = { unpaid: '未交', paid: '已交', exempt: '免交' } as const;
export const DuesBillView = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  name: Text,
  orgId: z.uuid(),
  orgName: Text,
  month: Text,
  category: DuesCategoryEnum,
  baseFen: z.number().int().nullable(),
  rateBp: z.number().int().nullable(),
  computedFen: z.number().int(),
  dueFen: z.number().int(),
  paidFen: z.number().int(),
  paidOn: Text.nullable(),
  status: z.enum(keysOf(BILL_STATUSES)),
  reduced: z.boolean(),
});
export type DuesBillView = z.infer<typeof DuesBillView>;
export const ListDuesBillsQuery = PageQuery.extend({
  orgId: z.uuid().optional(),
  personId: z.uuid().optional(),
  month: Month.optional(),
  status: z.enum(['all', 'unpaid', 'paid']).default('all'),
  q: Text.trim().max(50).optional(),
  sort: z.enum(['org', 'name', 'baseFen', 'dueFen', 'month']).default('org'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export const DuesBillPage = pageOf(DuesBillView).extend({ totals: z.object({ dueFen: z.number().int(), paidFen: z.number().int() }) });

export const RecordDuesPaymentBody = z.object({
  /** the bills paid together (a month, a quarter paid at once, months paid in advance or back) */
  billIds: z.array(z.uuid()).min(1, { message: '请选择要交纳的月份' }).max(24),
  method: z.enum(['cash', 'transfer'], { message: '请选择交纳方式' }),
  paidOn: IsoDate,
  /** 代交: the person who paid on the member's behalf */
  payerName: Text.trim().max(50).nullish(),
  /** back payment beyond the 6-month limit needs the committee's approval reference */
  backPayApproval: Text.trim().max(200).nullish(),
  idempotencyKey: Text.trim().min(8, { message: '缺少幂等键' }).max(100),
  note: Text.trim().max(500).nullish(),
});
export const VoluntaryPaymentBody = z.object({
  personId: z.uuid(),
  amountFen: Fen.refine((v) => v > 0, { message: '金额须大于0' }),
  method: z.enum(['cash', 'transfer']),
  paidOn: IsoDate,
  idempotencyKey: Text.trim().min(8).max(100),
  note: Text.trim().max(500).nullish(),
});
export const PaymentResult = z.object({ entryIds: z.array(z.number().int()), amountFen: z.number().int(), replayed: z.boolean() });

export const DuesSummaryQuery = z.object({ orgId: z.uuid().optional(), from: Month, to: Month });
export const DuesSummary = z.object({
  org: z.object({ id: z.uuid(), name: Text }),
  months: z.array(z.object({
    month: Text, bills: z.number().int(), dueFen: z.number().int(), paidFen: z.number().int(), paidOnTimeFen: z.number().int(),
    billsPaid: z.number().int(), billsOnTime: z.number().int(), voluntaryFen: z.number().int(),
    collectionRate: z.number().nullable(), onTimeRate: z.number().nullable(),
  })),
  total: z.object({ dueFen: z.number().int(), paidFen: z.number().int(), collectionRate: z.number().nullable(), onTimeRate: z.number().nullable() }),
  /** the direct sub-organisations over the period, each its whole subtree (from the rollups) */
  children: z.array(z.object({
    org: z.object({ id: z.uuid(), name: Text, type: OrgTypeEnum }),
    bills: z.number().int(), dueFen: z.number().int(), paidFen: z.number().int(), voluntaryFen: z.number().int(),
    collectionRate: z.number().nullable(), onTimeRate: z.number().nullable(),
  })),
});

export const REDUCTION_KINDS = { reduce: '少交', exempt: '免交' } as const;
export const REDUCTION_STATUSES = { proposed: '待审批', approved: '已批准', rejected: '未批准', withdrawn: '已撤回' } as const;
export const ProposeReductionBody = z.object({
  personId: z.uuid({ message: '请选择党员' }),
  kind: z.enum(keysOf(REDUCTION_KINDS), { message: '请选择少交或免交' }),
  fromMonth: Month,
  toMonth: Month,
  /** 少交: the reduced monthly amount payable, in 分 */
  monthlyFen: Fen.nullish(),
  reason: Text.trim().min(4, { message: '请写明减免的理由（至少4个字）' }).max(1000),
  evidenceIds: z.array(z.uuid()).max(10).default([]),
});
export const DecideReductionBody = z.object({ approve: z.boolean(), note: Text.trim().max(500).nullish() });
export const ReductionView = z.object({
  id: z.uuid(), personId: z.uuid(), name: Text, orgId: z.uuid(), orgName: Text, kind: z.enum(keysOf(REDUCTION_KINDS)), fromMonth: Text, toMonth: Text,
  monthlyFen: z.number().int(), reason: Text, evidenceIds: z.array(z.uuid()), evidence: z.array(z.object({ id: z.uuid(), fileName: Text })), status: z.enum(keysOf(REDUCTION_STATUSES)), proposedAt: Text, decidedAt: Text.nullable(),
  decisionNote: Text.nullable(), canDecide: z.boolean(),
});
export const ListReductionsQuery = PageQuery.extend({ orgId: z.uuid().optional(), status: z.enum(['all', 'proposed', 'approved', 'rejected']).default('all') });
export const ReductionPage = pageOf(ReductionView);

export const ArrearsQuery = z.object({ orgId: z.uuid().optional(), minMonths: z.coerce.number().int().min(1).max(36).default(3) });
export const ArrearsView = z.object({
  asOf: Text,
  items: z.array(z.object({ personId: z.uuid(), name: Text, orgId: z.uuid(), orgName: Text, months: z.number().int(), owedFen: z.number().int(), since: Text, level: z.enum(['warn', 'action']) })),
});

// A member's statement: every bill of the period with the ledger entries that paid it, the
// voluntary payments, totals, and whether the member's hash chain is intact.
export const LedgerEntryView = z.object({
  id: z.number().int(),
  kind: z.enum(['payment', 'voluntary']),
  amountFen: z.number().int(),
  method: z.enum(keysOf(PAYMENT_METHODS)),
  paidOn: Text,
  payerName: Text.nullable(),
  note: Text.nullable(),
  recordedBy: Text.nullable(),
  recordedAt: Text,
  hash: Text,
});
export const MemberStatementQuery = z.object({ from: Month, to: Month });
export const MemberStatement = z.object({
  person: z.object({ id: z.uuid(), name: Text, orgName: Text }),
  from: Text,
  to: Text,
  bills: z.array(DuesBillView.extend({ entries: z.array(LedgerEntryView) })),
  voluntary: z.array(LedgerEntryView),
  totals: z.object({ dueFen: z.number().int(), paidFen: z.number().int(), owedFen: z.number().int(), voluntaryFen: z.number().int() }),
  chain: z.object({ ok: z.boolean(), checked: z.number().int(), problem: Text.nullable() }),
});
export type MemberStatement = z.infer<typeof MemberStatement>;

// The dues rule version in force for a month (and an org, for a province's scoped version):
// the pages read their thresholds from here instead of repeating RULES §2's numbers.
export const DuesRulesQuery = z.object({ month: Month.optional(), orgId: z.uuid().optional() });
export const DuesRulesView = z.object({
  ruleVersion: z.object({ id: z.uuid(), effectiveFrom: Text, source: Text }),
  salariedBrackets: z.array(z.object({ upToFen: z.number().int().nullable(), rateBp: z.number().int() })),
  retiredBrackets: z.array(z.object({ upToFen: z.number().int().nullable(), rateBp: z.number().int() })),
  farmerFen: z.number().int(),
  fixedFen: z.number().int(),
  rounding: z.enum(['fen', 'jiao']),
  deductSocialInsurance: z.boolean(),
  backPayMaxMonths: z.number().int(),
  voluntaryLargeFen: z.number().int(),
  arrearsWarnMonths: z.number().int(),
  arrearsActionMonths: z.number().int(),
});
export type DuesRulesView = z.infer<typeof DuesRulesView>;

// ---- answers named once, for the server's routes and the web's hooks alike

export const DuesBaseList = z.object({ items: z.array(DuesBaseView) });
/** `currentBill`: the member's bill of the business month was created or corrected at once (the month was already generated for the branch). */
export const DuesBaseSet = z.object({ id: z.number().int(), amountFen: z.number().int(), rateBp: z.number().int().nullable(), currentBill: z.boolean() });

/** 基数设置's list: the members of a subtree with the base in force this month, or none. */
export const ListDuesBaseStatusQuery = PageQuery.extend({
  orgId: z.uuid().optional(),
  has: z.enum(['all', 'with', 'without']).default('all'),
  q: Text.trim().max(50).optional(),
});
export type ListDuesBaseStatusQuery = z.infer<typeof ListDuesBaseStatusQuery>;
export const DuesBaseStatusItem = z.object({
  personId: z.uuid(),
  name: Text,
  orgId: z.uuid(),
  orgName: Text,
  category: DuesCategoryEnum.nullable(),
  baseFen: z.number().int().nullable(),
  /** the monthly amount under this month's rule; null without a base */
  amountFen: z.number().int().nullable(),
  effectiveMonth: Text.nullable(),
});
export const DuesBaseStatusPage = pageOf(DuesBaseStatusItem).extend({ month: Text, withBase: z.number().int(), withoutBase: z.number().int() });
export const VoluntaryPaymentResult = PaymentResult.extend({ large: z.boolean() });
export const ReductionDecision = z.object({ status: z.enum(['approved', 'rejected']), correctedBills: z.number().int() });

export const ReconciliationView = z.object({
  day: z.string(),
  provider: z.string(),
  matched: z.number().int(),
  differences: z.array(z.object({ outTradeNo: z.string(), kind: z.enum(['not_settled', 'amount_mismatch', 'not_in_statement', 'refund_due']), providerFen: z.number().int().nullable(), ourFen: z.number().int().nullable() })),
});

/** The member's own dues on the phone: what is owed, the current amount and the statement. */
export const MyDuesView = z.object({
  current: z.object({ category: DuesCategoryEnum, baseFen: z.number().int().nullable(), amountFen: z.number().int(), explanation: z.string(), effectiveMonth: z.string() }).nullable(),
  owed: z.array(DuesBillView),
  owedFen: z.number().int(),
  unpaidMonths: z.number().int(),
  statement: z.array(z.object({ id: z.number().int(), month: z.string().nullable(), kind: z.enum(['payment', 'voluntary']), amountFen: z.number().int(), method: z.string(), paidOn: z.string(), payerName: z.string().nullable() })),
  /** whether online payment is offered (no provider configured: pay at the branch), and through whom */
  onlinePayment: z.object({ available: z.boolean(), provider: z.string().nullable(), simulated: z.boolean() }),
});

export const CreateDuesOrderBody = z.object({ billIds: z.array(z.uuid()).min(1, { message: '请选择要交纳的月份' }).max(24) });
export const DuesOrderCreated = z.object({ outTradeNo: z.string(), amountFen: z.number().int(), months: z.array(z.string()), payUrl: z.string(), provider: z.string() });
export const DuesOrderStatus = z.object({
  outTradeNo: z.string(),
  amountFen: z.number().int(),
  status: z.enum(['pending', 'paid', 'closed', 'failed']),
  paidAt: z.string().nullable(),
  months: z.array(z.string()),
  provider: z.string(),
  /** the order is the simulated provider's (demo): this platform's page is its cashier */
  simulated: z.boolean(),
});
export const DuesOrderSimulated = z.object({ outTradeNo: z.string(), status: z.string() });

/** What a 党费基数 import did (or, in a dry run, would do); with any error nothing is imported. */
export const BaseImportReport = z.object({ total: z.number().int(), valid: z.number().int(), unchanged: z.number().int(), created: z.number().int(), errors: z.array(ImportIssue) });
export type BaseImportReport = z.infer<typeof BaseImportReport>;
export const BaseImportAnswer = z.object({ dryRun: z.boolean(), report: BaseImportReport });
