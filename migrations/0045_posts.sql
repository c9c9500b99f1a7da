-- Short videos and posts (短视频与动态, issue 17): a member or a resident posts
-- a text or a short video to an audience (an org subtree: the members whose
-- org is under it and the residents whose community is under it). Every post
-- is reviewed before it is published by the moderating org (the resident's
-- community, the member's branch). A video is stored as uploaded, then a job
-- transcodes it (H.264/AAC mp4, at most 720p) and takes a JPEG thumbnail; a
-- post reported by enough distinct people goes back to review (hidden).

CREATE TABLE post (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  author_account_id uuid NOT NULL REFERENCES account(id),
  person_id         uuid REFERENCES person(id),
  resident_id       uuid REFERENCES resident(id),
  author_name       text NOT NULL,
  audience_org_id   uuid NOT NULL REFERENCES org(id),
  moderating_org_id uuid NOT NULL REFERENCES org(id),
  kind              text NOT NULL CHECK (kind IN ('text', 'video')),
  body              text NOT NULL DEFAULT '' CHECK (length(body) <= 500),
  status            text NOT NULL CHECK (status IN ('processing', 'pending_review', 'published', 'rejected', 'hidden', 'failed', 'withdrawn')),
  original_key      text,
  original_mime     text,
  video_key         text,
  thumbnail_key     text,
  duration_ms       integer CHECK (duration_ms >= 0),
  size_bytes        bigint CHECK (size_bytes >= 0),
  video_bytes       bigint CHECK (video_bytes >= 0),
  failure           text,
  reason            text,
  reviewed_by       uuid REFERENCES account(id),
  reviewed_at       timestamptz,
  published_at      timestamptz,
  report_count      integer NOT NULL DEFAULT 0 CHECK (report_count >= 0),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1,
  CHECK ((person_id IS NULL) <> (resident_id IS NULL)),
  CHECK (kind = 'video' OR original_key IS NULL),
  CHECK (kind = 'text' OR original_key IS NOT NULL),
  CHECK (status <> 'published' OR kind = 'text' OR (video_key IS NOT NULL AND thumbnail_key IS NOT NULL))
);
CREATE INDEX post_feed ON post (published_at DESC, id) WHERE status = 'published';
CREATE INDEX post_audience ON post (audience_org_id, published_at DESC) WHERE status = 'published';
CREATE INDEX post_moderating ON post (moderating_org_id, created_at DESC);
CREATE INDEX post_author ON post (author_account_id, created_at DESC);

-- A report of abuse (举报): one per reporter and post.
CREATE TABLE post_report (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  post_id              uuid NOT NULL REFERENCES post(id),
  reporter_account_id  uuid NOT NULL REFERENCES account(id),
  reason               text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  created_at           timestamptz NOT NULL,
  UNIQUE (post_id, reporter_account_id)
);

-- The platform's numbers (not statute): videos up to 50 MB and 60 seconds;
-- three distinct reports take a published post back to review.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('post', 'limits', '2024-01-01', '本平台约定（非法规）：短视频不超过50MB、60秒，发布前经所在村（社区）或党支部审核；3人举报即暂停展示、重新审核',
 '{"maxVideoMB":50,"maxSeconds":60,"hideAfterReports":3}');
