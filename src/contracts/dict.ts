// Code lists shared by server and web. Values are stable English codes; labels are the UI text.
export const ORG_TYPES = {
  committee: '党委',
  working_committee: '党工委',
  general_branch: '党总支',
  branch: '党支部',
  joint_branch: '联合党支部',
  temporary_branch: '临时党支部',
  party_group: '党小组',
} as const;
export type OrgType = keyof typeof ORG_TYPES;
export const BRANCH_TYPES: readonly OrgType[] = ['branch', 'joint_branch', 'temporary_branch'];

// Which org types may sit under which (《中国共产党基层组织工作条例》 structure):
// the server enforces it, the web offers only these choices.
export const ALLOWED_PARENT_TYPES: Record<OrgType, readonly OrgType[]> = {
  committee: ['committee', 'working_committee'],
  working_committee: ['committee', 'working_committee'],
  general_branch: ['committee', 'working_committee'],
  branch: ['committee', 'working_committee', 'general_branch'],
  joint_branch: ['committee', 'working_committee', 'general_branch'],
  temporary_branch: ['committee', 'working_committee', 'general_branch'],
  party_group: ['branch', 'joint_branch', 'temporary_branch'],
};

export function childTypesOf(parent: OrgType): OrgType[] {
  return (Object.keys(ALLOWED_PARENT_TYPES) as OrgType[]).filter((child) => ALLOWED_PARENT_TYPES[child].includes(parent));
}

export const UNIT_KINDS = {
  village: '村',
  community: '社区',
  government: '机关',
  institution: '事业单位',
  soe: '国有企业',
  private: '非公有制企业',
  social: '社会组织',
  school: '学校',
  other: '其他',
} as const;
export type UnitKind = keyof typeof UNIT_KINDS;

export const MEMBER_STATUSES = {
  probationary: '预备党员',
  full: '正式党员',
  left: '已出党/转出',
  suspended: '停止党籍',
  deceased: '死亡',
} as const;
export type MemberStatus = keyof typeof MEMBER_STATUSES;

// Persons in the development pipeline (DATA.md: the same person row carries
// them on to 预备党员); 'masses' is someone whose file closed without admission.
export const PIPELINE_STATUSES = {
  masses: '群众',
  applicant: '入党申请人',
  activist: '入党积极分子',
  candidate: '发展对象',
} as const;
export type PipelineStatus = keyof typeof PIPELINE_STATUSES;

export const SEXES = { male: '男', female: '女' } as const;
export type Sex = keyof typeof SEXES;

export const EDUCATIONS = {
  postgraduate: '研究生',
  bachelor: '大学本科',
  college: '大学专科',
  secondary_vocational: '中专',
  high_school: '高中',
  junior_high: '初中',
  primary: '小学及以下',
} as const;
export type Education = keyof typeof EDUCATIONS;

export const OCCUPATIONS = {
  worker: '工人',
  farmer: '农牧渔民',
  enterprise_staff: '企事业单位管理和专业技术人员',
  party_gov_staff: '党政机关工作人员',
  student: '学生',
  retired: '离退休人员',
  other: '其他职业人员',
} as const;
export type Occupation = keyof typeof OCCUPATIONS;

export const ETHNICITIES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族', '瑶族',
  '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族', '拉祜族', '水族',
  '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族',
  '仡佬族', '锡伯族', '阿昌族', '普米族', '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族',
  '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
] as const;

// Member change events (RULES §6). increase / decrease reasons are the statistics categories.
export const MEMBER_EVENT_REASONS = {
  recruited: { direction: 'increase', label: '新发展' },
  transfer_in: { direction: 'increase', label: '转入' },
  restored: { direction: 'increase', label: '恢复党籍' },
  registered: { direction: 'increase', label: '建档登记' },
  converted: { direction: 'change', label: '转正' },
  probation_extended: { direction: 'change', label: '延长预备期' },
  party_probation: { direction: 'change', label: '留党察看' },
  party_probation_ended: { direction: 'change', label: '留党察看期满恢复党员权利' },
  transfer_out: { direction: 'decrease', label: '转出' },
  expelled: { direction: 'decrease', label: '出党（开除）' },
  removed: { direction: 'decrease', label: '出党（除名）' },
  lapsed: { direction: 'decrease', label: '出党（自行脱党）' },
  withdrew: { direction: 'decrease', label: '出党（退党）' },
  probation_cancelled: { direction: 'decrease', label: '取消预备党员资格' },
  suspended: { direction: 'decrease', label: '停止党籍' },
  deceased: { direction: 'decrease', label: '死亡' },
} as const;
export type MemberEventReason = keyof typeof MEMBER_EVENT_REASONS;

export const COMMITTEE_POSTS = {
  secretary: '书记',
  deputy_secretary: '副书记',
  organisation: '组织委员',
  propaganda: '宣传委员',
  discipline: '纪检委员',
  member: '委员',
} as const;
export type CommitteePost = keyof typeof COMMITTEE_POSTS;

export const SENSITIVE_FIELDS = { idNumber: '身份证号', phone: '手机号码', income: '收入' } as const;
export type SensitiveField = keyof typeof SENSITIVE_FIELDS;
