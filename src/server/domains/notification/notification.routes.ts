import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { defineRoute } from '../../platform/http';
import { countAccountNotifications, listAccountNotifications, markAllNotificationsRead, markNotificationsRead } from './notification.repo';
import { NotificationPage } from '../../../contracts/admin';
import { Ok, PageQuery } from '../../../contracts/common';

export function registerNotificationRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/notifications', operationId: 'listNotifications', summary: '我的通知（含未读数）', tags: ['notification'], access: 'authenticated',
    schema: { querystring: PageQuery.extend({ unreadOnly: z.enum(['true', 'false']).default('false') }), response: { 200: NotificationPage } },
    handler: async (req) => {
      const me = req.actor.accountId;
      const unreadOnly = req.query.unreadOnly === 'true';
      const rows = await listAccountNotifications(db, me, unreadOnly, req.query.pageSize, (req.query.page - 1) * req.query.pageSize);
      const c = await countAccountNotifications(db, me, unreadOnly);
      return { items: rows.map((r) => ({ id: r.id, title: r.title, body: r.body, link: r.link, createdAt: r.created_at, readAt: r.read_at })), total: c.total, unread: c.unread, page: req.query.page, pageSize: req.query.pageSize };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/notifications/read', operationId: 'markNotificationsRead', summary: '标记已读（不带 ids 时全部已读）', tags: ['notification'], access: 'authenticated',
    schema: { body: z.object({ ids: z.array(z.uuid()).max(100).optional() }), response: { 200: Ok } },
    handler: async (req) => {
      const me = req.actor.accountId;
      if (req.body.ids) await markNotificationsRead(db, me, req.body.ids);
      else await markAllNotificationsRead(db, me);
      return { ok: true as const };
    },
  });
}
