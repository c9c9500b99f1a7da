import { formatDateTime } from '../../shared/dates';
import { MemberImportReport } from '../../../contracts/member';

// What a finished background job did, in one Chinese sentence, read from its
// result (each kind's result shape is the one its handler in
// src/server/domains/*/*.jobs.ts returns). Numbers, not ids or JSON.

type Result = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const obj = (v: unknown): Result => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Result) : {});

const SUMMARIES: Record<string, (r: Result, raw: unknown) => string> = {
  'member.import': (_r, raw) => {
    const p = MemberImportReport.safeParse(raw);
    return p.success ? `新增 ${p.data.created} 人，已存在而跳过 ${p.data.skipped} 人，有错误 ${new Set(p.data.errors.map((e) => e.row)).size} 行` : '导入已完成';
  },
  'reports.deliver': (r) => `生成并发送定期报表 ${num(r.delivered)} 份`,
  'org.term_reminders': (r) => `${num(r.committees)} 个班子任期将满或已满，发出提醒 ${num(r.notified)} 条`,
  'development.deadlines': (r) => `重算 ${num(r.files)} 份发展档案的期限，${num(r.deadlines)} 个期限临近或已逾期，发出提醒 ${num(r.notified)} 条`,
  'dues.monthly_bills': (r) => {
    const trees = Array.isArray(r.bills) ? r.bills.map(obj) : [];
    const sum = (k: string) => trees.reduce((s, t) => s + num(t[k]), 0);
    const month = typeof trees[0]?.month === 'string' ? `${trees[0].month} ` : '';
    const arrears = obj(r.arrears);
    return [
      `${month}党费账单：新增 ${sum('created')} 张，更正 ${sum('updated')} 张，无变化 ${sum('unchanged')} 张，已交纳保持不变 ${sum('paidKept')} 张`,
      sum('withoutBase') ? `${sum('withoutBase')} 名党员尚未设置党费基数` : null,
      `欠交提醒：${num(arrears.members)} 名党员，发出 ${num(arrears.notified)} 条`,
    ].filter(Boolean).join('；');
  },
  'dues.payments': (r) => {
    const outcomes = Object.values(obj(r.settled));
    if (!outcomes.length) return '没有需要查询的待支付订单';
    const settled = outcomes.filter((o) => o === 'settled').length;
    const closed = outcomes.filter((o) => o === 'closed').length;
    return `查询待支付订单 ${outcomes.length} 笔：确认到账 ${settled} 笔，超时关闭 ${closed} 笔，其他 ${outcomes.length - settled - closed} 笔`;
  },
  'dues.reconciliation': (r) => {
    if (r.skipped) return '未配置支付机构，无需对账';
    const differences = Array.isArray(r.differences) ? r.differences.length : 0;
    return `${typeof r.day === 'string' ? r.day : ''} 对账：相符 ${num(r.matched)} 笔，差异 ${differences} 处${differences ? '（请到“支付对账”查看）' : ''}`;
  },
  'audit.checkpoint': (r) => (r.unchanged ? '自上次检查点以来没有新的审计记录' : `已写入审计日志签名检查点：第 ${num(r.id)} 条${typeof r.at === 'string' ? `（${formatDateTime(r.at)}）` : ''}`),
  'system.calendar_reminder': (r) => (typeof r.missingYear === 'number' ? `${r.missingYear} 年工作日历尚未配置，已提醒系统管理员` : '无需提醒（下一年工作日历已配置，或未到 11 月）'),
  'system.backup': (r) => {
    const removed = Array.isArray(r.removed) ? r.removed.length : 0;
    return `已备份到 ${typeof r.name === 'string' ? r.name : '备份目录'}，共 ${num(r.rows)} 条记录${removed ? `；按保留份数清理旧备份 ${removed} 份` : ''}`;
  },
  'transfer.expiry': (r) => `介绍信过期 ${num(r.expired)} 份（已通知双方）；到期前提醒接收方 ${num(r.reminded)} 份`,
  'meeting.reminders': (r) => `提醒临期未召开会议的组织 ${num(r.due)} 个；向上级党委报告逾期 ${num(r.overdue)} 次`,
  'meeting.transcribe': (r) =>
    typeof r.failed === 'string' ? `录音转写失败（${r.failed}），会议本身未受影响` : r.skipped ? '转写稿已完成，无需重复转写' : `录音转写完成：${num(r.segments)} 段，时长 ${Math.round(Number(r.durationMs ?? 0) / 1000)} 秒`,
  'points.daily': (r) =>
    `核对事实 ${num(r.facts)} 条，新计积分 ${num(r.awarded)} 笔（已计过 ${num(r.exists)}，未经表决通过细则 ${num(r.no_rules)}，细则未列 ${num(r.not_in_rules)}，已达上限 ${num(r.capped)}）；到期 ${num(r.expiredPoints)} 分（${num(r.expiredMembers)} 人）；退回超时冻结 ${num(r.released)} 笔`,
  'mall.daily': (r) => (Number(r.expired ?? 0) > 0 ? `逾期未领取的兑换 ${num(r.expired)} 笔已取消，积分与库存退回` : '没有逾期未领取的兑换'),
  'post.transcode': (r) =>
    typeof r.failed === 'string' ? `短视频处理失败（${r.failed}），已通知发布人` : r.skipped ? '短视频已处理或已撤回，无需转码' : `短视频转码完成：时长 ${Math.round(Number(r.durationMs ?? 0) / 1000)} 秒，${(Number(r.bytes ?? 0) / 1024 / 1024).toFixed(1)} MB，等待审核`,
  'need.escalate': (r) => (Number(r.escalated ?? 0) > 0 ? `${num(r.escalated)} 条群众需求超时无人接单，已上报社区` : '没有超时无人接单的群众需求'),
  'points.backfill': (r) =>
    `补计 ${String(r.from ?? '')} 至 ${String(r.to ?? '')} 的积分：核对事实 ${num(r.facts)} 条，新计 ${num(r.awarded)} 笔（已计过 ${num(r.exists)}，已达上限 ${num(r.capped)}）；到期 ${num(r.expiredPoints)} 分`,
  'index.recompute': (r) => `重新计算支部先锋指数 ${num(r.branches)} 个（统计期 ${Array.isArray(r.periods) ? r.periods.join('、') : ''}）`,
  'warnings.scan': (r) => `扫描各模块预警：当前 ${num(r.found)} 条，新发现 ${num(r.opened)} 条，已自动解除 ${num(r.cleared)} 条${Array.isArray(r.failed) && r.failed.length ? `；未能扫描：${r.failed.join('、')}` : ''}`,
  'maintenance.cleanup': (r) => `清理过期会话 ${num(r.sessions)} 个、登录限制记录 ${num(r.throttles)} 条、遗留的导入文件 ${num(r.importUploads)} 个`,
};

/** One sentence for a succeeded job, or null for a kind this page does not know (its raw result is shown). */
export function summarizeJob(kind: string, result: unknown): string | null {
  const f = SUMMARIES[kind];
  return f ? f(obj(result), result) : null;
}
