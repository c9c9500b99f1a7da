-- The superior committee's assessment of its branches (issue 14; the seed:
-- branch points = the average of its members' points + the superior's
-- assessment points, and the rules the superior uses for a branch are agreed by
-- the branch). A scheme is a rule version (domain points, key assessment,
-- scoped to the committee, for one year); it applies to a branch only once the
-- branch's 支部党员大会 agreed to it (assessment_agreement, the RULES §1
-- arithmetic); the superior then scores each item with its evidence
-- (assessment_score, append-only: a correction is a new row superseding one).

CREATE TABLE assessment_agreement (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rule_version_id uuid NOT NULL REFERENCES rule_version(id),
  org_id          uuid NOT NULL REFERENCES org(id),
  voted_on        date NOT NULL,
  expected        int NOT NULL CHECK (expected > 0),
  present         int NOT NULL CHECK (present >= 0),
  written         int NOT NULL CHECK (written >= 0),
  yes             int NOT NULL CHECK (yes >= 0),
  no              int NOT NULL CHECK (no >= 0),
  abstain         int NOT NULL CHECK (abstain >= 0),
  passed          boolean NOT NULL,
  recorded_by     uuid NOT NULL REFERENCES account(id),
  recorded_at     timestamptz NOT NULL
);
-- one passed agreement per scheme and branch (a vote that failed may be held again)
CREATE UNIQUE INDEX assessment_agreement_passed ON assessment_agreement (rule_version_id, org_id) WHERE passed;
CREATE INDEX assessment_agreement_org ON assessment_agreement (org_id, recorded_at DESC);
CREATE TRIGGER assessment_agreement_append_only BEFORE UPDATE OR DELETE ON assessment_agreement FOR EACH ROW EXECUTE FUNCTION forbid_change();

CREATE TABLE assessment_score (
  id              bigserial PRIMARY KEY,
  rule_version_id uuid NOT NULL REFERENCES rule_version(id),
  org_id          uuid NOT NULL REFERENCES org(id),
  item            text NOT NULL,
  points          numeric(6,1) NOT NULL CHECK (points >= 0),
  evidence        text NOT NULL CHECK (length(evidence) BETWEEN 2 AND 1000),
  scored_by       uuid NOT NULL REFERENCES account(id),
  scored_at       timestamptz NOT NULL
);
CREATE INDEX assessment_score_org ON assessment_score (org_id, rule_version_id, item, id DESC);
CREATE TRIGGER assessment_score_append_only BEFORE UPDATE OR DELETE ON assessment_score FOR EACH ROW EXECUTE FUNCTION forbid_change();
