import type { DashboardTileSource } from '../dashboard';
import { monthOf } from './dues.policy';
import * as repo from './dues.repo';

// The big screen's dues tile: this year's months due and paid, the collection
// rate of the month and of the year so far, from the dues rollups.

const yuan = (fen: number) => Math.round(fen) / 100;
const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 10 : 0);

export const duesTile: DashboardTileSource = {
  key: 'dues', title: '党费收缴', permission: 'dues.read', order: 40,
  async load(deps, org, today) {
    const month = monthOf(today);
    const rows = await repo.rollups(deps.db, org.id, `${month.slice(0, 4)}-01`, month);
    const cur = rows.find((r) => r.month === month);
    const due = rows.reduce((a, r) => a + r.due_fen, 0);
    const paid = rows.reduce((a, r) => a + r.paid_fen, 0);
    return {
      link: '/admin/dues/summary',
      figures: [
        { label: '本月应交', value: yuan(cur?.due_fen ?? 0), unit: '元', link: `/admin/dues/bills?month=${month}` },
        { label: '本月已交', value: yuan(cur?.paid_fen ?? 0), unit: '元', link: `/admin/dues/bills?month=${month}&status=paid` },
        { label: '本月收缴率', value: pct(cur?.bills_paid ?? 0, cur?.bills ?? 0), unit: '%', link: '/admin/dues/summary' },
        { label: '本年收缴率', value: pct(paid, due), unit: '%', link: '/admin/dues/summary' },
      ],
      series: [{
        key: 'months', title: `${month.slice(0, 4)}年各月应交与已交（元）`, chart: 'bar', names: ['应交', '已交'], link: '/admin/dues/summary',
        points: rows.map((r) => ({ label: `${Number(r.month.slice(5))}月`, values: [yuan(r.due_fen), yuan(r.paid_fen)] })),
      }],
      note: '收缴率按账单数计；欠交党员见预警滚动',
    };
  },
};
