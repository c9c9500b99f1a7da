-- The annual Party statistics forms (党内统计, issue 16, RULES §6).
-- 入党时间 groups of the statistics forms: up to the founding of the PRC by the
-- war periods, then by the periods the forms list, then by Party Congress
-- (RULES §6, as written there: 2002-11, 2007-11, 2012-11, 2017-10, 2022-10). A
-- new group after the next Congress is a new version from its date.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('statistics', 'join_periods', '2000-01-01',
 '中共中央组织部党内统计报表“党员入党时间”分组（RULES §6）：1937年7月6日及以前、1937年7月7日至1945年9月2日、1945年9月3日至1949年9月30日、1949年10月至1966年4月、1966年5月至1976年10月、1976年11月至1978年12月、1979年1月至2002年10月，此后按党的全国代表大会召开时间分组（2002年11月、2007年11月、2012年11月、2017年10月、2022年10月）',
 '{"groups":[
   {"from":null,"label":"1937年7月6日及以前"},
   {"from":"1937-07-07","label":"1937年7月7日至1945年9月2日"},
   {"from":"1945-09-03","label":"1945年9月3日至1949年9月"},
   {"from":"1949-10-01","label":"1949年10月至1966年4月"},
   {"from":"1966-05-01","label":"1966年5月至1976年10月"},
   {"from":"1976-11-01","label":"1976年11月至1978年12月"},
   {"from":"1979-01-01","label":"1979年1月至2002年10月"},
   {"from":"2002-11-01","label":"2002年11月至2007年10月"},
   {"from":"2007-11-01","label":"2007年11月至2012年10月"},
   {"from":"2012-11-01","label":"2012年11月至2017年9月"},
   {"from":"2017-10-01","label":"2017年10月至2022年9月"},
   {"from":"2022-10-01","label":"2022年10月以后"}
 ]}');

-- A member's formal relations in date order: the statistics tell a transfer inside a subtree
-- from one across its edge by the relation the member held the day before (or the day of) it.
CREATE INDEX membership_person ON membership (person_id, valid_from);
