import { describe, expect, it } from 'vitest';
import { JOB_KINDS } from '../../src/contracts/admin';
import { summarizeJob } from '../../src/web/features/jobs/summaries';

// The 任务记录 page says what a job did in Chinese (the review found raw JSON and `{}`).

describe('job summaries', () => {
  it('has a sentence for every kind of job', () => {
    for (const kind of Object.keys(JOB_KINDS)) expect(summarizeJob(kind, {}), kind).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('adds up the monthly bills of every tree and reports the arrears reminders', () => {
    const result = {
      bills: [
        { orgId: 'a', month: '2026-12', created: 10, updated: 1, unchanged: 5, paidKept: 2, withoutBase: 0 },
        { orgId: 'b', month: '2026-12', created: 3, updated: 0, unchanged: 1, paidKept: 0, withoutBase: 4 },
      ],
      arrears: { members: 7, notified: 9 },
    };
    expect(summarizeJob('dues.monthly_bills', result)).toBe(
      '2026-12 党费账单：新增 13 张，更正 1 张，无变化 6 张，已交纳保持不变 2 张；4 名党员尚未设置党费基数；欠交提醒：7 名党员，发出 9 条',
    );
  });

  it('counts payment-query outcomes and reconciliation differences', () => {
    expect(summarizeJob('dues.payments', { settled: { A1: 'settled', A2: 'closed', A3: 'late' } })).toBe('查询待支付订单 3 笔：确认到账 1 笔，超时关闭 1 笔，其他 1 笔');
    expect(summarizeJob('dues.payments', { settled: {} })).toBe('没有需要查询的待支付订单');
    expect(summarizeJob('dues.reconciliation', { skipped: 'no payment provider configured' })).toBe('未配置支付机构，无需对账');
    expect(summarizeJob('dues.reconciliation', { day: '2026-12-03', provider: 'wechatpay', matched: 12, differences: [{}] })).toBe('2026-12-03 对账：相符 12 笔，差异 1 处（请到“支付对账”查看）');
  });

  it('reads an import report and leaves an unknown kind to the raw view', () => {
    expect(summarizeJob('member.import', { total: 5, valid: 4, skipped: 1, created: 3, errors: [{ row: 4, field: '身份证号', message: '校验位不正确' }, { row: 4, field: '姓名', message: '必填' }] })).toBe(
      '新增 3 人，已存在而跳过 1 人，有错误 1 行',
    );
    expect(summarizeJob('unknown.kind', { a: 1 })).toBeNull();
  });
});
