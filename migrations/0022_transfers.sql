-- Relation transfers (组织关系转接, issue 12; RULES §4). A transfer is a state
-- machine over one letter:
--   draft → pending_approval (scopes that need approval hops) → issued →
--   accepted, or rejected / revoked / expired.
-- kind: internal   both branches in this installation: the receiving branch accepts;
--       outgoing   to an organisation outside: the sending side confirms departure
--                  on the returned receipt (回执);
--       incoming   a paper letter from outside, registered by the receiving branch.
-- The member stays in the sending branch until acceptance (one open membership
-- at every moment); acceptance writes the relation, the member events and the
-- rollups in one transaction (member domain transitions). Scope is read through
-- the live org rows (an org moved with its members keeps its letters in view).

CREATE TABLE transfer (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind            text NOT NULL CHECK (kind IN ('internal','outgoing','incoming')),
  scope           text NOT NULL CHECK (scope IN ('committee','county','installation','province','national')),
  status          text NOT NULL CHECK (status IN ('draft','pending_approval','issued','accepted','rejected','revoked','expired')),
  person_id       uuid REFERENCES person(id),
  -- the person as the letter states them (name, sex, membership status, masked ID);
  -- for an incoming paper letter the person exists only after acceptance
  person_name     text NOT NULL,
  member_status   text NOT NULL CHECK (member_status IN ('full','probationary')),
  from_org_id     uuid REFERENCES org(id),
  from_org_name   text NOT NULL,
  to_org_id       uuid REFERENCES org(id),
  to_org_name     text NOT NULL,
  -- the committee that issues the letter (the sending branch's 基层党委) and numbers it
  issuer_org_id   uuid REFERENCES org(id),
  region_key      uuid,
  reason          text NOT NULL,
  letter_year     integer,
  letter_no       integer,
  letter_code     text UNIQUE,
  -- the verification code printed as a QR code (≥ 128 bits, base64url)
  verify_code     text UNIQUE,
  issued_on       date,
  valid_days      integer CHECK (valid_days BETWEEN 1 AND 366),
  valid_until     date,
  dues_paid_to    date,
  approvals_needed smallint NOT NULL DEFAULT 0,
  approvals_done  smallint NOT NULL DEFAULT 0,
  accepted_on     date,
  receipt_due     date,
  receipt_on      date,
  closed_reason   text,
  -- an incoming paper letter: its number and issuer as printed
  external_letter_no text,
  external_org_name  text,
  incoming_record jsonb,
  rule_version_id uuid REFERENCES rule_version(id),
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  UNIQUE (issuer_org_id, letter_year, letter_no)
);
-- one open transfer per member
CREATE UNIQUE INDEX transfer_one_open ON transfer (person_id) WHERE status IN ('draft','pending_approval','issued');
CREATE INDEX transfer_from_org ON transfer (from_org_id, status);
CREATE INDEX transfer_to_org ON transfer (to_org_id, status);
CREATE INDEX transfer_status ON transfer (status, valid_until);
CREATE INDEX transfer_person ON transfer (person_id, created_at);

-- Every transition, append-only: who, when, why, under which rule version.
CREATE TABLE transfer_event (
  id              bigserial PRIMARY KEY,
  transfer_id     uuid NOT NULL REFERENCES transfer(id),
  action          text NOT NULL CHECK (action IN ('created','issued','approved','accepted','rejected','revoked','expired','reissued','registered','receipt')),
  from_status     text,
  to_status       text NOT NULL,
  event_date      date NOT NULL,
  org_id          uuid,
  note            text,
  rule_version_id uuid,
  actor_id        uuid,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transfer_event_transfer ON transfer_event (transfer_id, id);
CREATE TRIGGER transfer_event_append_only BEFORE UPDATE OR DELETE ON transfer_event FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Letter numbers: per issuing committee per year, without gaps.
CREATE TABLE transfer_letter_seq (
  issuer_org_id uuid NOT NULL REFERENCES org(id),
  year          integer NOT NULL,
  last_no       integer NOT NULL,
  PRIMARY KEY (issuer_org_id, year)
);

-- RULES §4: validity by scope, approval hops, receipt within one month.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('transfer', 'letter', '2004-01-01',
 '中共中央组织部《关于党员组织关系接转工作的有关规定》及《中国共产党党员组织关系介绍信》使用说明：介绍信有效期一般市内10天、市外30天，最长不超过3个月（跨省有效期各地规定不一，可按本地要求调整）；接收党组织自党员报到之日起1个月内寄回回执；组织关系转接按接转范围逐级审核',
 '{"scopes":{"committee":{"validityDays":10,"approvals":0},"county":{"validityDays":10,"approvals":1},"installation":{"validityDays":10,"approvals":1},"province":{"validityDays":30,"approvals":1},"national":{"validityDays":90,"approvals":1}},"maxValidityDays":90,"receiptDays":30,"remindDaysBeforeExpiry":3}');
