import type { Db } from './db';
import { sql } from './sql';

// Housekeeping: expired sessions and stale login counters are removed (they
// are refused on use anyway; this keeps the tables small).
export async function cleanUp(db: Db): Promise<{ sessions: number; throttles: number }> {
  const sessions = await db.exec(sql`DELETE FROM session WHERE expires_at < now() OR last_seen_at + make_interval(secs => idle_seconds) < now()`);
  const throttles = await db.exec(sql`DELETE FROM login_throttle WHERE updated_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`);
  return { sessions, throttles };
}
