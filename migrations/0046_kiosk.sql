-- The 智慧党群活动中心's touch screen (issue 17): a kiosk is a device link the
-- community's staff create for a centre (an org: the community, or a station
-- under it). The link's token is its only credential (kept as a hash, shown
-- once, revocable); the screen shows only the centre's public data: today's
-- activities, open needs without names or addresses, the mall's items to pick
-- up there. Each activity under way shows a check-in QR code that rotates
-- (an HMAC of the kiosk's key, the activity and a time slot): a volunteer who
-- scans it with their phone has their arrival at the centre recorded, which
-- the organiser sees when attesting the hours (still attested, never
-- self-reported).
CREATE TABLE kiosk (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id        uuid NOT NULL REFERENCES org(id),
  name          text NOT NULL CHECK (length(name) BETWEEN 2 AND 30),
  token_hash    bytea NOT NULL UNIQUE,
  signin_key    bytea NOT NULL,
  created_by    uuid REFERENCES account(id),
  created_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  last_seen_at  timestamptz
);
CREATE INDEX kiosk_org ON kiosk (org_id, created_at DESC);

ALTER TABLE volunteer_signup ADD COLUMN arrived_at timestamptz, ADD COLUMN arrived_kiosk_id uuid REFERENCES kiosk(id);

-- The screen's numbers (the platform's defaults, not statute).
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('kiosk', 'display', '2024-01-01', '本平台约定（非法规）：活动中心大屏每30秒刷新；签到二维码每60秒更换，活动开始前60分钟至结束时可扫码签到；展示待接单需求至多10条（不显示姓名和地址）',
 '{"refreshSeconds":30,"qrTokenSeconds":60,"checkInOpensMinutesBefore":60,"needsShown":10}');
