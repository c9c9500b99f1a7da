-- The meetings held in a period by org and type (the report builder's 组织生活
-- subject, issue 16): read from the index alone, not from the meeting rows.
CREATE INDEX meeting_held ON meeting (held_on, org_id, type) WHERE status = 'held';
