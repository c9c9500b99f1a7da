import crypto from 'node:crypto';
import type pg from 'pg';

// Bench-only instruments on the pg pool: a statement tracer, and an
// experiment that turns every pool statement into a named prepared statement.

type PoolQuery = (text: string | pg.QueryConfig, values?: unknown[]) => Promise<pg.QueryResult>;

export interface TracedQuery {
  text: string;
  values: unknown[];
  ms: number;
}

/** Records the statements run through the pool (not those inside transactions) while enabled. */
export function traceQueries(pool: pg.Pool) {
  const original = pool.query.bind(pool) as PoolQuery;
  let log: TracedQuery[] | null = null;
  (pool as unknown as { query: unknown }).query = (text: string | pg.QueryConfig, values?: unknown[]) => {
    if (!log) return original(text, values);
    const sink = log;
    const t0 = performance.now();
    // the product sends hot statements as named prepared statements (a config object)
    const shown = typeof text === 'string' ? text : text.text;
    const args = typeof text === 'string' ? (values ?? []) : ((text.values as unknown[] | undefined) ?? []);
    return original(text, values).then((r) => {
      sink.push({ text: shown, values: args, ms: performance.now() - t0 });
      return r;
    });
  };
  return {
    start() {
      log = [];
    },
    stop(): TracedQuery[] {
      const out = log ?? [];
      log = null;
      return out;
    },
    restore() {
      (pool as unknown as { query: unknown }).query = original;
    },
  };
}

/**
 * Experiment: sends every statement of the pool as a named prepared statement
 * (name = hash of the text), so that each connection parses and plans it once.
 * Returns a function that restores the pool.
 */
export function usePreparedStatements(pool: pg.Pool): () => void {
  const original = pool.query.bind(pool) as PoolQuery;
  const names = new Map<string, string>();
  (pool as unknown as { query: unknown }).query = (config: string | pg.QueryConfig, maybeValues?: unknown[]) => {
    if (typeof config !== 'string') return original(config); // already prepared by the product
    const text = config;
    const values = maybeValues;
    let name = names.get(text);
    if (!name) {
      name = 'b' + crypto.createHash('sha1').update(text).digest('hex').slice(0, 20);
      names.set(text, name);
    }
    return original({ name, text, values });
  };
  return () => {
    (pool as unknown as { query: unknown }).query = original;
  };
}
