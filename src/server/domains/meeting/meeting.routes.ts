import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { Created, IdParams, Ok } from '../../../contracts/common';
import {
  AddCorrectionBody, CalendarFeed, CancelMeetingBody, ComplianceQuery, ConfirmMeetingMinutesBody, CreateMeetingBody, DecideMeetingLeaveBody, GenerateMeetingPlanBody,
  ListMeetingsQuery, MarkAttendanceBody, MeetingCompliance, MeetingDetail, MeetingPage, MeetingPlanResult, MyMeetings, RecordReviewsBody, RequestMeetingLeaveBody,
  ReviewList, SaveMeetingMinutesBody, SaveTranscriptBody, SignInCode, SignInMeetingBody, SignInResult, TranscriptView, MeetingKeywords, UpdateMeetingBody, VersionBody,
} from '../../../contracts/meeting';
import * as service from './meeting.service';
import * as attendance from './meeting.attendance';
import * as minutes from './meeting.minutes';
import * as plans from './meeting.plans';
import * as compliance from './meeting.compliance';
import * as calendar from './meeting.calendar';
import * as media from './meeting.media';
import { attachmentHeaders } from '../../platform/files';
import { ROOM_CLOSE } from '../../../contracts/meeting';
import { registerMeetingRoomRoutes } from './meeting.room.routes';

const FileParams = z.object({ id: z.uuid({ message: '编号格式不正确' }), fileId: z.uuid({ message: '编号格式不正确' }) });
const FileKindQuery = z.object({ kind: z.enum(['photo', 'document'], { message: '请选择附件类别' }) });
const FeedParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,64}\.ics$/, { message: '订阅地址无效' }) });

export function registerMeetingRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  const ok = { ok: true as const };
  const rooms = registerMeetingRoomRoutes(app, deps);
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings', operationId: 'listMeetings', summary: '会议列表（三会一课），按组织（含下级）、期间、类型、状态筛选', tags: ['meeting'], access: 'meeting.read',
    schema: { querystring: ListMeetingsQuery, response: { 200: MeetingPage } },
    handler: async (req) => service.listMeetings(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings', operationId: 'createMeeting', summary: '安排会议（可同时发送会议通知）', tags: ['meeting'], access: 'meeting.manage',
    schema: { body: CreateMeetingBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.createMeeting(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/plan', operationId: 'generateMeetingPlan', summary: '按组织生活规则生成年度会议计划（已安排或已召开的不重复生成）', tags: ['meeting'], access: 'meeting.manage',
    schema: { body: GenerateMeetingPlanBody, response: { 200: MeetingPlanResult } },
    handler: async (req) => plans.generateMeetingPlan(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/compliance', operationId: 'getMeetingCompliance', summary: '组织生活落实情况：应开与实开、出席率、记录完整率（本级及下级，读汇总表）', tags: ['meeting'], access: 'meeting.read',
    schema: { querystring: ComplianceQuery, response: { 200: MeetingCompliance } },
    handler: async (req) => compliance.getMeetingCompliance(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/:id', operationId: 'getMeeting', summary: '会议详情：出席、请假、会议记录、附件', tags: ['meeting'], access: 'self.read',
    schema: { params: IdParams, response: { 200: MeetingDetail } },
    handler: async (req) => service.getMeeting(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'PATCH', url: '/api/v1/meetings/:id', operationId: 'updateMeeting', summary: '修改会议安排（时间、地点、主持人、记录人等）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: UpdateMeetingBody, response: { 200: Ok } },
    handler: async (req) => (await service.updateMeeting(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/cancel', operationId: 'cancelMeeting', summary: '取消未召开的会议（通知参会人）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: CancelMeetingBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.cancelMeeting(deps, contextOf(req), req.params.id, req.body);
      rooms.closeRoom(req.params.id, ROOM_CLOSE.ended, 'MEETING_CANCELLED');
      return ok;
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/notice', operationId: 'sendMeetingNotice', summary: '向应参会人员发送会议通知（站内消息、短信）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: VersionBody, response: { 200: Ok } },
    handler: async (req) => (await service.sendMeetingNotice(deps, contextOf(req), req.params.id, req.body.version), ok),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/:id/sign-in-code', operationId: 'getMeetingSignInCode', summary: '会场签到二维码（会议期间有效，按时段轮换）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, response: { 200: SignInCode } },
    handler: async (req) => attendance.getSignInCode(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/sign-in', operationId: 'signInMeeting', summary: '扫码签到（本人，会议期间，凭会场二维码）', tags: ['meeting'], access: 'self.read',
    schema: { params: IdParams, body: SignInMeetingBody, response: { 200: SignInResult } },
    handler: async (req) => attendance.signInMeeting(deps, contextOf(req), req.params.id, req.body.token),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/leave', operationId: 'requestMeetingLeave', summary: '本人请假', tags: ['meeting'], access: 'self.read',
    schema: { params: IdParams, body: RequestMeetingLeaveBody, response: { 200: Ok } },
    handler: async (req) => (await attendance.requestMeetingLeave(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/leave/decide', operationId: 'decideMeetingLeave', summary: '审批请假', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: DecideMeetingLeaveBody, response: { 200: Ok } },
    handler: async (req) => (await attendance.decideMeetingLeave(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/attendance', operationId: 'markMeetingAttendance', summary: '记录人登记出席情况', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: MarkAttendanceBody, response: { 200: Ok } },
    handler: async (req) => (await attendance.markMeetingAttendance(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/meetings/:id/minutes', operationId: 'saveMeetingMinutes', summary: '填写会议记录（议程、决议、记录正文），会议即记为已召开', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: SaveMeetingMinutesBody, response: { 200: Ok } },
    handler: async (req) => (await minutes.saveMeetingMinutes(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/minutes/confirm', operationId: 'confirmMeetingMinutes', summary: '主持人、记录人确认会议记录（双方确认后锁定）', tags: ['meeting'], access: 'self.read',
    schema: { params: IdParams, body: ConfirmMeetingMinutesBody, response: { 200: Ok } },
    handler: async (req) => (await minutes.confirmMeetingMinutes(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/corrections', operationId: 'addMeetingCorrection', summary: '对已锁定的会议记录追加更正说明（不覆盖原记录）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: AddCorrectionBody, response: { 200: Ok } },
    handler: async (req) => (await minutes.addMeetingCorrection(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/:id/reviews', operationId: 'getMeetingReviews', summary: '民主评议党员结果', tags: ['meeting'], access: 'meeting.read',
    schema: { params: IdParams, response: { 200: ReviewList } },
    handler: async (req) => minutes.getMeetingReviews(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/meetings/:id/reviews', operationId: 'recordMeetingReviews', summary: '登记民主评议党员结果（优秀、合格、基本合格、不合格）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: RecordReviewsBody, response: { 200: Ok } },
    handler: async (req) => (await minutes.recordMeetingReviews(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/meetings', operationId: 'getMyMeetings', summary: '本人的会议：待参加与已参加', tags: ['meeting'], access: 'self.read',
    schema: { response: { 200: MyMeetings } },
    handler: async (req) => calendar.myMeetings(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/calendar-feed', operationId: 'getCalendarFeed', summary: '本人的日历订阅地址', tags: ['meeting'], access: 'self.read',
    schema: { response: { 200: CalendarFeed } },
    handler: async (req) => calendar.getCalendarFeed(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/calendar-feed', operationId: 'createCalendarFeed', summary: '生成（或更换）日历订阅地址，旧地址随即失效', tags: ['meeting'], access: 'self.read',
    schema: { body: z.object({}).optional(), response: { 200: CalendarFeed } },
    handler: async (req) => calendar.createCalendarFeed(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'DELETE', url: '/api/v1/me/calendar-feed', operationId: 'revokeCalendarFeed', summary: '停用日历订阅地址', tags: ['meeting'], access: 'self.read',
    schema: { response: { 200: Ok } },
    handler: async (req) => (await calendar.revokeCalendarFeed(deps, contextOf(req)), ok),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/calendar/:token', operationId: 'getCalendarIcs', summary: '会议日历订阅（iCalendar，RFC 5545；凭本人的订阅地址）', tags: ['meeting'], access: 'public',
    schema: { params: FeedParams },
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    handler: async (req, reply) => {
      const body = await calendar.calendarIcs(deps, contextOf(req), req.params.token.slice(0, -4));
      return reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/files', operationId: 'uploadMeetingFile', summary: '上传会议照片或文件（可选，不作为必须的留痕材料）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, querystring: FileKindQuery, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await media.uploadMeetingFile(deps, contextOf(req), req.params.id, req.query.kind, req) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/:id/files/:fileId', operationId: 'downloadMeetingFile', summary: '下载会议附件', tags: ['meeting'], access: 'self.read',
    schema: { params: FileParams },
    handler: async (req, reply) => {
      const f = await media.meetingFile(deps, contextOf(req), req.params.id, req.params.fileId);
      return reply.headers(attachmentHeaders(f.fileName, f.mime)).send(f.data);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/meetings/:id/audio', operationId: 'uploadMeetingAudio', summary: '上传会议录音并在后台转写为文字（需配置语音识别模型）', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await media.uploadMeetingAudio(deps, contextOf(req), req.params.id, req) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/:id/transcript', operationId: 'getMeetingTranscript', summary: '会议录音的转写稿（带时间戳）与语音识别状态', tags: ['meeting'], access: 'meeting.read',
    schema: { params: IdParams, response: { 200: TranscriptView } },
    handler: async (req) => media.getMeetingTranscript(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/meetings/:id/transcript', operationId: 'saveMeetingTranscript', summary: '修改转写稿', tags: ['meeting'], access: 'meeting.manage',
    schema: { params: IdParams, body: SaveTranscriptBody, response: { 200: Ok } },
    handler: async (req) => (await media.saveMeetingTranscript(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/:id/keywords', operationId: 'getMeetingKeywords', summary: '会议记录与转写稿的高频词和关键词（TF-IDF、TextRank）', tags: ['meeting'], access: 'meeting.read',
    schema: { params: IdParams, response: { 200: MeetingKeywords } },
    handler: async (req) => media.getMeetingKeywords(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/meetings/:id/report.docx', operationId: 'renderMeetingReport', summary: '生成会议报告草稿（Word：基本情况、出席、关键词、决议）', tags: ['meeting'], access: 'meeting.read',
    schema: { params: IdParams },
    handler: async (req, reply) => {
      const r = await media.renderMeetingReport(deps, contextOf(req), req.params.id);
      return reply.headers(attachmentHeaders(r.fileName, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')).send(r.data);
    },
  });
}
