import { createHash } from 'node:crypto';
import pg from 'pg';
import { raw, Sql } from './sql';

// Dates stay 'YYYY-MM-DD' strings (business dates, no time zone drift);
// timestamps become ISO strings; int8 becomes number (ids and counts fit).
pg.types.setTypeParser(1082, (v) => v);
pg.types.setTypeParser(1114, (v) => new Date(v + 'Z').toISOString());
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(20, (v) => Number(v));

export interface Queryable {
  query<T = Record<string, unknown>>(q: Sql): Promise<T[]>;
  /**
   * A hot, fixed-shape statement run as a named prepared statement: parsed and
   * planned once per connection. The name gets a hash of the text, so variants
   * (e.g. a different number of scope grants) are separate statements.
   */
  prepared<T = Record<string, unknown>>(name: string, q: Sql): Promise<T[]>;
  one<T = Record<string, unknown>>(q: Sql): Promise<T>;
  maybeOne<T = Record<string, unknown>>(q: Sql): Promise<T | null>;
  exec(q: Sql): Promise<number>;
}

export interface Db extends Queryable {
  tx<T>(fn: (t: Queryable) => Promise<T>): Promise<T>;
  pool: pg.Pool;
  close(): Promise<void>;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  const run = async (q: Sql) => {
    const { text, values } = q.toQuery();
    return client.query(text, values as unknown[]);
  };
  return {
    async query<T>(q: Sql) {
      return (await run(q)).rows as T[];
    },
    async prepared<T>(name: string, q: Sql) {
      const { text, values } = q.toQuery();
      const statement = `${name}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
      return (await client.query({ name: statement, text, values: values as unknown[] })).rows as T[];
    },
    async one<T>(q: Sql) {
      const r = await run(q);
      if (r.rows.length !== 1) throw new Error(`expected one row, got ${r.rows.length}`);
      return r.rows[0] as T;
    },
    async maybeOne<T>(q: Sql) {
      const r = await run(q);
      return (r.rows[0] as T | undefined) ?? null;
    },
    async exec(q: Sql) {
      return (await run(q)).rowCount ?? 0;
    },
  };
}

export function createDb(connectionString: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  pool.on('error', () => {
    /* idle client errors are reported by the next query */
  });
  const base = wrap(pool);
  return {
    ...base,
    pool,
    async tx<T>(fn: (t: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // a connection lost between two statements of the transaction (the server
      // stopping, a network cut) is emitted as an 'error' event on the checked-out
      // client; without a listener it would crash the process. The next statement
      // fails with it instead, and the broken client is discarded on release.
      let broken: Error | undefined;
      const onError = (e: Error) => {
        broken = e;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Serialisation failures and deadlocks are retried by callers that opt in. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

/**
 * Runs `fn` inside a savepoint of the caller's transaction. When it throws,
 * the savepoint is rolled back (the transaction stays usable) and the error
 * is passed on for the caller to judge.
 */
export async function inSavepoint<T>(t: Queryable, name: string, fn: () => Promise<T>): Promise<T> {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`bad savepoint name ${name}`);
  await t.exec(raw(`SAVEPOINT ${name}`));
  try {
    const result = await fn();
    await t.exec(raw(`RELEASE SAVEPOINT ${name}`));
    return result;
  } catch (e) {
    await t.exec(raw(`ROLLBACK TO SAVEPOINT ${name}`));
    throw e;
  }
}
