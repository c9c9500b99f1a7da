-- Member rollups (DATA.md "Read models", QUALITY.md B1/B9): per org, counts
-- over its whole subtree (inclusive), current state. One row per
-- (org, dimension, value):
--   status      every person by person.status (pipeline statuses included)
--   sex, birth_year, education, occupation, ethnicity, join_month ('YYYY-MM',
--               'none' without a join date): members on the roll (is_current)
--   org_type    orgs not dissolved, by org.type
-- Kept by statement-level triggers with transition tables on person and org,
-- so no write path can forget them (docs/DECISIONS.md "Member rollups").
-- Rows whose count fell to 0 stay (a zero and a missing row mean the same).

CREATE TABLE member_rollup (
  org_id    uuid NOT NULL REFERENCES org(id),
  dimension text NOT NULL CHECK (dimension IN ('status','sex','birth_year','education','occupation','ethnicity','join_month','org_type')),
  value     text NOT NULL,
  n         integer NOT NULL CHECK (n >= 0),
  PRIMARY KEY (org_id, dimension, value)
);

-- The rollup keys one person contributes to (the one definition used by the
-- triggers and by the rebuild).
CREATE FUNCTION member_rollup_keys(p_status text, p_sex text, p_birth date, p_education text, p_occupation text, p_ethnicity text, p_join date)
RETURNS TABLE (dimension text, value text) LANGUAGE sql IMMUTABLE AS $$
  SELECT 'status', p_status
  UNION ALL
  SELECT k.d, k.v FROM (VALUES
      ('sex', p_sex),
      ('birth_year', extract(year FROM p_birth)::int::text),
      ('education', p_education),
      ('occupation', p_occupation),
      ('ethnicity', p_ethnicity),
      ('join_month', CASE WHEN p_join IS NULL THEN 'none'
                          ELSE extract(year FROM p_join)::int::text || '-' || lpad(extract(month FROM p_join)::int::text, 2, '0') END)
    ) AS k(d, v)
  WHERE p_status IN ('probationary', 'full')
$$;

-- Adds n to one rollup row under its row lock (UPDATE re-reads a row another
-- transaction changed, so concurrent writers never lose an update). A missing
-- row is inserted; a negative count for a missing row violates the CHECK:
-- the rollups had drifted (repair with `cli rollups rebuild`).
CREATE FUNCTION member_rollup_add(p_org uuid, p_dimension text, p_value text, p_n integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE member_rollup SET n = n + p_n WHERE org_id = p_org AND dimension = p_dimension AND value = p_value;
  IF NOT FOUND THEN
    INSERT INTO member_rollup (org_id, dimension, value, n) VALUES (p_org, p_dimension, p_value, p_n)
      ON CONFLICT (org_id, dimension, value) DO UPDATE SET n = member_rollup.n + EXCLUDED.n;
  END IF;
END $$;

-- Persons: deltas of the changed rows, per org, spread to every ancestor
-- (inclusive) of the person's org. Inserts only add: one INSERT … ON CONFLICT
-- in key order (bulk loads). Updates and deletes may subtract (INSERT checks
-- the CHECK before it sees the conflict), so their deltas go row by row
-- through member_rollup_add, also in key order: concurrent writers lock the
-- shared ancestors' rows in the same order.
CREATE FUNCTION member_rollup_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO member_rollup (org_id, dimension, value, n)
    SELECT a.id, d.dimension, d.value, sum(d.n)::int
    FROM (SELECT x.org_id, k.dimension, k.value, count(*) AS n
          FROM new_rows x, member_rollup_keys(x.status, x.sex, x.birth_date, x.education, x.occupation, x.ethnicity, x.join_date) k
          WHERE x.org_id IS NOT NULL GROUP BY 1, 2, 3) d
    JOIN org o ON o.id = d.org_id JOIN org a ON a.path @> o.path
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (org_id, dimension, value) DO UPDATE SET n = member_rollup.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    FOR r IN
      SELECT a.id AS org_id, d.dimension, d.value, -sum(d.n)::int AS n
      FROM (SELECT x.org_id, k.dimension, k.value, count(*) AS n
            FROM old_rows x, member_rollup_keys(x.status, x.sex, x.birth_date, x.education, x.occupation, x.ethnicity, x.join_date) k
            WHERE x.org_id IS NOT NULL GROUP BY 1, 2, 3) d
      JOIN org o ON o.id = d.org_id JOIN org a ON a.path @> o.path
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    LOOP
      PERFORM member_rollup_add(r.org_id, r.dimension, r.value, r.n);
    END LOOP;
  ELSE
    FOR r IN
      WITH ch AS (
        SELECT o.org_id, o.status, o.sex, o.birth_date, o.education, o.occupation, o.ethnicity, o.join_date,
               n.org_id AS n_org_id, n.status AS n_status, n.sex AS n_sex, n.birth_date AS n_birth_date, n.education AS n_education,
               n.occupation AS n_occupation, n.ethnicity AS n_ethnicity, n.join_date AS n_join_date
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.org_id, o.status, o.sex, o.birth_date, o.education, o.occupation, o.ethnicity, o.join_date)
              IS DISTINCT FROM (n.org_id, n.status, n.sex, n.birth_date, n.education, n.occupation, n.ethnicity, n.join_date)),
      x AS (
        SELECT org_id, status, sex, birth_date, education, occupation, ethnicity, join_date, -1 AS sign FROM ch
        UNION ALL
        SELECT n_org_id, n_status, n_sex, n_birth_date, n_education, n_occupation, n_ethnicity, n_join_date, 1 FROM ch),
      d AS (
        SELECT x.org_id, k.dimension, k.value, sum(x.sign) AS n
        FROM x, member_rollup_keys(x.status, x.sex, x.birth_date, x.education, x.occupation, x.ethnicity, x.join_date) k
        WHERE x.org_id IS NOT NULL GROUP BY 1, 2, 3)
      SELECT a.id AS org_id, d.dimension, d.value, sum(d.n)::int AS n
      FROM d JOIN org o ON o.id = d.org_id JOIN org a ON a.path @> o.path
      GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3
    LOOP
      PERFORM member_rollup_add(r.org_id, r.dimension, r.value, r.n);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER person_rollup_ins AFTER INSERT ON person REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_rollup_person();
CREATE TRIGGER person_rollup_upd AFTER UPDATE ON person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_rollup_person();
CREATE TRIGGER person_rollup_del AFTER DELETE ON person REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_rollup_person();

-- Orgs.
-- org_type: every changed org row takes -1 from the ancestors of its old path
-- and adds +1 to those of its new path. The old ancestors are looked up in the
-- table as it was before the statement (unchanged rows plus old_rows), since a
-- move has already re-pathed the subtree.
-- Persons under a moved subtree: the rows of each moved root (a re-pathed org
-- whose parent was not re-pathed with it) hold the whole subtree's person
-- counts; they are taken from the root's old strict ancestors and added to its
-- new ones. The subtree's own rows stay valid (keyed by org_id).
CREATE FUNCTION member_rollup_org() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO member_rollup (org_id, dimension, value, n)
    SELECT a.id, 'org_type', x.type, count(*)::int
    FROM new_rows x JOIN org a ON a.path @> x.path
    WHERE x.dissolved_on IS NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (org_id, dimension, value) DO UPDATE SET n = member_rollup.n + EXCLUDED.n;
    RETURN NULL;
  END IF;

  -- UPDATE or DELETE
  FOR r IN
  WITH changed AS (
    SELECT o.id, o.type AS old_type, o.path AS old_path, o.dissolved_on IS NULL AS old_live, o.parent_id AS old_parent,
           n.type AS new_type, n.path AS new_path, n.dissolved_on IS NULL AS new_live
    FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
    WHERE n.id IS NULL OR (o.type, o.path, o.dissolved_on IS NULL) IS DISTINCT FROM (n.type, n.path, n.dissolved_on IS NULL)
  ),
  -- ancestors (inclusive) of an old path in the table as it was before the statement
  old_anc AS (
    SELECT c.id, a.id AS anc FROM changed c JOIN org a ON a.path @> c.old_path
      WHERE NOT EXISTS (SELECT 1 FROM old_rows w WHERE w.id = a.id)
    UNION ALL
    SELECT c.id, w.id FROM changed c JOIN old_rows w ON w.path @> c.old_path
  ),
  type_delta AS (
    SELECT oa.anc AS org_id, 'org_type'::text AS dimension, c.old_type AS value, -1 AS n
      FROM changed c JOIN old_anc oa ON oa.id = c.id WHERE c.old_live
    UNION ALL
    SELECT a.id, 'org_type', c.new_type, 1
      FROM changed c JOIN org a ON a.path @> c.new_path WHERE c.new_path IS NOT NULL AND c.new_live
  ),
  moved_root AS (
    SELECT c.id, c.old_path, c.new_path FROM changed c
    WHERE c.new_path IS NOT NULL AND c.old_path <> c.new_path
      AND NOT EXISTS (SELECT 1 FROM changed p WHERE p.id = c.old_parent AND p.new_path IS NOT NULL AND p.old_path <> p.new_path)
  ),
  person_delta AS (
    SELECT oa.anc AS org_id, mr.dimension, mr.value, -mr.n AS n
      FROM moved_root m JOIN old_anc oa ON oa.id = m.id AND oa.anc <> m.id
      JOIN member_rollup mr ON mr.org_id = m.id AND mr.dimension <> 'org_type'
    UNION ALL
    SELECT a.id, mr.dimension, mr.value, mr.n
      FROM moved_root m JOIN org a ON a.path @> m.new_path AND a.id <> m.id
      JOIN member_rollup mr ON mr.org_id = m.id AND mr.dimension <> 'org_type'
  )
  SELECT d.org_id, d.dimension, d.value, sum(d.n)::int AS n
  FROM (SELECT * FROM type_delta UNION ALL SELECT * FROM person_delta) d
  GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3
  LOOP
    PERFORM member_rollup_add(r.org_id, r.dimension, r.value, r.n);
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER org_rollup_ins AFTER INSERT ON org REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_rollup_org();
CREATE TRIGGER org_rollup_upd AFTER UPDATE ON org REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_rollup_org();
CREATE TRIGGER org_rollup_del AFTER DELETE ON org REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION member_rollup_org();

-- Recomputes every rollup from the raw rows (repair, and the reference that
-- `cli rollups verify` compares the stored rows with).
CREATE FUNCTION rebuild_member_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM member_rollup;
  INSERT INTO member_rollup (org_id, dimension, value, n)
  SELECT a.id, d.dimension, d.value, sum(d.n)::int
  FROM (SELECT x.org_id, k.dimension, k.value, count(*) AS n
        FROM person x, member_rollup_keys(x.status, x.sex, x.birth_date, x.education, x.occupation, x.ethnicity, x.join_date) k
        WHERE x.org_id IS NOT NULL GROUP BY 1, 2, 3
        UNION ALL
        SELECT x.id, 'org_type', x.type, 1 FROM org x WHERE x.dissolved_on IS NULL) d
  JOIN org o ON o.id = d.org_id JOIN org a ON a.path @> o.path
  GROUP BY 1, 2, 3;
END $$;

SELECT rebuild_member_rollups();
