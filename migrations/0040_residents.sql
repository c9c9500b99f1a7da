-- Residents (群众, issue 17): users without a Party role. A resident
-- registers with a phone number and a one-time SMS code, then keeps a profile:
-- the community (村/社区) they live in, the grid, an address. A resident is not
-- a person of the Party's records (docs/DECISIONS.md "Residents"): their row
-- references the account only, and their grant (role resident, scope self) sits
-- on the community's organisation.
CREATE TABLE resident (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id        uuid NOT NULL UNIQUE REFERENCES account(id),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
  phone_enc         bytea NOT NULL,
  phone_hash        bytea NOT NULL,
  phone_masked      text NOT NULL,
  community_org_id  uuid NOT NULL REFERENCES org(id),
  grid_id           uuid REFERENCES map_area(id),
  address           text NOT NULL CHECK (length(address) BETWEEN 1 AND 120),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX resident_phone ON resident (phone_hash);
CREATE INDEX resident_community ON resident (community_org_id, created_at DESC);

-- One-time codes sent to a phone number that belongs to no record yet (a
-- resident registering). Like activation_code: a keyed hash bound to the row,
-- 10 minutes, 5 attempts, enforced against the database's clock.
CREATE TABLE phone_code (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  purpose     text NOT NULL CHECK (purpose IN ('resident_register')),
  phone_hash  bytea NOT NULL,
  code_hash   bytea NOT NULL,
  attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_code_phone ON phone_code (purpose, phone_hash, created_at DESC);
