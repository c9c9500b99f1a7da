import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from './db';
import { audit } from './audit';

// Denied (403) and not-found (404) answers to signed-in requests are audited
// (access.denied / access.not_found), at most `perMinute` rows per account in
// a window of a minute that starts with the account's first probe; the probes
// beyond are counted and the count is written into the account's next probe
// row (`detail.suppressed`), so that a probe run cannot flood the log yet still
// shows in it. The limit is kept per app instance.

declare module 'fastify' {
  interface FastifyInstance {
    probeAuditor?: ProbeAuditor;
  }
}

export type ProbeAction = 'access.denied' | 'access.not_found';

export interface ProbeAuditor {
  record(req: FastifyRequest, action: ProbeAction, detail: Record<string, unknown>): Promise<void>;
}

const WINDOW_MS = 60_000;

export function createProbeAuditor(db: Db, opts: { perMinute: number; now?: () => number }): ProbeAuditor {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; written: number; suppressed: number }>();
  return {
    async record(req, action, detail) {
      const actor = req.actor;
      if (!actor) return;
      const t = now();
      let w = windows.get(actor.accountId);
      let suppressed = 0;
      if (!w || t - w.start >= WINDOW_MS) {
        suppressed = w?.suppressed ?? 0;
        w = { start: t, written: 0, suppressed: 0 };
        windows.set(actor.accountId, w);
        // windows that ended without a suppressed probe carry nothing: forget them
        if (windows.size > 1000) for (const [k, x] of windows) if (x.suppressed === 0 && t - x.start >= WINDOW_MS) windows.delete(k);
      }
      if (w.written >= opts.perMinute) {
        w.suppressed++;
        return;
      }
      w.written++;
      try {
        await audit(db, { requestId: String(req.id), ip: req.ip ?? null, actor }, { action, outcome: 'denied', detail: suppressed ? { ...detail, suppressed } : detail });
      } catch (err) {
        // the request is answered (403/404) whether or not its audit row could be written
        req.log.error({ err }, 'audit of a denied request failed');
      }
    },
  };
}

/** Registers the app's probe auditor (used by defineRoute for 403 and 404 answers). */
export function installProbeAudit(app: FastifyInstance, db: Db, opts: { perMinute: number; now?: () => number }) {
  app.decorate('probeAuditor', createProbeAuditor(db, opts));
}
