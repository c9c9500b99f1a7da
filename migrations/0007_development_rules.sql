-- Member development (issue 3) groundwork: the statutory numbers of RULES §1
-- as a rule version, and the working-day calendar (holidays and 调休 make-up
-- days per year, editable; a year without rows is computed Monday–Friday and
-- its dates are marked provisional).

INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('development', 'intervals', '2014-06-10',
 '《中国共产党发展党员工作细则》(2014)：年满十八岁；收到入党申请书后一个月内派人谈话；每半年考察一次入党积极分子；经过一年以上培养教育和考察方可确定为发展对象；两名正式党员作入党介绍人；政治审查；集中培训时间一般不少于3天或24个学时；公示；支部大会有表决权的到会人数超过应到会人数的半数、赞成人数超过应到会有表决权的正式党员的半数；上级党委审批一般在3个月内、特殊情况可延长至6个月；预备期为一年，从支部大会通过之日算起；延长预备期不能少于半年、最长不超过一年，只能延长一次；转正审批在3个月内；党龄从转正之日算起',
 '{"minApplicantAge":18,"talkWithinMonths":1,"assessmentEveryMonths":6,"thoughtReportEveryMonths":3,"activistMinYears":1,"introducerCount":2,"politicalReviewValidYears":1,"trainingMinDays":3,"trainingMinHours":24,"publicNoticeWorkingDays":5,"leavingUnitMonths":3,"approvalWithinMonths":3,"approvalExtendedMaxMonths":6,"resubmitAfterRejectionMonths":6,"probationYears":1,"extensionMinMonths":6,"extensionMaxMonths":12,"maxExtensions":1,"conversionApprovalWithinMonths":3}');

CREATE TABLE work_calendar_year (
  year        integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  source      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE work_calendar_day (
  day   date PRIMARY KEY,
  kind  text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name  text NOT NULL
);

-- 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
INSERT INTO work_calendar_year (year, source) VALUES (2025, '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）');
INSERT INTO work_calendar_day (day, kind, name)
SELECT d::date, 'holiday', n FROM (VALUES
  ('2025-01-01', '2025-01-01', '元旦'),
  ('2025-01-28', '2025-02-04', '春节'),
  ('2025-04-04', '2025-04-06', '清明节'),
  ('2025-05-01', '2025-05-05', '劳动节'),
  ('2025-05-31', '2025-06-02', '端午节'),
  ('2025-10-01', '2025-10-08', '国庆节、中秋节')
) AS h(f, t, n), generate_series(f::date, t::date, interval '1 day') AS d;
INSERT INTO work_calendar_day (day, kind, name) VALUES
  ('2025-01-26', 'workday', '春节调休上班'),
  ('2025-02-08', 'workday', '春节调休上班'),
  ('2025-04-27', 'workday', '劳动节调休上班'),
  ('2025-09-28', 'workday', '国庆节、中秋节调休上班'),
  ('2025-10-11', 'workday', '国庆节、中秋节调休上班');
