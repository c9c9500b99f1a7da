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
import { sql } from '../../platform/sql';
import { FileView } from '../../../contracts/admin';
import type { Queryable } from '../../platform/db';

// Attachments belong to an object (a person or an org) and take its scope:
// whoever may see the owner may download the file, as an attachment only.

const OwnerQuery = z.object({ ownerType: z.enum(['person', 'org']), ownerId: z.uuid() });

async function ownerOrg(q: Queryable, actor: Actor, ownerType: 'person' | 'org', ownerId: string, permission: Permission): Promise<string | null> {
  if (ownerType === 'person') {
    const r = await q.maybeOne<{ org_id: string }>(sql`SELECT p.org_id FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${ownerId}::uuid AND ${personInScope(actor, permission)}`);
    return r?.org_id ?? null;
  }
  const r = await q.maybeOne<{ id: string }>(sql`SELECT o.id FROM org o WHERE o.id = ${ownerId}::uuid AND ${orgInScope(actor, permission)}`);
  return r?.id ?? null;
}

export function registerFileRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/files', operationId: 'uploadFile', summary: `上传附件（${Object.values(ALLOWED_MIME).join('、')}，按内容识别类型）`, tags: ['file'], access: 'file.upload',
    schema: { querystring: OwnerQuery, response: { 201: FileView } },
    handler: async (req, reply) => {
      const actor = req.actor!;
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
        const r = await t.one<{ id: string; created_at: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
          VALUES (${req.query.ownerType}, ${req.query.ownerId}, ${orgId}, ${name}, ${mime}, ${data.length}, ${crypto.createHash('sha256').update(data).digest('hex')}, ${key}, ${actor.accountId})
          RETURNING id, created_at`);
        await auditInTx(t, contextOf(req), { action: 'file.upload', objectType: 'file', objectId: r.id, orgId, detail: { ownerType: req.query.ownerType, ownerId: req.query.ownerId, size: data.length, mime } });
        return r;
      });
      reply.code(201);
      return { id: row.id, fileName: name, mime, sizeBytes: data.length, createdAt: row.created_at };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/files', operationId: 'listFiles', summary: '对象的附件列表', tags: ['file'], access: 'file.read',
    schema: { querystring: OwnerQuery, response: { 200: z.object({ items: z.array(FileView) }) } },
    handler: async (req) => {
      const orgId = await ownerOrg(db, req.actor!, req.query.ownerType, req.query.ownerId, 'file.read');
      if (!orgId) throw notFound();
      const rows = await db.query<{ id: string; file_name: string; mime: string; size_bytes: number; created_at: string }>(sql`
        SELECT id, file_name, mime, size_bytes, created_at FROM stored_file WHERE owner_type = ${req.query.ownerType} AND owner_id = ${req.query.ownerId} ORDER BY created_at DESC`);
      return { items: rows.map((r) => ({ id: r.id, fileName: r.file_name, mime: r.mime, sizeBytes: r.size_bytes, createdAt: r.created_at })) };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/files/:id', operationId: 'downloadFile', summary: '下载附件', tags: ['file'], access: 'file.read',
    schema: { params: z.object({ id: z.uuid() }) },
    handler: async (req, reply) => {
      const f = await db.maybeOne<{ id: string; file_name: string; mime: string; storage_key: string; owner_type: 'person' | 'org'; owner_id: string }>(sql`
        SELECT f.id, f.file_name, f.mime, f.storage_key, f.owner_type, f.owner_id FROM stored_file f JOIN org o ON o.id = f.org_id
        WHERE f.id = ${req.params.id}::uuid AND f.owner_type IN ('person','org') AND ${orgInScope(req.actor!, 'file.read')}`);
      if (!f) throw notFound();
      reply.headers(attachmentHeaders(f.file_name, f.mime));
      return reply.send(deps.files.stream(f.storage_key));
    },
  });
}
