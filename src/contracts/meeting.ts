import { z } from 'zod';
import { IsoDate, PageQuery, Text, keysOf, pageOf } from './common';

// Meetings and organisational life (三会一课, RULES §3 and §8).

export const MEETING_TYPES = {
  branch_assembly: '支部党员大会',
  committee_meeting: '支委会',
  group_meeting: '党小组会',
  party_lecture: '党课',
  theme_day: '主题党日',
  life_meeting: '组织生活会',
  democratic_review: '民主评议党员',
  heart_talk: '谈心谈话',
} as const;
export type MeetingType = keyof typeof MEETING_TYPES;
export const MeetingTypeEnum = z.enum(keysOf(MEETING_TYPES), { message: '请选择会议类型' });

export const MEETING_STATUSES = { planned: '计划中', held: '已召开', cancelled: '已取消' } as const;
export type MeetingStatus = keyof typeof MEETING_STATUSES;
export const MeetingStatusEnum = z.enum(keysOf(MEETING_STATUSES));

export const CADENCE_PERIODS = { month: '每月', quarter: '每季度', year: '每年' } as const;
export type CadencePeriod = keyof typeof CADENCE_PERIODS;

export const ATTENDEE_KINDS = { member: '正式党员', probationary: '预备党员', visitor: '流动党员', invited: '参加人' } as const;
export type AttendeeKind = keyof typeof ATTENDEE_KINDS;
export const ATTENDANCE = { expected: '未到', present: '出席', absent: '缺席' } as const;
export type Attendance = keyof typeof ATTENDANCE;
export const SIGN_METHODS = { qr: '扫码签到', marked: '记录人标记', room: '远程参会' } as const;
export type SignMethod = keyof typeof SIGN_METHODS;
export const LEAVE_STATUSES = { requested: '请假待批', approved: '已准假', rejected: '未准假' } as const;
export type LeaveStatus = keyof typeof LEAVE_STATUSES;

export const REVIEW_GRADES = { excellent: '优秀', qualified: '合格', basic: '基本合格', unqualified: '不合格' } as const;
export type ReviewGrade = keyof typeof REVIEW_GRADES;

/** The body of rule `meetings.cadence`. */
export interface CadenceRule {
  types: Record<MeetingType, { period: CadencePeriod; min: number; orgTypes: string[]; withCommittee?: boolean; usualMonth?: number }>;
  themeDayOfMonth: number;
  warnDaysBeforeEnd: number;
  excellentShareCap: number | null;
}

/** The body of rule `meetings.attendance`. */
export interface AttendanceRule {
  signInOpensMinutesBefore: number;
  signInClosesMinutesAfter: number;
  qrTokenSeconds: number;
  defaultDurationMinutes: number;
  roomMaxParticipants: number;
}

/** The cadence period a date falls in: '2026-03', '2026-Q1' or '2026'. */
export function periodOf(period: CadencePeriod, date: string): string {
  const y = date.slice(0, 4);
  if (period === 'year') return y;
  if (period === 'quarter') return `${y}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  return date.slice(0, 7);
}

/** First and last day of a period key ('2026-03', '2026-Q1', '2026'). */
export function periodBounds(key: string): { from: string; to: string } {
  const y = Number(key.slice(0, 4));
  const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  if (/^\d{4}$/.test(key)) return { from: `${y}-01-01`, to: `${y}-12-31` };
  const q = /^\d{4}-Q([1-4])$/.exec(key);
  if (q) {
    const first = (Number(q[1]) - 1) * 3 + 1;
    return { from: `${y}-${pad(first)}-01`, to: `${y}-${pad(first + 2)}-${pad(lastDay(y, first + 2))}` };
  }
  const m = Number(key.slice(5, 7));
  return { from: `${key}-01`, to: `${key}-${pad(lastDay(y, m))}` };
}

/** A period key as the user reads it. */
export function periodLabel(key: string): string {
  if (/^\d{4}$/.test(key)) return `${key}年`;
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) return `${q[1]}年第${'一二三四'[Number(q[2]) - 1]}季度`;
  return `${key.slice(0, 4)}年${Number(key.slice(5, 7))}月`;
}

export const PeriodKey = z
  .string()
  .regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, { message: '期间格式应为 YYYY、YYYY-Qn 或 YYYY-MM' })
  .refine((s) => Number(s.slice(0, 4)) >= 2000 && Number(s.slice(0, 4)) <= 2100, { message: '期间应在 2000 年至 2100 年之间' });

const DateTime = z.iso.datetime({ offset: true, message: '时间格式不正确' });
const OptText = (max: number, label: string) => Text.pipe(z.string().trim().max(max, `${label}不超过${max}字`)).nullish();
const HttpsUrl = Text.pipe(z.string().trim().max(500).regex(/^https:\/\/[^\s]+$/, { message: '会议链接须为 https:// 开头的网址' }));

export const MeetingFields = z.object({
  title: Text.pipe(z.string().trim().min(2, '请填写会议名称').max(100, '会议名称不超过100字')).optional(),
  plannedDate: IsoDate,
  startsAt: DateTime.nullish(),
  endsAt: DateTime.nullish(),
  location: OptText(100, '地点'),
  externalUrl: HttpsUrl.nullish(),
  hostPersonId: z.uuid().nullish(),
  recorderPersonId: z.uuid().nullish(),
  lecturer: OptText(50, '授课人'),
  topic: OptText(200, '党课主题'),
});

export const CreateMeetingBody = MeetingFields.extend({
  orgId: z.uuid({ message: '请选择召开会议的组织' }),
  type: MeetingTypeEnum,
  /** 谈心谈话 and other meetings of chosen people: the attendees (otherwise taken from the registry) */
  attendeePersonIds: z.array(z.uuid()).max(200).optional(),
  sendNotice: z.boolean().default(false),
});
export type CreateMeetingBody = z.infer<typeof CreateMeetingBody>;

export const UpdateMeetingBody = MeetingFields.partial().extend({ version: z.number().int() });
export type UpdateMeetingBody = z.infer<typeof UpdateMeetingBody>;

export const CancelMeetingBody = z.object({
  version: z.number().int(),
  reason: Text.pipe(z.string().trim().min(2, '请填写取消原因').max(200, '取消原因不超过200字')),
});
export type CancelMeetingBody = z.infer<typeof CancelMeetingBody>;

export const VersionBody = z.object({ version: z.number().int() });

export const ListMeetingsQuery = PageQuery.extend({
  orgId: z.uuid().optional(),
  type: MeetingTypeEnum.optional(),
  status: MeetingStatusEnum.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  q: Text.pipe(z.string().max(50)).optional(),
});
export type ListMeetingsQuery = z.infer<typeof ListMeetingsQuery>;

export const MeetingListItem = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  orgName: Text,
  type: MeetingTypeEnum,
  status: MeetingStatusEnum,
  title: Text,
  plannedDate: IsoDate,
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  location: Text.nullable(),
  heldOn: IsoDate.nullable(),
  fromPlan: z.boolean(),
  attendees: z.number().int(),
  present: z.number().int(),
  onLeave: z.number().int(),
  minutesLocked: z.boolean(),
  version: z.number().int(),
});
export type MeetingListItem = z.infer<typeof MeetingListItem>;
export const MeetingPage = pageOf(MeetingListItem);
export type MeetingPage = z.infer<typeof MeetingPage>;

export const AttendeeView = z.object({
  personId: z.uuid(),
  name: Text,
  kind: z.enum(keysOf(ATTENDEE_KINDS)),
  canVote: z.boolean(),
  attendance: z.enum(keysOf(ATTENDANCE)),
  method: z.enum(keysOf(SIGN_METHODS)).nullable(),
  signedAt: z.string().nullable(),
  leaveStatus: z.enum(keysOf(LEAVE_STATUSES)).nullable(),
  leaveReason: Text.nullable(),
  leaveNote: Text.nullable(),
});
export type AttendeeView = z.infer<typeof AttendeeView>;

export const AttendanceSummary = z.object({
  expected: z.number().int(),
  onLeave: z.number().int(),
  /** expected net of approved leave: the denominator of the attendance rate */
  netExpected: z.number().int(),
  present: z.number().int(),
  absent: z.number().int(),
  /** present / netExpected, or null when nobody was expected */
  rate: z.number().nullable(),
  votingPresent: z.number().int(),
});
export type AttendanceSummary = z.infer<typeof AttendanceSummary>;

export const MinutesView = z.object({
  agenda: Text,
  resolutions: z.array(Text),
  record: Text,
  hostConfirmedAt: z.string().nullable(),
  recorderConfirmedAt: z.string().nullable(),
  lockedAt: z.string().nullable(),
  version: z.number().int(),
});
export type MinutesView = z.infer<typeof MinutesView>;

export const MeetingFileView = z.object({ id: z.uuid(), kind: z.enum(['photo', 'document', 'audio']), fileName: Text, mime: Text, sizeBytes: z.number().int(), createdAt: z.string() });
export type MeetingFileView = z.infer<typeof MeetingFileView>;

export const MeetingDetail = MeetingListItem.extend({
  hostPersonId: z.uuid().nullable(),
  hostName: Text.nullable(),
  recorderPersonId: z.uuid().nullable(),
  recorderName: Text.nullable(),
  lecturer: Text.nullable(),
  topic: Text.nullable(),
  externalUrl: Text.nullable(),
  noticeSentAt: z.string().nullable(),
  cancelledReason: Text.nullable(),
  attendeeList: z.array(AttendeeView),
  summary: AttendanceSummary,
  minutes: MinutesView.nullable(),
  corrections: z.array(z.object({ body: Text, actorName: Text, recordedAt: z.string() })),
  files: z.array(MeetingFileView),
  signInWindow: z.object({ opensAt: z.string(), closesAt: z.string() }).nullable(),
  me: z.object({
    attendee: AttendeeView.nullable(),
    canManage: z.boolean(),
    canConfirmAsHost: z.boolean(),
    canConfirmAsRecorder: z.boolean(),
  }),
  source: Text,
});
export type MeetingDetail = z.infer<typeof MeetingDetail>;

export const GenerateMeetingPlanBody = z.object({
  orgId: z.uuid({ message: '请选择组织' }),
  year: z.number().int().min(2000, '年份不正确').max(2100, '年份不正确'),
});
export type GenerateMeetingPlanBody = z.infer<typeof GenerateMeetingPlanBody>;
export const MeetingPlanResult = z.object({ orgs: z.number().int(), created: z.number().int(), existing: z.number().int(), source: Text });
export type MeetingPlanResult = z.infer<typeof MeetingPlanResult>;

export const SignInCode = z.object({ token: Text, url: Text, expiresAt: z.string(), refreshSeconds: z.number().int() });
export type SignInCode = z.infer<typeof SignInCode>;
export const SignInMeetingBody = z.object({ token: Text.pipe(z.string().min(8, '签到码无效').max(200, '签到码无效')) });
export type SignInMeetingBody = z.infer<typeof SignInMeetingBody>;
export const SignInResult = z.object({ signedAt: z.string(), meetingTitle: Text });
export type SignInResult = z.infer<typeof SignInResult>;

export const RequestMeetingLeaveBody = z.object({ reason: Text.pipe(z.string().trim().min(2, '请填写请假事由').max(200, '请假事由不超过200字')) });
export type RequestMeetingLeaveBody = z.infer<typeof RequestMeetingLeaveBody>;
export const DecideMeetingLeaveBody = z.object({
  personId: z.uuid(),
  approve: z.boolean(),
  note: OptText(200, '说明'),
});
export type DecideMeetingLeaveBody = z.infer<typeof DecideMeetingLeaveBody>;

export const MarkAttendanceBody = z.object({
  marks: z.array(z.object({ personId: z.uuid(), attendance: z.enum(['present', 'absent', 'expected']) })).min(1, '请选择要标记的参会人员').max(500),
});
export type MarkAttendanceBody = z.infer<typeof MarkAttendanceBody>;

/** Tags the minutes' rich text may keep (everything else is removed on save). */
export const RECORD_TAGS = ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ol', 'ul', 'li', 'h3', 'h4', 'blockquote'] as const;

export const SaveMeetingMinutesBody = z.object({
  /** the minutes' version (0 for the first save) */
  version: z.number().int().min(0),
  heldOn: IsoDate,
  startsAt: DateTime.nullish(),
  endsAt: DateTime.nullish(),
  location: OptText(100, '地点'),
  hostPersonId: z.uuid({ message: '请选择主持人' }),
  recorderPersonId: z.uuid({ message: '请选择记录人' }),
  lecturer: OptText(50, '授课人'),
  topic: OptText(200, '党课主题'),
  agenda: Text.pipe(z.string().max(2000, '议程不超过2000字')),
  resolutions: z.array(Text.pipe(z.string().trim().min(1).max(500, '每项决议不超过500字'))).max(50),
  record: Text.pipe(z.string().max(200_000, '会议记录过长')),
});
export type SaveMeetingMinutesBody = z.infer<typeof SaveMeetingMinutesBody>;

export const ConfirmMeetingMinutesBody = z.object({ version: z.number().int(), as: z.enum(['host', 'recorder']) });
export type ConfirmMeetingMinutesBody = z.infer<typeof ConfirmMeetingMinutesBody>;
export const AddCorrectionBody = z.object({ body: Text.pipe(z.string().trim().min(2, '请填写更正内容').max(2000, '更正内容不超过2000字')) });
export type AddCorrectionBody = z.infer<typeof AddCorrectionBody>;

export const RecordReviewsBody = z.object({
  grades: z.array(z.object({ personId: z.uuid(), grade: z.enum(keysOf(REVIEW_GRADES)), note: OptText(200, '说明') })).min(1, '请填写评议结果').max(500),
});
export type RecordReviewsBody = z.infer<typeof RecordReviewsBody>;
export const ReviewList = z.object({
  year: z.number().int(),
  items: z.array(z.object({ personId: z.uuid(), name: Text, grade: z.enum(keysOf(REVIEW_GRADES)).nullable(), note: Text.nullable() })),
  excellentShareCap: z.number().nullable(),
});
export type ReviewList = z.infer<typeof ReviewList>;

export const TranscriptSegment = z.object({ startMs: z.number().int().min(0), endMs: z.number().int().min(0), text: Text.pipe(z.string().max(2000)) });
export type TranscriptSegment = z.infer<typeof TranscriptSegment>;
export const TranscriptView = z.object({
  engine: z.object({ ready: z.boolean(), name: Text, reason: Text.nullable() }),
  transcript: z.object({
    id: z.uuid(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    progress: z.number().int(),
    durationMs: z.number().int().nullable(),
    segments: z.array(TranscriptSegment),
    errorCode: Text.nullable(),
    errorMessage: Text.nullable(),
    fileName: Text,
    editedAt: z.string().nullable(),
    createdAt: z.string(),
    version: z.number().int(),
  }).nullable(),
});
export type TranscriptView = z.infer<typeof TranscriptView>;
export const SaveTranscriptBody = z.object({ version: z.number().int(), segments: z.array(TranscriptSegment).max(5000) });
export type SaveTranscriptBody = z.infer<typeof SaveTranscriptBody>;

export const KeywordItem = z.object({ word: Text, weight: z.number(), count: z.number().int() });
export const MeetingKeywords = z.object({
  source: z.object({ minutes: z.boolean(), transcript: z.boolean(), characters: z.number().int() }),
  highFrequency: z.array(z.object({ word: Text, count: z.number().int() })),
  tfidf: z.array(KeywordItem),
  textRank: z.array(KeywordItem),
  corpusDocuments: z.number().int(),
});
export type MeetingKeywords = z.infer<typeof MeetingKeywords>;

export const ComplianceQuery = z.object({ orgId: z.uuid().optional(), period: PeriodKey.optional() });
export type ComplianceQuery = z.infer<typeof ComplianceQuery>;
export const ComplianceRow = z.object({
  type: MeetingTypeEnum,
  cadence: Text,
  /** the cadence period the row is judged on, inside the requested period */
  periods: z.array(Text),
  /** orgs bound by the cadence in the subtree (× periods) */
  obligated: z.number().int(),
  /** of those, the ones that held the required meetings */
  met: z.number().int(),
  held: z.number().int(),
  minutesDone: z.number().int(),
  attendanceRate: z.number().nullable(),
});
export type ComplianceRow = z.infer<typeof ComplianceRow>;
export const MeetingCompliance = z.object({
  org: z.object({ id: z.uuid(), name: Text, type: Text }),
  period: Text,
  periodLabel: Text,
  from: IsoDate,
  to: IsoDate,
  rows: z.array(ComplianceRow),
  children: z.array(z.object({ orgId: z.uuid(), orgName: Text, orgType: Text, obligated: z.number().int(), met: z.number().int(), held: z.number().int(), attendanceRate: z.number().nullable() })),
  source: Text,
});
export type MeetingCompliance = z.infer<typeof MeetingCompliance>;

export const MyMeetings = z.object({
  upcoming: z.array(MeetingListItem.extend({ attendance: z.enum(keysOf(ATTENDANCE)), leaveStatus: z.enum(keysOf(LEAVE_STATUSES)).nullable() })),
  past: z.array(MeetingListItem.extend({ attendance: z.enum(keysOf(ATTENDANCE)), leaveStatus: z.enum(keysOf(LEAVE_STATUSES)).nullable() })),
  calendarFeed: z.boolean(),
});
export type MyMeetings = z.infer<typeof MyMeetings>;
export const CalendarFeed = z.object({ url: Text.nullable(), active: z.boolean() });
export type CalendarFeed = z.infer<typeof CalendarFeed>;

// --- Remote participation: the in-browser video room (WebRTC mesh, signalling over the app's WebSocket)

export const IceServer = z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() });
export type IceServer = z.infer<typeof IceServer>;

/** What the room page needs before it connects: whether this person may join now, and how. */
export const MeetingRoomInfo = z.object({
  meetingId: z.string(),
  title: Text,
  orgName: Text,
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  opensAt: z.string().nullable(),
  closesAt: z.string().nullable(),
  maxParticipants: z.number().int(),
  participants: z.array(z.object({ name: Text })),
  /** the name the others see: the person's on the roll, else the account's */
  myName: Text,
  /** joining counts as attendance for someone on the roll */
  countsAttendance: z.boolean(),
  canJoin: z.boolean(),
  /** why not, in Chinese, when canJoin is false */
  reason: z.string().nullable(),
  externalUrl: z.string().nullable(),
  iceServers: z.array(IceServer),
  /** the WebSocket path of the room's signalling channel */
  socketPath: z.string(),
});
export type MeetingRoomInfo = z.infer<typeof MeetingRoomInfo>;

const SessionDescription = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(60_000) });
const Candidate = z.object({
  candidate: z.string().max(2_000),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** What a browser may send on the room's socket. */
export const RoomClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('signal'), to: z.string().max(64), description: SessionDescription.optional(), candidate: Candidate.nullable().optional() }),
  z.object({ type: z.literal('media'), audio: z.boolean(), video: z.boolean() }),
]);
export type RoomClientMessage = z.infer<typeof RoomClientMessage>;

export interface RoomPeer { peerId: string; name: string; audio: boolean; video: boolean }

/** What the server sends on the room's socket. */
export type RoomServerMessage =
  | { type: 'welcome'; peerId: string; peers: RoomPeer[]; countsAttendance: boolean; signedAt: string | null }
  | { type: 'peer-joined'; peer: RoomPeer }
  | { type: 'peer-left'; peerId: string }
  | { type: 'signal'; from: string; description?: { type: 'offer' | 'answer'; sdp: string }; candidate?: z.infer<typeof Candidate> | null }
  | { type: 'media'; peerId: string; audio: boolean; video: boolean }
  | { type: 'error'; code: string; message: string };

/** Close codes of the room socket (4000–4999 are the application's). */
export const ROOM_CLOSE = { refused: 4000, replaced: 4001, badMessage: 4002, ended: 4003 } as const;
