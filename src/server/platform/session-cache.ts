import pg from 'pg';
import type { Actor } from './actor';

// In-process cache of resolved sessions (QUALITY B4), keyed by the token's
// SHA-256. Invalidation comes from the database: triggers of migration 0018
// send pg_notify('dj_session', <account id> | '*') on every change that may
// alter a resolved session (session deleted, account changed, grant given or
// revoked, org renamed or moved), delivered at commit to every instance's
// LISTEN connection. Fail safe: while that connection is not listening (start,
// connection lost, reconnecting) the cache is empty and bypassed, and a
// lookup that began before a notification or a loss of the connection is not
// stored (the generation check), so a stale grant is never served.
// Entries keep the session's deadlines: idle and absolute expiry are enforced
// in process; an entry also expires after `maxAgeMs` as a safety net.

export const SESSION_CHANNEL = 'dj_session';

export interface CachedSession {
  accountId: string;
  actor: Actor;
  idleSeconds: number;
  hasTotp: boolean;
  mustChangePassword: boolean;
  /** Date.now() after which the session is idle-expired (last_seen_at + idle) */
  idleDeadline: number;
  /** Date.now() after which the session is past its absolute lifetime */
  absoluteDeadline: number;
  /** Date.now() from which last_seen_at is to be written again (once a minute) */
  touchDue: number;
}

interface Entry extends CachedSession {
  storedAt: number;
}

export type ListenerState = 'listening' | 'down' | 'closed';

export interface SessionCache {
  /** false: no listener configured (every lookup goes to the database) */
  readonly enabled: boolean;
  readonly state: ListenerState;
  /** The cached session, or undefined (not cached, stale, or the cache is bypassed). */
  get(tokenHash: string, now: number): CachedSession | undefined;
  /** Taken before a database lookup; `put` stores the result only if nothing was invalidated meanwhile. */
  ticket(): number | null;
  put(tokenHash: string, session: CachedSession, ticket: number | null, now: number): void;
  /** Drops one token (expired, deleted). */
  drop(tokenHash: string): void;
  /**
   * Drops an account's sessions at once in this process, after a write this
   * process committed (read-your-writes: its own notification may arrive a
   * moment after the response). Other instances learn it from the notification.
   */
  invalidateAccount(accountId: string): void;
  invalidateAll(): void;
  /** Resolved when the next notification about the account (or '*') arrives. */
  whenInvalidated(accountId: string): Promise<void>;
  /** Resolved when the listener reaches the state (at once if it is there). */
  whenState(state: ListenerState): Promise<void>;
  /** the LISTEN connection's backend pid (tests terminate it) */
  readonly listenerPid: number | null;
  stats(): { size: number; hits: number; misses: number; notifications: number };
  /** Connects the listener; resolves once listening or after the first failed attempt. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface SessionCacheOptions {
  /** database of the LISTEN connection; null: a disabled cache (always bypassed) */
  connectionString: string | null;
  maxEntries?: number;
  maxAgeMs?: number;
  /** first delay before reconnecting a lost listener (doubles up to 30 s) */
  reconnectDelayMs?: number;
  log?: (message: string) => void;
}

export function createSessionCache(opts: SessionCacheOptions): SessionCache {
  const maxEntries = opts.maxEntries ?? 5000;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const baseDelay = opts.reconnectDelayMs ?? 1000;
  const log = opts.log ?? (() => undefined);
  const entries = new Map<string, Entry>(); // insertion order = recency (LRU)
  const byAccount = new Map<string, Set<string>>();
  const waiters = new Map<string, Array<() => void>>();
  const stateWaiters: Array<{ state: ListenerState; resolve: () => void }> = [];
  let state: ListenerState = opts.connectionString ? 'down' : 'closed';
  let generation = 0;
  let client: pg.Client | null = null;
  let pid: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let delay = baseDelay;
  let hits = 0;
  let misses = 0;
  let notifications = 0;
  let closed = !opts.connectionString;

  const remove = (hash: string) => {
    const e = entries.get(hash);
    if (!e) return;
    entries.delete(hash);
    const set = byAccount.get(e.accountId);
    set?.delete(hash);
    if (set && !set.size) byAccount.delete(e.accountId);
  };
  const clear = () => {
    entries.clear();
    byAccount.clear();
    generation++;
  };
  const dropAccount = (accountId: string) => {
    generation++;
    for (const hash of [...(byAccount.get(accountId) ?? [])]) remove(hash);
  };
  const wake = (accountId: string | '*') => {
    if (accountId === '*') {
      for (const list of waiters.values()) list.forEach((r) => r());
      waiters.clear();
      return;
    }
    waiters.get(accountId)?.forEach((r) => r());
    waiters.delete(accountId);
  };
  const setState = (s: ListenerState) => {
    state = s;
    for (let i = stateWaiters.length - 1; i >= 0; i--) {
      if (stateWaiters[i].state === s) {
        stateWaiters[i].resolve();
        stateWaiters.splice(i, 1);
      }
    }
  };

  const lost = (c: pg.Client, why: string) => {
    if (client !== c) return; // already handled
    client = null;
    pid = null;
    clear();
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    if (closed) return;
    setState('down');
    log(`session cache: listener lost (${why}); sessions are read from the database until it is back`);
    schedule();
  };
  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 30_000);
  };
  const connect = async () => {
    if (closed || client) return;
    const c = new pg.Client({ connectionString: opts.connectionString! });
    client = c;
    c.on('error', (e) => lost(c, e.message));
    c.on('end', () => lost(c, 'connection closed'));
    c.on('notification', (msg) => {
      if (msg.channel !== SESSION_CHANNEL) return;
      notifications++;
      const payload = msg.payload ?? '*';
      if (payload === '*') clear();
      else dropAccount(payload);
      wake(payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${SESSION_CHANNEL}`);
      const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      if (client !== c) return; // lost or closed meanwhile
      pid = rows[0]?.pid ?? null;
      clear(); // nothing cached before this moment is trusted
      delay = baseDelay;
      setState('listening');
    } catch (e) {
      lost(c, (e as Error).message);
    }
  };

  return {
    enabled: !!opts.connectionString,
    get state() {
      return state;
    },
    get listenerPid() {
      return pid;
    },
    get(hash, now) {
      if (state !== 'listening') return undefined;
      const e = entries.get(hash);
      if (!e) {
        misses++;
        return undefined;
      }
      if (now - e.storedAt > maxAgeMs || now >= e.idleDeadline || now >= e.absoluteDeadline) {
        remove(hash);
        misses++;
        return undefined;
      }
      entries.delete(hash); // most recently used last
      entries.set(hash, e);
      hits++;
      return e;
    },
    ticket() {
      return state === 'listening' ? generation : null;
    },
    put(hash, session, ticket, now) {
      if (ticket === null || ticket !== generation || state !== 'listening') return;
      remove(hash);
      const frozen: Entry = { ...session, actor: Object.freeze({ ...session.actor, grants: Object.freeze(session.actor.grants.map((g) => Object.freeze({ ...g }))) as Actor['grants'] }), storedAt: now };
      entries.set(hash, frozen);
      let set = byAccount.get(session.accountId);
      if (!set) byAccount.set(session.accountId, (set = new Set()));
      set.add(hash);
      while (entries.size > maxEntries) remove(entries.keys().next().value!);
    },
    drop(hash) {
      generation++;
      remove(hash);
    },
    invalidateAccount(accountId) {
      dropAccount(accountId);
    },
    invalidateAll() {
      clear();
    },
    whenInvalidated(accountId) {
      return new Promise((resolve) => {
        const list = waiters.get(accountId) ?? [];
        list.push(resolve);
        waiters.set(accountId, list);
      });
    },
    whenState(s) {
      if (state === s) return Promise.resolve();
      return new Promise((resolve) => stateWaiters.push({ state: s, resolve }));
    },
    stats() {
      return { size: entries.size, hits, misses, notifications };
    },
    async start() {
      if (closed) return;
      await connect();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const c = client;
      client = null;
      pid = null;
      clear();
      setState('closed');
      if (c) {
        c.removeAllListeners('notification');
        await c.end().catch(() => undefined);
      }
    },
  };
}
