-- Needs (群众需求 / 微心愿, issue 17): a resident publishes a need (点单); the
-- platform ranks the volunteers willing to take needs by skill, distance
-- between grids, availability and recent load, and pushes it to the best few
-- (派单, in-app and SMS); one volunteer claims it (接单), completes it (办结)
-- and the resident rates it (评单). A need nobody claims within the rule's
-- hours is escalated to the community (warning, notification).

-- A volunteer's willingness to take needs (接单意愿): a member or a resident,
-- the community where they serve and its grid, skills, when they can help.
-- `lng`/`lat`: the grid's centre, else the community's point, kept here so
-- the matching reads one table. The counters move with the needs they claim,
-- complete and are rated for (need verify / rebuild).
CREATE TABLE volunteer_profile (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id         uuid UNIQUE REFERENCES person(id),
  resident_id       uuid UNIQUE REFERENCES resident(id),
  name              text NOT NULL,
  community_org_id  uuid NOT NULL REFERENCES org(id),
  grid_id           uuid REFERENCES map_area(id),
  lng               double precision,
  lat               double precision,
  skills            text[] NOT NULL DEFAULT '{}',
  availability      text[] NOT NULL DEFAULT '{}',
  accepting         boolean NOT NULL DEFAULT true,
  claimed           integer NOT NULL DEFAULT 0 CHECK (claimed >= 0),
  completed         integer NOT NULL DEFAULT 0 CHECK (completed >= 0),
  rating_sum        integer NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
  rating_count      integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1,
  CHECK ((person_id IS NULL) <> (resident_id IS NULL))
);
CREATE INDEX volunteer_profile_community ON volunteer_profile (community_org_id);

CREATE TABLE need (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id       uuid NOT NULL REFERENCES resident(id),
  community_org_id  uuid NOT NULL REFERENCES org(id),
  grid_id           uuid REFERENCES map_area(id),
  lng               double precision,
  lat               double precision,
  category          text NOT NULL,
  title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 40),
  detail            text NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
  place             text NOT NULL CHECK (length(place) BETWEEN 1 AND 100),
  window_from       timestamptz NOT NULL,
  window_to         timestamptz NOT NULL,
  -- the skills that answer the category and the availability slots the window touches, at publication
  skills            text[] NOT NULL DEFAULT '{}',
  slots             text[] NOT NULL DEFAULT '{}',
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'completed', 'rated', 'cancelled')),
  escalated_at      timestamptz,
  claimed_by        uuid REFERENCES volunteer_profile(id),
  claimed_at        timestamptz,
  completed_at      timestamptz,
  completion_note   text,
  rating            smallint CHECK (rating BETWEEN 1 AND 5),
  rating_comment    text,
  rated_at          timestamptz,
  cancelled_at      timestamptz,
  cancel_reason     text,
  region_key        uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1,
  CHECK (window_to > window_from),
  CHECK (status = 'open' OR status = 'cancelled' OR claimed_by IS NOT NULL),
  CHECK (status <> 'rated' OR rating IS NOT NULL)
);
CREATE INDEX need_community ON need (community_org_id, created_at DESC);
CREATE INDEX need_resident ON need (resident_id, created_at DESC);
CREATE INDEX need_open ON need (created_at) WHERE status = 'open';
CREATE INDEX need_claimer ON need (claimed_by, claimed_at DESC) WHERE claimed_by IS NOT NULL;

-- Who a need was pushed to (派单): automatically at publication (pushed_by
-- null) or by the community's staff. `rank`: the order pushed (1 = first);
-- the score and distance at that moment.
CREATE TABLE need_push (
  need_id      uuid NOT NULL REFERENCES need(id),
  profile_id   uuid NOT NULL REFERENCES volunteer_profile(id),
  rank         integer NOT NULL,
  score        double precision NOT NULL,
  distance_km  double precision,
  pushed_by    uuid REFERENCES account(id),
  pushed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (need_id, profile_id),
  UNIQUE (need_id, rank)
);
CREATE INDEX need_push_profile ON need_push (profile_id, pushed_at DESC);

-- The platform's matching numbers (not statute): push to the best 5 within
-- 5 km; the score's weights (out of 100); load counts the needs claimed in
-- the last 30 days, full at 3; escalate after 24 hours unclaimed.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('need', 'matching', '2024-01-01', '本平台约定（非法规）：群众需求精准推送——按技能、网格距离、可服务时间、近期接单量排序，推送前5名；24小时无人接单上报社区',
 '{"pushTopN":5,"maxDistanceKm":5,"weights":{"skill":40,"distance":30,"availability":20,"load":10},"loadWindowDays":30,"loadFullAt":3,"escalateAfterHours":24}');
