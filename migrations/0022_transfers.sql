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

-- Numbers of letters and of 流动党员活动证: per issuing committee, year and kind, without gaps.
CREATE TABLE transfer_letter_seq (
  issuer_org_id uuid NOT NULL REFERENCES org(id),
  year          integer NOT NULL,
  kind          text NOT NULL DEFAULT 'letter' CHECK (kind IN ('letter','flow')),
  last_no       integer NOT NULL,
  PRIMARY KEY (issuer_org_id, year, kind)
);

-- RULES §4: validity by scope, approval hops, receipt within one month.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('transfer', 'letter', '2004-01-01',
 '中共中央组织部《关于党员组织关系接转工作的有关规定》及《中国共产党党员组织关系介绍信》使用说明：介绍信有效期一般市内10天、市外30天，最长不超过3个月（跨省有效期各地规定不一，可按本地要求调整）；接收党组织自党员报到之日起1个月内寄回回执；组织关系转接按接转范围逐级审核',
 '{"scopes":{"committee":{"validityDays":10,"approvals":0},"county":{"validityDays":10,"approvals":1},"installation":{"validityDays":10,"approvals":1},"province":{"validityDays":30,"approvals":1},"national":{"validityDays":90,"approvals":1}},"maxValidityDays":90,"receiptDays":30,"remindDaysBeforeExpiry":3}');

-- 流动党员 (RULES §4): away ≤ 6 months, or long-term but unable to transfer —
-- the 流动党员活动证, issued and numbered by the 基层党委, registered at the
-- place of arrival (a branch there sees the member and their organisational
-- life; no vote there), renewed, returned; a yearly report home. The member's
-- formal relation stays at home throughout.
CREATE TABLE flow_certificate (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id       uuid NOT NULL REFERENCES person(id),
  org_id          uuid NOT NULL REFERENCES org(id),
  issuer_org_id   uuid NOT NULL REFERENCES org(id),
  cert_year       integer NOT NULL,
  cert_no         integer NOT NULL,
  destination     text NOT NULL,
  -- the branch at the place of arrival where the member joins organisational life (registered there)
  host_org_id     uuid REFERENCES org(id),
  reason          text NOT NULL,
  issued_on       date NOT NULL,
  valid_until     date NOT NULL,
  registered_on   date,
  returned_on     date,
  last_report_on  date,
  status          text NOT NULL CHECK (status IN ('issued','registered','returned')),
  rule_version_id uuid REFERENCES rule_version(id),
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  UNIQUE (issuer_org_id, cert_year, cert_no)
);
CREATE UNIQUE INDEX flow_certificate_one_open ON flow_certificate (person_id) WHERE status <> 'returned';
CREATE INDEX flow_certificate_org ON flow_certificate (org_id, status);
CREATE INDEX flow_certificate_host ON flow_certificate (host_org_id, status);

CREATE TABLE flow_event (
  id              bigserial PRIMARY KEY,
  certificate_id  uuid NOT NULL REFERENCES flow_certificate(id),
  action          text NOT NULL CHECK (action IN ('issued','registered','renewed','reported','returned')),
  event_date      date NOT NULL,
  org_id          uuid,
  note            text,
  actor_id        uuid,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flow_event_certificate ON flow_event (certificate_id, id);
CREATE TRIGGER flow_event_append_only BEFORE UPDATE OR DELETE ON flow_event FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- 失联党员 (RULES §4): every attempt to reach a member, reached or not
-- (append-only). A member is out of contact when the last sign of contact —
-- a reached attempt, a dues payment, the start of their relation — is more
-- than 6 months old.
CREATE TABLE member_contact (
  id              bigserial PRIMARY KEY,
  person_id       uuid NOT NULL REFERENCES person(id),
  org_id          uuid NOT NULL REFERENCES org(id),
  contact_on      date NOT NULL,
  method          text NOT NULL CHECK (method IN ('phone','visit','message','letter','other')),
  reached         boolean NOT NULL,
  note            text,
  actor_id        uuid,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_contact_person ON member_contact (person_id, contact_on DESC);
CREATE TRIGGER member_contact_append_only BEFORE UPDATE OR DELETE ON member_contact FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- The branch's decision on a member out of contact or in 自行脱党 territory,
-- approved by the superior committee: 停止党籍, 除名 (自行脱党), or 恢复联系.
CREATE TABLE lost_contact_decision (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id       uuid NOT NULL REFERENCES person(id),
  org_id          uuid NOT NULL REFERENCES org(id),
  kind            text NOT NULL CHECK (kind IN ('suspend','lapse','restore')),
  resolution_on   date NOT NULL,
  resolution      text NOT NULL,
  facts           jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('proposed','approved','rejected')),
  decided_on      date,
  decided_by      uuid,
  decision_note   text,
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX lost_contact_decision_one_open ON lost_contact_decision (person_id) WHERE status = 'proposed';
CREATE INDEX lost_contact_decision_org ON lost_contact_decision (org_id, status);

INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('transfer', 'mobility', '2006-01-01',
 '中共中央组织部《关于加强和改进流动党员管理工作的意见》：外出6个月以上且地点相对固定的应转移组织关系；6个月以下或无法转移的发放《流动党员活动证》，由基层党委发放和登记；流入地党组织可组织其参加组织生活，不享有表决权、选举权和被选举权；3人以上可成立临时党支部或党小组；流动党员每年至少向原党组织报告一次情况',
 '{"certificateValidityMonths":12,"reportEveryMonths":12,"awayMonthsForTransfer":6,"temporaryBranchMin":3}'),
('transfer', 'lost_contact', '2013-01-01',
 '《中国共产党章程》第九条：党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党；中共中央组织部关于做好失联党员排查工作的通知：与党组织失去联系超过6个月的为失联党员',
 '{"lostAfterMonths":6,"lapseAfterMonths":6}');

-- A member's own request to transfer, from the phone: the branch decides (it
-- drafts a letter, which closes the request, or declines with a reason).
CREATE TABLE transfer_request (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id       uuid NOT NULL REFERENCES person(id),
  org_id          uuid NOT NULL REFERENCES org(id),
  to_org_id       uuid REFERENCES org(id),
  destination     text NOT NULL,
  reason          text NOT NULL,
  status          text NOT NULL CHECK (status IN ('open','drafted','declined','withdrawn')),
  transfer_id     uuid REFERENCES transfer(id),
  answer          text,
  answered_by     uuid,
  answered_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX transfer_request_one_open ON transfer_request (person_id) WHERE status = 'open';
CREATE INDEX transfer_request_org ON transfer_request (org_id, status);
