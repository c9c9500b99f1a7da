-- Key projects (重点项目, issue 15): 书记项目, 创新项目 and 重大工程 of a party
-- organisation, broken into a roadmap of milestones (时间表, 路线图) with their
-- dates, weights and the branches and members responsible; progress reports
-- with evidence (append-only); the superior organisation's acceptance (验收)
-- and assessment. The early warning compares the planned progress at the
-- business date with the reported one under the rule version `project.warning`.
-- Every org of a project (the owner, the milestones' responsible orgs) lies in
-- the owner's subtree.

CREATE TABLE project (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_org_id     uuid NOT NULL REFERENCES org(id),
  owner_person_id  uuid NOT NULL REFERENCES person(id),
  type             text NOT NULL CHECK (type IN ('secretary', 'innovation', 'major')),
  name             text NOT NULL CHECK (length(name) BETWEEN 2 AND 60),
  rationale        text NOT NULL,
  goals            text NOT NULL,
  start_on         date NOT NULL,
  end_on           date NOT NULL,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'accepted')),
  -- the latest acceptance (验收) by the superior organisation; an unqualified one keeps the project active
  accepted_on      date,
  accept_grade     text CHECK (accept_grade IN ('excellent', 'good', 'qualified', 'unqualified')),
  accept_score     smallint CHECK (accept_score BETWEEN 0 AND 100),
  accept_opinion   text,
  accept_org_id    uuid REFERENCES org(id),
  accepted_by      uuid REFERENCES account(id),
  region_key       uuid,
  created_by       uuid REFERENCES account(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  version          integer NOT NULL DEFAULT 1,
  CHECK (end_on >= start_on),
  CHECK (status <> 'accepted' OR (accepted_on IS NOT NULL AND accept_grade IS NOT NULL AND accept_grade <> 'unqualified'))
);
CREATE INDEX project_owner ON project (owner_org_id, status);

-- One step of the roadmap. `done_on` is set by the report that brings it to 100 %.
CREATE TABLE project_milestone (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id             uuid NOT NULL REFERENCES project(id),
  seq                    integer NOT NULL,
  title                  text NOT NULL CHECK (length(title) BETWEEN 2 AND 100),
  due_on                 date NOT NULL,
  weight                 integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
  responsible_org_id     uuid NOT NULL REFERENCES org(id),
  responsible_person_id  uuid REFERENCES person(id),
  done_on                date,
  removed_at             timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX project_milestone_seq ON project_milestone (project_id, seq) WHERE removed_at IS NULL;
CREATE INDEX project_milestone_responsible ON project_milestone (responsible_org_id) WHERE removed_at IS NULL;

-- Progress reports, append-only: a milestone's completion (or, for a project
-- without a roadmap, the project's) on a day, what was done, the evidence.
CREATE TABLE project_progress (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id    uuid NOT NULL REFERENCES project(id),
  milestone_id  uuid REFERENCES project_milestone(id),
  reported_on   date NOT NULL,
  percent       smallint NOT NULL CHECK (percent BETWEEN 0 AND 100),
  note          text NOT NULL,
  evidence_ids  uuid[] NOT NULL DEFAULT '{}',
  org_id        uuid NOT NULL REFERENCES org(id),
  reported_by   uuid NOT NULL REFERENCES account(id),
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_progress_project ON project_progress (project_id, reported_on, recorded_at);
CREATE TRIGGER project_progress_append_only BEFORE UPDATE OR DELETE ON project_progress FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- The thresholds of the early warning. No statute fixes them: the platform's
-- default, which a committee may override for its subtree with a scoped version.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('project', 'warning', '2000-01-01',
 '本平台默认配置（issue 15）：书记项目、创新项目、重大工程的预警阈值——节点到期前7天蓝色提示，进度落后计划10至30个百分点黄色预警，落后超过30个百分点或节点逾期未完成红色预警；可按本地要求调整',
 '{"milestoneNoticeDays":7,"yellowGap":10,"redGap":30}');
