-- The 2026 working-day calendar (issue 10): 国务院办公厅关于2026年部分节假日安排的通知.
-- Holidays with their weekends, and the 调休 make-up working days. An
-- installation whose system administrator already entered 2026 keeps its own.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM work_calendar_year WHERE year = 2026) THEN
    RETURN;
  END IF;
  INSERT INTO work_calendar_year (year, source) VALUES (2026, '国务院办公厅关于2026年部分节假日安排的通知');
  DELETE FROM work_calendar_day WHERE day BETWEEN '2026-01-01' AND '2026-12-31';
  INSERT INTO work_calendar_day (day, kind, name)
  SELECT d::date, 'holiday', n FROM (VALUES
    ('2026-01-01', '2026-01-03', '元旦'),
    ('2026-02-15', '2026-02-23', '春节'),
    ('2026-04-04', '2026-04-06', '清明节'),
    ('2026-05-01', '2026-05-05', '劳动节'),
    ('2026-06-19', '2026-06-21', '端午节'),
    ('2026-09-25', '2026-09-27', '中秋节'),
    ('2026-10-01', '2026-10-07', '国庆节')
  ) AS h(f, t, n), generate_series(f::date, t::date, interval '1 day') AS d;
  INSERT INTO work_calendar_day (day, kind, name) VALUES
    ('2026-01-04', 'workday', '元旦调休上班'),
    ('2026-02-14', 'workday', '春节调休上班'),
    ('2026-02-28', 'workday', '春节调休上班'),
    ('2026-05-09', 'workday', '劳动节调休上班'),
    ('2026-09-20', 'workday', '中秋节调休上班'),
    ('2026-10-10', 'workday', '国庆节调休上班');
END $$;
