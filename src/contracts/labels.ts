// Chinese names of request fields, used to word validation errors.
export const FIELD_LABELS: Record<string, string> = {
  username: '用户名', password: '密码', currentPassword: '当前密码', newPassword: '新密码', displayName: '姓名',
  name: '名称/姓名', sex: '性别', ethnicity: '民族', idNumber: '身份证号', education: '学历', occupation: '人员类别',
  unitName: '工作单位', phone: '手机号码', address: '地址', joinDate: '入党日期', conversionDate: '转正日期', status: '党员类别',
  monthlyIncomeFen: '月收入', orgId: '组织', parentId: '上级组织', newParentId: '新的上级组织', type: '组织类型', code: '组织代码',
  unitKind: '单位类别', lng: '经度', lat: '纬度', setupDate: '成立日期', dissolvedOn: '撤销日期', reason: '原因/事由',
  version: '版本号', electedOn: '选举日期', termYears: '任期年限', posts: '班子成员', post: '职务', holderName: '任职人',
  eventDate: '变动日期', note: '备注', field: '字段', role: '角色', scope: '数据范围', page: '页码', pageSize: '每页条数',
  q: '查询条件', id: '编号', ownerType: '所属对象类型', ownerId: '所属对象',
};
