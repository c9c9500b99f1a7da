-- Points (积分, RULES §7 and §8; PRODUCT M6): a double-entry, append-only
-- ledger. A transaction (point_txn) is one business operation — an award, a
-- deduction, a reservation for the mall and its confirmation or release, a
-- refund, an expiry, a reversal — and its entries (point_entry) move points
-- between accounts and sum to zero. Member-side accounts (a member's
-- balance, their reservations on hold) carry a cached balance and a hash
-- chain; the other side (the branch pool that issues points, the mall, the
-- expiry sink) is only appended to, so that concurrent awards of one branch
-- do not queue on one row. Nothing here is updated or deleted.

CREATE TABLE point_account (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind       text NOT NULL CHECK (kind IN ('member', 'hold', 'pool', 'mall', 'expiry')),
  person_id  uuid REFERENCES person(id),
  org_id     uuid REFERENCES org(id),
  -- member and hold accounts: the cached sum of their entries and the last hash of their chain
  balance    bigint,
  last_hash  text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind IN ('member', 'hold')) = (person_id IS NOT NULL)),
  CHECK ((kind = 'pool') = (org_id IS NOT NULL)),
  CHECK ((kind IN ('member', 'hold')) = (balance IS NOT NULL AND last_hash IS NOT NULL))
);
CREATE UNIQUE INDEX point_account_person ON point_account (kind, person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX point_account_org ON point_account (org_id) WHERE kind = 'pool';
CREATE UNIQUE INDEX point_account_system ON point_account (kind) WHERE kind IN ('mall', 'expiry');
INSERT INTO point_account (kind) VALUES ('mall'), ('expiry');

-- Branch-approved point rules: a proposal, then the 支部党员大会 vote that
-- approves it (RULES §1 arithmetic); an approved proposal becomes a rule
-- version scoped to the branch (rule_version.approval_id points back here).
CREATE TABLE point_rule_proposal (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL REFERENCES org(id),
  status          text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected', 'withdrawn')),
  effective_from  date NOT NULL,
  body            jsonb NOT NULL,
  note            text,
  proposed_by     uuid REFERENCES account(id),
  proposed_at     timestamptz NOT NULL DEFAULT now(),
  -- the vote (支部党员大会)
  meeting_id      uuid REFERENCES meeting(id),
  voted_on        date,
  expected        int,
  present         int,
  written         int,
  yes             int,
  no              int,
  abstain         int,
  decided_by      uuid REFERENCES account(id),
  decided_at      timestamptz,
  version         int NOT NULL DEFAULT 0
);
CREATE INDEX point_rule_proposal_org ON point_rule_proposal (org_id, proposed_at DESC);
ALTER TABLE rule_version ADD COLUMN approval_id uuid REFERENCES point_rule_proposal(id);

CREATE TABLE point_txn (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('award', 'deduction', 'reserve', 'confirm', 'release', 'refund', 'expire', 'reversal')),
  person_id       uuid NOT NULL REFERENCES person(id),
  -- the member's organisation when it happened (rollups and scope)
  org_id          uuid NOT NULL REFERENCES org(id),
  -- signed change of the member's spendable balance
  points          int NOT NULL,
  -- which item of the rules (e.g. dues.on_time, meeting.attended, manual) and which version
  item            text,
  rule_version_id uuid REFERENCES rule_version(id),
  -- the verified fact behind an award: one award per (item, fact, member)
  source_type     text,
  source_id       text,
  fact_date       date NOT NULL,
  reason          text,
  idempotency_key text UNIQUE,
  request_hash    text,
  reverses        bigint REFERENCES point_txn(id),
  reservation_id  bigint REFERENCES point_txn(id),
  -- an award's points expire on this day unless spent
  expires_on      date,
  actor_id        uuid REFERENCES account(id),
  approver_id     uuid REFERENCES account(id),
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'reversal' OR reverses IS NOT NULL),
  CHECK (kind NOT IN ('confirm', 'release') OR reservation_id IS NOT NULL)
);
CREATE UNIQUE INDEX point_txn_fact ON point_txn (item, source_type, source_id, person_id) WHERE kind = 'award' AND source_id IS NOT NULL;
CREATE UNIQUE INDEX point_txn_reversal ON point_txn (reverses) WHERE kind = 'reversal';
CREATE UNIQUE INDEX point_txn_settled ON point_txn (reservation_id) WHERE kind IN ('confirm', 'release');
CREATE INDEX point_txn_person ON point_txn (person_id, id);
CREATE INDEX point_txn_org_date ON point_txn (org_id, fact_date);
CREATE INDEX point_txn_open_reserve ON point_txn (recorded_at) WHERE kind = 'reserve';
CREATE TRIGGER point_txn_append_only BEFORE UPDATE OR DELETE ON point_txn FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE point_entry (
  id          bigserial PRIMARY KEY,
  txn_id      bigint NOT NULL REFERENCES point_txn(id),
  account_id  uuid NOT NULL REFERENCES point_account(id),
  amount      bigint NOT NULL CHECK (amount <> 0),
  -- member-side entries: chained per account (the other side: null)
  prev_hash   text,
  hash        text,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX point_entry_account ON point_entry (account_id, id);
CREATE INDEX point_entry_txn ON point_entry (txn_id);
CREATE TRIGGER point_entry_append_only BEFORE UPDATE OR DELETE ON point_entry FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Double entry, checked by the database at commit: every transaction's entries sum to zero.
CREATE OR REPLACE FUNCTION point_txn_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s bigint; n int;
BEGIN
  SELECT coalesce(sum(amount), 0), count(*) INTO s, n FROM point_entry WHERE txn_id = NEW.txn_id;
  IF s <> 0 OR n < 2 THEN
    RAISE EXCEPTION 'point transaction % does not balance (sum %, % entries)', NEW.txn_id, s, n USING ERRCODE = 'P0004';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER point_entry_balanced AFTER INSERT ON point_entry DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION point_txn_balanced();

-- A manual award or deduction above the rules' secondApproverAbove waits here for a second
-- person (points.approve, not the requester); approving it posts the transaction.
CREATE TABLE point_award_request (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id       uuid NOT NULL REFERENCES person(id),
  org_id          uuid NOT NULL REFERENCES org(id),
  item            text NOT NULL,
  points          int NOT NULL,
  fact_date       date NOT NULL,
  reason          text NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  request_hash    text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by    uuid NOT NULL REFERENCES account(id),
  requested_at    timestamptz NOT NULL DEFAULT now(),
  decided_by      uuid REFERENCES account(id),
  decided_at      timestamptz,
  decision_note   text,
  txn_id          bigint REFERENCES point_txn(id),
  CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
CREATE INDEX point_award_request_pending ON point_award_request (org_id) WHERE status = 'pending';

-- Per org (own members only, not the subtree) and month: points awarded, deducted, spent, expired;
-- moved in the same transaction as the entries; subtree figures sum over org paths.
CREATE TABLE point_rollup (
  org_id    uuid NOT NULL REFERENCES org(id),
  month     date NOT NULL,
  awarded   bigint NOT NULL DEFAULT 0,
  deducted  bigint NOT NULL DEFAULT 0,
  spent     bigint NOT NULL DEFAULT 0,
  expired   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, month)
);

-- The template a branch starts its proposal from (not in force for anyone: key member.template).
-- Items and numbers follow the sample of RULES §7 (组织生活 3 per time, cap 12 a year; 主题党日 2,
-- cap 8; dues on time; development duties; study); a branch changes them before its vote.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('points', 'member.template', '2024-01-01',
 'RULES §7 党员积分样例（非权威，仅作支部起草积分细则的模板；须经支部党员大会表决通过后才生效）',
 '{"items":[
   {"key":"meeting.attended","label":"参加三会一课","points":3,"caps":{"year":12},"meetingTypes":["branch_assembly","committee_meeting","group_meeting","party_lecture","life_meeting","democratic_review"]},
   {"key":"meeting.theme_day","label":"参加主题党日","points":2,"caps":{"year":8},"meetingTypes":["theme_day"]},
   {"key":"dues.on_time","label":"按时足额交纳党费","points":1,"caps":{"year":12}},
   {"key":"development.contact_duty","label":"履行培养联系人职责","points":2,"caps":{"year":8}},
   {"key":"manual.award","label":"先锋作用、表彰奖励（支部认定）","points":10,"caps":{"year":40}},
   {"key":"manual.deduction","label":"违反纪律、不履行义务（支部认定）","points":-20,"caps":{}}
 ],
 "expiry":{"yearsAfterAward":1},
 "secondApproverAbove":10}');

-- The ledger's operating numbers (local choices, not statute): how long the mall may hold a
-- reservation before it is given back, how far back the daily job looks for facts to award.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('points', 'ledger', '2024-01-01', '本平台约定（非法规）：积分商城冻结的积分48小时内未确认即退回；每日计分回看35天（会议记录锁定、补交等迟到的事实）',
 '{"reservationTtlHours":48,"awardLookbackDays":35}');
