import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { ACTIVATION_REQUEST_MESSAGE } from '../../src/contracts/activation';
import { createHarness, clientFor, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot } from '../helpers/factory';
import { sessionClient, uniqueIdNumber } from './security/support';

// Members activate their own phone login (issue 11).

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const PASSWORD = 'Qz7#activate-Key';
let phoneSeq = 0;
const newPhone = () => `139${String(Date.now() % 1e4).padStart(4, '0')}${String(phoneSeq++).padStart(4, '0')}`;

async function member(name = '激活党员') {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const { idNumber, birth } = uniqueIdNumber();
  const phone = newPhone();
  const { id } = await makeMember(h.deps, branch.id, { name, idNumber, birth, phone });
  return { id, idNumber, phone, name, branch, root };
}
const post = (url: string, body: unknown) => h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const request = (m: { name: string; idNumber: string; phone: string }) => post('/api/v1/auth/activation/request', { name: m.name, idNumber: m.idNumber, phone: m.phone });
const activate = (m: { idNumber: string; phone: string }, code: string, password = PASSWORD) => post('/api/v1/auth/activation/activate', { idNumber: m.idNumber, phone: m.phone, code, password });

describe('member activation', () => {
  it('answers a match and a mismatch alike; the code is stored hashed and sent without being logged', async () => {
    const m = await member();
    const hit = await request(m);
    const miss = await request({ ...m, name: '别人' });
    expect(hit.statusCode).toBe(200);
    expect(miss.statusCode).toBe(200);
    expect(hit.json().message).toBe(ACTIVATION_REQUEST_MESSAGE);
    expect(miss.json().message).toBe(ACTIVATION_REQUEST_MESSAGE);
    const code = hit.json().demoCode as string; // the harness runs in demo mode (NODE_ENV=test)
    expect(code).toMatch(/^\d{6}$/);
    expect(miss.json().demoCode).toBeNull();
    const rows = await h.db.query<{ code_hash: Buffer }>(sql`SELECT code_hash FROM activation_code WHERE person_id = ${m.id}`);
    expect(rows.length).toBe(1);
    expect(rows[0].code_hash.toString('hex')).not.toContain(code);
    const sms = await h.db.query<{ body: string }>(sql`SELECT body FROM outbound_message WHERE recipient = ${m.phone}`);
    expect(sms.length).toBe(1);
    expect(sms[0].body).not.toContain(code);
  });

  it('activates with the code: account member/self linked to the person, signed in, audited; then already activated', async () => {
    const m = await member();
    const code = (await request(m)).json().demoCode as string;
    const res = await activate(m, code);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true, username: m.phone });
    const cookie = res.cookies.find((c) => c.name === 'dj_sid')!;
    const me = await clientFor(h.app, `dj_sid=${cookie.value}`).get('/api/v1/me');
    expect(me.json()).toMatchObject({ username: m.phone, personId: m.id, grants: [{ role: 'member', scope: 'self', orgId: m.branch.id }] });
    expect((await h.db.query(sql`SELECT 1 FROM audit_log WHERE action = 'member.activate' AND outcome = 'success' AND username = ${m.phone}`)).length).toBe(1);
    // a second request sends no code; a reused code does not work
    expect((await request(m)).json().demoCode).toBeNull();
    expect((await activate(m, code)).json().error.code).toBe('ACTIVATION_CODE_EXPIRED');
  });

  it('counts wrong codes: 5 attempts, then the code is void', async () => {
    const m = await member();
    const code = (await request(m)).json().demoCode as string;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 4; i >= 1; i--) {
      const r = await activate(m, wrong);
      expect(r.statusCode).toBe(422);
      expect(r.json().error).toMatchObject({ code: 'ACTIVATION_CODE_INVALID', details: { attemptsLeft: i } });
    }
    expect((await activate(m, wrong)).json().error.code).toBe('ACTIVATION_CODE_EXPIRED');
    expect((await activate(m, code)).json().error.code).toBe('ACTIVATION_CODE_EXPIRED');
  });

  it('refuses an expired code (expiry by the database clock)', async () => {
    const m = await member();
    const code = (await request(m)).json().demoCode as string;
    await h.db.exec(sql`UPDATE activation_code SET expires_at = now() - interval '1 second' WHERE person_id = ${m.id}`);
    expect((await activate(m, code)).json().error.code).toBe('ACTIVATION_CODE_EXPIRED');
  });

  it('refuses a weak password without spending an attempt', async () => {
    const m = await member();
    const code = (await request(m)).json().demoCode as string;
    expect((await activate(m, code, 'password')).json().error.code).toBe('WEAK_PASSWORD');
    expect((await activate(m, code)).statusCode).toBe(200);
  });

  it('sends at most 3 codes an hour to one person, with the same answer', async () => {
    const m = await member();
    for (let i = 0; i < 3; i++) expect((await request(m)).json().demoCode).toMatch(/^\d{6}$/);
    const fourth = await request(m);
    expect(fourth.json()).toEqual({ message: ACTIVATION_REQUEST_MESSAGE, demoCode: null });
  });

  it('a 减少 event disables the member account in the same transaction; a former member cannot activate', async () => {
    const m = await member();
    const code = (await request(m)).json().demoCode as string;
    expect((await activate(m, code)).statusCode).toBe(200);
    const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: m.branch.id, scope: 'subtree' }]);
    const c = await sessionClient(h, sec.id);
    const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM person WHERE id = ${m.id}`)).version;
    expect((await c.post(`/api/v1/members/${m.id}/events`, { reason: 'withdrew', eventDate: TEST_TODAY, version })).statusCode).toBe(200);
    const acc = await h.db.one<{ is_disabled: boolean }>(sql`SELECT is_disabled FROM account WHERE person_id = ${m.id}`);
    expect(acc.is_disabled).toBe(true);
    expect((await request(m)).json().demoCode).toBeNull();
  });

  it('the branch sees 已激活 and resets it; the member activates again with the same account', async () => {
    const m = await member();
    const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: m.branch.id, scope: 'subtree' }]);
    const c = await sessionClient(h, sec.id);
    const listed = async () => ((await c.get(`/api/v1/members?orgId=${m.branch.id}`)).json().items as Array<{ id: string; activated: boolean }>).find((i) => i.id === m.id)!.activated;
    expect(await listed()).toBe(false);
    expect((await activate(m, (await request(m)).json().demoCode)).statusCode).toBe(200);
    expect(await listed()).toBe(true);
    expect((await c.get(`/api/v1/members/${m.id}`)).json()).toMatchObject({ activated: true, abilities: { resetActivation: true } });
    expect((await c.post(`/api/v1/members/${m.id}/activation/reset`, {})).statusCode).toBe(200);
    expect(await listed()).toBe(false);
    const again = await activate(m, (await request(m)).json().demoCode);
    expect(again.statusCode, again.body).toBe(200);
    expect((await h.db.query(sql`SELECT id FROM account WHERE person_id = ${m.id}`)).length).toBe(1);
    // another branch's secretary does not find the member
    const other = await makeOrg(h.deps, m.root, 'branch');
    const stranger = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'subtree' }])).id);
    expect((await stranger.post(`/api/v1/members/${m.id}/activation/reset`, {})).statusCode).toBe(404);
  });

  it('the security administrator links an account to a member; refused when the member has an enabled account', async () => {
    const m = await member('关联党员');
    const sec = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }])).id);
    const target = await makeAccount(h.deps, [{ role: 'party_worker', orgId: m.branch.id, scope: 'subtree' }]);
    expect((await sec.post(`/api/v1/accounts/${target.id}/person`, { name: '别人', idNumber: m.idNumber })).statusCode).toBe(400);
    const ok = await sec.post(`/api/v1/accounts/${target.id}/person`, { name: m.name, idNumber: m.idNumber });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ personId: m.id, name: m.name });
    const second = await makeAccount(h.deps, [{ role: 'party_worker', orgId: m.branch.id, scope: 'subtree' }]);
    const refused = await sec.post(`/api/v1/accounts/${second.id}/person`, { name: m.name, idNumber: m.idNumber });
    expect(refused.json().error.code).toBe('PERSON_ALREADY_LINKED');
    expect((await h.db.query(sql`SELECT 1 FROM audit_log WHERE action = 'account.link_person' AND object_id = ${target.id}`)).length).toBe(1);
  });
});
