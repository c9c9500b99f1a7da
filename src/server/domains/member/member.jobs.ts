import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { ActorContext, Actor } from '../../platform/actor';
import { loadGrants } from '../../platform/session';
import { runImport } from './member.import';
import * as repo from './member.repo';

// The committed import runs as a background job with progress; the uploaded
// file (plaintext ID numbers and phones) is kept in the file store, owned by
// the job, only until the job ends: it is deleted whether the import succeeded
// or failed (one attempt, so a failure is final). The job keeps its report,
// which names rows and fields, never ID numbers. Uploads a crash left behind
// are swept by housekeeping after a day (platform/maintenance).

export async function enqueueImport(deps: Deps, ctx: ActorContext, data: Buffer): Promise<string> {
  const actor = ctx.actor;
  const jobId = crypto.randomUUID();
  const key = await deps.files.put(data);
  const orgId = actor.grants.find((g) => g.orgId)?.orgId ?? null;
  if (orgId) {
    await repo.insertImportUpload(deps.db, { jobId, orgId, sizeBytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), storageKey: key, createdBy: actor.accountId });
  }
  return deps.jobs.enqueue('member.import', { fileKey: key, requestId: ctx.requestId, ip: ctx.ip }, { id: jobId, createdBy: actor.accountId, orgId, maxAttempts: 1 /* the upload is deleted when the job ends */ });
}

/** The actor of an account outside a request (jobs, the operator CLI): its active grants. */
export async function actorOf(deps: Deps, accountId: string): Promise<Actor> {
  const a = await repo.findActorAccount(deps.db, accountId);
  return { accountId: a.id, username: a.username, displayName: a.display_name, personId: a.person_id, isDemo: a.is_demo, grants: await loadGrants(deps.db, a.id) };
}

export function registerMemberJobs(deps: Deps) {
  deps.jobs.register('member.import', async (job) => {
    const fileKey = String(job.payload.fileKey);
    try {
      const actor = await actorOf(deps, job.createdBy!);
      const data = await deps.files.get(fileKey);
      const ctx: ActorContext = { requestId: String(job.payload.requestId ?? job.jobId), ip: (job.payload.ip as string) ?? null, actor };
      const report = await runImport(deps, ctx, data, true, (done, total) => job.progress(done, total, `已导入 ${done} / ${total} 行`));
      await deps.notify.notify(deps.db, actor.accountId, { kind: 'job', title: '党员导入完成', body: `新增 ${report.created} 人，跳过 ${report.skipped} 人，错误 ${report.errors.length} 行`, link: `/admin/jobs/${job.jobId}` });
      return report;
    } finally {
      await deps.files.remove(fileKey);
      await repo.deleteImportUpload(deps.db, job.jobId);
    }
  });
}
