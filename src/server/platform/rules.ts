import type { Queryable } from './db';
import { sql } from './sql';

// Rules as data: the version of a rule in force on a business date. A rule
// scoped to an org applies to its subtree and overrides a wider one.
export interface RuleVersion<T> {
  id: string;
  source: string;
  effectiveFrom: string;
  body: T;
}

export async function ruleInForce<T>(q: Queryable, domain: string, key: string, date: string, orgPath?: string | null): Promise<RuleVersion<T>> {
  const row = await q.maybeOne<{ id: string; source: string; effective_from: string; body: T }>(sql`
    SELECT r.id, r.source, r.effective_from, r.body
    FROM rule_version r LEFT JOIN org o ON o.id = r.scope_org_id
    WHERE r.domain = ${domain} AND r.key = ${key}
      AND r.effective_from <= ${date}::date AND (r.effective_to IS NULL OR r.effective_to > ${date}::date)
      AND (r.scope_org_id IS NULL OR (${orgPath ?? null}::ltree IS NOT NULL AND ${orgPath ?? null}::ltree <@ o.path))
    ORDER BY coalesce(nlevel(o.path), 0) DESC, r.effective_from DESC
    LIMIT 1`);
  if (!row) throw new Error(`no rule ${domain}.${key} in force on ${date}`);
  return { id: row.id, source: row.source, effectiveFrom: row.effective_from, body: row.body };
}

/** Every version of a rule in force on a date, with the path of its scope (null = national). */
export async function rulesInForce<T>(q: Queryable, domain: string, key: string, date: string): Promise<Array<RuleVersion<T> & { scopePath: string | null }>> {
  const rows = await q.prepared<{ id: string; source: string; effective_from: string; body: T; scope_path: string | null }>('rules_in_force', sql`
    SELECT r.id, r.source, r.effective_from, r.body, o.path::text AS scope_path
    FROM rule_version r LEFT JOIN org o ON o.id = r.scope_org_id
    WHERE r.domain = ${domain} AND r.key = ${key}
      AND r.effective_from <= ${date}::date AND (r.effective_to IS NULL OR r.effective_to > ${date}::date)
    ORDER BY r.effective_from DESC`);
  return rows.map((r) => ({ id: r.id, source: r.source, effectiveFrom: r.effective_from, body: r.body, scopePath: r.scope_path }));
}

/** The applicable version for an org: the deepest scope containing it, then the latest. Pure. */
export function pickRule<R extends { scopePath: string | null }>(versions: R[], orgPath: string): R | null {
  let best: R | null = null;
  let bestDepth = -1;
  for (const v of versions) {
    const inScope = v.scopePath === null || orgPath === v.scopePath || orgPath.startsWith(v.scopePath + '.');
    const depth = v.scopePath === null ? 0 : v.scopePath.split('.').length;
    if (inScope && depth > bestDepth) {
      best = v;
      bestDepth = depth;
    }
  }
  return best;
}
