-- Invalidation of the in-process session caches (src/server/platform/session-cache.ts).
-- Every app instance LISTENs on the channel 'dj_session'; these triggers send
-- the id of each account whose resolved session may have changed, or '*' when
-- every cached session may have (an org renamed or moved: grants carry the
-- org's name and path). NOTIFY is delivered at commit, and not at all on
-- rollback. Statement-level with transition tables: one notification per
-- account and statement (PostgreSQL also folds duplicates within a
-- transaction), so bulk deletes of expired sessions stay cheap. Triggers,
-- not calls in the services, so that no write path can forget one.

CREATE FUNCTION session_notify_old_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dj_session', a.account_id::text) FROM (SELECT DISTINCT account_id FROM old_rows) a;
  RETURN NULL;
END $$;

CREATE FUNCTION session_notify_new_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dj_session', a.account_id::text) FROM (SELECT DISTINCT account_id FROM new_rows) a;
  RETURN NULL;
END $$;

-- logout, session rotation, housekeeping, "every session of an account"
CREATE TRIGGER session_invalidate_delete AFTER DELETE ON session
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION session_notify_old_accounts();

-- grants: inserted, revoked (UPDATE), deleted; an UPDATE may also move a grant
-- to another account, so both the old and the new account are told
CREATE TRIGGER role_grant_invalidate_insert AFTER INSERT ON role_grant
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_notify_new_accounts();
CREATE TRIGGER role_grant_invalidate_delete AFTER DELETE ON role_grant
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION session_notify_old_accounts();

CREATE FUNCTION session_notify_grant_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dj_session', a.account_id::text)
    FROM (SELECT account_id FROM old_rows UNION SELECT account_id FROM new_rows) a;
  RETURN NULL;
END $$;
CREATE TRIGGER role_grant_invalidate_update AFTER UPDATE ON role_grant
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_notify_grant_update();

-- accounts: any change except the bookkeeping of a login (the last TOTP step
-- used, a pending enrolment secret, updated_at). New columns count as
-- relevant by default: the comparison is of the whole row minus those.
CREATE FUNCTION session_notify_account_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dj_session', n.id::text)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE to_jsonb(n) - 'totp_last_step' - 'totp_pending_enc' - 'updated_at'
         IS DISTINCT FROM to_jsonb(o) - 'totp_last_step' - 'totp_pending_enc' - 'updated_at';
  RETURN NULL;
END $$;
CREATE TRIGGER account_invalidate_update AFTER UPDATE ON account
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_notify_account_update();

-- orgs: a cached grant carries its org's path (scope checks) and name
CREATE FUNCTION session_notify_org_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.path IS DISTINCT FROM o.path OR n.name IS DISTINCT FROM o.name) THEN
    PERFORM pg_notify('dj_session', '*');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER org_invalidate_update AFTER UPDATE ON org
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_notify_org_update();
