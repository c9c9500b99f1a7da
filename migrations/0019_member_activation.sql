-- Members activate their own phone login (issue 11): a one-time code sent by
-- SMS to the phone on the member's record. The code is stored as a keyed hash
-- only; it lives 10 minutes and allows 5 attempts (the service enforces both
-- against the database's clock).
CREATE TABLE activation_code (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id   uuid NOT NULL REFERENCES person(id),
  phone_hash  bytea NOT NULL,
  code_hash   bytea NOT NULL,
  attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activation_code_person ON activation_code (person_id, created_at DESC);

-- who has activated: the member list joins a person's linked accounts
CREATE INDEX account_person ON account (person_id) WHERE person_id IS NOT NULL;
