import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { seed } from '../../src/server/seed/demo';
import { checkStepOrder, refreshAllDeadlines } from '../../src/server/domains/development';
import { addDays, addYears as addYearsTo } from '../../src/server/platform/dates';
import { verifyMall } from '../../src/server/domains/mall';
import { verifyVolunteer } from '../../src/server/domains/volunteer';
import { verifyNeeds } from '../../src/server/domains/need';
import { verifyCommunityReports } from '../../src/server/domains/community-report';
import { verifyClubs } from '../../src/server/domains/club';
import { verifyPoints } from '../../src/server/domains/points';
import { TEST_NOW, createDemoHarness, createHarness, login, type Harness } from '../helpers/harness';

// The demo generator: deterministic, the QUALITY.md mix, and the README's demo accounts.
let h: Harness;
let h2: Harness;
beforeAll(async () => {
  // h: the run's demo template (generated once per run); h2: generated afresh here
  [h, h2] = await Promise.all([createDemoHarness(), createHarness()]);
  await seed(h2.deps, 'demo', 1);
});
afterAll(async () => Promise.all([h.close(), h2.close()]));

describe('demo data generator', () => {
  it('is deterministic: the same tier and seed give the same orgs and people', async () => {
    const snapshot = (db: Harness['db']) => db.query<{ id: string; name: string; birth_date: string; status: string; org_id: string; id_no_masked: string }>(
      sql`SELECT id, name, birth_date, status, org_id, id_no_masked FROM person ORDER BY id`);
    const orgs = (db: Harness['db']) => db.query(sql`SELECT id, path::text, name, type FROM org ORDER BY id`);
    expect(await snapshot(h2.db)).toEqual(await snapshot(h.db));
    expect(await orgs(h2.db)).toEqual(await orgs(h.db));
  });

  it('has the demo size: about 150 organisations and 3,000 members, ~22 per branch', async () => {
    const c = await h.db.one<{ orgs: number; members: number; branches: number }>(sql`SELECT
      (SELECT count(*)::int FROM org) AS orgs, (SELECT count(*)::int FROM person WHERE is_current) AS members,
      (SELECT count(*)::int FROM org WHERE type = 'branch') AS branches`);
    expect(c.orgs).toBeGreaterThanOrEqual(140);
    expect(c.orgs).toBeLessThanOrEqual(160);
    expect(c.members).toBeGreaterThanOrEqual(2800);
    expect(c.members).toBeLessThanOrEqual(3300);
    expect(c.members / c.branches).toBeGreaterThan(19);
    expect(c.members / c.branches).toBeLessThan(25);
  });

  it('follows the 2024 communiqué mix within a few points', async () => {
    const m = await h.db.one<Record<string, number>>(sql`SELECT
      avg((sex = 'female')::int)::float AS women,
      avg((birth_date > (current_date - interval '31 years'))::int)::float AS upto30,
      avg((birth_date <= (current_date - interval '61 years'))::int)::float AS over61,
      avg((education IN ('postgraduate','bachelor','college'))::int)::float AS college,
      avg((occupation = 'farmer')::int)::float AS farmers,
      avg((occupation = 'retired')::int)::float AS retired,
      avg((occupation = 'student')::int)::float AS students
      FROM person`);
    // targets: women 30.9 %, ≤ 30: 12.2 %, ≥ 61: 28.9 %, college+ 57.6 %, farmers 26.1 %, retirees 21.4 %, students 2.6 %
    expect(m.women).toBeCloseTo(0.309, 1);
    expect(m.upto30).toBeCloseTo(0.122, 1);
    expect(m.over61).toBeCloseTo(0.289, 1);
    expect(m.college).toBeCloseTo(0.576, 1);
    expect(Math.abs(m.farmers - 0.261)).toBeLessThan(0.06);
    expect(Math.abs(m.retired - 0.214)).toBeLessThan(0.04);
    expect(Math.abs(m.students - 0.026)).toBeLessThan(0.02);
  });

  it('writes an increase event for every member and valid relations', async () => {
    const r = await h.db.one<{ without_event: number; open_for_former: number; current_without_open: number }>(sql`SELECT
      (SELECT count(*)::int FROM person p WHERE p.status NOT IN ('applicant','activist','candidate','masses')
         AND NOT EXISTS (SELECT 1 FROM member_event e WHERE e.person_id = p.id AND e.direction = 'increase')) AS without_event,
      (SELECT count(*)::int FROM person p JOIN membership m ON m.person_id = p.id AND m.valid_to IS NULL WHERE NOT p.is_current) AS open_for_former,
      (SELECT count(*)::int FROM person p WHERE p.is_current AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.person_id = p.id AND m.valid_to IS NULL AND m.org_id = p.org_id)) AS current_without_open`);
    expect(r).toEqual({ without_event: 0, open_for_former: 0, current_without_open: 0 });
  });

  it('gives most branches development files whose steps keep the RULES §1 order and whose deadlines match the engine', async () => {
    const files = await h.db.query<{ id: string; status: string; last_step: number; steps: Array<{ step: number; date: string }> }>(sql`
      SELECT f.id, p.status, f.last_step, json_agg(json_build_object('step', s.step_no, 'date', s.step_date) ORDER BY s.step_no) AS steps
      FROM dev_file f JOIN person p ON p.id = f.person_id JOIN dev_step s ON s.file_id = f.id WHERE f.state = 'open' GROUP BY f.id, p.status, f.last_step`);
    expect(files.length).toBeGreaterThan(50);
    const today = h.deps.clock.today();
    for (const f of files) {
      expect(f.steps.map((s) => s.step)).toEqual(Array.from({ length: f.last_step }, (_, i) => i + 1));
      const recorded = new Map<number, string>();
      for (const s of f.steps) {
        expect(checkStepOrder(s.step, s.date, recorded), `${f.id} step ${s.step}`).toEqual([]);
        expect(s.date <= today).toBe(true);
        recorded.set(s.step, s.date);
      }
      expect(f.status).toBe(f.last_step >= 17 ? 'probationary' : f.last_step >= 7 ? 'candidate' : f.last_step >= 3 ? 'activist' : 'applicant');
    }
    const snapshot = () => h.db.query(sql`SELECT file_id, kind, due, extended_due, provisional FROM dev_deadline ORDER BY file_id, kind`);
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(50);
    await refreshAllDeadlines(h.deps);
    expect(await snapshot()).toEqual(before);
  });

  it('takes files past the superior approval into 预备期: a 预备党员 joined on the 支部大会 date, and in secretary1’s branch a conversion vote waiting for step 24', async () => {
    const admitted = await h.db.query<{ person_id: string; join_date: string; s15: string; s17: string; events: number; open: number; status: string }>(sql`
      SELECT f.person_id, p.join_date::text, p.status,
        (SELECT step_date::text FROM dev_step WHERE file_id = f.id AND step_no = 15) AS s15,
        (SELECT step_date::text FROM dev_step WHERE file_id = f.id AND step_no = 17) AS s17,
        (SELECT count(*)::int FROM member_event e WHERE e.person_id = f.person_id AND e.reason = 'recruited') AS events,
        (SELECT count(*)::int FROM membership m WHERE m.person_id = f.person_id AND m.valid_to IS NULL AND m.org_id = f.org_id) AS open
      FROM dev_file f JOIN person p ON p.id = f.person_id WHERE f.state = 'open' AND f.last_step >= 17`);
    expect(admitted.length).toBeGreaterThanOrEqual(2);
    for (const a of admitted) expect(a).toEqual({ ...a, status: 'probationary', join_date: a.s15, events: 1, open: 1 });
    const s1 = await login(h.app, 'secretary1', 'Dangjian@2026');
    const branch = (await s1.get('/api/v1/me')).json().scopeRoots[0].id as string;
    const waiting = await h.db.query<{ stage: number; outcome: string }>(sql`
      SELECT f.stage, v.outcome FROM dev_file f JOIN dev_vote v ON v.file_id = f.id AND v.kind = 'conversion'
      WHERE f.org_id = ${branch} AND f.last_step = 23 AND v.is_passed`);
    expect(waiting).toEqual([{ stage: 5, outcome: 'convert' }]);
    const deadline = await h.db.query<{ kind: string }>(sql`SELECT d.kind FROM dev_deadline d JOIN dev_file f ON f.id = d.file_id WHERE f.org_id = ${branch} AND f.last_step = 23`);
    expect(deadline.map((d) => d.kind)).toContain('conversion_approval');
  });

  it('has a year and more of relation transfers: accepted letters with consistent relations and events, gap-free numbers, and letters open today', async () => {
    const today = h.deps.clock.today();
    const r = await h.db.one<Record<string, number | string>>(sql`SELECT
      (SELECT count(*)::int FROM transfer WHERE status = 'accepted' AND kind = 'internal') AS accepted,
      (SELECT count(*)::int FROM transfer WHERE status = 'accepted' AND kind = 'outgoing') AS outgoing,
      (SELECT count(*)::int FROM transfer WHERE status = 'issued') AS issued,
      (SELECT count(*)::int FROM transfer WHERE status = 'pending_approval') AS pending,
      (SELECT count(*)::int FROM transfer WHERE status = 'draft') AS drafts,
      (SELECT count(*)::int FROM transfer WHERE status = 'expired') AS expired,
      (SELECT count(*)::int FROM transfer WHERE status = 'rejected') AS rejected,
      (SELECT to_char(min(accepted_on), 'YYYY-MM-DD') FROM transfer WHERE status = 'accepted') AS first,
      (SELECT count(*)::int FROM (SELECT person_id FROM membership WHERE valid_to IS NULL GROUP BY person_id HAVING count(*) > 1) x) AS double_open,
      (SELECT count(*)::int FROM transfer t WHERE t.status = 'accepted' AND t.kind = 'internal' AND NOT (
          EXISTS (SELECT 1 FROM member_event e WHERE e.person_id = t.person_id AND e.reason = 'transfer_out' AND e.org_id = t.from_org_id AND e.event_date = t.accepted_on)
          AND EXISTS (SELECT 1 FROM member_event e WHERE e.person_id = t.person_id AND e.reason = 'transfer_in' AND e.org_id = t.to_org_id AND e.event_date = t.accepted_on)
          AND EXISTS (SELECT 1 FROM membership m WHERE m.person_id = t.person_id AND m.org_id = t.from_org_id AND m.valid_to = t.accepted_on - 1)
          AND EXISTS (SELECT 1 FROM membership m WHERE m.person_id = t.person_id AND m.org_id = t.to_org_id AND m.valid_from = t.accepted_on AND m.valid_to IS NULL)
          AND EXISTS (SELECT 1 FROM person p WHERE p.id = t.person_id AND p.org_id = t.to_org_id))) AS inconsistent,
      (SELECT count(*)::int FROM transfer t JOIN person p ON p.id = t.person_id WHERE t.kind = 'outgoing' AND t.status = 'accepted'
         AND (p.status <> 'left' OR EXISTS (SELECT 1 FROM membership m WHERE m.person_id = p.id AND m.valid_to IS NULL))) AS outgoing_still_here,
      (SELECT count(*)::int FROM transfer t WHERE t.status = 'issued' AND (t.valid_until < ${today}::date OR t.issued_on > ${today}::date)) AS issued_out_of_validity,
      (SELECT count(*)::int FROM (SELECT issuer_org_id, letter_year FROM transfer WHERE letter_no IS NOT NULL GROUP BY 1, 2 HAVING max(letter_no) <> count(*)) x) AS gaps,
      (SELECT count(*)::int FROM transfer_letter_seq s WHERE s.last_no <> (SELECT max(t.letter_no) FROM transfer t WHERE t.issuer_org_id = s.issuer_org_id AND t.letter_year = s.year)) AS seq_off,
      (SELECT count(*)::int FROM transfer t WHERE t.letter_no IS NOT NULL AND NOT EXISTS (SELECT 1 FROM transfer_letter_seq s WHERE s.issuer_org_id = t.issuer_org_id AND s.year = t.letter_year)) AS seq_missing,
      (SELECT count(*)::int FROM transfer t JOIN account a ON a.person_id = t.person_id) AS account_holders_moved`);
    expect(r.accepted).toBeGreaterThanOrEqual(30);
    expect(r.outgoing).toBeGreaterThanOrEqual(3);
    expect(r.issued).toBeGreaterThanOrEqual(3);
    expect([r.pending, r.drafts, r.expired, r.rejected]).toEqual([1, 1, 1, 1]);
    expect(String(r.first) <= addYearsTo(today, -1)).toBe(true);
    expect({ ...r, accepted: 0, outgoing: 0, issued: 0, pending: 0, drafts: 0, expired: 0, rejected: 0, first: '' }).toEqual({
      accepted: 0, outgoing: 0, issued: 0, pending: 0, drafts: 0, expired: 0, rejected: 0, first: '',
      double_open: 0, inconsistent: 0, outgoing_still_here: 0, issued_out_of_validity: 0, gaps: 0, seq_off: 0, seq_missing: 0, account_holders_moved: 0,
    });
    // secretary1 has one incoming letter to receive
    const s1 = await login(h.app, 'secretary1', 'Dangjian@2026');
    const incoming = (await s1.get('/api/v1/transfers?direction=incoming&status=open')).json() as { items: Array<{ status: string; side: string }> };
    expect(incoming.items.map((i) => [i.status, i.side])).toEqual([['issued', 'receiving']]);
  });

  it('leaves member1 owing last month, so the phone has something to do', async () => {
    const m1 = await login(h.app, 'member1', 'Dangjian@2026');
    const dues = (await m1.get('/api/v1/me/dues')).json() as { owed: Array<{ month: string }> };
    const current = h.deps.clock.today().slice(0, 7);
    const [y, m] = current.split('-').map(Number);
    const last = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    expect(dues.owed.map((b) => b.month.slice(0, 7))).toContain(last);
  });

  it('has key projects over a year: last year accepted, this year red, yellow, blue and on plan, and one in secretary1s branch', async () => {
    const county = await login(h.app, 'county', 'Dangjian@2026');
    const all = (await county.get('/api/v1/projects?pageSize=100')).json() as { total: number; counts: Record<string, number>; items: Array<{ name: string; status: string; level: string | null; planned: number; actual: number; startOn: string }> };
    expect(all.total).toBeGreaterThanOrEqual(8);
    expect(all.counts.error).toBeGreaterThanOrEqual(1);
    expect(all.counts.warning).toBeGreaterThanOrEqual(1);
    expect(all.counts.info).toBeGreaterThanOrEqual(1);
    expect(all.counts.none).toBeGreaterThanOrEqual(1);
    const accepted = all.items.filter((p) => p.status === 'accepted');
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    const yearAgo = addYearsTo(h.deps.clock.today(), -1);
    expect(accepted.some((p) => p.startOn < yearAgo)).toBe(true);
    const reports = await h.db.one<{ n: number; first: string }>(sql`SELECT count(*)::int AS n, to_char(min(reported_on), 'YYYY-MM-DD') AS first FROM project_progress`);
    expect(reports.first < yearAgo).toBe(true);
    const s1 = await login(h.app, 'secretary1', 'Dangjian@2026');
    const own = (await s1.get('/api/v1/projects')).json() as { items: Array<{ level: string | null }> };
    expect(own.items.map((p) => p.level)).toContain('info');
  });

  it('has a points mall with six months of redemptions: picked up, cancelled, expired and waiting at the desk; both ledgers agree', async () => {
    const c = await h.db.one<{ items: number; suppliers: number; statuses: Record<string, number>; first: string; open_overdue: number; stock_moves: number }>(sql`SELECT
      (SELECT count(*)::int FROM mall_item) AS items, (SELECT count(DISTINCT supplier_org_id)::int FROM mall_item) AS suppliers,
      (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM mall_redemption GROUP BY status) s) AS statuses,
      (SELECT to_char(min(redeemed_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') FROM mall_redemption) AS first,
      (SELECT count(*)::int FROM mall_redemption WHERE status = 'reserved' AND pickup_by < ${h.deps.clock.today()}::date) AS open_overdue,
      (SELECT count(*)::int FROM mall_stock_entry WHERE kind = 'stock_in' AND reason = '补货') AS stock_moves`);
    expect(c.items).toBeGreaterThanOrEqual(20);
    expect(c.suppliers).toBeGreaterThanOrEqual(5);
    expect(c.statuses.fulfilled).toBeGreaterThan(100);
    for (const s of ['reserved', 'cancelled', 'expired']) expect(c.statuses[s], s).toBeGreaterThan(0);
    expect(c.first < addDays(h.deps.clock.today(), -150)).toBe(true);
    // nothing is left waiting past its last pick-up day: the daily job would have expired it
    expect(c.open_overdue).toBe(0);
    const mall = await verifyMall(h.db);
    expect(mall.counterDifferences).toEqual([]);
    expect(mall.holdMismatches).toEqual([]);
    const points = await verifyPoints(h.db);
    expect([points.broken, points.balanceDrift, points.unbalanced, points.rollup]).toEqual([[], [], [], []]);
    // member1 sees the town's goods on the phone
    const m1 = await login(h.app, 'member1', 'Dangjian@2026');
    const window = (await m1.get('/api/v1/me/mall')).json() as { items: Array<{ name: string }> };
    expect(window.items.map((i) => i.name)).toContain('环保购物袋');
  });

  it('has residents registered in the communities over more than a year, in their grids; resident1 lives in secretary1s community', async () => {
    const r = await h.db.one<{ residents: number; communities: number; non_community: number; with_grid: number; foreign_grid: number; first: string; signable: number }>(sql`SELECT
      (SELECT count(*)::int FROM resident) AS residents,
      (SELECT count(DISTINCT community_org_id)::int FROM resident) AS communities,
      (SELECT count(*)::int FROM resident r JOIN org o ON o.id = r.community_org_id WHERE o.unit_kind <> 'community') AS non_community,
      (SELECT count(*)::int FROM resident WHERE grid_id IS NOT NULL) AS with_grid,
      (SELECT count(*)::int FROM resident r JOIN map_area a ON a.id = r.grid_id JOIN org g ON g.id = a.responsible_org_id JOIN org c ON c.id = r.community_org_id WHERE NOT g.path <@ c.path) AS foreign_grid,
      (SELECT to_char(min(created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') FROM resident) AS first,
      (SELECT count(*)::int FROM account a JOIN resident r ON r.account_id = a.id WHERE a.is_demo) AS signable`);
    expect(r.residents).toBeGreaterThan(100);
    expect(r.communities).toBeGreaterThan(5);
    expect([r.non_community, r.foreign_grid, r.signable]).toEqual([0, 0, 1]);
    expect(r.with_grid).toBeGreaterThan(0);
    expect(r.first < '2025-12-04').toBe(true);
    const s1 = await login(h.app, 'secretary1', 'Dangjian@2026');
    const mine = (await s1.get('/api/v1/residents?pageSize=100')).json() as { items: Array<{ name: string; communityId: string }>; total: number };
    const b1 = (await s1.get('/api/v1/me')).json().scopeRoots[0].id;
    expect(mine.total).toBeGreaterThan(5);
    expect(mine.items.every((i) => i.communityId === b1)).toBe(true);
    const r1 = await login(h.app, 'resident1', 'Dangjian@2026');
    expect((await r1.get('/api/v1/me/resident')).json().communityId).toBe(b1);
  });

  it('has a year of volunteer activities in the communities: attested hours (a few absent), members points for them, the coming weeks announced; counters agree', async () => {
    const v = await h.db.one<{ activities: number; first: string; upcoming: number; attested: number; absent: number; residents: number; waiting_past: number; awarded: number }>(sql`SELECT
      (SELECT count(*)::int FROM volunteer_activity) AS activities,
      (SELECT to_char(min(starts_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') FROM volunteer_activity) AS first,
      (SELECT count(*)::int FROM volunteer_activity WHERE starts_at > ${h.deps.clock.now().toISOString()}::timestamptz) AS upcoming,
      (SELECT count(*)::int FROM volunteer_signup WHERE status = 'attested') AS attested,
      (SELECT count(*)::int FROM volunteer_signup WHERE status = 'absent') AS absent,
      (SELECT count(*)::int FROM volunteer_signup WHERE resident_id IS NOT NULL) AS residents,
      (SELECT count(*)::int FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id WHERE s.status = 'signed_up' AND a.ends_at < ${h.deps.clock.now().toISOString()}::timestamptz) AS waiting_past,
      (SELECT count(*)::int FROM point_txn WHERE source_type = 'volunteer_hour') AS awarded`);
    expect(v.activities).toBeGreaterThan(100);
    expect(v.first < '2025-12-04').toBe(true);
    expect(v.upcoming).toBeGreaterThan(5);
    expect(v.attested).toBeGreaterThan(v.absent * 5);
    expect(v.absent).toBeGreaterThan(0);
    expect(v.residents).toBeGreaterThan(0);
    expect(v.waiting_past).toBeGreaterThan(0);
    expect(v.awarded).toBeGreaterThan(0);
    expect((await verifyVolunteer(h.db)).counterDifferences).toEqual([]);
    const points = await verifyPoints(h.db);
    expect([points.broken, points.balanceDrift, points.unbalanced, points.rollup]).toEqual([[], [], [], []]);
  });

  it('has a year of needs in the communities: volunteers who take them, pushed, claimed, completed and rated; some waiting today; counters agree', async () => {
    const v = await h.db.one<{ profiles: number; members: number; needs: number; first: string; rated: number; cancelled: number; open: number; escalated: number; claimed: number; unpushed: number; demo: number }>(sql`SELECT
      (SELECT count(*)::int FROM volunteer_profile) AS profiles,
      (SELECT count(*)::int FROM volunteer_profile WHERE person_id IS NOT NULL) AS members,
      (SELECT count(*)::int FROM need) AS needs,
      (SELECT to_char(min(created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') FROM need) AS first,
      (SELECT count(*)::int FROM need WHERE status = 'rated') AS rated,
      (SELECT count(*)::int FROM need WHERE status = 'cancelled') AS cancelled,
      (SELECT count(*)::int FROM need WHERE status = 'open') AS open,
      (SELECT count(*)::int FROM need WHERE status = 'open' AND escalated_at IS NOT NULL) AS escalated,
      (SELECT count(*)::int FROM need WHERE status = 'claimed') AS claimed,
      (SELECT count(*)::int FROM need n WHERE NOT EXISTS (SELECT 1 FROM need_push p WHERE p.need_id = n.id)) AS unpushed,
      (SELECT count(*)::int FROM volunteer_profile v JOIN account a ON a.person_id = v.person_id OR a.id = (SELECT r.account_id FROM resident r WHERE r.id = v.resident_id)
        WHERE a.username IN ('member1', 'resident1')) AS demo`);
    expect(v.profiles).toBeGreaterThan(50);
    expect(v.members).toBeGreaterThan(0);
    expect(v.needs).toBeGreaterThan(200);
    expect(v.first < '2025-12-04').toBe(true);
    expect(v.rated).toBeGreaterThan(v.cancelled * 3);
    expect([v.open > 0, v.escalated > 0, v.claimed > 0, v.unpushed, v.demo]).toEqual([true, true, true, 0, 0]);
    expect((await verifyNeeds(h.db)).counterDifferences).toEqual([]);
    const s1 = await login(h.app, 'secretary1', 'Dangjian@2026');
    expect((await s1.get('/api/v1/needs')).json().total).toBeGreaterThan(10);
    const r1 = await login(h.app, 'resident1', 'Dangjian@2026');
    expect((await r1.get('/api/v1/me/needs')).statusCode).toBe(200);
  });

  it('has a year of posts reviewed by the communities, a few short videos with their files, some waiting today and one reported', async () => {
    const v = await h.db.one<{ posts: number; published: number; rejected: number; pending: number; videos: number; first: string; reported: number; resident1: number; files: number }>(sql`SELECT
      (SELECT count(*)::int FROM post) AS posts,
      (SELECT count(*)::int FROM post WHERE status = 'published') AS published,
      (SELECT count(*)::int FROM post WHERE status = 'rejected' AND reason IS NOT NULL) AS rejected,
      (SELECT count(*)::int FROM post WHERE status = 'pending_review') AS pending,
      (SELECT count(*)::int FROM post WHERE kind = 'video' AND video_key IS NOT NULL AND thumbnail_key IS NOT NULL AND duration_ms BETWEEN 1500 AND 3500) AS videos,
      (SELECT to_char(min(created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') FROM post) AS first,
      (SELECT count(*)::int FROM post WHERE report_count > 0 AND report_count = (SELECT count(*) FROM post_report r WHERE r.post_id = post.id)) AS reported,
      (SELECT count(*)::int FROM post p JOIN account a ON a.id = p.author_account_id WHERE a.username = 'resident1') AS resident1,
      (SELECT count(DISTINCT video_key)::int FROM post WHERE video_key IS NOT NULL) AS files`);
    expect(v.posts).toBeGreaterThan(100);
    expect(v.published).toBeGreaterThan(v.rejected * 5);
    expect(v.rejected).toBeGreaterThan(0);
    expect(v.pending).toBeGreaterThan(2);
    expect(v.videos).toBeGreaterThanOrEqual(5);
    expect(v.first < '2026-01-04').toBe(true);
    expect([v.reported, v.resident1, v.files]).toEqual([1, 0, 3]);
    const s1 = await login(h.app, 'secretary1', 'Dangjian@2026');
    const queue = (await s1.get('/api/v1/posts/moderation?status=pending_review')).json();
    expect(queue.items.some((p: { kind: string; hasVideo: boolean }) => p.kind === 'video' && p.hasVideo)).toBe(true);
    const reported = (await s1.get('/api/v1/posts/moderation?reported=true')).json();
    expect(reported.total).toBe(1);
    const r1 = await login(h.app, 'resident1', 'Dangjian@2026');
    const feed = (await r1.get('/api/v1/posts/feed')).json();
    const video = feed.items.find((p: { kind: string }) => p.kind === 'video');
    expect(video).toBeTruthy();
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/posts/${video.id}/video`, headers: { cookie: r1.cookie, range: 'bytes=0-7' } });
    expect(res.statusCode).toBe(206);
    expect(res.rawPayload.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('has fourteen months of 双报到: unit organisations and members reported to communities, accepted with services, last year evaluated; counters agree', async () => {
    const v = await h.db.one<{ orgs: number; members: number; accepted: number; pending: number; declined: number; services: number; evaluated: number; non_community: number; first: string }>(sql`SELECT
      (SELECT count(*)::int FROM community_report WHERE kind = 'org') AS orgs,
      (SELECT count(*)::int FROM community_report WHERE kind = 'member') AS members,
      (SELECT count(*)::int FROM community_report WHERE status = 'accepted') AS accepted,
      (SELECT count(*)::int FROM community_report WHERE status = 'pending') AS pending,
      (SELECT count(*)::int FROM community_report WHERE status = 'declined') AS declined,
      (SELECT count(*)::int FROM community_service) AS services,
      (SELECT count(*)::int FROM community_evaluation) AS evaluated,
      (SELECT count(*)::int FROM community_report r JOIN org o ON o.id = r.community_org_id WHERE o.unit_kind NOT IN ('community', 'village')) AS non_community,
      (SELECT to_char(min(reported_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') FROM community_report) AS first`);
    expect(v.orgs).toBeGreaterThan(10);
    expect(v.members).toBeGreaterThan(50);
    expect(v.accepted).toBeGreaterThan(v.pending + v.declined);
    expect([v.pending > 0, v.services > v.accepted, v.evaluated > 0, v.non_community]).toEqual([true, true, true, 0]);
    expect(v.first < '2025-12-04').toBe(true);
    expect((await verifyCommunityReports(h.db)).counterDifferences).toEqual([]);
  });

  it('has a year of clubs: founded by residents, approved, joined, meeting as club activities; applications waiting; counters agree', async () => {
    const v = await h.db.one<{ active: number; pending: number; overdue: number; members: number; activities: number; signups: number; attested: number; first: string; founded_by_demo: number; demo_member: number }>(sql`SELECT
      (SELECT count(*)::int FROM club WHERE status = 'active') AS active,
      (SELECT count(*)::int FROM club WHERE status = 'pending') AS pending,
      (SELECT count(*)::int FROM club WHERE status = 'pending' AND created_at < ${TEST_NOW}::timestamptz - interval '8 days') AS overdue,
      (SELECT count(*)::int FROM club_member WHERE status = 'active') AS members,
      (SELECT count(*)::int FROM volunteer_activity WHERE club_id IS NOT NULL) AS activities,
      (SELECT count(*)::int FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id WHERE a.club_id IS NOT NULL) AS signups,
      (SELECT count(*)::int FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id WHERE a.club_id IS NOT NULL AND s.status = 'attested') AS attested,
      (SELECT to_char(min(created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') FROM club) AS first,
      (SELECT count(*)::int FROM club c JOIN account a ON a.id = c.founder_account_id WHERE a.username = 'resident1') AS founded_by_demo,
      (SELECT count(*)::int FROM club_member m JOIN account a ON a.id = m.account_id WHERE a.username = 'resident1' AND m.status = 'active') AS demo_member`);
    expect(v.active).toBeGreaterThan(20);
    expect(v.members).toBeGreaterThan(v.active * 3);
    expect(v.activities).toBeGreaterThan(v.active * 5);
    expect(v.signups).toBeGreaterThan(v.activities);
    expect(v.first < '2025-12-04').toBe(true);
    // club meetings are never volunteer hours; resident1 is in a club and founded none (the tour applies for one)
    expect([v.pending > 0, v.overdue > 0, v.attested, v.founded_by_demo, v.demo_member > 0]).toEqual([true, true, 0, 0, true]);
    expect((await verifyClubs(h.db)).counterDifferences).toEqual([]);
    expect((await verifyVolunteer(h.db)).counterDifferences).toEqual([]);
    const r1 = await login(h.app, 'resident1', 'Dangjian@2026');
    const mine = (await r1.get('/api/v1/me/clubs')).json();
    expect(mine.clubs.some((c: { joined: boolean }) => c.joined)).toBe(true);
  });

  it('creates the README demo accounts with their roles and the shared password', async () => {
    const rows = await h.db.query<{ username: string; role: string; scope: string; has_org: boolean; has_person: boolean }>(sql`
      SELECT a.username, g.role, g.scope, g.org_id IS NOT NULL AS has_org, a.person_id IS NOT NULL AS has_person
      FROM account a JOIN role_grant g ON g.account_id = a.id WHERE a.is_demo ORDER BY a.username`);
    expect(rows.map((r) => `${r.username}:${r.role}:${r.scope}`)).toEqual([
      'auditor:auditor:subtree', 'county:org_admin:subtree', 'member1:member:self', 'resident1:resident:self', 'secadmin:secadmin:subtree',
      'secretary1:secretary:subtree', 'secretary2:secretary:subtree', 'sysadmin:sysadmin:subtree',
    ]);
    expect(rows.find((r) => r.username === 'member1')!.has_person).toBe(true);
    for (const u of ['sysadmin', 'secadmin', 'auditor', 'county', 'secretary1', 'secretary2', 'member1', 'resident1']) await login(h.app, u, 'Dangjian@2026');
    const s1 = await login(h.app, 'secretary1', 'Dangjian@2026');
    const s2 = await login(h.app, 'secretary2', 'Dangjian@2026');
    const b1 = (await s1.get('/api/v1/me')).json().scopeRoots[0].id;
    const b2 = (await s2.get('/api/v1/me')).json().scopeRoots[0].id;
    expect(b1).not.toBe(b2);
    const m1 = await login(h.app, 'member1', 'Dangjian@2026');
    const profile = (await m1.get('/api/v1/me/profile')).json();
    expect(profile.orgId).toBe(b1);
  });
});
