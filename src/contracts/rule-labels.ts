import { MEMBER_EVENT_REASONS, MEMBER_STATUSES } from './dict';
import { INDEX_BANDS, INDEX_ITEMS } from './branch-index';

// Rule versions as a reader sees them on the 规则版本 page: each rule's name and
// every field of its body with a Chinese label and its unit, never raw JSON
// with English keys. A test checks that every field of every stored rule
// version has a label here, so a new rule cannot arrive unlabelled.

type Format = (v: unknown) => string;

const n = (unit: string): Format => (v) => (typeof v === 'number' ? `${v}${unit}` : '—');
const yuan: Format = (v) => (typeof v === 'number' ? `${(v / 100).toFixed(2)}元` : '—');
const yesNo: Format = (v) => (v ? '是' : '否');
const percent = (bp: number) => `${bp / 100}%`;

/** Brackets of a dues base: "3000.00元以下（含）0.5%；…；10000.00元以上 2%". */
const brackets: Format = (v) => {
  if (!Array.isArray(v)) return '—';
  let lower: number | null = null;
  return v
    .map((b: { upToFen: number | null; rateBp: number }) => {
      const text = b.upToFen === null ? `${lower === null ? '' : `${(lower / 100).toFixed(2)}元以上`} ${percent(b.rateBp)}` : `${(b.upToFen / 100).toFixed(2)}元以下（含）${percent(b.rateBp)}`;
      lower = b.upToFen;
      return text.trim();
    })
    .join('；');
};

const SCOPE_LABELS: Record<string, string> = { committee: '同一基层党委内', county: '本县（市、区）内', installation: '本系统（市）内', province: '省（区、市）内', national: '跨省（区、市）' };
/** 同一基层党委内 10天、无需审批；… */
const transferScopes: Format = (v) =>
  v && typeof v === 'object'
    ? Object.entries(v as Record<string, { validityDays: number; approvals: number }>)
        .map(([k, s]) => `${SCOPE_LABELS[k] ?? k} ${s.validityDays}天、${s.approvals ? `上级审批${s.approvals}级` : '无需审批'}`)
        .join('；')
    : '—';
const MEETING_TYPE_LABELS: Record<string, string> = { branch_assembly: '支部党员大会', committee_meeting: '支委会', group_meeting: '党小组会', party_lecture: '党课', theme_day: '主题党日', life_meeting: '组织生活会', democratic_review: '民主评议党员', heart_talk: '谈心谈话' };
const PERIOD_LABELS: Record<string, string> = { month: '每月', quarter: '每季度', year: '每年' };
const ORG_TYPE_LABELS: Record<string, string> = { general_branch: '党总支', branch: '党支部', joint_branch: '联合党支部', temporary_branch: '临时党支部', party_group: '党小组' };
/** 支部党员大会：每季度至少1次（党总支、党支部…）；… */
const cadence: Format = (v) =>
  v && typeof v === 'object'
    ? Object.entries(v as Record<string, { period: string; min: number; orgTypes: string[]; withCommittee?: boolean; usualMonth?: number }>)
        .map(([k, c]) => `${MEETING_TYPE_LABELS[k] ?? k}：${PERIOD_LABELS[c.period] ?? c.period}至少${c.min}次（${c.orgTypes.map((t) => ORG_TYPE_LABELS[t] ?? t).join('、')}${c.withCommittee ? '，设支部委员会的' : ''}${c.usualMonth ? `，一般在${c.usualMonth}月` : ''}）`)
        .join('；')
    : '—';
const share: Format = (v) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '不限');
const days: Format = (v) => (Array.isArray(v) ? v.map((d) => `期限前${d}天`).join('、') : '—');
const waitYears: Format = (v) =>
  v && typeof v === 'object'
    ? Object.entries(v as Record<string, number>)
        .map(([reason, years]) => `${MEMBER_EVENT_REASONS[reason as keyof typeof MEMBER_EVENT_REASONS]?.label ?? reason}：${years}年内不得重新入党`)
        .join('；')
    : '—';
const statuses: Format = (v) => (Array.isArray(v) ? v.map((s) => MEMBER_STATUSES[s as keyof typeof MEMBER_STATUSES] ?? s).join('、') : '—');
const pointItems: Format = (v) =>
  Array.isArray(v)
    ? v.map((i: { label?: string; points?: number; caps?: Record<string, number> }) => {
        const caps = Object.entries(i.caps ?? {}).map(([k, c]) => `${{ day: '每日', month: '每月', year: '每年' }[k] ?? k}最多${c}分`);
        return `${i.label ?? ''}${(i.points ?? 0) > 0 ? '+' : ''}${i.points ?? 0}分${caps.length ? `（${caps.join('，')}）` : ''}`;
      }).join('；')
    : '—';
const pointExpiry: Format = (v) => (v && typeof v === 'object' && 'yearsAfterAward' in v ? `获得后第${(v as { yearsAfterAward: number }).yearsAfterAward}年年底到期` : '不过期');
/** 政治建设 权重15（三会一课完成率×2、…）；… */
const subIndices: Format = (v) =>
  Array.isArray(v)
    ? v.map((x: { label: string; weight: number; items: Array<{ key: string; weight: number }> }) => `${x.label} 权重${x.weight}（${x.items.map((i) => `${INDEX_ITEMS[i.key]?.label ?? i.key}${i.weight !== 1 ? `×${i.weight}` : ''}`).join('、')}）`).join('；')
    : '—';
const labelled = (suffix: (x: Record<string, unknown>) => string): Format => (v) => (Array.isArray(v) ? (v as Array<Record<string, unknown>>).map((x) => `${String(x.label ?? '')}${suffix(x)}`).join('；') : '—');
const bands: Format = (v) => (Array.isArray(v) ? v.map((b: { band: keyof typeof INDEX_BANDS; label?: string; min: number }) => `${b.label ?? INDEX_BANDS[b.band]} ≥ ${b.min}分`).join('；') : '—');
const suggestions: Format = (v) => (Array.isArray(v) ? `${v.length}条（对应项目低于阈值时提出）` : '—');
const rounding: Format = (v) => (v === 'fen' ? '精确到分' : String(v));

export interface RuleDisplay {
  name: string;
  fields: Record<string, { label: string; format: Format }>;
}

export const RULE_DISPLAY: Record<string, RuleDisplay> = {
  'org.setup': {
    name: '党组织设置与换届',
    fields: {
      minFullMembers: { label: '设立党支部须有正式党员', format: n('人以上') },
      maxMembers: { label: '党支部党员人数一般不超过', format: n('人') },
      committeeFromFullMembers: { label: '设立支部委员会须有正式党员', format: n('人以上') },
      termYearsVillageCommunity: { label: '村、社区党支部每届任期', format: n('年') },
      termYearsOther: { label: '其他党支部每届任期', format: n('年') },
      termWarningDays: { label: '届满前提醒换届', format: n('天') },
    },
  },
  'development.intervals': {
    name: '发展党员时限与条件',
    fields: {
      minApplicantAge: { label: '申请入党须年满', format: n('周岁') },
      talkWithinMonths: { label: '收到入党申请书后派人谈话', format: n('个月内') },
      assessmentEveryMonths: { label: '考察入党积极分子', format: n('个月一次') },
      thoughtReportEveryMonths: { label: '思想汇报', format: n('个月一次') },
      activistMinYears: { label: '确定为发展对象前培养考察', format: n('年以上') },
      introducerCount: { label: '入党介绍人', format: n('名正式党员') },
      politicalReviewValidYears: { label: '政治审查结论有效期', format: n('年') },
      trainingMinDays: { label: '集中培训不少于', format: n('天') },
      trainingMinHours: { label: '或不少于', format: n('学时') },
      publicNoticeWorkingDays: { label: '公示期', format: n('个工作日') },
      leavingUnitMonths: { label: '将离开工作学习单位的，一般不办理接收手续（期限内）', format: n('个月') },
      approvalWithinMonths: { label: '上级党委审批', format: n('个月内') },
      approvalExtendedMaxMonths: { label: '特殊情况审批最长', format: n('个月') },
      resubmitAfterRejectionMonths: { label: '未被批准后再次申请须间隔', format: n('个月') },
      probationYears: { label: '预备期', format: n('年') },
      extensionMinMonths: { label: '延长预备期不少于', format: n('个月') },
      extensionMaxMonths: { label: '延长预备期不超过', format: n('个月') },
      maxExtensions: { label: '延长预备期最多', format: n('次') },
      conversionApprovalWithinMonths: { label: '转正审批', format: n('个月内') },
    },
  },
  'development.reminders': {
    name: '发展党员期限提醒',
    fields: { aheadDays: { label: '提醒时间', format: days } },
  },
  'development.readmission': {
    name: '重新申请入党',
    fields: {
      waitYearsAfter: { label: '等待年限', format: waitYears },
      refusedStatuses: { label: '不作为新申请人受理', format: statuses },
    },
  },
  'transfer.letter': {
    name: '组织关系介绍信',
    fields: {
      scopes: { label: '各转接范围的有效期与审批层级', format: transferScopes },
      maxValidityDays: { label: '有效期最长', format: n('天') },
      receiptDays: { label: '回执寄回期限（报到后）', format: n('天') },
      remindDaysBeforeExpiry: { label: '到期前提醒接收方', format: n('天') },
    },
  },
  'statistics.join_periods': {
    name: '党内统计入党时间分组',
    fields: {
      groups: { label: '分组（按入党时间）', format: (v) => (Array.isArray(v) ? v.map((g: { label: string }) => g.label).join('；') : '—') },
    },
  },
  'mall.redemption': {
    name: '积分商城兑换',
    fields: {
      pickupDays: { label: '兑换后领取期限', format: n('天') },
      maxQuantityPerOrder: { label: '一次最多兑换', format: n('件') },
    },
  },
  'volunteer.service': {
    name: '志愿服务时长认定',
    fields: {
      maxHoursPerActivity: { label: '单次活动认定时长上限', format: n('小时') },
    },
  },
  'post.limits': {
    name: '短视频与动态',
    fields: {
      maxVideoMB: { label: '短视频大小上限', format: n('MB') },
      maxSeconds: { label: '短视频时长上限', format: n('秒') },
      hideAfterReports: { label: '举报达到即暂停展示、重新审核', format: n('人') },
    },
  },
  'kiosk.display': {
    name: '活动中心大屏',
    fields: {
      refreshSeconds: { label: '大屏刷新间隔', format: n('秒') },
      qrTokenSeconds: { label: '签到二维码更换间隔', format: n('秒') },
      checkInOpensMinutesBefore: { label: '活动开始前可签到', format: n('分钟') },
      needsShown: { label: '展示待接单需求至多', format: n('条') },
    },
  },
  'club.founding': {
    name: '社团成立与审核',
    fields: {
      maxPendingPerFounder: { label: '每人同时待审核的申请至多', format: n('个') },
      maxLedPerFounder: { label: '每人担任负责人的社团至多', format: n('个') },
      reviewWithinDays: { label: '村（社区）审核时限', format: n('天') },
    },
  },
  'need.matching': {
    name: '群众需求精准推送',
    fields: {
      pushTopN: { label: '每条需求推送', format: n('人') },
      maxDistanceKm: { label: '推送范围', format: n('公里以内') },
      weights: {
        label: '排序权重（满分100）',
        format: (v) => {
          const w = (v ?? {}) as Record<string, number>;
          return `技能${w.skill ?? 0}、距离${w.distance ?? 0}、可服务时间${w.availability ?? 0}、近期接单量${w.load ?? 0}`;
        },
      },
      loadWindowDays: { label: '近期接单量统计最近', format: n('天') },
      loadFullAt: { label: '近期接单达到即视为满负荷', format: n('单') },
      escalateAfterHours: { label: '无人接单上报社区', format: n('小时后') },
    },
  },
  'project.warning': {
    name: '重点项目预警阈值',
    fields: {
      milestoneNoticeDays: { label: '节点到期前蓝色提示', format: n('天') },
      yellowGap: { label: '落后计划达到即黄色预警', format: n('个百分点') },
      redGap: { label: '落后计划超过即红色预警', format: n('个百分点') },
    },
  },
  'meetings.cadence': {
    name: '三会一课与组织生活频次',
    fields: {
      types: { label: '各类会议的召开频次', format: cadence },
      themeDayOfMonth: { label: '主题党日（每月相对固定）', format: n('日') },
      warnDaysBeforeEnd: { label: '期末前提醒未召开', format: n('天') },
      excellentShareCap: { label: '民主评议优秀比例上限', format: share },
    },
  },
  'meetings.attendance': {
    name: '会议出席与签到',
    fields: {
      signInOpensMinutesBefore: { label: '会前开放签到', format: n('分钟') },
      signInClosesMinutesAfter: { label: '会后关闭签到', format: n('分钟') },
      qrTokenSeconds: { label: '签到二维码轮换周期', format: n('秒') },
      defaultDurationMinutes: { label: '未填写结束时间时按会议时长', format: n('分钟') },
      roomMaxParticipants: { label: '远程会议室人数上限', format: n('人') },
    },
  },
  'points.member.template': {
    name: '党员积分细则模板（须经支部党员大会表决）',
    fields: {
      items: { label: '积分项目', format: pointItems },
      expiry: { label: '积分有效期', format: pointExpiry },
      secondApproverAbove: { label: '人工奖惩超过此分值须另一人复核', format: n('分') },
    },
  },
  'points.member': {
    name: '支部积分细则（支部党员大会表决通过）',
    fields: {
      items: { label: '积分项目', format: pointItems },
      expiry: { label: '积分有效期', format: pointExpiry },
      secondApproverAbove: { label: '人工奖惩超过此分值须另一人复核', format: n('分') },
    },
  },
  'points.ledger': {
    name: '积分账务',
    fields: {
      reservationTtlHours: { label: '兑换冻结未确认自动退回', format: n('小时') },
      awardLookbackDays: { label: '每日计分回看', format: n('天') },
    },
  },
  'index.branch': {
    name: '支部先锋指数综合方法（本平台默认，自拟）',
    fields: {
      subIndices: { label: '分项指数与权重', format: subIndices },
      deductions: { label: '扣分项', format: labelled((x) => ` 扣${String(x.points)}分`) },
      vetoes: { label: '否决项（定为后进）', format: labelled(() => '') },
      bands: { label: '档次', format: bands },
      suggestions: { label: '整改建议库', format: suggestions },
    },
  },
  'points.assessment': {
    name: '支部考核细则（上级党组织发布，经支部党员大会同意后对该支部生效）',
    fields: {
      items: { label: '考核项目', format: labelled((x) => ` 最多${String(x.maxPoints)}分`) },
      note: { label: '说明', format: (v) => (typeof v === 'string' && v ? v : '—') },
    },
  },
  'transfer.mobility': {
    name: '流动党员管理',
    fields: {
      certificateValidityMonths: { label: '活动证有效期', format: n('个月') },
      reportEveryMonths: { label: '向原党组织报告（至少每）', format: n('个月一次') },
      awayMonthsForTransfer: { label: '外出超过此期限且地点固定的应转移组织关系', format: n('个月') },
      temporaryBranchMin: { label: '可成立临时党支部或党小组的人数（以上）', format: n('人') },
    },
  },
  'transfer.lost_contact': {
    name: '失联党员与自行脱党',
    fields: {
      lostAfterMonths: { label: '失去联系超过', format: n('个月为失联党员') },
      lapseAfterMonths: { label: '连续不参加组织生活、不交纳党费或不做分配的工作', format: n('个月按自行脱党处理') },
    },
  },
  'dues.rates': {
    name: '党费交纳比例与管理',
    fields: {
      salariedBrackets: { label: '在职党员（月工资收入）', format: brackets },
      retiredBrackets: { label: '离退休党员（月离退休费）', format: brackets },
      farmerFen: { label: '农民党员每月', format: yuan },
      fixedFen: { label: '学生、下岗失业、领取低保等党员每月', format: yuan },
      rounding: { label: '计算精度', format: rounding },
      deductSocialInsurance: { label: '计算基数扣除个人缴纳的社会保险', format: yesNo },
      backPayMaxMonths: { label: '补交一般不超过', format: n('个月') },
      voluntaryLargeFen: { label: '一次性交纳全部上缴中央的金额（以上）', format: yuan },
      arrearsWarnMonths: { label: '连续欠交提醒', format: n('个月起') },
      arrearsActionMonths: { label: '连续不交纳按自行脱党处理', format: n('个月') },
    },
  },
};

export interface DescribedRule {
  name: string;
  rows: Array<{ field: string; label: string; value: string }>;
  /** body fields this file has no label for (the test keeps this empty) */
  unlabelled: string[];
}

export function describeRule(domain: string, key: string, body: unknown): DescribedRule {
  const display = RULE_DISPLAY[`${domain}.${key}`];
  const entries = body && typeof body === 'object' ? Object.entries(body as Record<string, unknown>) : [];
  const rows: DescribedRule['rows'] = [];
  const unlabelled: string[] = [];
  for (const [field, value] of entries) {
    const f = display?.fields[field];
    if (f) rows.push({ field, label: f.label, value: f.format(value) });
    else unlabelled.push(field);
  }
  return { name: display?.name ?? '未命名规则', rows, unlabelled };
}
