-- Platform foundation: extensions, rule versions, organisations, persons and
-- membership, accounts and sessions, audit log, jobs, notifications, files.
-- Applied migrations are never edited; add a new numbered file instead.

CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- A helper that makes a table append-only: UPDATE, DELETE and TRUNCATE fail.
CREATE OR REPLACE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;

-- ---------------------------------------------------------------------------
-- Rules as data: every statutory number is a versioned row with its source.
-- ---------------------------------------------------------------------------
CREATE TABLE rule_version (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  domain         text NOT NULL,
  key            text NOT NULL,
  scope_org_id   uuid,                -- NULL = national default; an org narrows it to a subtree
  effective_from date NOT NULL,
  effective_to   date,
  source         text NOT NULL,
  body           jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX rule_version_lookup ON rule_version (domain, key, effective_from DESC);

-- ---------------------------------------------------------------------------
-- Organisations: parent_id is the truth, path (ltree) is maintained for
-- subtree queries. Labels are the org's numeric seq (no '-', PG15 safe).
-- ---------------------------------------------------------------------------
CREATE TABLE org (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq             bigserial NOT NULL UNIQUE,
  parent_id       uuid REFERENCES org(id),
  path            ltree NOT NULL,
  type            text NOT NULL CHECK (type IN ('committee','working_committee','general_branch','branch','joint_branch','temporary_branch','party_group')),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  code            text UNIQUE,
  unit_name       text,
  unit_kind       text NOT NULL DEFAULT 'other' CHECK (unit_kind IN ('village','community','government','institution','soe','private','social','school','other')),
  address         text,
  lng             double precision,
  lat             double precision,
  setup_date      date,
  dissolved_on    date,
  dissolve_reason text,
  region_key      uuid,
  sort_order      integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1
);
CREATE INDEX org_path_gist ON org USING gist (path);
CREATE INDEX org_parent ON org (parent_id);
CREATE INDEX org_name_trgm ON org USING gin (name gin_trgm_ops);

CREATE TABLE org_event (
  id          bigserial PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES org(id),
  kind        text NOT NULL,            -- created, updated, moved, dissolved, committee_elected
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    uuid,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX org_event_org ON org_event (org_id, at);
CREATE TRIGGER org_event_append_only BEFORE UPDATE OR DELETE ON org_event FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Committees (支部委员会 / 党委) with terms; posts held by persons.
CREATE TABLE org_committee (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES org(id),
  elected_on   date NOT NULL,
  term_years   integer NOT NULL CHECK (term_years BETWEEN 1 AND 10),
  term_ends_on date NOT NULL,
  ended_on     date,
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX org_committee_one_current ON org_committee (org_id) WHERE ended_on IS NULL;

-- ---------------------------------------------------------------------------
-- Persons (one row per human across the lifecycle) and formal relations.
-- Sensitive fields are AES-256-GCM ciphertexts; *_hash are keyed HMACs.
-- ---------------------------------------------------------------------------
CREATE TABLE person (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name             text NOT NULL,
  name_pinyin      text NOT NULL DEFAULT '',   -- full pinyin without tones, no spaces
  name_initials    text NOT NULL DEFAULT '',   -- pinyin initials, lower case
  sex              text NOT NULL CHECK (sex IN ('male','female')),
  ethnicity        text NOT NULL,
  birth_date       date NOT NULL,
  id_no_enc        bytea NOT NULL,
  id_no_hash       bytea NOT NULL,
  id_no_masked     text NOT NULL,
  phone_enc        bytea,
  phone_hash       bytea,
  phone_tail       text,                       -- last 4 digits, as shown by the mask
  phone_masked     text,
  income_enc       bytea,
  education        text NOT NULL,
  occupation       text NOT NULL,
  unit_name        text,
  address          text,
  join_date        date,
  conversion_date  date,
  status           text NOT NULL CHECK (status IN ('probationary','full','left','suspended','deceased')),
  org_id           uuid REFERENCES org(id),    -- cache of the open formal relation
  is_current       boolean NOT NULL GENERATED ALWAYS AS (status IN ('probationary','full')) STORED,
  region_key       uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  version          integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX person_id_no_current ON person (id_no_hash) WHERE is_current;
CREATE INDEX person_org ON person (org_id) WHERE is_current;
CREATE INDEX person_name_trgm ON person USING gin (name gin_trgm_ops);
CREATE INDEX person_initials ON person (name_initials text_pattern_ops);
CREATE INDEX person_phone_tail ON person (phone_tail);
CREATE INDEX person_phone_hash ON person (phone_hash);

CREATE TABLE membership (
  id          bigserial PRIMARY KEY,
  person_id   uuid NOT NULL REFERENCES person(id),
  org_id      uuid NOT NULL REFERENCES org(id),
  valid_from  date NOT NULL,
  valid_to    date,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX membership_one_open ON membership (person_id) WHERE valid_to IS NULL;
CREATE INDEX membership_org ON membership (org_id, valid_from);

-- Member change events (增加 / 减少 / 变更): the single source of statistics.
CREATE TABLE member_event (
  id          bigserial PRIMARY KEY,
  person_id   uuid NOT NULL REFERENCES person(id),
  org_id      uuid REFERENCES org(id),
  direction   text NOT NULL CHECK (direction IN ('increase','decrease','change')),
  reason      text NOT NULL,
  event_date  date NOT NULL,
  from_status text,
  to_status   text,
  note        text,
  actor_id    uuid,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_event_person ON member_event (person_id, event_date);
CREATE INDEX member_event_org ON member_event (org_id, event_date);
CREATE TRIGGER member_event_append_only BEFORE UPDATE OR DELETE ON member_event FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE committee_post (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  committee_id  uuid NOT NULL REFERENCES org_committee(id),
  person_id     uuid REFERENCES person(id),
  holder_name   text NOT NULL,
  post          text NOT NULL CHECK (post IN ('secretary','deputy_secretary','organisation','propaganda','discipline','member')),
  approved_on   date,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX committee_post_committee ON committee_post (committee_id);

-- ---------------------------------------------------------------------------
-- Accounts, role grants, sessions, login throttling.
-- ---------------------------------------------------------------------------
CREATE TABLE account (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username            text NOT NULL,
  display_name        text NOT NULL,
  password_hash       text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  person_id           uuid REFERENCES person(id),
  is_disabled         boolean NOT NULL DEFAULT false,
  is_demo             boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX account_username ON account (lower(username));

CREATE TABLE role_grant (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES account(id),
  role        text NOT NULL,
  org_id      uuid REFERENCES org(id),
  scope       text NOT NULL CHECK (scope IN ('self','node','subtree')),
  granted_by  uuid REFERENCES account(id),
  granted_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  revoked_by  uuid REFERENCES account(id)
);
CREATE INDEX role_grant_account ON role_grant (account_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX role_grant_unique_active ON role_grant (account_id, role, coalesce(org_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE revoked_at IS NULL;

-- 三员 separation enforced by the database as well as the service: an account
-- holds at most one of the three administrator roles.
CREATE OR REPLACE FUNCTION enforce_admin_separation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.revoked_at IS NULL AND NEW.role IN ('sysadmin','secadmin','auditor') THEN
    PERFORM pg_advisory_xact_lock(hashtext('role_grant_admin:' || NEW.account_id::text));
    IF EXISTS (SELECT 1 FROM role_grant g WHERE g.account_id = NEW.account_id AND g.revoked_at IS NULL
               AND g.role IN ('sysadmin','secadmin','auditor') AND g.role <> NEW.role AND g.id <> NEW.id) THEN
      RAISE EXCEPTION 'an account may hold only one administrator role' USING ERRCODE = 'P0002';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER role_grant_admin_separation BEFORE INSERT OR UPDATE ON role_grant FOR EACH ROW EXECUTE FUNCTION enforce_admin_separation();

CREATE TABLE session (
  token_hash    bytea PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES account(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  idle_seconds  integer NOT NULL,
  expires_at    timestamptz NOT NULL,
  ip            text,
  user_agent    text
);
CREATE INDEX session_account ON session (account_id);

-- Failed-login counters keyed by the normalised username, whether or not the
-- account exists, so that unknown users and wrong passwords behave alike.
CREATE TABLE login_throttle (
  username_key  text PRIMARY KEY,
  failures      integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Audit log: append-only, hash-chained. audit_head anchors the tail so that
-- truncation is detected too.
-- ---------------------------------------------------------------------------
CREATE TABLE audit_log (
  id          bigint PRIMARY KEY,
  at          timestamptz NOT NULL,
  account_id  uuid,
  username    text,
  roles       text,
  org_id      uuid,
  action      text NOT NULL,
  object_type text,
  object_id   text,
  outcome     text NOT NULL CHECK (outcome IN ('success','denied','failure')),
  ip          text,
  request_id  text,
  detail      jsonb NOT NULL DEFAULT '{}',
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_account ON audit_log (account_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE audit_head (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id    bigint NOT NULL,
  last_hash  text NOT NULL
);

-- ---------------------------------------------------------------------------
-- Background jobs and schedules (claimed with FOR UPDATE SKIP LOCKED).
-- ---------------------------------------------------------------------------
CREATE TABLE job (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind           text NOT NULL,
  payload        jsonb NOT NULL DEFAULT '{}',
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','succeeded','failed','cancelled')),
  run_at         timestamptz NOT NULL DEFAULT now(),
  attempts       integer NOT NULL DEFAULT 0,
  max_attempts   integer NOT NULL DEFAULT 3,
  progress       integer NOT NULL DEFAULT 0,
  progress_total integer,
  message        text,
  result         jsonb,
  last_error     text,
  dedupe_key     text,
  org_id         uuid REFERENCES org(id),
  created_by     uuid REFERENCES account(id),
  worker_id      text,
  heartbeat_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz
);
CREATE INDEX job_ready ON job (run_at) WHERE status = 'queued';
CREATE UNIQUE INDEX job_dedupe ON job (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX job_created ON job (created_at DESC);

CREATE TABLE job_schedule (
  name          text PRIMARY KEY,
  kind          text NOT NULL,
  every_seconds integer NOT NULL CHECK (every_seconds > 0),
  next_run_at   timestamptz NOT NULL,
  is_enabled    boolean NOT NULL DEFAULT true
);

-- ---------------------------------------------------------------------------
-- Notifications and files.
-- ---------------------------------------------------------------------------
CREATE TABLE notification (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES account(id),
  title       text NOT NULL,
  body        text NOT NULL DEFAULT '',
  link        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz
);
CREATE INDEX notification_account ON notification (account_id, created_at DESC);

CREATE TABLE outbound_message (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel     text NOT NULL CHECK (channel IN ('email','sms')),
  recipient   text NOT NULL,
  subject     text,
  body        text NOT NULL,
  provider    text NOT NULL,
  status      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stored_file (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_type   text NOT NULL,
  owner_id     uuid NOT NULL,
  org_id       uuid NOT NULL REFERENCES org(id),
  file_name    text NOT NULL,
  mime         text NOT NULL,
  size_bytes   bigint NOT NULL,
  sha256       text NOT NULL,
  storage_key  text NOT NULL UNIQUE,
  created_by   uuid REFERENCES account(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stored_file_owner ON stored_file (owner_type, owner_id);

-- ---------------------------------------------------------------------------
-- Key/value settings of the installation (demo mode marker, etc.).
-- ---------------------------------------------------------------------------
CREATE TABLE app_setting (
  key    text PRIMARY KEY,
  value  jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Rule versions of RULES §3 (organisation setup) used by the setup checks.
-- Source: 《中国共产党支部工作条例（试行）》(2018) 第五条、第九条、第十四条.
-- ---------------------------------------------------------------------------
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('org', 'setup', '2018-10-28',
 '《中国共产党支部工作条例（试行）》(2018) 第五条（正式党员3人以上设立党支部；党支部党员人数一般不超过50人）、第九条（正式党员7人以上设立支部委员会）、第十四条（村、社区党支部每届任期5年，其他党支部每届任期3年）',
 '{"minFullMembers":3,"maxMembers":50,"committeeFromFullMembers":7,"termYearsVillageCommunity":5,"termYearsOther":3,"termWarningDays":90}');
