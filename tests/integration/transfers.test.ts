import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, login, TEST_TODAY, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCandidate, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { memberRollupDifferences } from '../../src/server/domains/member';
import { expireAndRemind } from '../../src/server/domains/transfer';
import { generateBills } from '../../src/server/domains/dues';
import type { TransferDetail, TransferLetterCheck, TransferPage, TransferPreview } from '../../src/contracts/transfer';
import { pdfText } from '../helpers/pdf';
import { makeIdNumber } from '../helpers/factory';

// 组织关系转接 (RULES §4): the letter's state machine, the member in exactly
// one branch at every moment, both sides acting in the platform, refusals.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

async function as(role: 'secretary' | 'org_admin' | 'party_worker', orgId: string): Promise<Client> {
  return login(h.app, (await makeAccount(h.deps, [{ role, orgId, scope: 'subtree' }])).username, PASSWORD);
}

async function detail(c: Client, id: string): Promise<TransferDetail> {
  const res = await c.get(`/api/v1/transfers/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as TransferDetail;
}

async function create(c: Client, body: Record<string, unknown>): Promise<string> {
  const res = await c.post('/api/v1/transfers', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function act(c: Client, id: string, action: 'issue' | 'approve' | 'accept' | 'reject' | 'revoke', body: Record<string, unknown> = {}) {
  const { version } = await h.db.one<{ version: number }>(sql`SELECT version FROM transfer WHERE id = ${id}`);
  return c.post(`/api/v1/transfers/${id}/${action}`, { version, ...body });
}

/** A town committee with two branches, and a second county elsewhere in the installation. */
async function setup() {
  const county = await makeRoot(h.deps, '转接测试县委');
  const town = await makeOrg(h.deps, county, 'committee', '转接测试镇党委');
  const a = await makeOrg(h.deps, town, 'branch', '转出第一支部');
  const b = await makeOrg(h.deps, town, 'branch', '接收第二支部');
  const other = await makeRoot(h.deps, '邻县县委');
  const c = await makeOrg(h.deps, other, 'branch', '邻县接收支部');
  const member = await makeMember(h.deps, a.id, { name: '转接党员', since: '2020-01-01' });
  return { county, town, a, b, other, c, member, secA: await as('secretary', a.id), secB: await as('secretary', b.id), secC: await as('secretary', c.id), countyAdmin: await as('org_admin', county.id) };
}

async function memberships(personId: string) {
  return h.db.query<{ org_id: string; valid_from: string; valid_to: string | null }>(sql`
    SELECT org_id, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to FROM membership WHERE person_id = ${personId} ORDER BY valid_from, id`);
}

describe('a transfer within one 基层党委', () => {
  it('is drafted, issued without approval, and accepted by the receiving branch: the relation, events, rollups and letter move together', async () => {
    const s = await setup();
    const preview = await s.secA.get(`/api/v1/transfers/preview?personId=${s.member.id}&toOrgId=${s.b.id}`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ scope: 'committee', validityDays: 10, approvals: 0, duesPaidTo: null, unpaidMonths: [] } satisfies Partial<TransferPreview>);

    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '工作调动' });
    // a draft is the sender's business: the receiving branch does not see it
    expect((await s.secB.get(`/api/v1/transfers/${id}`)).statusCode).toBe(404);
    expect((await act(s.secA, id, 'issue')).statusCode).toBe(200);
    const issued = await detail(s.secA, id);
    expect(issued).toMatchObject({ status: 'issued', scope: 'committee', issuedOn: TEST_TODAY, validDays: 10, validUntil: '2026-12-13', issuerOrgName: '转接测试镇党委', letterCode: '〔2026〕第1号', side: 'sending' });
    expect(issued.events.map((e) => e.action)).toEqual(['created', 'issued']);
    // the member detail page lists one member's letters
    const ofMember = (await s.secA.get(`/api/v1/transfers?personId=${s.member.id}`)).json() as TransferPage;
    expect(ofMember.items.map((i) => i.id)).toEqual([id]);
    const ofOther = (await s.secA.get(`/api/v1/transfers?personId=${s.a.id}`)).json() as TransferPage;
    expect(ofOther.items).toEqual([]);

    // the receiving secretary sees the letter (and only what it carries) and is notified
    const incoming = (await s.secB.get('/api/v1/transfers?direction=incoming')).json() as TransferPage;
    expect(incoming.items.map((i) => [i.id, i.side, i.personId])).toEqual([[id, 'receiving', null]]);
    expect((await s.secB.get(`/api/v1/members/${s.member.id}`)).statusCode).toBe(404);
    const note = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification n JOIN role_grant g ON g.account_id = n.account_id WHERE g.org_id = ${s.b.id} AND n.kind = 'transfer'`);
    expect(note.n).toBe(1);
    const d = await detail(s.secB, id);
    expect(d.can).toEqual({ issue: false, approve: false, accept: true, reject: true, revoke: false });

    const accepted = await act(s.secB, id, 'accept', { acceptedOn: TEST_TODAY });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(await memberships(s.member.id)).toEqual([
      { org_id: s.a.id, valid_from: '2020-01-01', valid_to: '2026-12-03' },
      { org_id: s.b.id, valid_from: TEST_TODAY, valid_to: null },
    ]);
    const events = await h.db.query<{ reason: string; org_id: string; event_date: string }>(sql`
      SELECT reason, org_id, to_char(event_date, 'YYYY-MM-DD') AS event_date FROM member_event WHERE person_id = ${s.member.id} AND reason LIKE 'transfer%' ORDER BY id`);
    expect(events).toEqual([{ reason: 'transfer_out', org_id: s.a.id, event_date: TEST_TODAY }, { reason: 'transfer_in', org_id: s.b.id, event_date: TEST_TODAY }]);
    expect((await h.db.one<{ org_id: string }>(sql`SELECT org_id FROM person WHERE id = ${s.member.id}`)).org_id).toBe(s.b.id);
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
    const rolled = await h.db.query<{ org_id: string; n: number }>(sql`SELECT org_id, n FROM member_rollup WHERE dimension = 'status' AND value = 'full' AND org_id IN (${s.a.id}, ${s.b.id}) ORDER BY n`);
    expect(Object.fromEntries(rolled.map((r) => [r.org_id, r.n]))).toEqual({ [s.a.id]: 0, [s.b.id]: 1 });
    // the member is now the receiving branch's; the sending branch keeps the letter and its history
    expect((await s.secB.get(`/api/v1/members/${s.member.id}`)).statusCode).toBe(200);
    expect((await detail(s.secA, id)).status).toBe('accepted');
    // accepting twice is refused, nothing changes
    const again = await act(s.secB, id, 'accept', { acceptedOn: TEST_TODAY });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TRANSFER_STATE');
    expect(await memberships(s.member.id)).toHaveLength(2);
  });

  it('moves a probationary member\'s open development file with them', async () => {
    const s = await setup();
    const cand = await makeCandidate(h.deps, s.a.id, 18, '2026-06-01', '预备党员转接');
    // the fixture records the steps only: admit the person as step 17 would (a 预备党员 with her relation)
    await h.db.exec(sql`UPDATE person SET status = 'probationary', join_date = '2026-06-01' WHERE id = ${cand.personId}`);
    await h.db.exec(sql`INSERT INTO membership (person_id, org_id, valid_from) VALUES (${cand.personId}, ${s.a.id}, '2026-06-01')`);
    const id = await create(s.secA, { personId: cand.personId, toOrgId: s.b.id, reason: '随单位搬迁' });
    expect((await act(s.secA, id, 'issue')).statusCode).toBe(200);
    expect((await act(s.secB, id, 'accept', { acceptedOn: TEST_TODAY })).statusCode).toBe(200);
    expect((await h.db.one<{ org_id: string }>(sql`SELECT org_id FROM dev_file WHERE id = ${cand.fileId}`)).org_id).toBe(s.b.id);
  });
});

describe('a transfer between two counties', () => {
  it('waits for the sending county\'s approval hop before the letter is numbered and seen by the receiver', async () => {
    const s = await setup();
    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.c.id, reason: '跨县工作调动' });
    expect((await act(s.secA, id, 'issue')).statusCode).toBe(200);
    let d = await detail(s.secA, id);
    expect(d).toMatchObject({ status: 'pending_approval', scope: 'installation', approvalsNeeded: 1, approvalsDone: 0, letterCode: null });
    expect((await s.secC.get(`/api/v1/transfers/${id}`)).statusCode).toBe(404);
    // the branch cannot approve its own letter (no transfer.approve), the other county cannot see it
    expect((await act(s.secA, id, 'approve')).statusCode).toBe(403);
    const otherCounty = await as('org_admin', s.other.id);
    expect((await act(otherCounty, id, 'approve')).statusCode).toBe(404);
    const ok = await act(s.countyAdmin, id, 'approve', { note: '同意转出' });
    expect(ok.statusCode, ok.body).toBe(200);
    d = await detail(s.secA, id);
    expect(d).toMatchObject({ status: 'issued', approvalsDone: 1, validDays: 10 });
    expect(d.events.map((e) => [e.action, e.orgName])).toEqual([['created', '转出第一支部'], ['issued', '转出第一支部'], ['approved', '转接测试县委']]);
    expect((await act(s.secC, id, 'accept', { acceptedOn: TEST_TODAY })).statusCode).toBe(200);
    expect((await h.db.one<{ region_key: string }>(sql`SELECT region_key FROM person WHERE id = ${s.member.id}`)).region_key).toBe(s.other.region_key);
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
  });
});

describe('the receiving branch', () => {
  it('is found by name anywhere in the installation, branches only, with their committee and nothing else', async () => {
    const s = await setup();
    const res = await s.secA.get(`/api/v1/transfers/receiving-orgs?q=${encodeURIComponent('接收')}`);
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { items: Array<Record<string, unknown>> }).items.filter((i) => i.id === s.b.id || i.id === s.c.id);
    expect(items).toEqual([
      { id: s.b.id, name: '接收第二支部', parentName: '转接测试镇党委', committeeName: '转接测试镇党委' },
      { id: s.c.id, name: '邻县接收支部', parentName: '邻县县委', committeeName: '邻县县委' },
    ]);
    // committees are not offered; LIKE wildcards match themselves
    expect(((await s.secA.get(`/api/v1/transfers/receiving-orgs?q=${encodeURIComponent('镇党委')}`)).json() as { items: Array<{ id: string }> }).items.map((i) => i.id)).not.toContain(s.town.id);
    expect(((await s.secA.get('/api/v1/transfers/receiving-orgs?q=%25')).json() as { items: unknown[] }).items).toEqual([]);
    expect((await s.secA.get('/api/v1/transfers/receiving-orgs?q=')).statusCode).toBe(400);
  });
});

describe('refusals', () => {
  it('refuses a second open transfer, the member\'s own branch, a committee as receiver and out-of-scope ids, changing nothing', async () => {
    const s = await setup();
    const own = await s.secA.post('/api/v1/transfers', { personId: s.member.id, toOrgId: s.a.id, reason: '测试' });
    expect([own.statusCode, own.json().error.code]).toEqual([422, 'TRANSFER_TARGET_INVALID']);
    const committee = await s.secA.post('/api/v1/transfers', { personId: s.member.id, toOrgId: s.town.id, reason: '测试' });
    expect([committee.statusCode, committee.json().error.code]).toEqual([422, 'TRANSFER_TARGET_INVALID']);
    const foreign = await s.secB.post('/api/v1/transfers', { personId: s.member.id, toOrgId: s.b.id, reason: '测试' });
    expect(foreign.statusCode).toBe(404);
    await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '工作调动' });
    const second = await s.secA.post('/api/v1/transfers', { personId: s.member.id, toOrgId: s.c.id, reason: '再次转出' });
    expect([second.statusCode, second.json().error.code]).toEqual([409, 'TRANSFER_OPEN']);
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM transfer WHERE person_id = ${s.member.id}`)).n).toBe(1);
  });

  it('refuses to accept a revoked letter and a report-in after the validity, and the receiver can return a letter with a reason', async () => {
    const s = await setup();
    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '工作调动' });
    await act(s.secA, id, 'issue');
    const late = await act(s.secB, id, 'accept', { acceptedOn: '2026-12-14' });
    expect(late.statusCode).toBe(400); // after today
    const rejected = await act(s.secB, id, 'reject', { reason: '经核实党员未来报到' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect((await detail(s.secA, id))).toMatchObject({ status: 'rejected', closedReason: '经核实党员未来报到' });
    // a new letter after the return; revoked before acceptance
    const id2 = await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '工作调动' });
    await act(s.secA, id2, 'issue');
    expect((await act(s.secA, id2, 'revoke', { reason: '党员本人撤回申请' })).statusCode).toBe(200);
    const acc = await act(s.secB, id2, 'accept', { acceptedOn: TEST_TODAY });
    expect([acc.statusCode, acc.json().error.code]).toEqual([409, 'TRANSFER_STATE']);
    expect(await memberships(s.member.id)).toEqual([{ org_id: s.a.id, valid_from: '2020-01-01', valid_to: null }]);
  });

  it('lets exactly one of a concurrent accept and revoke win', async () => {
    const s = await setup();
    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '工作调动' });
    await act(s.secA, id, 'issue');
    const { version } = await h.db.one<{ version: number }>(sql`SELECT version FROM transfer WHERE id = ${id}`);
    const [acc, rev] = await Promise.all([
      s.secB.post(`/api/v1/transfers/${id}/accept`, { version, acceptedOn: TEST_TODAY }),
      s.secA.post(`/api/v1/transfers/${id}/revoke`, { version, reason: '撤回' }),
    ]);
    expect([acc.statusCode, rev.statusCode].filter((c) => c === 200)).toHaveLength(1);
    const status = (await h.db.one<{ status: string }>(sql`SELECT status FROM transfer WHERE id = ${id}`)).status;
    expect(status).toBe(acc.statusCode === 200 ? 'accepted' : 'revoked');
    expect((await memberships(s.member.id)).filter((m) => m.valid_to === null)).toHaveLength(1);
  });
});

describe('expiry', () => {
  it('expires a letter the day after its last valid day (not on it), tells both sides, and reminds the receiver before', async () => {
    const s = await setup();
    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '工作调动' });
    await act(s.secA, id, 'issue'); // valid 2026-12-04 … 2026-12-13
    const at = (day: string) => ({ ...h.deps, clock: fixedClock(`${day}T04:00:00Z`) });
    const ctx = { requestId: 'test', ip: null, actor: null };
    expect(await expireAndRemind(at('2026-12-10'), ctx)).toMatchObject({ expired: 0, reminded: 1 });
    expect(await expireAndRemind(at('2026-12-10'), ctx)).toMatchObject({ expired: 0, reminded: 0 });
    expect((await expireAndRemind(at('2026-12-13'), ctx)).expired).toBe(0);
    expect((await h.db.one<{ status: string }>(sql`SELECT status FROM transfer WHERE id = ${id}`)).status).toBe('issued');
    expect((await expireAndRemind(at('2026-12-14'), ctx)).expired).toBeGreaterThanOrEqual(1);
    expect((await detail(s.secA, id))).toMatchObject({ status: 'expired' });
    const told = await h.db.query<{ org_id: string }>(sql`SELECT DISTINCT g.org_id FROM notification n JOIN role_grant g ON g.account_id = n.account_id
      WHERE n.kind = 'transfer' AND n.title LIKE '%已过期%' AND g.org_id IN (${s.a.id}, ${s.b.id})`);
    expect(told.map((r) => r.org_id).sort()).toEqual([s.a.id, s.b.id].sort());
    // a new letter may be issued after expiry
    await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '重新开具' });
  });
});

describe('out of the installation', () => {
  it('issues a letter to an outside organisation and ends the relation on the returned receipt', async () => {
    const s = await setup();
    const id = await create(s.secA, { personId: s.member.id, toOrgName: '外省某某公司党委', outsideScope: 'national', reason: '跨省工作调动' });
    await act(s.secA, id, 'issue');
    expect((await act(s.countyAdmin, id, 'approve')).statusCode).toBe(200);
    const d = await detail(s.secA, id);
    expect(d).toMatchObject({ kind: 'outgoing', scope: 'national', status: 'issued', validDays: 90, toOrgId: null, toOrgName: '外省某某公司党委' });
    expect(d.receiptDue).toBe('2027-04-02'); // valid 90 days to 2027-03-03, then 30 days for the receipt
    const ok = await act(s.secA, id, 'accept', { acceptedOn: TEST_TODAY, note: '回执已收到' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await memberships(s.member.id)).toEqual([{ org_id: s.a.id, valid_from: '2020-01-01', valid_to: '2026-12-03' }]);
    expect((await h.db.one<{ status: string }>(sql`SELECT status FROM person WHERE id = ${s.member.id}`)).status).toBe('left');
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
  });
});

describe('the letter', () => {
  it('prints the three parts on one A4 page with the member, masked ID, organisations, validity and paid-up month, and a QR code that verifies it', async () => {
    const s = await setup();
    // dues: October paid, November unpaid → paid up to 2026-10, November shown before issue
    await h.db.exec(sql`INSERT INTO dues_base (person_id, category, base_fen, effective_month) VALUES (${s.member.id}, 'in_service', 400000, '2026-10-01')`);
    for (const month of ['2026-10', '2026-11']) await h.db.tx((t) => generateBills(t, s.a.path, month));
    const october = (await h.db.one<{ id: string }>(sql`SELECT id FROM dues_bill WHERE person_id = ${s.member.id} AND month = '2026-10-01'`)).id;
    const paid = await s.secA.post('/api/v1/dues/payments', { billIds: [october], method: 'cash', paidOn: '2026-10-15', idempotencyKey: 'transfer-letter-october' });
    expect(paid.statusCode, paid.body).toBe(200);
    const preview = (await s.secA.get(`/api/v1/transfers/preview?personId=${s.member.id}&toOrgId=${s.b.id}`)).json() as TransferPreview;
    expect(preview).toMatchObject({ duesPaidTo: '2026-10', unpaidMonths: ['2026-11'] });
    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '工作调动' });
    // no number yet: nothing to print
    expect((await s.secA.get(`/api/v1/transfers/${id}/letter`)).statusCode).toBe(409);
    await act(s.secA, id, 'issue');
    const res = await s.secA.get(`/api/v1/transfers/${id}/letter`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const { pages, pageSizes } = await pdfText(res.rawPayload);
    expect(pageSizes).toEqual([[595, 842]]);
    const text = pages[0].replace(/\s+/g, '');
    const masked = (await h.db.one<{ m: string }>(sql`SELECT id_no_masked AS m FROM person WHERE id = ${s.member.id}`)).m;
    expect(masked).toMatch(/\*{4,}/);
    for (const want of ['中国共产党党员组织关系介绍信（存根）', '中国共产党党员组织关系介绍信（回执）', '〔2026〕第', '转接党员同志（男，身份证号' + masked + '）', '系中共正式党员',
      '组织关系由转出第一支部转去，请接洽', '党费已交到贰零贰陆年壹拾月', '有效期壹拾天', '2026年12月13日', '转接测试镇党委（盖章）', '2026年12月4日']) {
      expect(text, want).toContain(want);
    }
    expect(text).not.toContain(s.member.idNumber); // the full ID number is never printed
    // the receiving branch may print it too; an account of another county cannot see it
    expect((await s.secB.get(`/api/v1/transfers/${id}/letter`)).statusCode).toBe(200);
    expect((await s.secC.get(`/api/v1/transfers/${id}/letter`)).statusCode).toBe(404);

    // the QR code's page: genuine and valid, no personal data; after acceptance no longer usable
    const code = (await h.db.one<{ c: string }>(sql`SELECT verify_code AS c FROM transfer WHERE id = ${id}`)).c;
    expect(code.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits
    const check = await h.app.inject({ method: 'GET', url: `/api/v1/public/transfer-letters/${code}` });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toEqual({ letterCode: '〔2026〕第1号', issuerOrgName: '转接测试镇党委', toOrgName: '接收第二支部', issuedOn: TEST_TODAY, validUntil: '2026-12-13', status: 'issued', valid: true, message: '介绍信真实有效，有效期至2026-12-13' } satisfies TransferLetterCheck);
    expect(check.body).not.toContain('转接党员');
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/public/transfer-letters/${'x'.repeat(24)}` })).statusCode).toBe(404);
    await act(s.secB, id, 'accept', { acceptedOn: TEST_TODAY });
    const used = (await h.app.inject({ method: 'GET', url: `/api/v1/public/transfer-letters/${code}` })).json() as TransferLetterCheck;
    expect(used).toMatchObject({ valid: false, status: 'accepted' });
  });
});

describe('an incoming paper letter', () => {
  const person = (over: Record<string, unknown> = {}) => ({
    name: '外来党员', sex: 'female', ethnicity: '汉族', idNumber: makeIdNumber('1988-08-08', 'female'), education: 'bachelor', occupation: 'worker',
    joinDate: '2010-07-01', conversionDate: '2011-07-01', status: 'full', externalOrgName: '外省某市某区机关党委', externalLetterNo: '外组转字第0087号', scope: 'national',
    issuedOn: '2026-11-20', validDays: 90, acceptedOn: TEST_TODAY, duesPaidTo: '2026-11', reason: '随配偶工作调动', ...over,
  });

  it('registers the member and the accepted letter at once, with the 转入 event from the report-in day', async () => {
    const s = await setup();
    const res = await s.secB.post('/api/v1/transfers/incoming', { orgId: s.b.id, ...person() });
    expect(res.statusCode, res.body).toBe(201);
    const d = await detail(s.secB, res.json().id);
    expect(d).toMatchObject({ kind: 'incoming', status: 'accepted', fromOrgName: '外省某市某区机关党委', toOrgId: s.b.id, letterCode: '外组转字第0087号', acceptedOn: TEST_TODAY, duesPaidTo: '2026-11' });
    expect(d.events.map((e) => e.action)).toEqual(['registered', 'accepted']);
    const p = await h.db.one<{ id: string; org_id: string; status: string }>(sql`SELECT id, org_id, status FROM person WHERE id = ${d.personId}`);
    expect(p).toMatchObject({ org_id: s.b.id, status: 'full' });
    expect(await memberships(p.id)).toEqual([{ org_id: s.b.id, valid_from: TEST_TODAY, valid_to: null }]);
    const ev = await h.db.query<{ reason: string }>(sql`SELECT reason FROM member_event WHERE person_id = ${p.id}`);
    expect(ev.map((e) => e.reason)).toEqual(['transfer_in']);
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
  });

  it('refuses an expired letter, a member already on a roll here, and a branch out of scope', async () => {
    const s = await setup();
    const expired = await s.secB.post('/api/v1/transfers/incoming', { orgId: s.b.id, ...person({ issuedOn: '2026-11-01', validDays: 30 }) });
    expect([expired.statusCode, expired.json().error.code]).toEqual([422, 'TRANSFER_EXPIRED']);
    const already = await s.secB.post('/api/v1/transfers/incoming', { orgId: s.b.id, ...person({ idNumber: s.member.idNumber, sex: 'male' }) });
    expect([already.statusCode, already.json().error.code]).toEqual([409, 'DUPLICATE_ID_NUMBER']);
    const foreign = await s.secB.post('/api/v1/transfers/incoming', { orgId: s.a.id, ...person() });
    expect(foreign.statusCode).toBe(404);
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE name = '外来党员' AND org_id IN (${s.a.id}, ${s.b.id})`)).n).toBe(0);
  });
});

describe('a whole branch moved (整建制转接)', () => {
  it('keeps its members\' relations and its open letters: the new committee sees and approves them, the receiver accepts', async () => {
    const s = await setup();
    const second = await makeMember(h.deps, s.a.id, { name: '随支部转移党员', since: '2021-03-01' });
    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.c.id, reason: '跨县工作调动' });
    await act(s.secA, id, 'issue'); // awaits the county's approval
    // the branch with its members moves under the neighbouring county (the city's organisation department moves it)
    const cityWide = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: s.county.id, scope: 'subtree' }, { role: 'org_admin', orgId: s.other.id, scope: 'subtree' }])).username, PASSWORD);
    const { version } = await h.db.one<{ version: number }>(sql`SELECT version FROM org WHERE id = ${s.a.id}`);
    const moved = await cityWide.post(`/api/v1/orgs/${s.a.id}/move`, { newParentId: s.other.id, version });
    expect(moved.statusCode, moved.body).toBe(200);
    // relations are the branch's: unchanged; the rollups followed both chains
    expect(await memberships(second.id)).toEqual([{ org_id: s.a.id, valid_from: '2021-03-01', valid_to: null }]);
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
    // the old county no longer sees the letter; the new one approves it
    expect((await s.countyAdmin.get(`/api/v1/transfers/${id}`)).statusCode).toBe(404);
    const newCounty = await as('org_admin', s.other.id);
    expect((await act(newCounty, id, 'approve')).statusCode).toBe(200);
    expect((await act(s.secC, id, 'accept', { acceptedOn: TEST_TODAY })).statusCode).toBe(200);
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
  });
});

describe('the member\'s own side', () => {
  it('requests a transfer on the phone; the branch drafts the letter from it (closing it) and the member follows the letter once issued', async () => {
    const s = await setup();
    const me = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: s.a.id, scope: 'self' }], s.member.id)).username, PASSWORD);
    const asked = await me.post('/api/v1/me/transfer-requests', { toOrgId: s.b.id, destination: '接收第二支部', reason: '搬家到镇上' });
    expect(asked.statusCode, asked.body).toBe(201);
    const requestId = asked.json().id as string;
    const twice = await me.post('/api/v1/me/transfer-requests', { destination: '别处', reason: '再次申请' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'TRANSFER_OPEN']);
    // the branch is told and lists it; another branch does not see it
    expect((await s.secA.get('/api/v1/transfer-requests?open=true')).json().items.map((r: { id: string }) => r.id)).toEqual([requestId]);
    expect((await s.secB.get('/api/v1/transfer-requests')).json().items).toEqual([]);
    const id = await create(s.secA, { personId: s.member.id, toOrgId: s.b.id, reason: '搬家到镇上', requestId });
    let mine = (await me.get('/api/v1/me/transfers')).json();
    expect(mine.requests[0]).toMatchObject({ id: requestId, status: 'drafted', transferId: id });
    expect(mine.letters).toEqual([]); // a draft is the branch's business
    await act(s.secA, id, 'issue');
    mine = (await me.get('/api/v1/me/transfers')).json();
    expect(mine.letters).toEqual([expect.objectContaining({ id, status: 'issued', toOrgName: '接收第二支部', letterCode: '〔2026〕第1号', validUntil: '2026-12-13' })]);
    // the member cannot read the letter's management view
    expect((await me.get(`/api/v1/transfers/${id}`)).statusCode).toBe(403);
  });

  it('lets the branch decline a request with a reason, and the member withdraw an open one', async () => {
    const s = await setup();
    const me = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: s.a.id, scope: 'self' }], s.member.id)).username, PASSWORD);
    const first = (await me.post('/api/v1/me/transfer-requests', { destination: '外省某公司', reason: '工作调动' })).json().id as string;
    const v1 = (await h.db.one<{ version: number }>(sql`SELECT version FROM transfer_request WHERE id = ${first}`)).version;
    expect((await s.secB.post(`/api/v1/transfer-requests/${first}/decline`, { version: v1, answer: '不在本支部' })).statusCode).toBe(404);
    expect((await s.secA.post(`/api/v1/transfer-requests/${first}/decline`, { version: v1, answer: '请先提供接收单位证明' })).statusCode).toBe(200);
    const second = (await me.post('/api/v1/me/transfer-requests', { destination: '外省某公司', reason: '工作调动，已有证明' })).json().id as string;
    const v2 = (await h.db.one<{ version: number }>(sql`SELECT version FROM transfer_request WHERE id = ${second}`)).version;
    expect((await me.post(`/api/v1/me/transfer-requests/${second}/withdraw`, { version: v2 })).statusCode).toBe(200);
    const mine = (await me.get('/api/v1/me/transfers')).json();
    expect(mine.requests.map((r: { status: string; answer: string | null }) => [r.status, r.answer])).toEqual([['withdrawn', null], ['declined', '请先提供接收单位证明']]);
  });
});
