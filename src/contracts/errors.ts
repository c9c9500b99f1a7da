// Stable machine error codes, their HTTP status and the default Chinese message.
// One exhaustive map: every error the API returns uses one of these codes.
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: '提交的数据有误，请按提示修改后重试' },
  BAD_REQUEST: { status: 400, message: '请求格式不正确' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  SESSION_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  ACCOUNT_LOCKED: { status: 423, message: '登录失败次数过多，请15分钟后再试' },
  TOTP_REQUIRED: { status: 401, message: '请输入身份验证器中的6位动态验证码' },
  INVALID_TOTP: { status: 401, message: '动态验证码不正确或已使用，请等待下一个验证码后重新输入' },
  TOTP_ENROLLMENT_REQUIRED: { status: 403, message: '管理员账号须先绑定身份验证器（双因素认证），请在“我的账号”中完成绑定' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: '初始密码或重置的密码须先修改，请在“我的账号”中设置您自己的新密码' },
  FORBIDDEN: { status: 403, message: '您没有执行此操作的权限' },
  ORIGIN_REJECTED: { status: 403, message: '请求来自其他网站，已拒绝。请直接在本系统页面中操作' },
  NOT_FOUND: { status: 404, message: '您要找的内容不存在或不在您的管理范围内' },
  CONFLICT: { status: 409, message: '数据已被他人修改，请刷新后重试' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: '该请求编号已用于另一笔内容不同的交纳，请刷新页面后重新提交' },
  ONLINE_PAYMENT_UNAVAILABLE: { status: 422, message: '未开通在线缴纳党费，请向支部线下交纳' },
  DUPLICATE_ID_NUMBER: { status: 409, message: '该身份证号已属于一名在册党员或正在发展的入党申请人' },
  DEVELOPMENT_RULE: { status: 422, message: '不符合《中国共产党发展党员工作细则》的规定' },
  DUPLICATE_USERNAME: { status: 409, message: '该用户名已被使用' },
  DUPLICATE_ORG_CODE: { status: 409, message: '该组织代码已被使用' },
  INVALID_ID_NUMBER: { status: 422, message: '身份证号不符合国家标准（GB 11643）' },
  WEAK_PASSWORD: { status: 422, message: '密码不符合安全要求' },
  ADMIN_ROLE_CONFLICT: { status: 422, message: '系统管理员、安全管理员、审计管理员三个角色不能由同一账号兼任' },
  ADMIN_BUSINESS_CONFLICT: { status: 422, message: '三员分立：管理员账号不能持有业务角色，业务账号也不能持有管理员角色，请为其另建账号' },
  ORG_MOVE_INVALID: { status: 422, message: '不能把组织移动到它自己或它的下级组织之下' },
  ORG_DISSOLVED: { status: 422, message: '该组织已撤销，不能再进行此操作' },
  ORG_HAS_ACTIVE_MEMBERS: { status: 422, message: '该组织仍有在册党员、正在发展的入党申请人或下级组织，请先转出党员、转交发展档案、调整下级组织' },
  ACTIVATION_CODE_INVALID: { status: 422, message: '验证码不正确，请核对短信中的6位数字' },
  ACTIVATION_CODE_EXPIRED: { status: 422, message: '验证码已失效（10分钟内有效，错误5次后作废），请重新获取验证码' },
  ALREADY_ACTIVATED: { status: 409, message: '该党员已激活账号，请直接登录；如更换了手机号需重新激活，请联系所在党支部' },
  PERSON_ALREADY_LINKED: { status: 409, message: '该党员已关联一个启用中的账号，请先停用原账号' },
  MEMBER_NOT_CURRENT: { status: 422, message: '该党员已不在册，不能进行此操作' },
  TRANSFER_OPEN: { status: 409, message: '该党员已有一份未办结的组织关系介绍信，请先办结或撤销' },
  TRANSFER_STATE: { status: 409, message: '介绍信当前状态不能进行此操作' },
  TRANSFER_EXPIRED: { status: 422, message: '介绍信已超过有效期，不能接收；请转出党组织出具证明后重新开具' },
  TRANSFER_TARGET_INVALID: { status: 422, message: '接收组织须为本系统内的党支部，且不能是党员现在所在的支部' },
  TRANSFER_RULE: { status: 422, message: '不符合党员组织关系接转的有关规定' },
  MEETING_STATE: { status: 409, message: '会议当前状态不能进行此操作' },
  MEETING_RULE: { status: 422, message: '不符合组织生活的有关规定' },
  SIGNIN_CLOSED: { status: 422, message: '不在签到时间内：签到只在会议召开期间开放' },
  SIGNIN_NOT_EXPECTED: { status: 422, message: '您不在本次会议的参会名单中，如需参会请联系会议记录人' },
  SIGNIN_DUPLICATE: { status: 409, message: '您已签到，无需重复签到' },
  SIGNIN_TOKEN_INVALID: { status: 422, message: '签到码已过期或无效，请重新扫描会场二维码' },
  ROOM_FULL: { status: 409, message: '会议室人数已满，请改为到会场参会，或联系主持人使用外部会议系统' },
  ROOM_CLOSED: { status: 422, message: '视频会议室只在会议召开期间开放' },
  UPGRADE_REQUIRED: { status: 426, message: '此地址只接受 WebSocket 连接' },
  MINUTES_CONFIRMER: { status: 422, message: '只有本次会议的主持人或记录人本人可以确认会议记录' },
  MINUTES_LOCKED: { status: 409, message: '会议记录已由主持人和记录人确认并锁定，只能追加更正说明' },
  INVALID_STATUS_CHANGE: { status: 422, message: '党员状态变更不符合规定' },
  REASON_REQUIRED: { status: 422, message: '查看完整信息须填写事由' },
  FILE_TYPE_NOT_ALLOWED: { status: 415, message: '不支持的文件类型' },
  FILE_TOO_LARGE: { status: 413, message: '文件超过大小限制' },
  AUDIO_TYPE_NOT_ALLOWED: { status: 415, message: '不支持的音频格式，请上传常见格式的录音文件' },
  AUDIO_TOO_LARGE: { status: 413, message: '录音文件超过大小限制' },
  AUDIO_TOO_LONG: { status: 422, message: '录音时长超过限制，请分段上传' },
  AUDIO_CORRUPT: { status: 422, message: '音频文件已损坏或无法解码，请重新上传' },
  ASR_NOT_CONFIGURED: { status: 409, message: '未配置语音识别模型，请直接录入文字记录' },
  ASR_FAILED: { status: 500, message: '语音识别失败，请稍后重试；如持续出现请联系系统管理员' },
  IMPORT_INVALID: { status: 422, message: '导入文件有误，请查看错误报告' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  INTERNAL: { status: 500, message: '服务器内部错误，请稍后重试；如持续出现请联系系统管理员' },
  UNAVAILABLE: { status: 503, message: '服务暂不可用，请稍后重试' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    details?: unknown;
  };
}
