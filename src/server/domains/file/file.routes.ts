import type { FastifyInstance } from 'fastify';
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError, notFound } from '../../platform/errors';
import { attachmentHeaders, detectAllowedType, ALLOWED_MIME, safeFileName } from '../../platform/files';
import { orgInScope, personInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import type { Actor } from '../../platform/actor';
import type { Permission } from '../../../contracts/permissions';
import { FileList, FileView } from '../../../contracts/admin';
import type { Queryable } from '../../platform/db';
import { findFileForDownload, findOrgOwner, findPersonOwnerOrg, insertStoredFile, listOwnerFiles } from './file.repo';

// Attachments belong to an object (a person or an org) and take its scope:
// whoever may see the owner may download the file, as an attachment only.

const OwnerQuery = z.object({ ownerType: z.enum(['person', 'org']), ownerId: z.uuid() });

async function ownerOrg(q: Queryable, actor: Actor, ownerType: 'person' | 'org', ownerId: string, permission: Permission): Promise<string | null> {
  if (ownerType === 'person') return findPersonOwnerOrg(q, ownerId, personInScope(actor, permission));
  return findOrgOwner(q, ownerId, orgInScope(actor, permission));
}

export function registerFileRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/files', operationId: 'uploadFile', summary: `上传附件（${Object.values(ALLOWED_MIME).join('、')}，按内容识别类型）`, tags: ['file'], access: 'file.upload',
    schema: { querystring: OwnerQuery, response: { 201: FileView } },
    handler: async (req, reply) => {
      const actor = req.actor;
      const orgId = await ownerOrg(db, actor, req.query.ownerType, req.query.ownerId, 'file.upload');
      if (!orgId) throw notFound();
      const file = await req.file({ limits: { fileSize: deps.config.fileMaxBytes, files: 1 } });
      if (!file) throw new AppError('VALIDATION_FAILED', '请选择文件');
      const data = await file.toBuffer();
      if (file.file.truncated) throw new AppError('FILE_TOO_LARGE', `文件不能超过 ${Math.round(deps.config.fileMaxBytes / 1024 / 1024)} MB`);
      const mime = await detectAllowedType(data);
      const key = await deps.files.put(data);
      const name = safeFileName(file.filename, 'file');
      const row = await db.tx(async (t) => {
        const r = await insertStoredFile(t, { ownerType: req.query.ownerType, ownerId: req.query.ownerId, orgId, fileName: name, mime, sizeBytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), storageKey: key, createdBy: actor.accountId });
        await auditInTx(t, contextOf(req), { action: 'file.upload', objectType: 'file', objectId: r.id, orgId, detail: { ownerType: req.query.ownerType, ownerId: req.query.ownerId, size: data.length, mime } });
        return r;
      });
      reply.code(201);
      return { id: row.id, fileName: name, mime, sizeBytes: data.length, createdAt: row.created_at };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/files', operationId: 'listFiles', summary: '对象的附件列表', tags: ['file'], access: 'file.read',
    schema: { querystring: OwnerQuery, response: { 200: FileList } },
    handler: async (req) => {
      const orgId = await ownerOrg(db, req.actor, req.query.ownerType, req.query.ownerId, 'file.read');
      if (!orgId) throw notFound();
      const rows = await listOwnerFiles(db, req.query.ownerType, req.query.ownerId);
      return { items: rows.map((r) => ({ id: r.id, fileName: r.file_name, mime: r.mime, sizeBytes: r.size_bytes, createdAt: r.created_at })) };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/files/:id', operationId: 'downloadFile', summary: '下载附件', tags: ['file'], access: 'file.read',
    schema: { params: z.object({ id: z.uuid() }) },
    handler: async (req, reply) => {
      const f = await findFileForDownload(db, req.params.id, orgInScope(req.actor, 'file.read'));
      if (!f) throw notFound();
      reply.headers(attachmentHeaders(f.file_name, f.mime));
      return reply.send(deps.files.stream(f.storage_key));
    },
  });
}
