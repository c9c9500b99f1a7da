import os from 'node:os';
import crypto from 'node:crypto';
import type { Db } from './db';
import { sql } from './sql';

// Background jobs in PostgreSQL. A job is claimed with FOR UPDATE SKIP LOCKED,
// so with any number of app instances each job runs once; failures are retried
// with exponential backoff; long jobs report progress. Schedules are rows whose
// next_run_at is advanced in the same transaction that enqueues their job.

export interface JobContext {
  jobId: string;
  payload: Record<string, unknown>;
  createdBy: string | null;
  orgId: string | null;
  progress(done: number, total?: number | null, message?: string | null): Promise<void>;
  /** true once the runner is stopping (the process shuts down): a long job stops at a safe point by throwing JobInterrupted */
  stopping(): boolean;
}

/**
 * Thrown by a job that stopped at a safe point because the runner is stopping:
 * the job goes back to the queue as it was claimed (the attempt not counted),
 * to continue on the next start. Only for idempotent work.
 */
export class JobInterrupted extends Error {
  constructor() {
    super('interrupted by shutdown');
  }
}

export type JobHandler = (ctx: JobContext) => Promise<unknown>;

export interface JobRunner {
  register(kind: string, handler: JobHandler): void;
  /** the kinds with a handler, in registration order */
  kinds(): string[];
  enqueue(kind: string, payload: Record<string, unknown>, opts?: { createdBy?: string | null; orgId?: string | null; dedupeKey?: string; maxAttempts?: number; id?: string }): Promise<string>;
  /** A recurring job; its first run is due at once, or `firstAfterSeconds` after the schedule is first created. */
  schedule(name: string, kind: string, everySeconds: number, firstAfterSeconds?: number): Promise<void>;
  /** Claims and runs ready jobs until none is left; returns how many ran. */
  runDue(): Promise<number>;
  start(pollMs?: number): void;
  stop(): Promise<void>;
}

export function createJobRunner(db: Db, log: (msg: string, extra?: unknown) => void = () => undefined): JobRunner {
  const handlers = new Map<string, JobHandler>();
  const workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopping = false;

  async function enqueueSchedules() {
    // a job whose worker died (no heartbeat for 5 minutes) goes back to the queue
    // (or fails, when it has used up its attempts)
    await db.exec(sql`UPDATE job SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, worker_id = NULL,
        last_error = coalesce(last_error, 'worker stopped responding'), finished_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END
      WHERE status = 'running' AND heartbeat_at < now() - interval '5 minutes'`);
    await db.tx(async (t) => {
      const due = await t.query<{ name: string; kind: string; every_seconds: number }>(sql`
        SELECT name, kind, every_seconds FROM job_schedule WHERE is_enabled AND next_run_at <= now() FOR UPDATE SKIP LOCKED`);
      for (const s of due) {
        await t.exec(sql`UPDATE job_schedule SET next_run_at = now() + make_interval(secs => ${s.every_seconds}) WHERE name = ${s.name}`);
        await t.exec(sql`INSERT INTO job (kind, payload, dedupe_key) VALUES (${s.kind}, ${JSON.stringify({ schedule: s.name })}::jsonb, ${'schedule:' + s.name + ':' + Date.now()})`);
      }
    });
  }

  async function claim() {
    return db.tx(async (t) => {
      const job = await t.maybeOne<{ id: string; kind: string; payload: Record<string, unknown>; created_by: string | null; org_id: string | null; attempts: number; max_attempts: number }>(sql`
        SELECT id, kind, payload, created_by, org_id, attempts, max_attempts FROM job
        WHERE status = 'queued' AND run_at <= now() ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED`);
      if (!job) return null;
      await t.exec(sql`UPDATE job SET status = 'running', attempts = attempts + 1, started_at = now(), heartbeat_at = now(), worker_id = ${workerId} WHERE id = ${job.id}`);
      return job;
    });
  }

  async function runOne(): Promise<boolean> {
    const job = await claim();
    if (!job) return false;
    const handler = handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const result = await handler({
        jobId: job.id,
        payload: job.payload,
        createdBy: job.created_by,
        orgId: job.org_id,
        progress: async (done, total, message) => {
          await db.exec(sql`UPDATE job SET progress = ${done}, progress_total = coalesce(${total ?? null}::int, progress_total), message = coalesce(${message ?? null}, message), heartbeat_at = now() WHERE id = ${job.id}`);
        },
        stopping: () => stopping,
      });
      await db.exec(sql`UPDATE job SET status = 'succeeded', finished_at = now(), result = ${JSON.stringify(result ?? null)}::jsonb, last_error = NULL WHERE id = ${job.id}`);
    } catch (err) {
      if (err instanceof JobInterrupted) {
        await db.exec(sql`UPDATE job SET status = 'queued', attempts = attempts - 1, started_at = NULL, worker_id = NULL, run_at = now() WHERE id = ${job.id}`);
        log(`job ${job.kind} ${job.id} interrupted by shutdown: back in the queue`);
        return true;
      }
      const message = (err as Error).message?.slice(0, 2000) ?? String(err);
      const willRetry = job.attempts + 1 < job.max_attempts;
      const backoff = 5 * 2 ** job.attempts;
      await db.exec(sql`UPDATE job SET status = ${willRetry ? 'queued' : 'failed'}, last_error = ${message},
        run_at = CASE WHEN ${willRetry} THEN now() + make_interval(secs => ${backoff}) ELSE run_at END,
        finished_at = CASE WHEN ${willRetry} THEN NULL ELSE now() END WHERE id = ${job.id}`);
      log(`job ${job.kind} ${job.id} failed: ${message}`);
    }
    return true;
  }

  async function runDue() {
    await enqueueSchedules();
    let n = 0;
    while (!stopping && (await runOne())) n++;
    return n;
  }

  return {
    register(kind, handler) {
      handlers.set(kind, handler);
    },
    kinds: () => [...handlers.keys()],
    async enqueue(kind, payload, opts = {}) {
      const r = await db.one<{ id: string }>(sql`INSERT INTO job (id, kind, payload, created_by, org_id, dedupe_key, max_attempts)
        VALUES (${opts.id ?? crypto.randomUUID()}, ${kind}, ${JSON.stringify(payload)}::jsonb, ${opts.createdBy ?? null}, ${opts.orgId ?? null}, ${opts.dedupeKey ?? null}, ${opts.maxAttempts ?? 3})
        ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE SET dedupe_key = EXCLUDED.dedupe_key RETURNING id`);
      if (timer && !running) setImmediate(tick);
      return r.id;
    },
    async schedule(name, kind, everySeconds, firstAfterSeconds = 0) {
      await db.exec(sql`INSERT INTO job_schedule (name, kind, every_seconds, next_run_at) VALUES (${name}, ${kind}, ${everySeconds}, now() + make_interval(secs => ${firstAfterSeconds}))
        ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, every_seconds = EXCLUDED.every_seconds`);
    },
    runDue,
    start(pollMs = 1000) {
      stopping = false;
      timer = setInterval(tick, pollMs);
      timer.unref();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };

  function tick() {
    if (running || stopping) return;
    running = runDue()
      .catch((err) => log(`job loop error: ${(err as Error).message}`))
      .finally(() => {
        running = null;
      });
  }
}
