-- The branch vanguard index (先锋指数, issue 14): per branch and period
-- (a year '2026' or a quarter '2026-Q4'), the composite, its band and the
-- sub-indices with the items behind them, computed from the modules' rollups
-- under the rule version `index.branch` in force at the period's as-of date.
-- Rows are derived: the recompute job replaces them; nothing else writes them.
CREATE TABLE branch_index (
  org_id          uuid NOT NULL REFERENCES org(id),
  period          text NOT NULL CHECK (period ~ '^\d{4}(-Q[1-4])?$'),
  as_of           date NOT NULL,
  rule_version_id uuid NOT NULL REFERENCES rule_version(id),
  composite       numeric(5,1) CHECK (composite BETWEEN 0 AND 100),
  band            text CHECK (band IN ('advanced', 'good', 'fair', 'lagging')),
  vetoed          boolean NOT NULL DEFAULT false,
  sub             jsonb NOT NULL,
  adjustments     jsonb NOT NULL,
  computed_at     timestamptz NOT NULL,
  PRIMARY KEY (org_id, period)
);
CREATE INDEX branch_index_period ON branch_index (period, org_id);

-- Our own synthesis of RULES §7 (not a regulation): sub-indices with their
-- items and weights, deductions and veto items, bands, and the suggestion
-- library for the branch report. An item whose data source does not exist in
-- the platform yet is shown as 无数据 and left out of the weights.
INSERT INTO rule_version (domain, key, effective_from, source, body) VALUES
('index', 'branch', '2024-01-01',
 'RULES §7 本平台默认的支部先锋指数综合方法（自拟，非法规）：参照青海“堡垒指数”、星级党支部评定等做法，基础分由各分项指数加权平均，另设扣分项与否决项；先进≥90、较好≥75、一般≥60、其余为后进',
 '{"subIndices":[
   {"key":"political","label":"政治建设","weight":15,"items":[{"key":"meetings.political","weight":1}]},
   {"key":"organisational","label":"组织建设","weight":20,"items":[{"key":"meetings.completion","weight":2},{"key":"committee.complete","weight":1},{"key":"term.on_time","weight":1},{"key":"development.on_time","weight":1}]},
   {"key":"ideological","label":"思想建设","weight":10,"items":[{"key":"study.participation","weight":1}]},
   {"key":"discipline","label":"纪律建设","weight":15,"items":[{"key":"dues.collection","weight":1},{"key":"dues.on_time","weight":1},{"key":"discipline.cases","weight":1}]},
   {"key":"conduct","label":"作风建设","weight":10,"items":[{"key":"service.response","weight":1}]},
   {"key":"integrity","label":"廉政建设","weight":5,"items":[{"key":"integrity.cases","weight":1}]},
   {"key":"leadership","label":"领导和组织能力","weight":15,"items":[{"key":"meetings.attendance","weight":1},{"key":"meetings.minutes","weight":1}]},
   {"key":"competence","label":"党员干部素质提升","weight":5,"items":[{"key":"meetings.lecture","weight":1}]},
   {"key":"satisfaction","label":"满意度","weight":5,"items":[{"key":"service.satisfaction","weight":1}]}
 ],
 "deductions":[
   {"key":"term.overdue","label":"换届逾期","points":5},
   {"key":"inactive.half_year","label":"半年以上未开展组织生活","points":5},
   {"key":"development.irregular","label":"发展党员不规范","points":15}
 ],
 "vetoes":[
   {"key":"inactive.year","label":"一年以上未开展组织生活"}
 ],
 "bands":[
   {"band":"advanced","label":"先进","min":90},
   {"band":"good","label":"较好","min":75},
   {"band":"fair","label":"一般","min":60},
   {"band":"lagging","label":"后进","min":0}
 ],
 "suggestions":[
   {"item":"meetings.completion","below":0.8,"text":"对照“三会一课”年度计划逐项补齐：每季度召开支部党员大会、每月召开支委会和党小组会，按时上好党课，会议记录及时确认。"},
   {"item":"meetings.political","below":0.8,"text":"按时召开组织生活会、开展民主评议党员，每月固定开展主题党日，把政治建设摆在首位。"},
   {"item":"meetings.lecture","below":0.8,"text":"书记带头讲党课，每季度至少一次，可邀请上级党组织负责同志和先进典型讲授。"},
   {"item":"meetings.attendance","below":0.85,"text":"会前通知到人、提前安排请假审批，对外出流动党员采取视频参会等方式，提高参会率。"},
   {"item":"meetings.minutes","below":0.9,"text":"会后及时整理会议记录，由主持人和记录人确认锁定，做到有会必有记录。"},
   {"item":"dues.collection","below":0.95,"text":"逐月核对应交与实交，对欠交党员谈心提醒，确有困难的按规定办理减免。"},
   {"item":"dues.on_time","below":0.9,"text":"推行按月交纳和线上交纳，在每月固定日期前提醒党员按时交纳党费。"},
   {"item":"committee.complete","below":1,"text":"正式党员7人以上的支部应设立支部委员会，及时补齐书记、组织委员、宣传委员、纪检委员。"},
   {"item":"term.on_time","below":1,"text":"支部委员会任期届满前90天启动换届工作，按期召开党员大会选举。"},
   {"item":"development.on_time","below":0.9,"text":"对照发展党员工作时限逐人梳理，按时开展培养考察、政审和预备期考察。"}
 ]}');
