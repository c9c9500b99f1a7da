-- Second factor (TOTP, RFC 6238) for accounts; required for the three
-- administrators when ADMIN_TOTP resolves to "required" (production default).
-- Secrets are AES-256-GCM ciphertexts like other sensitive fields; the last
-- accepted time step prevents replaying a code.
ALTER TABLE account
  ADD COLUMN totp_secret_enc bytea,
  ADD COLUMN totp_pending_enc bytea,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint;
