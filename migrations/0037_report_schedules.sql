-- Scheduled reports (issue 16): a saved report delivered monthly or quarterly
-- to its owner's notification centre as a file of the chosen format, for the
-- month or quarter just ended; each delivery kept for download.
ALTER TABLE saved_report
  ADD COLUMN schedule text CHECK (schedule IN ('monthly', 'quarterly')),
  ADD COLUMN schedule_format text CHECK (schedule_format IN ('xlsx', 'pdf', 'docx')),
  -- the first day of the next period to deliver (delivered on or after it)
  ADD COLUMN next_run_on date,
  ADD CONSTRAINT saved_report_schedule_whole CHECK ((schedule IS NULL) = (schedule_format IS NULL) AND (schedule IS NULL) = (next_run_on IS NULL));
CREATE INDEX saved_report_due ON saved_report (next_run_on) WHERE schedule IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE report_delivery (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  saved_report_id  uuid NOT NULL REFERENCES saved_report(id),
  account_id       uuid NOT NULL REFERENCES account(id),
  period_from      date NOT NULL,
  period_to        date NOT NULL,
  storage_key      text NOT NULL,
  file_name        text NOT NULL,
  content_type     text NOT NULL,
  size_bytes       integer NOT NULL,
  created_at       timestamptz NOT NULL,
  UNIQUE (saved_report_id, period_from)
);
CREATE INDEX report_delivery_account ON report_delivery (account_id, created_at DESC);
