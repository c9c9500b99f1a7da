import type { AppConfig } from './platform/config';
import type { Db } from './platform/db';
import type { FieldCipher } from './platform/crypto';
import type { FileStore } from './platform/files';
import type { Notifier } from './platform/notify';
import type { JobRunner } from './platform/jobs';
import type { PaymentProvider } from './platform/payments';
import type { Clock } from './platform/clock';
import type { SessionCache } from './platform/session-cache';

/** What every service receives: infrastructure only, no other domain's internals. */
export interface Deps {
  config: AppConfig;
  db: Db;
  cipher: FieldCipher;
  files: FileStore;
  notify: Notifier;
  jobs: JobRunner;
  /** the online payment provider; null: no online payment (the simulated one exists only in demo mode) */
  payments: PaymentProvider | null;
  /** business time: "today" comes from here (tests set it) */
  clock: Clock;
  /** resolved sessions kept in process, invalidated by the database's notifications (platform/session-cache.ts) */
  sessions: SessionCache;
}
