-- 双报到 (issue 17): a unit's party organisation and each in-service member
-- report to the community (村/社区) where the unit is / the member lives; the
-- community accepts them, assigns a grid, a role (服务岗位) and tasks
-- (认领任务); service records accumulate on the report; a yearly evaluation
-- by the community reaches the member's own branch for 民主评议 and points.

-- `reporter_org_id`: kind org, the unit's party organisation; kind member, the
-- member's branch at report time (the member's branch now is read from person).
-- `service_count` / `service_minutes` move in the same transaction as the
-- service records (community-report verify / rebuild).
CREATE TABLE community_report (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind              text NOT NULL CHECK (kind IN ('org', 'member')),
  reporter_org_id   uuid NOT NULL REFERENCES org(id),
  person_id         uuid REFERENCES person(id),
  community_org_id  uuid NOT NULL REFERENCES org(id),
  grid_id           uuid REFERENCES map_area(id),
  address           text CHECK (length(address) <= 100),
  note              text NOT NULL DEFAULT '' CHECK (length(note) <= 300),
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'ended')),
  role              text CHECK (length(role) <= 40),
  tasks             text CHECK (length(tasks) <= 300),
  decline_reason    text,
  reported_at       timestamptz NOT NULL DEFAULT now(),
  accepted_at       timestamptz,
  accepted_by       uuid REFERENCES account(id),
  -- the community ends an accepted report (moved away, the unit left, ...); the member may report again
  ended_at          timestamptz,
  end_reason        text CHECK (length(end_reason) <= 200),
  service_count     integer NOT NULL DEFAULT 0 CHECK (service_count >= 0),
  service_minutes   integer NOT NULL DEFAULT 0 CHECK (service_minutes >= 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1,
  CHECK ((kind = 'member') = (person_id IS NOT NULL)),
  CHECK (status <> 'accepted' OR accepted_at IS NOT NULL),
  CHECK (status <> 'ended' OR (accepted_at IS NOT NULL AND ended_at IS NOT NULL))
);
CREATE INDEX community_report_community ON community_report (community_org_id, reported_at DESC);
CREATE INDEX community_report_reporter ON community_report (reporter_org_id, reported_at DESC);
CREATE INDEX community_report_person ON community_report (person_id, reported_at DESC) WHERE person_id IS NOT NULL;
-- one live report (pending or accepted) per member, and per unit org and community
CREATE UNIQUE INDEX community_report_live_member ON community_report (person_id) WHERE kind = 'member' AND status IN ('pending', 'accepted');
CREATE UNIQUE INDEX community_report_live_org ON community_report (reporter_org_id, community_org_id) WHERE kind = 'org' AND status IN ('pending', 'accepted');

CREATE TABLE community_service (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id    uuid NOT NULL REFERENCES community_report(id),
  served_on    date NOT NULL,
  minutes      integer NOT NULL CHECK (minutes > 0 AND minutes <= 600),
  content      text NOT NULL CHECK (length(content) BETWEEN 1 AND 300),
  recorded_by  uuid REFERENCES account(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX community_service_report ON community_service (report_id, served_on DESC);

-- The community's yearly evaluation of a member who reported (优秀/良好/一般/较差).
CREATE TABLE community_evaluation (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id     uuid NOT NULL REFERENCES community_report(id),
  year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2199),
  grade         text NOT NULL CHECK (grade IN ('excellent', 'good', 'fair', 'poor')),
  comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 300),
  evaluated_by  uuid REFERENCES account(id),
  evaluated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, year)
);
CREATE INDEX community_evaluation_at ON community_evaluation (evaluated_at);

-- The points template gains the 双报到 item (5 points for a yearly evaluation of
-- 优秀 or 良好, at most 5 a year); branches adopt it by their own vote.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('points', 'member.template', '2026-12-08',
 'RULES §7 党员积分样例（非权威，仅作支部起草积分细则的模板；须经支部党员大会表决通过后才生效）；RULES §5 志愿服务时长（每满1小时1分，全年至多50分）；双报到年度评价优秀或良好（5分，全年至多5分）',
 '{"items":[
   {"key":"meeting.attended","label":"参加三会一课","points":3,"caps":{"year":12},"meetingTypes":["branch_assembly","committee_meeting","group_meeting","party_lecture","life_meeting","democratic_review"]},
   {"key":"meeting.theme_day","label":"参加主题党日","points":2,"caps":{"year":8},"meetingTypes":["theme_day"]},
   {"key":"dues.on_time","label":"按时足额交纳党费","points":1,"caps":{"year":12}},
   {"key":"development.contact_duty","label":"履行培养联系人职责","points":2,"caps":{"year":8}},
   {"key":"volunteer.service","label":"志愿服务（每满1小时）","points":1,"caps":{"year":50}},
   {"key":"community.evaluation","label":"双报到年度评价优秀或良好","points":5,"caps":{"year":5}},
   {"key":"manual.award","label":"先锋作用、表彰奖励（支部认定）","points":10,"caps":{"year":40}},
   {"key":"manual.deduction","label":"违反纪律、不履行义务（支部认定）","points":-20,"caps":{}}
 ],
 "expiry":{"yearsAfterAward":1},
 "secondApproverAbove":10}');
