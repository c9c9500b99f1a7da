import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// The file domain's SQL: attachment rows (stored_file) and their owners.
// Scope conditions come from platform/scope.ts as Sql parameters.

export interface FileRow { id: string; file_name: string; mime: string; size_bytes: number; created_at: string }
export interface FileDownloadRow { id: string; file_name: string; mime: string; storage_key: string; owner_type: 'person' | 'org'; owner_id: string }

/** The org of a person owner, if the person is in scope (`personInScope` on p joined to o). */
export async function findPersonOwnerOrg(q: Queryable, ownerId: string, scope: Sql): Promise<string | null> {
  const r = await q.maybeOne<{ org_id: string }>(sql`SELECT p.org_id FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${ownerId}::uuid AND ${scope}`);
  return r?.org_id ?? null;
}

/** The id of an org owner, if the org is in scope (`orgInScope` on o). */
export async function findOrgOwner(q: Queryable, ownerId: string, scope: Sql): Promise<string | null> {
  const r = await q.maybeOne<{ id: string }>(sql`SELECT o.id FROM org o WHERE o.id = ${ownerId}::uuid AND ${scope}`);
  return r?.id ?? null;
}

/** Records an uploaded file; returns its id and creation time. */
export function insertStoredFile(q: Queryable, f: { ownerType: string; ownerId: string; orgId: string; fileName: string; mime: string; sizeBytes: number; sha256: string; storageKey: string; createdBy: string }) {
  return q.one<{ id: string; created_at: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
          VALUES (${f.ownerType}, ${f.ownerId}, ${f.orgId}, ${f.fileName}, ${f.mime}, ${f.sizeBytes}, ${f.sha256}, ${f.storageKey}, ${f.createdBy})
          RETURNING id, created_at`);
}

/** An owner's files, newest first (the owner's scope is checked by the caller). */
export function listOwnerFiles(q: Queryable, ownerType: string, ownerId: string) {
  return q.query<FileRow>(sql`
        SELECT id, file_name, mime, size_bytes, created_at FROM stored_file WHERE owner_type = ${ownerType} AND owner_id = ${ownerId} ORDER BY created_at DESC`);
}

/** A person's or org's file for download, if its org is in scope (`orgInScope` on o). */
export function findFileForDownload(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<FileDownloadRow>(sql`
        SELECT f.id, f.file_name, f.mime, f.storage_key, f.owner_type, f.owner_id FROM stored_file f JOIN org o ON o.id = f.org_id
        WHERE f.id = ${id}::uuid AND f.owner_type IN ('person','org') AND ${scope}`);
}
