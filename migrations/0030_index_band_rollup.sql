-- Band counts of the branch index per ancestor (QUALITY B1: the big screen's
-- 先锋指数 tile, getBranchIndex's band counts). One row per (org, period, band):
-- how many branch_index rows of that period the org's whole subtree (inclusive)
-- holds in that band ('none' for a row without a band, shown as 无数据).
-- The same figure as counting branch_index rows joined to the orgs under the
-- org's path, dissolved orgs included (their rows stay).
-- Kept as the member rollups are (migration 0017, docs/DECISIONS.md "Branch
-- index band rollup"): statement-level triggers with transition tables on
-- branch_index (the recompute's upsert) and on org (a move adds the moved
-- root's rows to its new ancestor chain and takes them from the old one), so
-- they change in the transaction of every write, whichever code path makes it.
-- Rows whose count fell to 0 stay (a zero and a missing row mean the same).

CREATE TABLE branch_index_rollup (
  org_id uuid NOT NULL REFERENCES org(id),
  period text NOT NULL,
  band   text NOT NULL CHECK (band IN ('advanced', 'good', 'fair', 'lagging', 'none')),
  n      integer NOT NULL CHECK (n >= 0),
  PRIMARY KEY (org_id, period, band)
);

-- Adds n to one row under its row lock (concurrent writers lose nothing); a
-- missing row is inserted; a negative count for a missing row violates the
-- CHECK: the rollup had drifted (repair with `cli index rebuild`).
CREATE FUNCTION branch_index_rollup_add(p_org uuid, p_period text, p_band text, p_n integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE branch_index_rollup SET n = n + p_n WHERE org_id = p_org AND period = p_period AND band = p_band;
  IF NOT FOUND THEN
    INSERT INTO branch_index_rollup (org_id, period, band, n) VALUES (p_org, p_period, p_band, p_n)
      ON CONFLICT (org_id, period, band) DO UPDATE SET n = branch_index_rollup.n + EXCLUDED.n;
  END IF;
END $$;

-- branch_index rows: ±1 per changed row to every ancestor (inclusive) of its
-- org. The shared advisory lock 727276 is the org tree's move lock
-- (org.repo lockTreeForMove, taken exclusively by a move before it re-paths):
-- an index write waits for a move in progress and then reads the new paths
-- (each statement of this function takes a new snapshot), and a move waits for
-- the index writes in progress, so that the org trigger below moves counts that
-- include them. Inserts only add (one INSERT … ON CONFLICT in key order);
-- updates and deletes may subtract, row by row in key order (stable lock order).
CREATE FUNCTION branch_index_rollup_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(727276);
  IF TG_OP = 'INSERT' THEN
    INSERT INTO branch_index_rollup (org_id, period, band, n)
    SELECT a.id, x.period, coalesce(x.band, 'none'), count(*)::int
    FROM new_rows x JOIN org o ON o.id = x.org_id JOIN org a ON a.path @> o.path
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (org_id, period, band) DO UPDATE SET n = branch_index_rollup.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    FOR r IN
      SELECT a.id AS org_id, x.period, coalesce(x.band, 'none') AS band, -count(*)::int AS n
      FROM old_rows x JOIN org o ON o.id = x.org_id JOIN org a ON a.path @> o.path
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    LOOP
      PERFORM branch_index_rollup_add(r.org_id, r.period, r.band, r.n);
    END LOOP;
  ELSE
    FOR r IN
      WITH d AS (
        SELECT org_id, period, coalesce(band, 'none') AS band, -1 AS n FROM old_rows
        UNION ALL
        SELECT org_id, period, coalesce(band, 'none'), 1 FROM new_rows)
      SELECT a.id AS org_id, d.period, d.band, sum(d.n)::int AS n
      FROM d JOIN org o ON o.id = d.org_id JOIN org a ON a.path @> o.path
      GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3
    LOOP
      PERFORM branch_index_rollup_add(r.org_id, r.period, r.band, r.n);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER branch_index_rollup_ins AFTER INSERT ON branch_index REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION branch_index_rollup_rows();
CREATE TRIGGER branch_index_rollup_upd AFTER UPDATE ON branch_index REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION branch_index_rollup_rows();
CREATE TRIGGER branch_index_rollup_del AFTER DELETE ON branch_index REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION branch_index_rollup_rows();

-- Orgs: only a re-path matters (a new org has no index rows; branch_index
-- keeps an org from being deleted; dissolved orgs stay counted). The rows of
-- each moved root (a re-pathed org whose parent was not re-pathed with it)
-- hold its whole subtree's counts: they are taken from the root's old strict
-- ancestors — looked up in the table as it was before the statement (unchanged
-- rows plus old_rows), since the move has already re-pathed — and added to its
-- new strict ancestors. The subtree's own rows stay valid (keyed by org_id).
CREATE FUNCTION branch_index_rollup_org() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.path <> n.path) THEN
    RETURN NULL;
  END IF;
  FOR r IN
  WITH changed AS (
    SELECT o.id, o.path AS old_path, n.path AS new_path, o.parent_id AS old_parent
    FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.path <> n.path
  ),
  moved_root AS (
    SELECT c.id, c.old_path, c.new_path FROM changed c WHERE NOT EXISTS (SELECT 1 FROM changed p WHERE p.id = c.old_parent)
  ),
  old_anc AS (
    SELECT m.id, a.id AS anc FROM moved_root m JOIN org a ON a.path @> m.old_path
      WHERE NOT EXISTS (SELECT 1 FROM old_rows w WHERE w.id = a.id)
    UNION ALL
    SELECT m.id, w.id FROM moved_root m JOIN old_rows w ON w.path @> m.old_path
  ),
  d AS (
    SELECT oa.anc AS org_id, br.period, br.band, -br.n AS n
      FROM moved_root m JOIN old_anc oa ON oa.id = m.id AND oa.anc <> m.id
      JOIN branch_index_rollup br ON br.org_id = m.id
    UNION ALL
    SELECT a.id, br.period, br.band, br.n
      FROM moved_root m JOIN org a ON a.path @> m.new_path AND a.id <> m.id
      JOIN branch_index_rollup br ON br.org_id = m.id
  )
  SELECT d.org_id, d.period, d.band, sum(d.n)::int AS n FROM d
  GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3
  LOOP
    PERFORM branch_index_rollup_add(r.org_id, r.period, r.band, r.n);
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER org_index_rollup_upd AFTER UPDATE ON org REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION branch_index_rollup_org();

-- Recomputes the whole rollup from branch_index and org (repair, and the
-- reference `cli index verify` compares the stored rows with). Takes the move
-- lock exclusively: index writes and moves in progress finish first, later
-- ones apply their deltas to the rebuilt rows.
CREATE FUNCTION rebuild_branch_index_rollup() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(727276);
  DELETE FROM branch_index_rollup;
  INSERT INTO branch_index_rollup (org_id, period, band, n)
  SELECT a.id, x.period, coalesce(x.band, 'none'), count(*)::int
  FROM branch_index x JOIN org o ON o.id = x.org_id JOIN org a ON a.path @> o.path
  GROUP BY 1, 2, 3;
END $$;

SELECT rebuild_branch_index_rollup();
