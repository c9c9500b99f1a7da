-- 积分商城 (issue 17, PRODUCT M9): goods and services a community's or unit's
-- Party organisation supplies for points. A redemption reserves the member's
-- points (a `reserve` point_txn, its source the redemption) and the stock in
-- one transaction; the pick-up desk checks the code and confirms the points;
-- a cancellation or an expired pick-up releases both. The stock ledger is
-- append-only; an item's counters (stock free now, reserved, fulfilled) are
-- moved in the same transaction as the facts and can be recomputed from them.

CREATE TABLE mall_item (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  supplier_org_id  uuid NOT NULL REFERENCES org(id),
  -- whose members may redeem it: the subtree of this org
  audience_org_id  uuid NOT NULL REFERENCES org(id),
  kind             text NOT NULL CHECK (kind IN ('goods', 'service')),
  name             text NOT NULL,
  description      text NOT NULL DEFAULT '',
  points_price     int NOT NULL CHECK (points_price > 0),
  per_person_limit int CHECK (per_person_limit IS NULL OR per_person_limit > 0),
  sale_from        date NOT NULL,
  sale_to          date CHECK (sale_to IS NULL OR sale_to >= sale_from),
  pickup_place     text NOT NULL,
  status           text NOT NULL DEFAULT 'on_sale' CHECK (status IN ('on_sale', 'withdrawn')),
  -- counters moved with the facts (mall verify recomputes them)
  stock            int NOT NULL CHECK (stock >= 0),
  reserved         int NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  fulfilled        int NOT NULL DEFAULT 0 CHECK (fulfilled >= 0),
  region_key       uuid,
  created_by       uuid REFERENCES account(id),
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  version          int NOT NULL DEFAULT 0
);
CREATE INDEX mall_item_supplier ON mall_item (supplier_org_id, created_at DESC);
CREATE INDEX mall_item_audience ON mall_item (audience_org_id) WHERE status = 'on_sale';

CREATE TABLE mall_redemption (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  item_id          uuid NOT NULL REFERENCES mall_item(id),
  person_id        uuid NOT NULL REFERENCES person(id),
  -- the member's organisation when they redeemed
  org_id           uuid NOT NULL REFERENCES org(id),
  quantity         int NOT NULL CHECK (quantity > 0),
  points           int NOT NULL CHECK (points > 0),
  status           text NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'fulfilled', 'cancelled', 'expired')),
  code             text NOT NULL,
  reservation_txn  bigint NOT NULL REFERENCES point_txn(id),
  settle_txn       bigint REFERENCES point_txn(id),
  idempotency_key  text NOT NULL UNIQUE,
  request_hash     text NOT NULL,
  redeemed_at      timestamptz NOT NULL,
  pickup_by        date NOT NULL,
  settled_at       timestamptz,
  settled_by       uuid REFERENCES account(id),
  cancel_reason    text,
  region_key       uuid,
  CHECK ((status = 'reserved') = (settle_txn IS NULL))
);
-- a code identifies one redemption waiting at the desk
CREATE UNIQUE INDEX mall_redemption_open_code ON mall_redemption (code) WHERE status = 'reserved';
CREATE INDEX mall_redemption_item ON mall_redemption (item_id, redeemed_at DESC);
CREATE INDEX mall_redemption_person ON mall_redemption (person_id, redeemed_at DESC);
CREATE INDEX mall_redemption_due ON mall_redemption (pickup_by) WHERE status = 'reserved';

-- The supplier's stock ledger: every change of an item's free stock.
CREATE TABLE mall_stock_entry (
  id             bigserial PRIMARY KEY,
  item_id        uuid NOT NULL REFERENCES mall_item(id),
  kind           text NOT NULL CHECK (kind IN ('stock_in', 'adjust_out', 'redeem', 'release')),
  quantity       int NOT NULL CHECK (quantity <> 0),
  stock_after    int NOT NULL CHECK (stock_after >= 0),
  reason         text,
  redemption_id  uuid REFERENCES mall_redemption(id),
  actor_id       uuid REFERENCES account(id),
  at             timestamptz NOT NULL
);
CREATE INDEX mall_stock_entry_item ON mall_stock_entry (item_id, id);
CREATE TRIGGER mall_stock_entry_append_only BEFORE UPDATE OR DELETE ON mall_stock_entry FOR EACH ROW EXECUTE FUNCTION forbid_change();

INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('mall', 'redemption', '2024-01-01',
 '本平台约定（非法规）：积分商城兑换后须在14天内凭兑换码到领取地点领取，逾期未领的兑换自动取消，积分和库存退回；一次最多兑换10件',
 '{"pickupDays":14,"maxQuantityPerOrder":10}');
