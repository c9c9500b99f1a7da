-- Online payment hardening (security review 2026-12-04: C3, L3, L4, M3).

-- L4: one pending order per bill, enforced by the database. An order's bills
-- are listed here; `pending` is true while the order can still be paid. The
-- partial unique index refuses a second pending order for a bill whatever
-- the races between requests.
CREATE TABLE payment_order_bill (
  order_id uuid NOT NULL REFERENCES payment_order(id),
  bill_id  uuid NOT NULL,
  pending  boolean NOT NULL DEFAULT true,
  PRIMARY KEY (order_id, bill_id)
);
-- existing installations may already hold two pending orders for a bill: the newest one stays pending
INSERT INTO payment_order_bill (order_id, bill_id, pending)
SELECT id, bill_id, status = 'pending' AND row_number() OVER (PARTITION BY bill_id, status = 'pending' ORDER BY created_at DESC, id) = 1
FROM payment_order, unnest(bill_ids) AS bill_id
ON CONFLICT DO NOTHING;
CREATE UNIQUE INDEX payment_order_bill_one_pending ON payment_order_bill (bill_id) WHERE pending;
CREATE INDEX payment_order_pending ON payment_order (created_at) WHERE status = 'pending';

-- M3: notifications are kept as a bounded digest; the body only when its signature verified.
ALTER TABLE payment_notification
  ALTER COLUMN body DROP NOT NULL,
  ADD COLUMN body_sha256 text,
  ADD COLUMN body_bytes integer;
UPDATE payment_notification SET body_sha256 = encode(sha256(convert_to(body::text, 'UTF8')), 'hex'), body_bytes = octet_length(body::text);
UPDATE payment_notification SET body = NULL WHERE NOT verified;

-- C3: a reconciliation is stored per scope (the installation for the daily job,
-- the caller's grants for a committee) and never overwrites another scope's.
ALTER TABLE dues_reconciliation
  ADD COLUMN scope_key text NOT NULL DEFAULT 'installation',
  ADD COLUMN requested_by uuid,
  DROP CONSTRAINT dues_reconciliation_provider_day_key,
  ADD CONSTRAINT dues_reconciliation_scope_day_key UNIQUE (provider, day, scope_key);

-- L3: the canonical request an idempotency key was first used for (sha256),
-- so that the same key with another body is refused instead of replayed.
ALTER TABLE dues_entry ADD COLUMN request_hash text;
