// The audit log as the auditor reads it: every action, object type and detail
// field in Chinese (a test checks every action the server writes is named here).

// Audit actions as people read them; the filter matches by prefix.
export const AUDIT_ACTIONS: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.password_change': '修改密码',
  'auth.totp_setup': '生成双因素绑定码',
  'auth.totp_enable': '开启双因素认证',
  'access.denied': '越权访问被拒绝',
  'access.not_found': '访问不存在或无权查看的对象',
  'account.create': '新建账号',
  'account.update': '修改账号',
  'account.link_person': '账号关联党员',
  'account.disable_former_member': '停用不再在册党员的账号',
  'role.grant': '授予角色',
  'role.revoke': '收回角色',
  'org.create': '新建组织',
  'org.update': '编辑组织',
  'org.move': '调整隶属关系',
  'org.dissolve': '撤销组织',
  'org.committee_elect': '换届登记',
  'member.create': '新增党员',
  'member.update': '编辑党员',
  'member.status_change': '党员变动',
  'member.reveal': '查看敏感信息',
  'member.export': '导出名册',
  'member.import': '批量导入',
  'member.activation_request': '党员申请激活账号（验证码）',
  'member.activate': '党员激活账号',
  'member.activation_reset': '重置党员账号激活',
  'file.upload': '上传附件',
  'audit.verify': '校验审计日志',
  'system.seed': '生成演示数据',
  'system.backup': '备份',
  'system.restore': '恢复',
  'calendar.update': '修改工作日历',
  'calendar.delete': '删除工作日历',
  'development.create': '受理入党申请',
  'development.step': '登记发展步骤',
  'development.vote': '登记支部大会表决',
  'development.document': '生成发展文书',
  'development.report': '提交思想汇报',
  'development.plan': '制定发展计划',
  'dues.base': '设置党费基数',
  'dues.base_import': '导入党费基数',
  'dues.bills': '生成党费账单',
  'dues.payment': '登记党费收缴',
  'dues.voluntary': '登记自愿交纳党费',
  'dues.order': '在线交纳党费',
  'dues.reduction_propose': '申请党费减免',
  'dues.reduction_decide': '审批党费减免',
  'dues.reconcile': '支付对账',
  'dues.export': '导出党费统计',
  'dues.statement_export': '导出党费明细',
};

export const AUDIT_OBJECT_TYPES: Record<string, string> = {
  person: '党员/人员',
  dev_file: '发展档案',
  org: '组织',
  account: '账号',
  file: '附件',
  dues_bill: '党费账单',
  dues_reduction: '党费减免',
  dues_reconciliation: '支付对账',
  payment_order: '支付订单',
  work_calendar: '工作日历',
  import: '导入批次',
  backup: '备份',
};

/** Labels of the fields an entry's detail carries; values that are codes are translated by AUDIT_DETAIL_VALUES. */
export const AUDIT_DETAIL_LABELS: Record<string, string> = {
  reason: '原因', from: '原值', to: '新值', rows: '行数', fromRow: '起始行', amountFen: '金额（分）', tables: '数据表', size: '大小（字节）',
  role: '角色', provider: '支付机构', kind: '类型', year: '年份', workdays: '调休上班天数', holidays: '放假天数', username: '用户名', type: '类型',
  totpReset: '重置双因素认证', toParentId: '新的上级组织', fromParentId: '原上级组织', parentId: '上级组织', status: '状态', sex: '性别', seed: '演示数据',
  scope: '范围', reapplied: '重新申请', q: '查询条件', problemCount: '问题数', planned: '计划数', payer: '交纳人', passwordReset: '重置密码', passed: '通过',
  ownerType: '所属对象类型', ownerId: '所属对象', orgs: '组织数', on: '日期', name: '姓名', method: '方式', members: '人数', matched: '相符笔数',
  isDisabled: '停用', grantId: '授权编号', fields: '字段', electedOn: '选举日期', effectiveMonth: '生效月份', education: '学历', earlierRecordElsewhere: '曾在其他组织有记录',
  displayName: '姓名', dir: '目录', differences: '差异数', date: '日期', checked: '已校验条数', category: '类别', brokenIds: '问题记录编号', bills: '账单数',
  backupCreatedAt: '备份时间', auditHeadMatches: '审计日志末条一致', auditHeadId: '审计日志末条编号', auditChainOk: '审计链完整', approved: '批准', approve: '批准',
  result: '结果', personId: '关联党员', previousPersonId: '原关联党员', reused: '启用原账号', accounts: '停用账号数',
  appliedOn: '申请日期', firstBrokenId: '首个问题记录', locked: '已锁定账号', operationId: '接口', permission: '所需权限', url: '地址', month: '月份', step: '步骤',
};

export const AUDIT_DETAIL_VALUES: Record<string, string> = {
  invalid_credentials: '用户名或密码错误',
  invalid_totp: '动态验证码错误',
  totp_required: '需要动态验证码',
  locked: '账号已锁定',
  forged: '签名无效（伪造）',
  late: '通知已过期',
  malformed: '格式不正确',
  sent: '验证码已发送',
  no_match: '与党员档案不一致',
  already_active: '已激活过账号',
  too_many_codes: '一小时内获取验证码过多',
  expired: '验证码已失效或未获取',
  wrong: '验证码不正确',
  username_taken: '手机号已是其他账号的用户名',
};

/** One detail value as text: booleans as 是/否, codes translated, lists joined, objects summarised. */
export function auditDetailValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'string') return AUDIT_DETAIL_VALUES[v] ?? v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(auditDetailValue).join('、');
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${AUDIT_DETAIL_LABELS[k] ?? k}：${auditDetailValue(x)}`).join('；');
}
