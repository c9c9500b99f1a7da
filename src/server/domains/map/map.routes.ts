import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { AppError } from '../../platform/errors';
import { attachmentHeaders, detectAllowedType } from '../../platform/files';
import { contextOf, defineRoute } from '../../platform/http';
import { IdParams } from '../../../contracts/common';
import {
  BlindSpotPage, DeleteAreaResult, GetMapLayerQuery, ImportAreasQuery, ImportAreasResult, ImportUnitsQuery, ImportUnitsResult, ListBlindSpotsQuery, MapAreaFeature, MapConfig, MapLayer,
  MapOrgCard, MapSearchQuery, MapSearchResult, SaveAreaBody,
} from '../../../contracts/map';
import { buildUnitTemplate, importGridUnits, importGrids } from './map.import';
import { deleteGrid, getMapConfig, getMapLayer, getMapOrgCard, listBlindSpots, saveGrid, searchMap } from './map.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerMapRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/map/config', operationId: 'getMapConfig', summary: '党建云图的底图设置（瓦片地址与坐标系；未配置时为离线矢量底图）与初始中心', tags: ['map'], access: 'org.read',
    schema: { response: { 200: MapConfig } },
    handler: async (req) => getMapConfig(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/map/layer', operationId: 'getMapLayer', summary: '党建云图的一个图层：视野内的党组织点位（多时按网格聚合）、网格与党建责任区、党员密度（取自汇总表，不含党员个人点位）、两新组织、重点项目', tags: ['map'], access: 'org.read',
    schema: { querystring: GetMapLayerQuery, response: { 200: MapLayer } },
    handler: async (req) => getMapLayer(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/map/orgs/:id', operationId: 'getMapOrgCard', summary: '党组织卡片：书记（手机号脱敏）、党员数、先锋指数档次、负责的网格与责任区', tags: ['map'], access: 'org.read',
    schema: { params: IdParams, response: { 200: MapOrgCard } },
    handler: async (req) => getMapOrgCard(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/map/search', operationId: 'searchMap', summary: '在地图上查找党组织、网格、责任区与两新组织', tags: ['map'], access: 'org.read',
    schema: { querystring: MapSearchQuery, response: { 200: MapSearchResult } },
    handler: async (req) => searchMap(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/map/areas', operationId: 'saveGrid', summary: '新建网格或党建责任区（GeoJSON 多边形）', tags: ['map'], access: 'org.update',
    schema: { body: SaveAreaBody, response: { 200: MapAreaFeature } },
    handler: async (req) => saveGrid(deps, contextOf(req), null, req.body),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/map/areas/:id', operationId: 'updateGrid', summary: '修改网格或党建责任区（范围、名称、负责党组织、人口）', tags: ['map'], access: 'org.update',
    schema: { params: IdParams, body: SaveAreaBody, response: { 200: MapAreaFeature } },
    handler: async (req) => saveGrid(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'DELETE', url: '/api/v1/map/areas/:id', operationId: 'deleteGrid', summary: '删除网格或党建责任区', tags: ['map'], access: 'org.update',
    schema: { params: IdParams, querystring: z.object({ version: z.coerce.number().int({ message: '缺少版本号' }) }), response: { 200: DeleteAreaResult } },
    handler: async (req) => deleteGrid(deps, contextOf(req), req.params.id, req.query.version),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/map/areas/import', operationId: 'importGrids', summary: '导入网格或党建责任区（GeoJSON FeatureCollection；属性 名称/编码/人口/户数/负责党组织；有编码的已有区域会被更新；有错误时不导入任何一个）', tags: ['map'], access: 'org.update',
    schema: { querystring: ImportAreasQuery, response: { 200: ImportAreasResult } },
    handler: async (req) => {
      const file = await req.file();
      if (!file) throw new AppError('VALIDATION_FAILED', '请选择要导入的 GeoJSON 文件');
      return importGrids(deps, contextOf(req), req.query.kind, req.query.orgId, await file.toBuffer());
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/map/units/import/template', operationId: 'getUnitImportTemplate', summary: '下载两新组织导入模板', tags: ['map'], access: 'org.update',
    handler: async (_req, reply) => reply.headers(attachmentHeaders('两新组织导入模板.xlsx', XLSX)).send(await buildUnitTemplate()),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/map/units/import', operationId: 'importGridUnits', summary: '导入网格内的两新组织（Excel 模板；按坐标或网格名称落入网格；有错误时不导入任何一行）', tags: ['map'], access: 'org.update',
    schema: { querystring: ImportUnitsQuery, response: { 200: ImportUnitsResult } },
    handler: async (req) => {
      const file = await req.file();
      if (!file) throw new AppError('VALIDATION_FAILED', '请选择要导入的 Excel 文件');
      const data = await file.toBuffer();
      await detectAllowedType(data, [XLSX]);
      return importGridUnits(deps, contextOf(req), req.query.orgId, data);
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/map/blind-spots', operationId: 'listBlindSpots', summary: '党建盲区：无负责党组织的网格、未建立党组织的两新组织，逐条列出依据与最近的基层党组织', tags: ['map'], access: 'org.read',
    schema: { querystring: ListBlindSpotsQuery, response: { 200: BlindSpotPage } },
    handler: async (req) => listBlindSpots(deps, contextOf(req), req.query),
  });
}
