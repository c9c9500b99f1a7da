import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { attachmentHeaders } from '../../platform/files';
import { Created, IdParams } from '../../../contracts/common';
import {
  AttestHoursBody, CancelVolunteerActivityBody, CertificateQuery, CreateVolunteerActivityBody, ListVolunteerActivitiesQuery, MyVolunteer, SignUpBody, VolunteerActivityDetail,
  VolunteerActivityPage, VolunteerActivityView,
} from '../../../contracts/volunteer';
import * as service from './volunteer.service';
import { renderVolunteerCertificate } from './volunteer.certificate';

export function registerVolunteerRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/volunteer/activities', operationId: 'listVolunteerActivities', summary: '志愿服务活动：本组织及下级组织发布的活动，报名与认定情况', tags: ['volunteer'], access: 'volunteer.read',
    schema: { querystring: ListVolunteerActivitiesQuery, response: { 200: VolunteerActivityPage } },
    handler: async (req) => service.listVolunteerActivities(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/volunteer/activities', operationId: 'createVolunteerActivity', summary: '发布志愿服务活动：组织单位、报名范围、地点、时间、招募人数、所需技能', tags: ['volunteer'], access: 'volunteer.manage',
    schema: { body: CreateVolunteerActivityBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.createVolunteerActivity(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/volunteer/activities/:id', operationId: 'getVolunteerActivity', summary: '志愿服务活动详情与报名名单（含签到签退与认定时长）', tags: ['volunteer'], access: 'volunteer.read',
    schema: { params: IdParams, response: { 200: VolunteerActivityDetail } },
    handler: async (req) => service.getVolunteerActivity(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/volunteer/activities/:id/cancel', operationId: 'cancelVolunteerActivity', summary: '取消志愿服务活动（写明原因，通知已报名的志愿者）', tags: ['volunteer'], access: 'volunteer.manage',
    schema: { params: IdParams, body: CancelVolunteerActivityBody, response: { 200: VolunteerActivityView } },
    handler: async (req) => service.cancelVolunteerActivity(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/volunteer/activities/:id/attest', operationId: 'attestVolunteerHours', summary: '认定志愿服务时长：登记志愿者的签到、签退时间（须在活动时间内），或登记未到场', tags: ['volunteer'], access: 'volunteer.manage',
    schema: { params: IdParams, body: AttestHoursBody, response: { 200: VolunteerActivityDetail } },
    handler: async (req) => service.attestVolunteerHours(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/volunteer', operationId: 'getMyVolunteer', summary: '我的志愿服务：可报名的活动、我的报名、本年与累计服务时长', tags: ['volunteer'], access: 'volunteer.self',
    schema: { response: { 200: MyVolunteer } },
    handler: async (req) => service.getMyVolunteer(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/volunteer/signups', operationId: 'signUpActivity', summary: '报名志愿服务活动（活动开始前，名额以内）', tags: ['volunteer'], access: 'volunteer.self',
    schema: { body: SignUpBody, response: { 200: MyVolunteer } },
    handler: async (req) => service.signUpActivity(deps, contextOf(req), req.body.activityId),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/volunteer/signups/:id/withdraw', operationId: 'withdrawVolunteerSignup', summary: '取消报名（活动开始前）', tags: ['volunteer'], access: 'volunteer.self',
    schema: { params: IdParams, response: { 200: MyVolunteer } },
    handler: async (req) => service.withdrawSignup(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/volunteer/certificate', operationId: 'renderVolunteerCertificate', summary: '下载本人志愿服务记录证明（PDF，可按年度）', tags: ['volunteer'], access: 'volunteer.self',
    schema: { querystring: CertificateQuery },
    handler: async (req, reply) => {
      const r = await renderVolunteerCertificate(deps, contextOf(req), req.query);
      return reply.headers(attachmentHeaders(r.fileName, 'application/pdf')).send(r.data);
    },
  });
}
