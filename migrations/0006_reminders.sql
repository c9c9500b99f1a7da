-- Reminders sent, so that a scheduled reminder job notifies once per object
-- and milestone however often it runs (and on however many instances).
CREATE TABLE reminder_log (
  kind        text NOT NULL,
  object_id   uuid NOT NULL,
  period_key  text NOT NULL,
  sent_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, object_id, period_key)
);
CREATE INDEX session_expiry ON session (expires_at);
