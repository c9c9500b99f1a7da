-- Year closing of the Party statistics (issue 16, RULES §6): a committee's
-- frozen snapshot of every form for a year, taken once the year has ended and
-- its subordinate committees have closed theirs. Never changed afterwards;
-- what is recorded later (member_event ids above the watermark, dated in the
-- closed year) is listed as the next year's adjustment.
CREATE TABLE statistics_closing (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL REFERENCES org(id),
  year            int NOT NULL,
  closed_at       timestamptz NOT NULL,
  closed_by       uuid REFERENCES account(id),
  -- the last member change event the snapshot saw
  event_watermark bigint NOT NULL,
  -- form key → the form as computed at the closing (contracts/statistics.ts StatisticsForm)
  forms           jsonb NOT NULL,
  -- the reconciliation with the subordinate orgs at the closing
  reconciliation  jsonb NOT NULL,
  UNIQUE (org_id, year)
);
CREATE TRIGGER statistics_closing_append_only BEFORE UPDATE OR DELETE ON statistics_closing FOR EACH ROW EXECUTE FUNCTION forbid_change();
