import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { IdParams } from '../../../contracts/common';
import { CheckInBody, CheckInResult, CreateKioskBody, KioskBoard, KioskCreated, KioskList, KioskTokenParams, KioskView, ListKiosksQuery } from '../../../contracts/kiosk';
import * as service from './kiosk.service';

export function registerKioskRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/kiosks', operationId: 'listKiosks', summary: '活动中心大屏：本组织及下级组织的大屏链接', tags: ['kiosk'], access: 'volunteer.read',
    schema: { querystring: ListKiosksQuery, response: { 200: KioskList } },
    handler: async (req) => service.listKiosks(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/kiosks', operationId: 'createKiosk', summary: '新建活动中心大屏链接（链接只显示这一次；大屏凭链接显示本中心的公开信息）', tags: ['kiosk'], access: 'volunteer.manage',
    schema: { body: CreateKioskBody, response: { 201: KioskCreated } },
    handler: async (req, reply) => reply.code(201).send(await service.createKiosk(deps, contextOf(req), req.body)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/kiosks/:id/revoke', operationId: 'revokeKiosk', summary: '停用大屏链接（大屏丢失或更换时）', tags: ['kiosk'], access: 'volunteer.manage',
    schema: { params: IdParams, response: { 200: KioskView } },
    handler: async (req) => service.revokeKiosk(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/kiosk/:token', operationId: 'getKioskBoard', summary: '活动中心大屏内容（凭大屏链接）：今日活动与签到二维码、待接单需求（不含姓名地址）、可领取的积分商城物品', tags: ['kiosk'], access: 'public',
    schema: { params: KioskTokenParams, response: { 200: KioskBoard } },
    handler: async (req) => service.getKioskBoard(deps, req.params.token),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/volunteer/check-in', operationId: 'checkInAtCentre', summary: '扫描活动中心大屏上的二维码签到（登记到场时间，供组织者认定时长）', tags: ['kiosk'], access: 'volunteer.self',
    schema: { body: CheckInBody, response: { 200: CheckInResult } },
    handler: async (req) => service.checkInAtCentre(deps, contextOf(req), req.body),
  });
}
