-- Security fix (issue 9, H1 and M7).
-- 三员: no administrator account (sysadmin, secadmin, auditor) may hold any
-- business role, and no business account any administrator role. The service
-- refuses such a grant; this trigger holds the line for every other writer.
CREATE OR REPLACE FUNCTION enforce_admin_separation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  is_admin boolean := NEW.role IN ('sysadmin','secadmin','auditor');
BEGIN
  IF NEW.revoked_at IS NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('role_grant_admin:' || NEW.account_id::text));
    IF is_admin AND EXISTS (SELECT 1 FROM role_grant g WHERE g.account_id = NEW.account_id AND g.revoked_at IS NULL
               AND g.role IN ('sysadmin','secadmin','auditor') AND g.role <> NEW.role AND g.id <> NEW.id) THEN
      RAISE EXCEPTION 'an account may hold only one administrator role' USING ERRCODE = 'P0002';
    END IF;
    IF EXISTS (SELECT 1 FROM role_grant g WHERE g.account_id = NEW.account_id AND g.revoked_at IS NULL AND g.id <> NEW.id
               AND (g.role IN ('sysadmin','secadmin','auditor')) <> is_admin) THEN
      RAISE EXCEPTION 'an administrator account may not hold a business role, nor a business account an administrator role' USING ERRCODE = 'P0003';
    END IF;
  END IF;
  RETURN NEW;
END $$;

-- An installation that already mixed them: the business grants of
-- administrator accounts are revoked (the administrator role stays).
UPDATE role_grant g SET revoked_at = now()
WHERE g.revoked_at IS NULL AND g.role NOT IN ('sysadmin','secadmin','auditor')
  AND EXISTS (SELECT 1 FROM role_grant a WHERE a.account_id = g.account_id AND a.revoked_at IS NULL AND a.role IN ('sysadmin','secadmin','auditor'));

-- A password set by the security administrator (a new account, a reset) is
-- known to them: the account must choose its own at first login.
ALTER TABLE account ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
