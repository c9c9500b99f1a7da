// Shared by the 党费 page and the cashier page.

/** "2026-11" → "2026年11月" */
export function monthLabel(month: string) {
  const [y, m] = month.split('-');
  return `${y}年${Number(m)}月`;
}

/** What the cashier page shows besides the order's status (the order view carries no months): router state from the 党费 page. */
export interface PayState {
  months: string[];
  amountFen: number;
  provider: string;
}

export function isPayState(v: unknown): v is PayState {
  const s = v as Partial<PayState> | null;
  return !!s && Array.isArray(s.months) && typeof s.amountFen === 'number' && typeof s.provider === 'string';
}
