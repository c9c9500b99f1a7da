// The 5 stages and 25 steps of member development (《中国共产党发展党员工作细则》, 2014).
// Pure data shared by server and web.

export interface DevelopmentStep {
  no: number;
  stage: 1 | 2 | 3 | 4 | 5;
  label: string;
}

export const DEVELOPMENT_STAGES = {
  1: '入党申请',
  2: '入党积极分子的确定和教育培养',
  3: '发展对象的确定和考察',
  4: '预备党员的接收',
  5: '预备党员的教育考察和转正',
} as const;

export const DEVELOPMENT_STEPS: readonly DevelopmentStep[] = [
  { no: 1, stage: 1, label: '递交入党申请书' },
  { no: 2, stage: 1, label: '党组织派人谈话' },
  { no: 3, stage: 2, label: '推荐和确定入党积极分子' },
  { no: 4, stage: 2, label: '报上级党委备案' },
  { no: 5, stage: 2, label: '指定培养联系人' },
  { no: 6, stage: 2, label: '培养教育考察' },
  { no: 7, stage: 3, label: '确定发展对象' },
  { no: 8, stage: 3, label: '报上级党委备案' },
  { no: 9, stage: 3, label: '确定入党介绍人' },
  { no: 10, stage: 3, label: '进行政治审查' },
  { no: 11, stage: 3, label: '开展集中培训' },
  { no: 12, stage: 4, label: '支部委员会审查' },
  { no: 13, stage: 4, label: '上级党委预审' },
  { no: 14, stage: 4, label: '填写入党志愿书' },
  { no: 15, stage: 4, label: '支部大会讨论' },
  { no: 16, stage: 4, label: '上级党委派人谈话' },
  { no: 17, stage: 4, label: '上级党委审批' },
  { no: 18, stage: 4, label: '再上一级党委组织部门备案' },
  { no: 19, stage: 5, label: '编入党支部和党小组' },
  { no: 20, stage: 5, label: '入党宣誓' },
  { no: 21, stage: 5, label: '继续教育考察' },
  { no: 22, stage: 5, label: '提出转正申请' },
  { no: 23, stage: 5, label: '支部大会讨论' },
  { no: 24, stage: 5, label: '上级党委审批' },
  { no: 25, stage: 5, label: '材料归档' },
];

/**
 * Steps that must be recorded before a step (on the same day or earlier).
 * Steps the rules leave unordered (e.g. 8–11 after 7) share prerequisites
 * and may be recorded in any order or on the same day.
 */
export const STEP_PREREQUISITES: Readonly<Record<number, readonly number[]>> = {
  1: [],
  2: [1],
  3: [2],
  4: [3],
  5: [3],
  6: [3],
  7: [3, 4, 5, 6],
  8: [7],
  9: [7],
  10: [7],
  11: [7],
  // 支委会审查 needs the candidate's file complete: filing, introducers, 政审 and training
  12: [8, 9, 10, 11],
  // 预审 comes after 政审, 培训 and the 公示 that follows the committee's review
  13: [12],
  14: [13],
  15: [14],
  16: [15],
  17: [15, 16],
  18: [17],
  19: [17],
  20: [17],
  21: [17],
  22: [17],
  23: [22],
  24: [23],
  25: [24],
};
