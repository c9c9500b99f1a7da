-- Clubs (社团, issue 17): interest clubs founded by a member or a resident in a
-- 村/社区, approved by that community before anyone can join; membership kept
-- as history (left members stay); the club's activities are volunteer
-- activities (the same table, sign-up with a capacity and the one-UPDATE
-- place) marked with the club, open to its members only and never counted as
-- volunteer service hours or points (an interest activity is not 志愿服务).
CREATE TABLE club (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  community_org_id   uuid NOT NULL REFERENCES org(id),
  name               text NOT NULL CHECK (length(name) BETWEEN 2 AND 30),
  category           text NOT NULL,
  description        text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  founder_account_id uuid NOT NULL REFERENCES account(id),
  founder_person_id  uuid REFERENCES person(id),
  founder_resident_id uuid REFERENCES resident(id),
  founder_name       text NOT NULL,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'rejected', 'dissolved')),
  review_note        text,
  reviewed_by        uuid REFERENCES account(id),
  reviewed_at        timestamptz,
  dissolved_at       timestamptz,
  dissolve_reason    text,
  -- counters moved in the same transaction as the memberships and activities (club verify / rebuild)
  member_count       integer NOT NULL DEFAULT 0 CHECK (member_count >= 0),
  activity_count     integer NOT NULL DEFAULT 0 CHECK (activity_count >= 0),
  region_key         uuid,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  version            integer NOT NULL DEFAULT 1,
  CHECK ((founder_person_id IS NULL) <> (founder_resident_id IS NULL))
);
-- one live club of a name in a community
CREATE UNIQUE INDEX club_name_once ON club (community_org_id, name) WHERE status IN ('pending', 'active');
CREATE INDEX club_community ON club (community_org_id, status, created_at DESC);
CREATE INDEX club_founder ON club (founder_account_id, created_at DESC);

-- A member of a club: a Party member (person_id) or a resident (resident_id);
-- the founder is its leader. Leaving keeps the row.
CREATE TABLE club_member (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  club_id      uuid NOT NULL REFERENCES club(id),
  account_id   uuid NOT NULL REFERENCES account(id),
  person_id    uuid REFERENCES person(id),
  resident_id  uuid REFERENCES resident(id),
  name         text NOT NULL,
  role         text NOT NULL DEFAULT 'member' CHECK (role IN ('leader', 'member')),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
  joined_at    timestamptz NOT NULL,
  left_at      timestamptz,
  CHECK ((person_id IS NULL) <> (resident_id IS NULL)),
  CHECK (status = 'active' OR left_at IS NOT NULL)
);
CREATE UNIQUE INDEX club_member_once ON club_member (club_id, account_id) WHERE status = 'active';
CREATE INDEX club_member_account ON club_member (account_id) WHERE status = 'active';

ALTER TABLE volunteer_activity ADD COLUMN club_id uuid REFERENCES club(id);
CREATE INDEX volunteer_activity_club ON volunteer_activity (club_id, starts_at DESC) WHERE club_id IS NOT NULL;

-- The community's numbers for clubs (the platform's defaults, not statute).
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('club', 'founding', '2024-01-01', '本平台约定（非法规）：群众性兴趣社团由村（社区）审核；每人同时待审核的申请至多2个、担任负责人的社团至多3个；申请7天内未审核的提醒社区',
 '{"maxPendingPerFounder":2,"maxLedPerFounder":3,"reviewWithinDays":7}');
