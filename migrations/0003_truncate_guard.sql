-- The append-only tables also refuse TRUNCATE (0001's row triggers cover
-- UPDATE and DELETE only).
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER member_event_no_truncate BEFORE TRUNCATE ON member_event FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER org_event_no_truncate BEFORE TRUNCATE ON org_event FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
