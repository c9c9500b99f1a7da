import crypto from 'node:crypto';
import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { MEETING_TYPES, type CadenceRule, type MeetingType } from '../../contracts/meeting';
import { planSlots, rebuildAllMeetingRollups } from '../domains/meeting';
import type { Rng } from './random';

// 三会一课 for the demo data: `years` of organisational life up to today for
// every org the cadence binds (branches, general branches, party groups), with
// realistic gaps — each org has its own diligence, so some branches miss a
// quarter's assembly or a month's 支委会 — and the rest of this year planned.
// Held meetings get their attendees from the roll (most present, a few on
// approved leave, some absent), minutes with agenda, resolutions and a record
// (almost all confirmed and locked), and each year's 民主评议 grades. The
// rollups are rebuilt from the facts at the end. Deterministic with the Rng;
// attendance is drawn in SQL from a hash of the member and the meeting.

const LECTURES = ['学习贯彻党的二十大精神', '弘扬伟大建党精神', '全面从严治党永远在路上', '牢记初心使命 争做合格党员', '学习新修订的《中国共产党纪律处分条例》', '乡村振兴中的党员担当', '践行全心全意为人民服务的根本宗旨', '深入学习习近平新时代中国特色社会主义思想'];
const AGENDAS: Record<MeetingType, string[]> = {
  branch_assembly: ['一、传达学习上级党委会议精神；二、通报本季度支部工作情况；三、讨论决定发展党员有关事项；四、收缴党费', '一、学习党章；二、讨论支部年度工作计划；三、表决有关事项'],
  committee_meeting: ['一、研究本月支部工作安排；二、讨论入党积极分子培养考察情况；三、研究主题党日活动方案', '一、通报党费收缴情况；二、研究困难党员慰问事项；三、部署组织生活会准备工作'],
  group_meeting: ['一、学习上级文件精神；二、交流思想工作情况；三、安排近期志愿服务'],
  party_lecture: ['一、书记讲党课；二、党员交流学习体会'],
  theme_day: ['一、重温入党誓词；二、集中学习；三、开展志愿服务；四、交纳党费', '一、参观红色教育基地；二、交流学习体会；三、为群众办实事'],
  life_meeting: ['一、通报上年度组织生活会整改落实情况；二、支部班子对照检查；三、党员开展批评与自我批评；四、民主评议党员'],
  democratic_review: ['一、党员个人自评；二、党员互评；三、民主测评；四、支部综合评定'],
  heart_talk: ['谈心谈话：思想、工作、生活情况'],
};
const RECORDS: Record<MeetingType, string> = {
  branch_assembly: '<p>会议传达学习了上级党委有关会议精神，书记通报了本季度支部工作开展情况。</p><p>与会党员围绕发展党员、党费收缴和为民办实事进行了讨论，一致表示要在乡村振兴和基层治理中发挥先锋模范作用。</p>',
  committee_meeting: '<p>支委会研究了本月支部工作安排，讨论了入党积极分子培养考察情况和主题党日活动方案。</p><p>会议要求各委员按照分工抓好落实，做好党员教育管理。</p>',
  group_meeting: '<p>党小组学习了上级文件精神，组员交流了近期思想和工作情况，安排了志愿服务。</p>',
  party_lecture: '<p>支部书记以专题党课形式，结合本地实际讲解了党的创新理论，引导党员坚定理想信念、践行初心使命。</p><p>党员结合工作实际交流了学习体会。</p>',
  theme_day: '<p>全体党员重温入党誓词，集中学习了党的理论知识，随后开展志愿服务活动，走访慰问困难群众，收缴了本月党费。</p>',
  life_meeting: '<p>支部班子通报了上年度整改落实情况，班子成员逐一进行对照检查，党员之间开展了批评与自我批评，明确了整改措施。</p>',
  democratic_review: '<p>会议按照个人自评、党员互评、民主测评、组织评定的程序开展民主评议党员，评定结果在支部内公示。</p>',
  heart_talk: '<p>双方就思想、工作和生活情况进行了谈心谈话，提出了改进意见。</p>',
};
const RESOLUTIONS: Partial<Record<MeetingType, string[]>> = {
  branch_assembly: ['通过本季度支部工作安排', '同意将一名入党积极分子列为发展对象'],
  committee_meeting: ['确定本月主题党日活动方案'],
  life_meeting: ['形成班子和个人整改清单，限期整改'],
};

export async function generateMeetings(db: Db, rng: Rng, opts: { rootPath: string; today: string; years: number; planAhead: boolean }): Promise<{ meetings: number; attendees: number }> {
  const today = opts.today;
  const startYear = Number(today.slice(0, 4)) - opts.years + 1;
  const rule = (await db.one<{ body: CadenceRule }>(sql`SELECT body FROM rule_version WHERE domain = 'meetings' AND key = 'cadence' AND scope_org_id IS NULL ORDER BY effective_from DESC LIMIT 1`)).body;
  const orgs = await db.query<{ id: string; type: string; has_committee: boolean; setup_date: string | null }>(sql`
    SELECT o.id, o.type, EXISTS (SELECT 1 FROM org_committee c WHERE c.org_id = o.id AND c.ended_on IS NULL) AS has_committee, to_char(o.setup_date, 'YYYY-MM-DD') AS setup_date
    FROM org o WHERE o.path <@ ${opts.rootPath}::ltree AND o.dissolved_on IS NULL AND o.type IN ('general_branch', 'branch', 'joint_branch', 'temporary_branch', 'party_group') ORDER BY o.seq`);

  // party groups: the branch's members divided between its groups (the 党小组会's attendees)
  await db.exec(sql`INSERT INTO party_group_member (group_org_id, person_id)
    SELECT g.id, x.person_id FROM (
      SELECT p.id AS person_id, p.org_id, row_number() OVER (PARTITION BY p.org_id ORDER BY p.name_pinyin, p.id) AS k FROM person p JOIN org b ON b.id = p.org_id
      WHERE p.is_current AND b.path <@ ${opts.rootPath}::ltree AND EXISTS (SELECT 1 FROM org g WHERE g.parent_id = b.id AND g.type = 'party_group')) x
    JOIN LATERAL (SELECT g.id, row_number() OVER (ORDER BY g.seq) AS gk, count(*) OVER () AS gn FROM org g WHERE g.parent_id = x.org_id AND g.type = 'party_group' AND g.dissolved_on IS NULL) g
      ON g.gk = (x.k % g.gn) + 1
    ON CONFLICT DO NOTHING`);

  const rows: { org: string; type: string; status: string; title: string; date: string; heldOn: string | null; topic: string | null; agenda: string; record: string; resolutions: string[]; locked: boolean; fromPlan: boolean }[] = [];
  for (const o of orgs) {
    // how reliably this org holds its meetings: most do, a few are weak
    const diligence = rng.chance(0.15) ? 0.55 + rng.next() * 0.2 : 0.88 + rng.next() * 0.12;
    for (let year = startYear; year <= Number(today.slice(0, 4)); year++) {
      for (const s of planSlots(rule, { type: o.type, hasCommittee: o.has_committee }, year)) {
        if (o.setup_date && s.plannedDate < o.setup_date) continue;
        const title = `${year}年${Number(s.plannedDate.slice(5, 7))}月${MEETING_TYPES[s.type]}`;
        const topic = s.type === 'party_lecture' ? rng.pick(LECTURES) : null;
        const held = addDays(s.plannedDate, rng.int(-4, 6));
        if (held < today && s.plannedDate < today) {
          if (!rng.chance(diligence)) continue; // a gap: the period may end without the meeting
          rows.push({ org: o.id, type: s.type, status: 'held', title, date: s.plannedDate, heldOn: held, topic, agenda: rng.pick(AGENDAS[s.type]), record: RECORDS[s.type], resolutions: RESOLUTIONS[s.type] ?? [], locked: rng.chance(0.93) || held < addDays(today, -60), fromPlan: true });
        } else if (opts.planAhead && year === Number(today.slice(0, 4))) {
          rows.push({ org: o.id, type: s.type, status: 'planned', title, date: s.plannedDate, heldOn: null, topic, agenda: '', record: '', resolutions: [], locked: false, fromPlan: true });
        }
      }
    }
  }
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000).map((r) => ({ ...r, id: crypto.randomUUID() }));
    await db.exec(sql`INSERT INTO meeting (id, org_id, type, status, title, planned_date, held_on, topic, lecturer, from_plan, starts_at, ends_at, location)
      SELECT t.id, t.org, t.type, t.status, t.title, t.d, t.h, t.topic, CASE WHEN t.type = 'party_lecture' THEN '支部书记' END, true,
        CASE WHEN t.h IS NOT NULL THEN (t.h + time '14:30') AT TIME ZONE 'Asia/Shanghai' END, CASE WHEN t.h IS NOT NULL THEN (t.h + time '16:30') AT TIME ZONE 'Asia/Shanghai' END,
        CASE WHEN t.h IS NOT NULL THEN '党员活动室' END
      FROM unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.org)}::uuid[], ${part.map((r) => r.type)}::text[], ${part.map((r) => r.status)}::text[], ${part.map((r) => r.title)}::text[],
        ${part.map((r) => r.date)}::date[], ${part.map((r) => r.heldOn)}::date[], ${part.map((r) => r.topic)}::text[]) AS t(id, org, type, status, title, d, h, topic)`);
    const held = part.filter((r) => r.heldOn);
    await db.exec(sql`INSERT INTO meeting_minutes (meeting_id, agenda, resolutions, record, host_confirmed_at, recorder_confirmed_at, locked_at, updated_at)
      SELECT t.id, t.a, t.s, t.r, CASE WHEN t.l THEN (t.h + time '18:00') AT TIME ZONE 'Asia/Shanghai' END, CASE WHEN t.l THEN (t.h + time '18:00') AT TIME ZONE 'Asia/Shanghai' END,
        CASE WHEN t.l THEN (t.h + time '18:00') AT TIME ZONE 'Asia/Shanghai' END, (t.h + time '17:00') AT TIME ZONE 'Asia/Shanghai'
      FROM unnest(${held.map((r) => r.id)}::uuid[], ${held.map((r) => r.agenda)}::text[], ${held.map((r) => JSON.stringify(r.resolutions))}::jsonb[], ${held.map((r) => r.record)}::text[],
        ${held.map((r) => r.locked)}::boolean[], ${held.map((r) => r.heldOn)}::date[]) AS t(id, a, s, r, l, h)`);
  }
  // host and recorder: the branch secretary and another committee member (or a member) of the org
  const hosts = db.exec(sql`UPDATE meeting m SET host_person_id = h.person_id, host_name = h.name, recorder_person_id = COALESCE(r.person_id, h.person_id), recorder_name = COALESCE(r.name, h.name)
    FROM org o
    CROSS JOIN LATERAL (SELECT p.id AS person_id, p.name FROM person p LEFT JOIN committee_post cp ON cp.person_id = p.id AND cp.post = 'secretary'
      WHERE p.org_id = CASE WHEN o.type = 'party_group' THEN o.parent_id ELSE o.id END AND p.is_current ORDER BY cp.person_id IS NULL, p.name_pinyin, p.id LIMIT 1) h
    LEFT JOIN LATERAL (SELECT p.id AS person_id, p.name FROM person p WHERE p.org_id = CASE WHEN o.type = 'party_group' THEN o.parent_id ELSE o.id END AND p.is_current AND p.id <> h.person_id
      ORDER BY p.name_pinyin DESC, p.id LIMIT 1) r ON true
    WHERE o.id = m.org_id AND m.status = 'held' AND o.path <@ ${opts.rootPath}::ltree`);
  // attendees of held meetings from the roll; attendance drawn from a hash of member and meeting: ~86 % present, ~6 % on approved leave
  // (on another connection while the hosts are written: neither reads what the other writes)
  const salt = rng.int(1, 1_000_000);
  const attendees = db.exec(sql`INSERT INTO meeting_attendee (meeting_id, person_id, person_name, kind, can_vote, attendance, method, signed_at, leave_status, leave_reason)
    SELECT m.id, p.id, p.name, x.kind, x.vote,
      CASE WHEN h.draw < 86 THEN 'present' ELSE 'absent' END,
      CASE WHEN h.draw < 86 THEN (CASE WHEN h.draw < 26 THEN 'qr' WHEN h.draw < 30 THEN 'room' ELSE 'marked' END) END,
      CASE WHEN h.draw < 86 THEN m.starts_at END,
      CASE WHEN h.draw BETWEEN 86 AND 91 THEN 'approved' END,
      CASE WHEN h.draw BETWEEN 86 AND 91 THEN '外出务工' END
    FROM meeting m JOIN org o ON o.id = m.org_id
    JOIN LATERAL (
      SELECT p.id FROM party_group_member g JOIN person p ON p.id = g.person_id AND p.is_current WHERE o.type = 'party_group' AND g.group_org_id = o.id
      UNION ALL SELECT cp.person_id FROM org_committee c JOIN committee_post cp ON cp.committee_id = c.id WHERE m.type = 'committee_meeting' AND c.org_id = o.id AND c.ended_on IS NULL AND cp.person_id IS NOT NULL
      UNION ALL SELECT p.id FROM person p WHERE o.type <> 'party_group' AND m.type <> 'committee_meeting' AND p.org_id = o.id AND p.is_current
    ) ids ON true
    JOIN person p ON p.id = ids.id
    CROSS JOIN LATERAL (SELECT abs(hashtextextended(p.id_no_masked || p.name || to_char(m.held_on, 'YYYYMMDD') || m.type, ${salt})) % 100 AS draw) h
    CROSS JOIN LATERAL (SELECT CASE WHEN m.type = 'committee_meeting' THEN 'invited' WHEN p.status = 'full' THEN 'member' ELSE 'probationary' END AS kind, m.type = 'committee_meeting' OR p.status = 'full' AS vote) x
    WHERE m.status = 'held' AND o.path <@ ${opts.rootPath}::ltree
    ON CONFLICT DO NOTHING`);
  const [, attendeeCount] = await Promise.all([hosts, attendees]);
  // 民主评议党员: each held review grades its members (优秀 ~15 %, 基本合格 ~2 %, the rest 合格)
  await db.exec(sql`INSERT INTO member_review (person_id, year, org_id, meeting_id, grade)
    SELECT a.person_id, extract(year FROM m.held_on)::int, m.org_id, m.id,
      CASE WHEN abs(hashtext(a.person_name || m.id::text)) % 100 < 15 THEN 'excellent' WHEN abs(hashtext(a.person_name || m.id::text)) % 100 < 17 THEN 'basic' ELSE 'qualified' END
    FROM meeting m JOIN meeting_attendee a ON a.meeting_id = m.id JOIN org o ON o.id = m.org_id
    WHERE m.type = 'democratic_review' AND m.status = 'held' AND a.kind <> 'visitor' AND o.path <@ ${opts.rootPath}::ltree
    ON CONFLICT DO NOTHING`);
  await rebuildAllMeetingRollups(db);
  return { meetings: rows.length, attendees: attendeeCount };
}
