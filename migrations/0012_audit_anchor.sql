-- M1 (review 2026-12-04): the audit chain gets a key the database does not
-- hold. Rows appended from now on are hashed with HMAC-SHA256 under
-- AUDIT_HMAC_KEY; the rows already written keep their plain SHA-256 hashes
-- (history is not rewritten). audit_head.keyed_from records the first id of
-- the keyed scheme, so that the verifier checks older rows the old way and
-- newer rows the keyed way; signed checkpoints written outside the database
-- carry it too, so that moving it is detected.
--
-- audit_head may only move forward, one appended row at a time, to a row that
-- exists and links to the previous head; it cannot be deleted or truncated.

ALTER TABLE audit_head ADD COLUMN keyed_from bigint;
UPDATE audit_head SET keyed_from = last_id + 1;
INSERT INTO audit_head (singleton, last_id, last_hash, keyed_from)
  SELECT true, 0, repeat('0', 64), 1 WHERE NOT EXISTS (SELECT 1 FROM audit_head);
ALTER TABLE audit_head ALTER COLUMN keyed_from SET NOT NULL;

CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.keyed_from IS DISTINCT FROM OLD.keyed_from THEN
      RAISE EXCEPTION 'audit_head.keyed_from cannot change' USING ERRCODE = 'P0001';
    END IF;
    IF NEW.last_id <> OLD.last_id + 1 THEN
      RAISE EXCEPTION 'audit_head moves forward by one appended row at a time (% -> %)', OLD.last_id, NEW.last_id USING ERRCODE = 'P0001';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.last_id AND hash = NEW.last_hash AND prev_hash = OLD.last_hash) THEN
      RAISE EXCEPTION 'audit_head must point at the appended row %', NEW.last_id USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
