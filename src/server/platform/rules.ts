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
