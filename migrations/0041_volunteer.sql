-- Volunteer service (志愿服务, issue 17): activities organised by a Party
-- organisation (a community, a branch), sign-up by members and residents,
-- hours attested by the organiser (check-in and check-out within the
-- activity's time, capped per activity by rule), never self-reported. The
-- records are kept true and free of charge (志愿服务记录与证明出具办法): the
-- volunteer downloads a certificate of their attested hours. A member's whole
-- hours become points through the ledger (PointSource volunteer.service).
CREATE TABLE volunteer_activity (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           uuid NOT NULL REFERENCES org(id),
  -- who may see it and sign up: members under this org, residents of communities under it
  audience_org_id  uuid NOT NULL REFERENCES org(id),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
  description      text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
  place            text NOT NULL CHECK (length(place) BETWEEN 1 AND 100),
  starts_at        timestamptz NOT NULL,
  ends_at          timestamptz NOT NULL,
  capacity         integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
  skills           text[] NOT NULL DEFAULT '{}',
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
  cancel_reason    text,
  -- counters moved in the same transaction as the sign-ups (volunteer verify / rebuild)
  signed_up        integer NOT NULL DEFAULT 0 CHECK (signed_up >= 0),
  attested         integer NOT NULL DEFAULT 0 CHECK (attested >= 0),
  attested_minutes integer NOT NULL DEFAULT 0 CHECK (attested_minutes >= 0),
  region_key       uuid,
  created_by       uuid REFERENCES account(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  version          integer NOT NULL DEFAULT 1,
  CHECK (ends_at > starts_at),
  CHECK (signed_up <= capacity)
);
CREATE INDEX volunteer_activity_org ON volunteer_activity (org_id, starts_at DESC);
CREATE INDEX volunteer_activity_starts ON volunteer_activity (starts_at) WHERE status = 'open';

-- One volunteer's place on an activity: a member (person_id) or a resident
-- (resident_id); the account they signed up with, when they did it themself.
-- Withdrawn places stay as history.
CREATE TABLE volunteer_signup (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  activity_id    uuid NOT NULL REFERENCES volunteer_activity(id),
  account_id     uuid REFERENCES account(id),
  person_id      uuid REFERENCES person(id),
  resident_id    uuid REFERENCES resident(id),
  name           text NOT NULL,
  status         text NOT NULL DEFAULT 'signed_up' CHECK (status IN ('signed_up', 'withdrawn', 'attested', 'absent')),
  check_in_at    timestamptz,
  check_out_at   timestamptz,
  minutes        integer CHECK (minutes >= 0),
  attested_by    uuid REFERENCES account(id),
  attested_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((person_id IS NULL) <> (resident_id IS NULL)),
  CHECK (status <> 'attested' OR (check_in_at IS NOT NULL AND check_out_at > check_in_at AND minutes IS NOT NULL))
);
CREATE UNIQUE INDEX volunteer_signup_once ON volunteer_signup (activity_id, coalesce(person_id, resident_id)) WHERE status <> 'withdrawn';
CREATE INDEX volunteer_signup_activity ON volunteer_signup (activity_id, created_at);
CREATE INDEX volunteer_signup_person ON volunteer_signup (person_id, created_at DESC) WHERE person_id IS NOT NULL;
CREATE INDEX volunteer_signup_resident ON volunteer_signup (resident_id, created_at DESC) WHERE resident_id IS NOT NULL;
CREATE INDEX volunteer_signup_attested ON volunteer_signup (check_out_at) WHERE status = 'attested' AND person_id IS NOT NULL;

-- The organiser's numbers (the platform's defaults, not statute): an
-- attestation counts at most this many hours for one activity; a whole hour
-- earns the branch rules' volunteer.service item once.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('volunteer', 'service', '2024-01-01', '本平台约定（非法规）：依《志愿服务记录与证明出具办法》如实记录服务时长，单次活动认定时长上限8小时',
 '{"maxHoursPerActivity":8}');

-- The points template gains the volunteer item (1 point per attested whole hour, at most 50 a
-- year, RULES §5's local target of 50 hours); branches adopt it by their own vote.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('points', 'member.template', '2026-12-01',
 'RULES §7 党员积分样例（非权威，仅作支部起草积分细则的模板；须经支部党员大会表决通过后才生效）；RULES §5 志愿服务时长（每满1小时1分，全年至多50分）',
 '{"items":[
   {"key":"meeting.attended","label":"参加三会一课","points":3,"caps":{"year":12},"meetingTypes":["branch_assembly","committee_meeting","group_meeting","party_lecture","life_meeting","democratic_review"]},
   {"key":"meeting.theme_day","label":"参加主题党日","points":2,"caps":{"year":8},"meetingTypes":["theme_day"]},
   {"key":"dues.on_time","label":"按时足额交纳党费","points":1,"caps":{"year":12}},
   {"key":"development.contact_duty","label":"履行培养联系人职责","points":2,"caps":{"year":8}},
   {"key":"volunteer.service","label":"志愿服务（每满1小时）","points":1,"caps":{"year":50}},
   {"key":"manual.award","label":"先锋作用、表彰奖励（支部认定）","points":10,"caps":{"year":40}},
   {"key":"manual.deduction","label":"违反纪律、不履行义务（支部认定）","points":-20,"caps":{}}
 ],
 "expiry":{"yearsAfterAward":1},
 "secondApproverAbove":10}');
