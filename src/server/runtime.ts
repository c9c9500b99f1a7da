import path from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from './platform/config';
import { createDb, type Db } from './platform/db';
import { migrate } from './platform/migrate';
import { acquireDataDirLock, loadOrCreateSecrets, runningEmbeddedUrl, startEmbeddedPostgres } from './platform/embedded';
import { createFieldCipher } from './platform/crypto';
import { createLocalFileStore } from './platform/files';
import { createNotifier } from './platform/notify';
import { systemClock } from './platform/clock';
import { createPaymentProvider } from './platform/payment-providers';
import { createJobRunner } from './platform/jobs';
import { setAuditKey } from './platform/audit';
import { createSessionCache } from './platform/session-cache';
import type { Deps } from './deps';

// Opens the database (embedded under DATA_DIR or DATABASE_URL), applies
// migrations and builds the dependencies every service receives.

export interface Runtime {
  deps: Deps;
  databaseUrl: string;
  isEmbedded: boolean;
  /** connected to the embedded database of the server running on DATA_DIR (`attach`), which owns it */
  attached: boolean;
  /** migrations applied while opening (empty when none were pending or `migrate: false`) */
  migrationsApplied: string[];
  close(): Promise<void>;
}

// `migrate: false` leaves the schema alone (the CLI's restore migrates an empty database itself).
// `sessionCache: false`: no LISTEN connection (the CLI serves no requests).
// `attach`: when a live server holds DATA_DIR, connect to its embedded database
// instead of refusing (the operator CLI while the server runs); the server
// owns that database: it is neither migrated nor stopped from here.
export async function openRuntime(opts: { config?: AppConfig; log?: (m: string) => void; poolSize?: number; migrate?: boolean; sessionCache?: boolean; attach?: boolean } = {}): Promise<Runtime> {
  const config = opts.config ?? loadConfig();
  const log = opts.log ?? (() => undefined);
  let releaseLock: (() => void) | null = null;
  let stopEmbedded: (() => Promise<void>) | null = null;
  let url = config.databaseUrl;
  let key = config.encryptionKey;
  let auditKey = config.auditHmacKey;
  let attached = false;
  if (!url && opts.attach) {
    try {
      releaseLock = acquireDataDirLock(config.dataDir);
    } catch (e) {
      const running = e instanceof ConfigError && /is in use by process/.test(e.message) ? runningEmbeddedUrl(config.dataDir, loadOrCreateSecrets(config.dataDir).pgPassword) : null;
      if (!running) throw e;
      const secrets = loadOrCreateSecrets(config.dataDir);
      key ??= secrets.dataEncryptionKey;
      auditKey ??= secrets.auditHmacKey;
      url = running;
      attached = true;
      log('attached to the embedded database of the server running on this DATA_DIR');
    }
  }
  if (!url) {
    releaseLock ??= acquireDataDirLock(config.dataDir);
    try {
      const secrets = loadOrCreateSecrets(config.dataDir);
      key ??= secrets.dataEncryptionKey;
      auditKey ??= secrets.auditHmacKey;
      const t0 = Date.now();
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, password: secrets.pgPassword, log });
      log(`embedded PostgreSQL ready in ${Date.now() - t0} ms`);
      url = embedded.url;
      stopEmbedded = embedded.stop;
    } catch (e) {
      releaseLock();
      throw e;
    }
  } else if (!key || !auditKey) {
    const secrets = loadOrCreateSecrets(config.dataDir);
    key ??= secrets.dataEncryptionKey;
    auditKey ??= secrets.auditHmacKey;
  }
  setAuditKey(auditKey!);
  let applied: string[];
  try {
    applied = opts.migrate === false || attached ? [] : await migrate(url, log);
  } catch (e) {
    // do not leave the embedded server running or the data directory locked
    if (stopEmbedded) await stopEmbedded().catch(() => undefined);
    releaseLock?.();
    throw e;
  }
  if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
  const db: Db = createDb(url, opts.poolSize ?? 20);
  const cipher = createFieldCipher(key!);
  const deps: Deps = {
    config,
    db,
    cipher,
    files: createLocalFileStore(path.join(config.dataDir, 'files')),
    notify: createNotifier(),
    // PAYMENT_PROVIDER: WeChat Pay, Alipay, the simulated one (demo mode only) or none
    payments: createPaymentProvider(config, cipher),
    jobs: createJobRunner(db, log),
    clock: systemClock,
    // one LISTEN connection per process; lookups bypass the cache until it listens
    sessions: createSessionCache({ connectionString: config.sessionCache && opts.sessionCache !== false ? url : null, log }),
  };
  void deps.sessions.start();
  return {
    deps,
    databaseUrl: url,
    isEmbedded: !!stopEmbedded,
    attached,
    migrationsApplied: applied,
    async close() {
      await deps.jobs.stop();
      await deps.sessions.close();
      await db.close();
      if (stopEmbedded) await stopEmbedded();
      releaseLock?.();
    },
  };
}
