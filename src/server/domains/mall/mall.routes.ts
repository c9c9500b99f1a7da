import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { attachmentHeaders } from '../../platform/files';
import { Created, IdParams } from '../../../contracts/common';
import {
  CancelRedemptionBody, CreateMallItemBody, ExportRedemptionsQuery, FulfilRedemptionBody, ListMallItemsQuery, ListRedemptionsQuery, MallItemPage, MallItemView, MyMall, MyRedemptions, RedeemBody,
  RedemptionPage, RedemptionView, RestockBody, StockLedger, UpdateMallItemBody,
} from '../../../contracts/mall';
import * as service from './mall.service';
import { exportRedemptions } from './mall.export';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerMallRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/mall/items', operationId: 'listMallItems', summary: '积分商城商品：本组织及下级供应的商品、库存、待领取与已领取数量', tags: ['mall'], access: 'mall.read',
    schema: { querystring: ListMallItemsQuery, response: { 200: MallItemPage } },
    handler: async (req) => service.listMallItems(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/mall/items', operationId: 'createMallItem', summary: '上架积分商城商品：供应组织、兑换范围、兑换积分、库存、每人限兑、兑换期、领取地点', tags: ['mall'], access: 'mall.manage',
    schema: { body: CreateMallItemBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.createMallItem(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/mall/items/:id', operationId: 'updateMallItem', summary: '编辑积分商城商品，上架或下架（按页面上的版本，他人已修改时提示刷新）', tags: ['mall'], access: 'mall.manage',
    schema: { params: IdParams, body: UpdateMallItemBody, response: { 200: MallItemView } },
    handler: async (req) => service.updateMallItem(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/mall/items/:id/stock', operationId: 'restockMallItem', summary: '积分商城入库（正数）或盘减（负数，不超过可兑换库存），写明事由，记入库存台账', tags: ['mall'], access: 'mall.manage',
    schema: { params: IdParams, body: RestockBody, response: { 200: MallItemView } },
    handler: async (req) => service.restockMallItem(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/mall/items/:id/stock', operationId: 'getMallStockLedger', summary: '供应方库存台账：入库、盘减、兑换占用、取消退回，每笔后的结余', tags: ['mall'], access: 'mall.read',
    schema: { params: IdParams, response: { 200: StockLedger } },
    handler: async (req) => service.getStockLedger(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/mall/redemptions', operationId: 'listRedemptions', summary: '积分商城兑换记录（本组织及下级供应的商品），可按商品、状态筛选', tags: ['mall'], access: 'mall.read',
    schema: { querystring: ListRedemptionsQuery, response: { 200: RedemptionPage } },
    handler: async (req) => service.listRedemptions(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/mall/redemptions/export', operationId: 'exportRedemptions', summary: '导出积分商城对账表（Excel）：兑换记录（可按组织、商品、状态、日期筛选）与商品库存', tags: ['mall'], access: 'mall.read',
    schema: { querystring: ExportRedemptionsQuery },
    handler: async (req, reply) => {
      const r = await exportRedemptions(deps, contextOf(req), req.query);
      return reply.headers(attachmentHeaders(r.fileName, XLSX)).send(r.data);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/mall/redemptions/fulfil', operationId: 'fulfilRedemption', summary: '领取核销：输入党员出示的兑换码，确认领取，冻结的积分转为已使用', tags: ['mall'], access: 'mall.manage',
    schema: { body: FulfilRedemptionBody, response: { 200: RedemptionView } },
    handler: async (req) => service.fulfilRedemption(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/mall/redemptions/:id/cancel', operationId: 'cancelRedemption', summary: '取消兑换（兑换的党员本人或供应方，写明原因）：积分与库存退回', tags: ['mall'], access: 'self.read',
    schema: { params: IdParams, body: CancelRedemptionBody, response: { 200: RedemptionView } },
    handler: async (req) => service.cancelRedemption(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/mall', operationId: 'getMyMall', summary: '本人的积分商城：可用与冻结积分，今天可兑换的商品', tags: ['mall'], access: 'self.read',
    handler: async (req) => service.getMyMall(deps, contextOf(req)),
    schema: { response: { 200: MyMall } },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/mall/redemptions', operationId: 'redeemMallItem', summary: '兑换商品：冻结本人积分并占用库存，返回领取用的兑换码', tags: ['mall'], access: 'self.read',
    schema: { body: RedeemBody, response: { 200: RedemptionView } },
    handler: async (req) => service.redeemMallItem(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/mall/redemptions', operationId: 'listMyRedemptions', summary: '本人的兑换记录与待领取的兑换码', tags: ['mall'], access: 'self.read',
    schema: { response: { 200: MyRedemptions } },
    handler: async (req) => service.listMyRedemptions(deps, contextOf(req)),
  });
}
