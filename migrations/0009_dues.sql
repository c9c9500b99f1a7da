-- Party dues (issue 4, RULES §2): rates as a rule version, members' bases,
-- monthly bills, an append-only hash-chained ledger of money movements,
-- online payment orders, 少交/免交 requests and per-org monthly rollups.
-- Amounts are integer 分 (fen); months are the first day of the month.

INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('dues', 'rates', '2008-04-01',
 '《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）：在职党员以每月工资收入（税后）为计算基数，3000元以下（含）按0.5%、3000至5000元（含）按1%、5000至10000元（含）按1.5%、10000元以上按2%交纳；离退休党员以每月离退休费为基数，5000元以下（含）按0.5%、5000元以上按1%交纳；农民党员每月交纳0.2元至1元（由省区市党委组织部确定）；学生、下岗失业、依靠抚恤或救济生活、领取低保的党员每月交纳0.2元；一次性交纳1000元以上的党费全部上缴中央；补交一般不超过6个月；连续6个月不交纳党费按自行脱党处理',
 '{"salariedBrackets":[{"upToFen":300000,"rateBp":50},{"upToFen":500000,"rateBp":100},{"upToFen":1000000,"rateBp":150},{"upToFen":null,"rateBp":200}],
   "retiredBrackets":[{"upToFen":500000,"rateBp":50},{"upToFen":null,"rateBp":100}],
   "farmerFen":20,"fixedFen":20,"rounding":"fen","deductSocialInsurance":false,
   "backPayMaxMonths":6,"voluntaryLargeFen":100000,"arrearsWarnMonths":3,"arrearsActionMonths":6}');

-- A member's dues category and monthly base from a month on (append-only; the
-- latest row effective on or before a month applies). components explain the
-- base: [{ "item": "岗位工资", "kind": "include"|"exclude"|"deduct", "amountFen": 123400 }].
CREATE TABLE dues_base (
  id              bigserial PRIMARY KEY,
  person_id       uuid NOT NULL REFERENCES person(id),
  category        text NOT NULL CHECK (category IN ('in_service','annual_salary','self_employed','retired','farmer','student','unemployed','relief','low_income')),
  base_fen        bigint CHECK (base_fen IS NULL OR base_fen >= 0),
  components      jsonb NOT NULL DEFAULT '[]',
  effective_month date NOT NULL CHECK (extract(day FROM effective_month) = 1),
  note            text,
  actor_id        uuid,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dues_base_person ON dues_base (person_id, effective_month DESC, id DESC);
CREATE TRIGGER dues_base_append_only BEFORE UPDATE OR DELETE ON dues_base FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- 少交 / 免交: the branch proposes, the next-level committee decides.
CREATE TABLE dues_reduction (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id     uuid NOT NULL REFERENCES person(id),
  org_id        uuid NOT NULL REFERENCES org(id),
  kind          text NOT NULL CHECK (kind IN ('reduce','exempt')),
  from_month    date NOT NULL,
  to_month      date NOT NULL,
  monthly_fen   bigint NOT NULL DEFAULT 0 CHECK (monthly_fen >= 0),
  reason        text NOT NULL,
  evidence_ids  uuid[] NOT NULL DEFAULT '{}',
  status        text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','approved','rejected','withdrawn')),
  proposed_by   uuid,
  proposed_at   timestamptz NOT NULL DEFAULT now(),
  decided_by    uuid,
  decided_at    timestamptz,
  decision_note text,
  CHECK (to_month >= from_month)
);
CREATE INDEX dues_reduction_person ON dues_reduction (person_id, status);

-- One bill per member and month: what is due, how it was computed.
-- person_id and org_id carry no foreign-key triggers: the bills of a whole
-- tree are written in bulk each month (B6) by the generator, which takes them
-- from existing formal relations; persons and orgs are never deleted.
CREATE TABLE dues_bill (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id       uuid NOT NULL,
  org_id          uuid NOT NULL,
  region_key      uuid,
  month           date NOT NULL CHECK (extract(day FROM month) = 1),
  category        text NOT NULL,
  base_fen        bigint,
  rate_bp         integer,
  computed_fen    bigint NOT NULL CHECK (computed_fen >= 0),
  due_fen         bigint NOT NULL CHECK (due_fen >= 0),
  -- provenance (not foreign keys: bills are written in bulk every month, and
  -- bases, reductions and rule versions are never deleted)
  base_id         bigint,
  reduction_id    uuid,
  rule_version_id uuid NOT NULL,
  -- cache of the paying entry (the ledger is the truth): a paid bill is never recomputed
  paid_on         date,
  generated_at    timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  UNIQUE (person_id, month)
);
CREATE INDEX dues_bill_org_month ON dues_bill (org_id, month);
CREATE INDEX dues_bill_unpaid ON dues_bill (person_id, month) WHERE paid_on IS NULL AND due_fen > 0;

-- Online payment orders (one provider order covers one or more bills).
CREATE TABLE payment_order (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  out_trade_no      text NOT NULL UNIQUE,
  person_id         uuid NOT NULL REFERENCES person(id),
  org_id            uuid NOT NULL REFERENCES org(id),
  bill_ids          uuid[] NOT NULL,
  amount_fen        bigint NOT NULL CHECK (amount_fen > 0),
  provider          text NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','paid','closed','failed')),
  provider_trade_no text,
  created_by        uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  paid_at           timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_order_person ON payment_order (person_id, created_at DESC);

-- Every money movement: append-only, idempotent, chained per member.
-- As with bills, person_id and org_id are copied from the bill or the member
-- record and carry no foreign-key triggers (bulk loads of years of history).
CREATE TABLE dues_entry (
  id              bigserial PRIMARY KEY,
  person_id       uuid NOT NULL,
  org_id          uuid NOT NULL,
  region_key      uuid,
  bill_id         uuid REFERENCES dues_bill(id),
  kind            text NOT NULL CHECK (kind IN ('payment','voluntary')),
  amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
  method          text NOT NULL CHECK (method IN ('cash','transfer','online')),
  payer_name      text,
  paid_on         date NOT NULL,
  order_id        uuid REFERENCES payment_order(id),
  idempotency_key text NOT NULL UNIQUE,
  rule_version_id uuid REFERENCES rule_version(id),
  note            text,
  actor_id        uuid,
  prev_hash       text NOT NULL,
  hash            text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dues_entry_person ON dues_entry (person_id, id);
CREATE INDEX dues_entry_bill ON dues_entry (bill_id);
CREATE INDEX dues_entry_org_paid ON dues_entry (org_id, paid_on);
CREATE TRIGGER dues_entry_append_only BEFORE UPDATE OR DELETE ON dues_entry FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Payment notifications as received (verified or not), for audit and reconciliation.
CREATE TABLE payment_notification (
  id           bigserial PRIMARY KEY,
  provider     text NOT NULL,
  out_trade_no text,
  body         jsonb NOT NULL,
  verified     boolean NOT NULL,
  outcome      text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);

-- Daily reconciliation against the provider's statement.
CREATE TABLE dues_reconciliation (
  id          bigserial PRIMARY KEY,
  provider    text NOT NULL,
  day         date NOT NULL,
  matched     integer NOT NULL,
  differences jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, day)
);

-- Read model: per org (its whole subtree) and month, kept in the same
-- transaction as bills and payments; checked against raw recomputation.
CREATE TABLE dues_rollup (
  org_id         uuid NOT NULL REFERENCES org(id),
  month          date NOT NULL,
  bills          integer NOT NULL DEFAULT 0,
  due_fen        bigint NOT NULL DEFAULT 0,
  paid_fen       bigint NOT NULL DEFAULT 0,
  paid_on_time_fen bigint NOT NULL DEFAULT 0,
  bills_paid     integer NOT NULL DEFAULT 0,
  bills_on_time  integer NOT NULL DEFAULT 0,
  voluntary_fen  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, month)
);
