import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { RESIDENT_CODE_MESSAGE } from '../../src/contracts/resident';
import { createHarness, clientFor, type Harness } from '../helpers/harness';
import { makeAccount, makeCommunity, makeMember, makeOrg, makeResident, makeRoot, randomPhone } from '../helpers/factory';
import { sessionClient, uniqueIdNumber } from './security/support';

// Residents (群众, issue 17): registration by phone and code, the profile, and
// what a resident may not see.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const PASSWORD = 'Qz7#resident-Key';
const post = (url: string, body: unknown) => h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const askCode = (phone: string) => post('/api/v1/public/residents/code', { phone });
const SQUARE = { type: 'Polygon', coordinates: [[[113, 28], [113.01, 28], [113.01, 28.01], [113, 28.01], [113, 28]]] };

async function grid(keeper: string, responsible: string, name: string) {
  return (await h.db.one<{ id: string }>(sql`INSERT INTO map_area (kind, org_id, responsible_org_id, name, geometry, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat)
    VALUES ('grid', ${keeper}, ${responsible}, ${name}, ${JSON.stringify(SQUARE)}::jsonb, 113, 28, 113.01, 28.01, 113.005, 28.005) RETURNING id`)).id;
}

async function county() {
  const root = await makeRoot(h.deps);
  const town = await makeOrg(h.deps, root, 'committee');
  const community = await makeCommunity(h.deps, town);
  const other = await makeCommunity(h.deps, town);
  const g1 = await grid(town.id, community.id, '第一网格');
  const g2 = await grid(town.id, other.id, '第二网格');
  return { root, town, community, other, g1, g2 };
}

async function register(c: { community: { id: string }; g1: string }, over: Record<string, unknown> = {}) {
  const phone = (over.phone as string) ?? randomPhone();
  const code = (await askCode(phone)).json().demoCode as string;
  return { phone, res: await post('/api/v1/public/residents', { phone, code, password: PASSWORD, name: '王群众', communityId: c.community.id, gridId: c.g1, address: '幸福路8号3单元', ...over }) };
}

describe('resident registration', () => {
  it('finds communities by name with their grids; a branch that is not a community is not offered', async () => {
    const c = await county();
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/public/communities?q=${encodeURIComponent(c.community.name.slice(0, 10))}` });
    expect(res.statusCode).toBe(200);
    const hit = res.json().items.find((i: { id: string }) => i.id === c.community.id);
    expect(hit).toMatchObject({ name: c.community.name, grids: [{ id: c.g1, name: '第一网格' }] });
    const all = await h.app.inject({ method: 'GET', url: `/api/v1/public/communities?q=${encodeURIComponent(c.town.name)}` });
    expect(all.json().items).toEqual([]);
  });

  it('registers with the code: a resident account on the community, signed in, audited; the code is kept hashed and sent unlogged', async () => {
    const c = await county();
    const phone = randomPhone();
    const ask = await askCode(phone);
    expect(ask.statusCode).toBe(200);
    expect(ask.json().message).toBe(RESIDENT_CODE_MESSAGE);
    const code = ask.json().demoCode as string;
    expect(code).toMatch(/^\d{6}$/);
    const sms = await h.db.query<{ body: string }>(sql`SELECT body FROM outbound_message WHERE recipient = ${phone}`);
    expect(sms.length).toBe(1);
    expect(sms[0].body).not.toContain(code);
    const res = await post('/api/v1/public/residents', { phone, code, password: PASSWORD, name: '王群众', communityId: c.community.id, gridId: c.g1, address: '幸福路8号3单元' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ ok: true, username: phone });
    const cookie = res.cookies.find((x) => x.name === 'dj_sid')!;
    const me = clientFor(h.app, `dj_sid=${cookie.value}`);
    expect((await me.get('/api/v1/me')).json()).toMatchObject({ username: phone, personId: null, permissions: ['resident.self', 'volunteer.self'], grants: [{ role: 'resident', scope: 'self', orgId: c.community.id }] });
    const profile = await me.get('/api/v1/me/resident');
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({ name: '王群众', phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}`, communityId: c.community.id, gridId: c.g1, gridName: '第一网格', address: '幸福路8号3单元', version: 1 });
    const stored = await h.db.one<{ phone_enc: Buffer }>(sql`SELECT phone_enc FROM resident WHERE account_id = (SELECT id FROM account WHERE username = ${phone})`);
    expect(stored.phone_enc.toString('latin1')).not.toContain(phone);
    const audits = await h.db.query<{ action: string; outcome: string }>(sql`SELECT action, outcome FROM audit_log WHERE action LIKE 'resident.%' AND (detail->>'phone' = ${`${phone.slice(0, 3)}****${phone.slice(-4)}`} OR username = ${phone}) ORDER BY id`);
    expect(audits).toEqual([{ action: 'resident.code_request', outcome: 'success' }, { action: 'resident.register', outcome: 'success' }]);
    // the same number again: told only after the code proves it is theirs
    const again = await register(c, { phone });
    expect(again.res.statusCode).toBe(409);
    expect(again.res.json().error.code).toBe('RESIDENT_ALREADY_REGISTERED');
  });

  it('refuses a wrong code with the attempts left, and after five a new code is needed; nothing is written', async () => {
    const c = await county();
    const phone = randomPhone();
    const code = (await askCode(phone)).json().demoCode as string;
    const wrong = code === '000000' ? '111111' : '000000';
    const body = { phone, code: wrong, password: PASSWORD, name: '李群众', communityId: c.community.id, address: '和平街1号' };
    const first = await post('/api/v1/public/residents', body);
    expect(first.statusCode).toBe(422);
    expect(first.json().error).toMatchObject({ code: 'ACTIVATION_CODE_INVALID', message: '验证码不正确，还可以再试4次' });
    for (let i = 0; i < 4; i++) await post('/api/v1/public/residents', body);
    const spent = await post('/api/v1/public/residents', { ...body, code });
    expect(spent.json().error.code).toBe('ACTIVATION_CODE_EXPIRED');
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM account WHERE username = ${phone}`)).n).toBe(0);
    // without any code at all
    const none = await post('/api/v1/public/residents', { ...body, phone: randomPhone(), code: '123456' });
    expect(none.json().error.code).toBe('ACTIVATION_CODE_EXPIRED');
  });

  it('sends at most three codes a number an hour, answering alike', async () => {
    const phone = randomPhone();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await askCode(phone)).json());
    expect(answers.map((a) => a.message)).toEqual(Array(4).fill(RESIDENT_CODE_MESSAGE));
    expect(answers.map((a) => a.demoCode === null)).toEqual([false, false, false, true]);
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM outbound_message WHERE recipient = ${phone}`)).n).toBe(3);
  });

  it('checks the form before the code: a weak password, an unknown community, a grid of another community, empty fields', async () => {
    const c = await county();
    const weak = await register(c, { password: '123456' });
    expect(weak.res.json().error.code).toBe('WEAK_PASSWORD');
    const nowhere = await register(c, { communityId: c.town.id });
    expect(nowhere.res.statusCode).toBe(400);
    expect(nowhere.res.json().error.details.issues).toEqual([{ field: 'communityId', message: '所选村（社区）不存在，请重新选择' }]);
    const foreign = await register(c, { gridId: c.g2 });
    expect(foreign.res.json().error.details.issues).toEqual([{ field: 'gridId', message: '所选网格不属于该村（社区），请重新选择' }]);
    const empty = await post('/api/v1/public/residents', { phone: '12345', code: 'abc', password: PASSWORD, name: ' ', communityId: c.community.id, address: '' });
    expect(empty.statusCode).toBe(400);
    const fields = (empty.json().error.details.issues as Array<{ field: string; message: string }>).map((i) => `${i.field}:${i.message}`).sort();
    expect(fields).toEqual(['address:请填写居住地址', 'code:验证码为6位数字', 'name:请填写姓名', 'phone:手机号码应为11位数字，以1开头']);
    // none of them used up the code
    const good = await register(c);
    expect(good.res.statusCode).toBe(201);
  });

  it('a Party member with that number is told to sign in with the member account', async () => {
    const c = await county();
    const phone = randomPhone();
    const member = await makeMember(h.deps, c.community.id, { ...uniqueIdNumber(), phone });
    const acc = await makeAccount(h.deps, [{ role: 'member', orgId: c.community.id, scope: 'self' }], member.id);
    await h.db.exec(sql`UPDATE account SET username = ${phone} WHERE id = ${acc.id}`);
    const res = await register(c, { phone });
    expect(res.res.json().error.code).toBe('RESIDENT_ALREADY_REGISTERED');
  });
});

describe('the resident profile and what a resident sees', () => {
  it('updates the profile by version; moving to another community moves the grant', async () => {
    const c = await county();
    const r = await makeResident(h.deps, c.community.id, { gridId: c.g1 });
    const me = await sessionClient(h, r.accountId);
    const stale = await me.put('/api/v1/me/resident', { name: '赵群众', communityId: c.other.id, gridId: c.g2, address: '光明路2号', version: 2 });
    expect(stale.statusCode).toBe(409);
    const res = await me.put('/api/v1/me/resident', { name: '赵群众', communityId: c.other.id, gridId: c.g2, address: '光明路2号', version: 1 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: '赵群众', communityId: c.other.id, gridName: '第二网格', address: '光明路2号', version: 2 });
    const grants = await h.db.query<{ org_id: string }>(sql`SELECT org_id FROM role_grant WHERE account_id = ${r.accountId} AND revoked_at IS NULL`);
    expect(grants).toEqual([{ org_id: c.other.id }]);
    const audit = await h.db.one<{ detail: { fields: string } }>(sql`SELECT detail FROM audit_log WHERE action = 'resident.update' AND object_id = ${r.id}`);
    expect(audit.detail.fields).toBe('name,address,community,grid');
  });

  it('a resident reads nothing of the Party side: members, orgs, own Party pages, the mall desk', async () => {
    const c = await county();
    const r = await makeResident(h.deps, c.community.id);
    const me = await sessionClient(h, r.accountId);
    for (const url of ['/api/v1/members', `/api/v1/orgs/${c.community.id}`, '/api/v1/me/profile', '/api/v1/me/dues', '/api/v1/me/points', '/api/v1/me/mall', '/api/v1/residents']) {
      const res = await me.get(url);
      expect(res.statusCode, `${url} ${res.body}`).toBe(403);
    }
    expect((await me.get('/api/v1/me/resident')).statusCode).toBe(200);
    // the 工作台 (open to every account) holds nothing but the resident's own notifications
    expect((await me.get('/api/v1/workbench')).json().sections.map((s: { key: string }) => s.key)).toEqual(['notifications']);
  });

  it('a community lists its own registrants only; a superior its subtree; other branches none', async () => {
    const c = await county();
    const mine = await makeResident(h.deps, c.community.id, { name: '甲群众', gridId: c.g1 });
    const theirs = await makeResident(h.deps, c.other.id, { name: '乙群众', address: '东风路9号' });
    const secretary = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId: c.community.id, scope: 'subtree' }])).id);
    const list = await secretary.get('/api/v1/residents');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([mine.id]);
    expect(list.json().items[0]).toMatchObject({ name: '甲群众', gridName: '第一网格', communityName: c.community.name });
    expect((await secretary.get(`/api/v1/residents?orgId=${c.other.id}`)).statusCode).toBe(404);
    const town = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: c.town.id, scope: 'subtree' }])).id);
    const all = await town.get(`/api/v1/residents?orgId=${c.town.id}&pageSize=100`);
    expect(all.json().items.map((i: { id: string }) => i.id).sort()).toEqual([mine.id, theirs.id].sort());
    expect((await town.get(`/api/v1/residents?orgId=${c.town.id}&q=${encodeURIComponent('东风')}`)).json().items.map((i: { id: string }) => i.id)).toEqual([theirs.id]);
    expect((await town.get(`/api/v1/residents?orgId=${c.town.id}&gridId=${c.g1}`)).json().total).toBe(1);
  });

  it('the security administrator cannot grant the resident role', async () => {
    const c = await county();
    const sec = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }])).id);
    const target = await makeAccount(h.deps, []);
    const res = await sec.post(`/api/v1/accounts/${target.id}/grants`, { role: 'resident', orgId: c.community.id, scope: 'self' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('群众账号由本人用手机号注册产生，不能授予');
  });
});
