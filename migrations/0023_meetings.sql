-- Meetings and organisational life (三会一课, issue 13; RULES §3, §8).
-- A meeting belongs to one org (a branch, a general branch, a party group) and
-- has a type; it is planned (from the year's plan or by hand), then held (its
-- first sign-in or its minutes say it took place), or cancelled. Attendance
-- exists only for a held meeting: the expected attendees are taken from the
-- registry when the notice goes out or the meeting is held; a member signs in
-- by scanning the host's QR code, joins the room, or is marked by the recorder
-- (signing in is one optional way, never a chore: RULES §8). Minutes are
-- confirmed by host and recorder, then locked; corrections are appended.

CREATE TABLE meeting (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL REFERENCES org(id),
  type            text NOT NULL CHECK (type IN ('branch_assembly','committee_meeting','group_meeting','party_lecture','theme_day','life_meeting','democratic_review','heart_talk')),
  status          text NOT NULL CHECK (status IN ('planned','held','cancelled')),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  planned_date    date NOT NULL,
  starts_at       timestamptz,
  ends_at         timestamptz,
  location        text,
  -- a configured link to an external conferencing system (large meetings)
  external_url    text,
  host_person_id  uuid REFERENCES person(id),
  host_name       text,
  recorder_person_id uuid REFERENCES person(id),
  recorder_name   text,
  -- 党课: the lecturer and the topic
  lecturer        text,
  topic           text,
  held_on         date,
  from_plan       boolean NOT NULL DEFAULT false,
  notice_sent_at  timestamptz,
  cancelled_reason text,
  -- the key of the sign-in QR tokens (HMAC of the time slot); never leaves the server
  signin_key      bytea NOT NULL DEFAULT gen_random_bytes(32),
  -- the rule version of the cadence the meeting was counted under
  rule_version_id uuid REFERENCES rule_version(id),
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
  CHECK (status <> 'held' OR held_on IS NOT NULL)
);
CREATE INDEX meeting_org_date ON meeting (org_id, planned_date);
CREATE INDEX meeting_date ON meeting (planned_date, status);

-- Expected attendees and their attendance. kind: member (full, votes),
-- probationary (no vote), visitor (a mobile member registered here: attends,
-- no vote), invited (a committee member of a 谈心谈话, a guest lecturer's
-- audience outside the roll is not recorded).
CREATE TABLE meeting_attendee (
  meeting_id      uuid NOT NULL REFERENCES meeting(id),
  person_id       uuid NOT NULL REFERENCES person(id),
  person_name     text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('member','probationary','visitor','invited')),
  can_vote        boolean NOT NULL,
  attendance      text NOT NULL DEFAULT 'expected' CHECK (attendance IN ('expected','present','absent')),
  method          text CHECK (method IN ('qr','marked','room')),
  signed_at       timestamptz,
  marked_by       uuid,
  leave_status    text CHECK (leave_status IN ('requested','approved','rejected')),
  leave_reason    text,
  leave_requested_at timestamptz,
  leave_decided_by uuid,
  leave_decided_at timestamptz,
  leave_note      text,
  PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX meeting_attendee_person ON meeting_attendee (person_id);
CREATE INDEX meeting_attendee_leave ON meeting_attendee (meeting_id) WHERE leave_status = 'requested';

CREATE TABLE meeting_minutes (
  meeting_id      uuid PRIMARY KEY REFERENCES meeting(id),
  agenda          text NOT NULL DEFAULT '',
  resolutions     jsonb NOT NULL DEFAULT '[]',
  -- the record as sanitised HTML (a small set of tags)
  record          text NOT NULL DEFAULT '',
  host_confirmed_by      uuid,
  host_confirmed_at      timestamptz,
  recorder_confirmed_by  uuid,
  recorder_confirmed_at  timestamptz,
  locked_at       timestamptz,
  updated_by      uuid,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1
);

-- Corrections to locked minutes: appended, never overwritten.
CREATE TABLE meeting_correction (
  id              bigserial PRIMARY KEY,
  meeting_id      uuid NOT NULL REFERENCES meeting(id),
  body            text NOT NULL,
  actor_id        uuid,
  actor_name      text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meeting_correction_meeting ON meeting_correction (meeting_id, id);
CREATE TRIGGER meeting_correction_append_only BEFORE UPDATE OR DELETE ON meeting_correction FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Photos and documents attached to a meeting (stored_file owner_type 'meeting').
CREATE TABLE meeting_file (
  meeting_id      uuid NOT NULL REFERENCES meeting(id),
  file_id         uuid NOT NULL REFERENCES stored_file(id),
  kind            text NOT NULL CHECK (kind IN ('photo','document','audio')),
  PRIMARY KEY (meeting_id, file_id)
);

-- Speech to text: one row per uploaded recording, transcribed by a job.
CREATE TABLE meeting_transcript (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  meeting_id      uuid NOT NULL REFERENCES meeting(id),
  file_id         uuid NOT NULL REFERENCES stored_file(id),
  status          text NOT NULL CHECK (status IN ('queued','running','done','failed')),
  job_id          uuid,
  engine          text,
  progress        smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  duration_ms     integer,
  segments        jsonb NOT NULL DEFAULT '[]',
  error_code      text,
  error_message   text,
  edited_by       uuid,
  edited_at       timestamptz,
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1
);
CREATE INDEX meeting_transcript_meeting ON meeting_transcript (meeting_id, created_at);

-- 民主评议党员: one grade per member per year, recorded at the review meeting.
CREATE TABLE member_review (
  person_id       uuid NOT NULL REFERENCES person(id),
  year            integer NOT NULL,
  org_id          uuid NOT NULL REFERENCES org(id),
  meeting_id      uuid REFERENCES meeting(id),
  grade           text NOT NULL CHECK (grade IN ('excellent','qualified','basic','unqualified')),
  note            text,
  decided_by      uuid,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, year)
);
CREATE INDEX member_review_org ON member_review (org_id, year);

-- Members of a party group (党小组): the attendees of its 党小组会. The formal
-- relation stays with the branch; this is the branch's own division of work.
CREATE TABLE party_group_member (
  group_org_id    uuid NOT NULL REFERENCES org(id),
  person_id       uuid NOT NULL REFERENCES person(id),
  PRIMARY KEY (group_org_id, person_id)
);
CREATE UNIQUE INDEX party_group_member_one ON party_group_member (person_id);

-- The iCalendar feed of an account: a secret URL, found by the token's hash,
-- shown again to its owner from the encrypted copy; revocable.
CREATE TABLE calendar_feed (
  account_id      uuid PRIMARY KEY REFERENCES account(id),
  token_hash      bytea NOT NULL UNIQUE,
  token_enc       bytea NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Rollups per org subtree, month and meeting type, moved in the transaction
-- that changes the fact (deltas in the repository, as dues_rollup):
--   held          meetings held (counted when the meeting becomes held)
--   expected      attendees expected, net of approved leave   } counted when
--   present       attendees present                           } the minutes
--   on_leave      attendees on approved leave                 } are confirmed
--   minutes_done  meetings whose minutes are confirmed
CREATE TABLE meeting_rollup (
  org_id          uuid NOT NULL REFERENCES org(id),
  month           date NOT NULL,
  type            text NOT NULL,
  held            integer NOT NULL DEFAULT 0 CHECK (held >= 0),
  expected        integer NOT NULL DEFAULT 0 CHECK (expected >= 0),
  present         integer NOT NULL DEFAULT 0 CHECK (present >= 0),
  on_leave        integer NOT NULL DEFAULT 0 CHECK (on_leave >= 0),
  minutes_done    integer NOT NULL DEFAULT 0 CHECK (minutes_done >= 0),
  PRIMARY KEY (org_id, month, type)
);
-- Per org subtree, cadence period ('2026-03', '2026-Q1', '2026') and type: how
-- many obligated orgs held at least the required number of meetings. It moves
-- when an org's held count reaches the required number.
CREATE TABLE meeting_compliance (
  org_id          uuid NOT NULL REFERENCES org(id),
  period          text NOT NULL,
  type            text NOT NULL,
  met             integer NOT NULL DEFAULT 0 CHECK (met >= 0),
  PRIMARY KEY (org_id, period, type)
);

-- RULES §3: the cadence of organisational life per meeting type and org type.
-- period: month | quarter | year; min: meetings required per period;
-- orgTypes: the orgs bound by it; withCommittee: only orgs with a committee (支委会).
-- The 主题党日's fixed day and the share cap on 优秀 are [local]: a committee
-- overrides them with a version scoped to its subtree.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('meetings', 'cadence', '2018-10-28',
 '《中国共产党支部工作条例（试行）》（2018年）第十九条、第二十条：支部党员大会一般每季度召开1次，支部委员会会议一般每月召开1次，党小组会一般每月召开1次，党课每季度至少1次；每月相对固定1天开展主题党日；组织生活会一般每年召开1次（多在第四季度）；每年开展1次民主评议党员，评议结果分为优秀、合格、基本合格、不合格；谈心谈话每年至少1次',
 '{"types":{"branch_assembly":{"period":"quarter","min":1,"orgTypes":["general_branch","branch","joint_branch","temporary_branch"]},"committee_meeting":{"period":"month","min":1,"orgTypes":["general_branch","branch","joint_branch","temporary_branch"],"withCommittee":true},"group_meeting":{"period":"month","min":1,"orgTypes":["party_group"]},"party_lecture":{"period":"quarter","min":1,"orgTypes":["general_branch","branch","joint_branch","temporary_branch"]},"theme_day":{"period":"month","min":1,"orgTypes":["branch","joint_branch","temporary_branch"]},"life_meeting":{"period":"year","min":1,"orgTypes":["general_branch","branch","joint_branch","temporary_branch"],"usualMonth":12},"democratic_review":{"period":"year","min":1,"orgTypes":["branch","joint_branch","temporary_branch"],"usualMonth":12},"heart_talk":{"period":"year","min":1,"orgTypes":["general_branch","branch","joint_branch","temporary_branch"],"usualMonth":11}},"themeDayOfMonth":15,"warnDaysBeforeEnd":15,"excellentShareCap":null}');

-- Attendance (RULES §8: sign-in is one optional way to record attendance at a
-- real meeting; nothing counts online time). Window and QR token life are
-- operational settings kept with their reason.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('meetings', 'attendance', '2023-12-01',
 '中央网信委《关于防治"指尖上的形式主义"的若干意见》（2023年12月）：不得强制打卡签到、统计在线时长；会议签到仅为实际召开会议时记录出席的可选方式，记录人可随时标记出席；签到二维码按时段轮换，防止转发代签',
 '{"signInOpensMinutesBefore":30,"signInClosesMinutesAfter":30,"qrTokenSeconds":60,"defaultDurationMinutes":120,"roomMaxParticipants":6}');
