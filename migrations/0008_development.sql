-- Member development (issue 3): the candidate file. The person row is created
-- when someone applies and carries them through 入党申请人 → 入党积极分子 →
-- 发展对象 → 预备党员 → 正式党员 (DATA.md: one row per human; admission does
-- not copy them). 'masses' (群众) is a person whose file closed without admission.

ALTER TABLE person DROP CONSTRAINT person_status_check;
ALTER TABLE person ADD CONSTRAINT person_status_check
  CHECK (status IN ('masses','applicant','activist','candidate','probationary','full','left','suspended','deceased'));
-- ID numbers are unique among living persons in the pipeline or on the roll.
CREATE UNIQUE INDEX person_id_no_living ON person (id_no_hash) WHERE status IN ('applicant','activist','candidate','probationary','full');
DROP INDEX person_id_no_current;
CREATE INDEX person_id_no_hash ON person (id_no_hash);

-- One file per application. state: open → archived (converted and filed),
-- or closed without admission (rejected, withdrawn, cancelled).
CREATE TABLE dev_file (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id     uuid NOT NULL REFERENCES person(id),
  org_id        uuid NOT NULL REFERENCES org(id),
  region_key    uuid,
  applied_on    date NOT NULL,
  state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open','archived','rejected','withdrawn','cancelled')),
  stage         smallint NOT NULL DEFAULT 1 CHECK (stage BETWEEN 1 AND 5),
  last_step     smallint NOT NULL DEFAULT 1 CHECK (last_step BETWEEN 1 AND 25),
  leaves_unit_on date,
  closed_on     date,
  close_reason  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  version       integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX dev_file_one_open ON dev_file (person_id) WHERE state = 'open';
CREATE INDEX dev_file_org ON dev_file (org_id, state);
CREATE INDEX dev_file_person ON dev_file (person_id);

-- One row per recorded step (append-only): its date, the people involved,
-- the decision body, step data and attachments, and who recorded it. Steps 6
-- and 21 (考察) repeat; 22–24 repeat once after an extension of probation.
CREATE TABLE dev_step (
  id             bigserial PRIMARY KEY,
  file_id        uuid NOT NULL REFERENCES dev_file(id),
  step_no        smallint NOT NULL CHECK (step_no BETWEEN 1 AND 25),
  step_date      date NOT NULL,
  decision_body  text,
  people         jsonb NOT NULL DEFAULT '{}',
  data           jsonb NOT NULL DEFAULT '{}',
  note           text,
  attachment_ids uuid[] NOT NULL DEFAULT '{}',
  rule_version_id uuid REFERENCES rule_version(id),
  actor_id       uuid,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dev_step_file ON dev_step (file_id, step_no, step_date);
CREATE TRIGGER dev_step_append_only BEFORE UPDATE OR DELETE ON dev_step FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- 支部大会 votes: one admission vote per file, one conversion vote per probation round.
CREATE TABLE dev_vote (
  file_id        uuid NOT NULL REFERENCES dev_file(id),
  kind           text NOT NULL CHECK (kind IN ('admission','conversion')),
  round          smallint NOT NULL DEFAULT 1,
  meeting_date   date NOT NULL,
  expected       integer NOT NULL CHECK (expected >= 1),
  registry_count integer NOT NULL,
  expected_note  text,
  present        integer NOT NULL CHECK (present >= 0),
  written        integer NOT NULL CHECK (written >= 0),
  yes            integer NOT NULL CHECK (yes >= 0),
  no             integer NOT NULL CHECK (no >= 0),
  abstain        integer NOT NULL CHECK (abstain >= 0),
  is_quorate     boolean NOT NULL,
  is_passed      boolean NOT NULL,
  outcome        text CHECK (outcome IN ('convert','extend','cancel')),
  extension_months smallint,
  actor_id       uuid,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (file_id, kind, round)
);
CREATE TRIGGER dev_vote_append_only BEFORE UPDATE OR DELETE ON dev_vote FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- The deadline engine's projection: what is due next on each open file. Rebuilt
-- from the steps whenever a step is recorded and by the daily job.
CREATE TABLE dev_deadline (
  file_id      uuid NOT NULL REFERENCES dev_file(id),
  kind         text NOT NULL,
  due          date NOT NULL,
  extended_due date,
  provisional  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (file_id, kind)
);
CREATE INDEX dev_deadline_due ON dev_deadline (due);

-- 思想汇报 uploaded by the applicant (or by the branch on their behalf).
CREATE TABLE dev_report (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  file_id      uuid NOT NULL REFERENCES dev_file(id),
  title        text NOT NULL,
  stored_file_id uuid NOT NULL REFERENCES stored_file(id),
  submitted_on date NOT NULL,
  actor_id     uuid,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dev_report_file ON dev_report (file_id, submitted_on);

-- Annual development plan (发展计划) per org and year.
CREATE TABLE dev_plan (
  org_id      uuid NOT NULL REFERENCES org(id),
  year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  planned     integer NOT NULL CHECK (planned >= 0),
  note        text,
  updated_by  uuid,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, year)
);

-- How far ahead the deadline reminders go out (a deployment setting, not a statute).
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('development', 'reminders', '2014-06-10', '本平台默认设置：期限前7天和前1天提醒，逾期当天提醒一次（可按本地要求调整）', '{"aheadDays":[7,1]}');
