-- B6: the monthly bill generation inserts a whole tree's bills for one month
-- (40,000 rows at county tier) into a table holding years of them. Indexes
-- led by person_id or a random uuid spread those inserts over every leaf page,
-- and after each checkpoint every page touched costs a full-page image in the
-- WAL (measured: 38,000 page images, 126 MB of WAL, for one month). Indexes
-- led by month put a new month's entries at the right edge instead; bill ids
-- are UUIDv7 (time-ordered, assigned by the generator) for the same reason.
--
-- A member's bills are found through the small partial index of open
-- (unpaid or exempt) bills and, once paid, through their ledger entries
-- (dues_entry_person), so no person-leading index over all bills is kept.

ALTER TABLE dues_bill DROP CONSTRAINT dues_bill_person_id_month_key;
CREATE UNIQUE INDEX dues_bill_month_person ON dues_bill (month, person_id);
ALTER TABLE dues_bill ADD CONSTRAINT dues_bill_month_person_key UNIQUE USING INDEX dues_bill_month_person;

DROP INDEX dues_bill_org_month;
CREATE INDEX dues_bill_month_org ON dues_bill (month, org_id);

DROP INDEX dues_bill_unpaid;
CREATE INDEX dues_bill_open ON dues_bill (person_id, month) WHERE paid_on IS NULL;
