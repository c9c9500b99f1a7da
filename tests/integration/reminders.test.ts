import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { sendTermReminders } from '../../src/server/domains/org';
import { cleanUp } from '../../src/server/platform/maintenance';
import { sha256 } from '../../src/server/platform/crypto';
import { createHarness, login, type Harness } from '../helpers/harness';
import { makeAccount, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// Scheduled work: 换届 reminders (RULES §3: warn 90 days ahead, flag overdue) and housekeeping.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const TODAY = '2026-06-15';
async function committee(orgId: string, electedOn: string, termEndsOn: string) {
  await h.db.exec(sql`INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on) VALUES (${orgId}, ${electedOn}, 3, ${termEndsOn})`);
}
const titlesFor = async (accountId: string) =>
  (await h.db.query<{ title: string; link: string }>(sql`SELECT title, link FROM notification WHERE account_id = ${accountId} ORDER BY title`)).map((n) => `${n.title} → ${n.link}`);

describe('换届 reminders', () => {
  it('notifies the managers in scope once per milestone: 90 days ahead, and again when overdue', async () => {
    const root = await makeRoot(h.deps);
    const soon = await makeOrg(h.deps, root, 'branch', '将到期支部');
    const edge = await makeOrg(h.deps, root, 'branch', '窗口外支部');
    const late = await makeOrg(h.deps, root, 'branch', '已超期支部');
    await committee(soon.id, '2023-09-13', '2026-09-13'); // 90 days after TODAY: inside the window
    await committee(edge.id, '2023-09-14', '2026-09-14'); // 91 days: not yet
    await committee(late.id, '2023-06-14', '2026-06-14'); // ended yesterday
    const county = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
    const secretary = await makeAccount(h.deps, [{ role: 'secretary', orgId: soon.id, scope: 'subtree' }]);
    const worker = await makeAccount(h.deps, [{ role: 'party_worker', orgId: soon.id, scope: 'subtree' }]); // cannot manage committees
    const outsider = await makeAccount(h.deps, [{ role: 'secretary', orgId: edge.id, scope: 'subtree' }]);

    await sendTermReminders(h.deps, TODAY);
    expect(await titlesFor(county.id)).toEqual([
      `将到期支部任期将于 2026-09-13 届满 → /admin/orgs?id=${soon.id}`,
      `已超期支部已超期未换届 → /admin/orgs?id=${late.id}`,
    ].sort());
    expect(await titlesFor(secretary.id)).toEqual([`将到期支部任期将于 2026-09-13 届满 → /admin/orgs?id=${soon.id}`]);
    expect(await titlesFor(worker.id)).toEqual([]);
    expect(await titlesFor(outsider.id)).toEqual([]);

    // running again the same day (or on a second instance) sends nothing new
    await sendTermReminders(h.deps, TODAY);
    expect(await titlesFor(county.id)).toHaveLength(2);

    // once the term has ended, the overdue reminder follows
    await sendTermReminders(h.deps, '2026-09-14');
    expect(await titlesFor(secretary.id)).toEqual([
      `将到期支部任期将于 2026-09-13 届满 → /admin/orgs?id=${soon.id}`,
      `将到期支部已超期未换届 → /admin/orgs?id=${soon.id}`,
    ].sort());
    // the secretary sees it in the notification centre
    const c = await login(h.app, secretary.username, PASSWORD);
    expect((await c.get('/api/v1/notifications')).json().unread).toBe(2);
  });

  it('runs as the scheduled job through the job runner', async () => {
    const id = await h.deps.jobs.enqueue('org.term_reminders', {});
    await h.deps.jobs.runDue();
    const job = await h.db.one<{ status: string }>(sql`SELECT status FROM job WHERE id = ${id}`);
    expect(job.status).toBe('succeeded');
  });
});

describe('housekeeping', () => {
  it('removes expired sessions and stale login counters, keeping live ones', async () => {
    const acc = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const live = await login(h.app, acc.username, PASSWORD);
    await login(h.app, acc.username, PASSWORD);
    const liveHash = sha256(live.cookie.replace(/^dj_sid=/, ''));
    await h.db.exec(sql`UPDATE session SET last_seen_at = now() - interval '2 hours' WHERE account_id = ${acc.id} AND token_hash <> ${liveHash}`);
    await h.db.exec(sql`INSERT INTO login_throttle (username_key, failures, updated_at) VALUES ('stale-user', 2, now() - interval '2 days'), ('fresh-user', 1, now())`);
    const r = await cleanUp(h.db);
    expect(r.sessions).toBe(1);
    expect((await live.get('/api/v1/me')).statusCode).toBe(200);
    const keys = (await h.db.query<{ username_key: string }>(sql`SELECT username_key FROM login_throttle WHERE username_key IN ('stale-user', 'fresh-user')`)).map((x) => x.username_key);
    expect(keys).toEqual(['fresh-user']);
  });
});
