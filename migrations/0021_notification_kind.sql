-- Notifications carry their kind, so the 工作台 can group unread ones
-- (issue 11): development deadlines, 换届 reminders, dues arrears, background
-- jobs, the work calendar. Rows written before this migration get their kind
-- from the page they link to.
ALTER TABLE notification ADD COLUMN kind text NOT NULL DEFAULT 'other';
UPDATE notification SET kind = CASE
  WHEN link LIKE '/admin/development/%' THEN 'development'
  WHEN link LIKE '/admin/orgs%' THEN 'org_term'
  WHEN link LIKE '/admin/dues/%' THEN 'dues_arrears'
  WHEN link LIKE '/admin/jobs/%' THEN 'job'
  WHEN link LIKE '/admin/system/calendar%' THEN 'calendar'
  ELSE 'other' END;
CREATE INDEX notification_unread_kind ON notification (account_id, kind) WHERE read_at IS NULL;
