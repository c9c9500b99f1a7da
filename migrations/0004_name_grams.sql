-- Member search by a short Chinese name fragment (QUALITY B3). pg_trgm cannot
-- narrow a 1–2 character pattern (no trigram), so every such search rechecked
-- the whole person table. name_grams() lists a name's single characters and
-- character pairs; a GIN index over it finds "names containing all the pairs
-- of the search term", and LIKE rechecks the exact substring.
CREATE FUNCTION name_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
    SELECT substr(t, i, 1) AS g FROM generate_series(1, length(t)) AS i
    UNION ALL
    SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i
  ) s
$$;
CREATE INDEX person_name_grams ON person USING gin (name_grams(name));
