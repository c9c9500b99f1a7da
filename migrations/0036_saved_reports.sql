-- The report builder's saved reports (自定义报表, issue 16): a name, the spec
-- (contracts/reports.ts ReportSpec: subject, dimensions, measures, filters,
-- period) and the org it was made for; shared ones are listed to everyone
-- whose scope covers that org, each reading it within their own scope.
CREATE TABLE saved_report (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  shared      boolean NOT NULL DEFAULT false,
  owner_id    uuid NOT NULL REFERENCES account(id),
  org_id      uuid NOT NULL REFERENCES org(id),
  spec        jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  deleted_at  timestamptz
);
CREATE INDEX saved_report_owner ON saved_report (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX saved_report_shared ON saved_report (org_id) WHERE shared AND deleted_at IS NULL;
