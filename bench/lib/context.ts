import type { Tier } from '../../src/server/seed/generate';
import { ensureBenchAccounts, ensureTierData, openBenchDb, type BenchAccounts, type BenchDb } from './data';

export interface BenchOptions {
  tier: Tier;
  /** data directory of the tier's embedded database (or of the secrets file with --db-url) */
  dataDir: string;
  /** data directory of the export benchmark's 120,000-member database */
  exportDataDir: string;
  /** data directory of the map benchmark's 151,355-org province */
  mapDataDir: string;
  dbUrl?: string;
  /** database of the export benchmark instead of its embedded one */
  exportDbUrl?: string;
  /** seconds per autocannon run */
  duration: number;
  connections: number;
  /** sequential queries per scope (B3) or per loop (B4) */
  queries: number;
}

export interface PreparedDb extends BenchDb {
  accounts: BenchAccounts;
  generatedMs: number | null;
}

/** What every benchmark receives; the tier database is opened once and shared. */
export interface BenchContext {
  options: BenchOptions;
  tierDb(): Promise<PreparedDb>;
  close(): Promise<void>;
}

export function createContext(options: BenchOptions): BenchContext {
  let opened: Promise<PreparedDb> | null = null;
  return {
    options,
    tierDb() {
      opened ??= (async () => {
        const db = await openBenchDb({ dataDir: options.dataDir, dbUrl: options.dbUrl });
        try {
          const { generatedMs } = await ensureTierData(db, options.tier);
          const accounts = await ensureBenchAccounts(db.deps);
          return { ...db, accounts, generatedMs };
        } catch (e) {
          await db.close();
          throw e;
        }
      })();
      return opened;
    },
    async close() {
      if (opened) await (await opened.catch(() => null))?.close();
    },
  };
}

/** A benchmark: prints its figures and returns them for the JSON results file. */
export interface Benchmark {
  name: string;
  title: string;
  target: string;
  usesTierDb: boolean;
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}
