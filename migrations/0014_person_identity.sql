-- Security fix (issue 9, C1): a branch could take over another branch's former
-- member by filing a 入党申请 with that ID number (the earlier person row was
-- looked up without scope, moved and overwritten). One human keeps one identity
-- (the keyed hash of the ID number) across the installation, but a record is
-- never moved or overwritten from outside its organisation: a new application
-- or registration elsewhere opens a new person row that points to the earlier
-- record, which stays where it was with its whole history.
ALTER TABLE person ADD COLUMN previous_person_id uuid REFERENCES person(id);
CREATE INDEX person_previous ON person (previous_person_id) WHERE previous_person_id IS NOT NULL;

-- Re-admission after leaving the Party, as a rule version.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('development', 'readmission', '2018-10-01',
 '《中国共产党纪律处分条例》(2018) 第十三条：党员受到开除党籍处分，五年内不得重新入党（2023年修订保留此规定）；除名、退党、自行脱党、取消预备党员资格者重新申请入党的，按《中国共产党发展党员工作细则》的程序重新办理；停止党籍的，按规定办理恢复党籍，不作为新申请人',
 '{"waitYearsAfter":{"expelled":5},"refusedStatuses":["suspended","deceased"]}');
