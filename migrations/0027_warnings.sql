-- One warning centre (issue 15): every module's warnings in one table, found by
-- a periodic scan of the modules' registered detectors (development deadlines,
-- dues arrears, the org setup checks, 换届, transfers, meeting compliance, the
-- branch index, later projects and cases). A warning is one occurrence of a
-- condition on one subject (`key` = kind + subject): it is opened when a scan
-- first finds it, kept up to date while scans still find it, and cleared
-- automatically once a scan no longer does (the fact changed). The people
-- responsible acknowledge it or resolve it with a note; a warning whose level
-- rises after that is open again.

CREATE TABLE warning (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key              text NOT NULL,
  module           text NOT NULL,
  kind             text NOT NULL,
  org_id           uuid NOT NULL REFERENCES org(id),
  person_id        uuid REFERENCES person(id),
  title            text NOT NULL,
  detail           text NOT NULL,
  level            text NOT NULL CHECK (level IN ('error', 'warning', 'info')),
  source           text,
  link             text NOT NULL,
  due_on           date,
  -- when the triggering fact arose (a deadline passed, a month went unpaid); NULL where the detector cannot know
  fact_at          timestamptz,
  discovered_at    timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  acknowledged_by  uuid REFERENCES account(id),
  acknowledged_at  timestamptz,
  resolved_by      uuid REFERENCES account(id),
  resolved_at      timestamptz,
  note             text,
  -- set when a scan no longer finds the condition: the occurrence is over (resolved_by NULL: automatically)
  cleared_at       timestamptz
);
-- one live occurrence per key; a cleared one stays as history
CREATE UNIQUE INDEX warning_live_key ON warning (key) WHERE cleared_at IS NULL;
CREATE INDEX warning_live_org ON warning (org_id, level) WHERE cleared_at IS NULL;
CREATE INDEX warning_cleared ON warning (cleared_at DESC) WHERE cleared_at IS NOT NULL;

-- each scan's outcome: when it ran, what it found, which detectors failed (their warnings left as they were)
CREATE TABLE warning_scan (
  id          bigserial PRIMARY KEY,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  found       int NOT NULL,
  opened      int NOT NULL,
  cleared     int NOT NULL,
  failed      text[] NOT NULL DEFAULT '{}'
);
