-- UUIDv7 for rows written set-based in SQL (PostgreSQL 15 has no uuidv7()): 48 bits of Unix
-- milliseconds, version 7, then the random bits of gen_random_uuid() (whose variant bits are
-- already RFC ones). Same layout as src/server/platform/ids.ts. A single expression, so the
-- planner inlines it.
CREATE FUNCTION dj_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT (regexp_replace(lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0'), '^(.{8})(.{4})$', '\1-\2')
          || '-7' || substr(gen_random_uuid()::text, 16))::uuid
$$;
