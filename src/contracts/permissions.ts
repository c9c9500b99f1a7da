// The one permission table. Every route declares one of these permissions
// (or `public` / `authenticated`); everything else is denied.
export const PERMISSIONS = {
  'org.read': '查看组织',
  'org.create': '新建组织',
  'org.update': '编辑组织',
  'org.move': '调整组织隶属关系',
  'org.dissolve': '撤销组织',
  'committee.manage': '管理班子与换届',
  'member.read': '查看党员',
  'member.create': '新增党员',
  'member.update': '编辑党员',
  'member.status': '登记党员增减变动',
  'member.reveal': '查看完整敏感信息',
  'member.import': '批量导入党员',
  'member.export': '导出党员名册',
  'self.read': '查看本人信息',
  'file.upload': '上传附件',
  'file.read': '下载附件',
  'account.manage': '管理账号',
  'role.grant': '授予与收回角色',
  'audit.read': '查看审计日志',
  'system.config': '系统设置与规则版本',
  'job.read': '查看任务记录',
  'development.read': '查看发展党员',
  'development.manage': '办理发展党员（登记步骤、表决）',
  'development.approve': '上级党委预审、审批发展党员与转正',
  'development.plan': '制定发展计划',
  'dues.read': '查看党费',
  'dues.manage': '党费基数、账单与收缴登记',
  'dues.approve': '审批党费减免、对账',
  'transfer.read': '查看组织关系转接',
  'transfer.manage': '办理组织关系转接（开具、接收、退回）',
  'transfer.approve': '审批组织关系转接',
  'meeting.read': '查看组织生活（三会一课）',
  'meeting.manage': '安排会议、记录出席与会议记录',
  'points.read': '查看党员积分',
  'points.manage': '登记积分奖励与扣减、冲正，起草积分细则并登记表决',
  'points.approve': '复核大额积分奖励与扣减（须非申请人本人）',
  'project.read': '查看重点项目',
  'project.manage': '立项、维护路线图、登记项目进展',
  'project.accept': '验收与考评重点项目',
  'statistics.close': '结算党内统计年度（冻结年报数据）',
  'mall.read': '查看积分商城（商品、兑换记录、库存台账）',
  'mall.manage': '积分商城上架商品、入库盘减、领取核销与取消兑换',
  'resident.read': '查看本辖区注册群众（村、社区）',
  'resident.self': '群众：查看与修改本人资料',
  'volunteer.read': '查看志愿服务活动与报名',
  'volunteer.manage': '发布志愿服务活动、认定服务时长',
  'volunteer.self': '参加志愿服务（报名、本人服务记录与证明）',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES = {
  sysadmin: { label: '系统管理员', admin: true },
  secadmin: { label: '安全管理员', admin: true },
  auditor: { label: '审计管理员', admin: true },
  org_admin: { label: '组织部/上级党委', admin: false },
  secretary: { label: '支部书记', admin: false },
  party_worker: { label: '党务工作者', admin: false },
  member: { label: '党员', admin: false },
  // a resident (群众) registers themself by phone; never granted by an administrator
  resident: { label: '群众', admin: false },
} as const;

export type Role = keyof typeof ROLES;
export const ADMIN_ROLES: readonly Role[] = ['sysadmin', 'secadmin', 'auditor'];
/** Roles that come only from self-registration, never from a grant (a resident's). */
export const SELF_REGISTERED_ROLES: readonly Role[] = ['resident'];

// role → permissions. The three administrators see no member data; the
// system administrator cannot read the audit log.
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  sysadmin: ['system.config', 'job.read', 'org.read'],
  secadmin: ['account.manage', 'role.grant', 'org.read'],
  auditor: ['audit.read', 'org.read'],
  org_admin: [
    'org.read', 'org.create', 'org.update', 'org.move', 'org.dissolve', 'committee.manage',
    'member.read', 'member.create', 'member.update', 'member.status', 'member.reveal',
    'member.import', 'member.export', 'file.upload', 'file.read', 'job.read', 'self.read',
    'development.read', 'development.manage', 'development.approve', 'development.plan',
    'dues.read', 'dues.manage', 'dues.approve',
    'transfer.read', 'transfer.manage', 'transfer.approve',
    'meeting.read', 'meeting.manage',
    'points.read', 'points.manage', 'points.approve',
    'project.read', 'project.manage', 'project.accept',
    'statistics.close',
    'mall.read', 'mall.manage', 'resident.read', 'volunteer.read', 'volunteer.manage', 'volunteer.self',
  ],
  secretary: [
    'org.read', 'org.update', 'committee.manage',
    'member.read', 'member.create', 'member.update', 'member.status', 'member.reveal',
    'member.import', 'member.export', 'file.upload', 'file.read', 'job.read', 'self.read',
    'development.read', 'development.manage',
    'dues.read', 'dues.manage',
    'transfer.read', 'transfer.manage',
    'meeting.read', 'meeting.manage',
    'points.read', 'points.manage', 'points.approve',
    'project.read', 'project.manage',
    'mall.read', 'mall.manage', 'resident.read', 'volunteer.read', 'volunteer.manage', 'volunteer.self',
  ],
  party_worker: ['org.read', 'member.read', 'member.create', 'member.update', 'file.upload', 'file.read', 'job.read', 'self.read', 'development.read', 'development.manage', 'dues.read', 'dues.manage', 'transfer.read', 'meeting.read', 'meeting.manage', 'points.read', 'points.manage', 'project.read', 'project.manage', 'mall.read', 'mall.manage', 'resident.read', 'volunteer.read', 'volunteer.manage', 'volunteer.self'],
  member: ['self.read', 'volunteer.self'],
  // no Party data at all: the resident's own profile only
  resident: ['resident.self', 'volunteer.self'],
};

export type DataScope = 'self' | 'node' | 'subtree';
export const DATA_SCOPES: Record<DataScope, string> = { self: '本人', node: '本级', subtree: '本级及以下' };

/** The roles holding a permission. */
export function rolesWith(permission: Permission): Role[] {
  return (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((r) => ROLE_PERMISSIONS[r].includes(permission));
}

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
