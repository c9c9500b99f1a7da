import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// Member use-cases through the HTTP API: ID-number validation (GB 11643),
// cross-field checks, search (name, pinyin, phone, ID), masking and audited
// reveal (RULES §9), optimistic updates and status events (RULES §6).

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const TODAY = TEST_TODAY; // the harness's business day

// GB 11643 / ISO 7064 MOD 11-2, written out here independently of the code
// under test: weight of position i (from the left) is 2^(17-i) mod 11, and the
// check value is (12 - sum mod 11) mod 11, with 10 written as X.
function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const v = (12 - (sum % 11)) % 11;
  return v === 10 ? 'X' : String(v);
}
function idFor(birth: string, sex: 'male' | 'female'): string {
  const area = String(crypto.randomInt(110000, 660000));
  const seq = String(crypto.randomInt(0, 500) * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0');
  const first17 = area + birth.replace(/-/g, '') + seq;
  return first17 + checkChar(first17);
}
/** Whole years from `from` to `to` (birthday rule). */
function wholeYears(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

async function setupBranch(role: 'org_admin' | 'secretary' = 'secretary') {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const acc = await makeAccount(h.deps, [{ role, orgId: role === 'org_admin' ? root.id : branch.id, scope: 'subtree' }]);
  const c = await login(h.app, acc.username, PASSWORD);
  return { root, branch, acc, c };
}

interface Fields {
  orgId: string; name: string; sex: 'male' | 'female'; ethnicity: string; idNumber: string; education: string; occupation: string;
  joinDate: string; conversionDate?: string | null; status: 'full' | 'probationary'; phone?: string | null;
}
function memberBody(orgId: string, over: Partial<Fields> & { birth?: string } = {}): Fields {
  const { birth = '1985-04-12', ...rest } = over;
  const sex = rest.sex ?? 'male';
  const status = rest.status ?? 'full';
  return {
    orgId, name: '测试党员', sex, ethnicity: '汉族', idNumber: idFor(birth, sex), education: 'bachelor', occupation: 'worker',
    joinDate: '2010-07-01', conversionDate: status === 'full' ? '2011-07-01' : null, status, ...rest,
  };
}

async function createMember(c: Client, body: Fields): Promise<string> {
  const r = await c.post('/api/v1/members', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

const detailOf = async (c: Client, id: string) => {
  const r = await c.get(`/api/v1/members/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

const names = async (c: Client, query: string): Promise<string[]> => {
  const r = await c.get(`/api/v1/members?${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items.map((m: { name: string }) => m.name);
};

describe('creating members: validation', () => {
  it('the check-character helper of this test agrees with the GB 11643 sample number', () => {
    expect('11010519491231002' + checkChar('11010519491231002')).toBe('11010519491231002X');
  });

  it('an invalid ID number is 422 INVALID_ID_NUMBER with a Chinese message', async () => {
    const { branch, c } = await setupBranch();
    const valid = idFor('1981-02-28', 'male');
    const wrongCheck = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const badDate17 = '110105' + '19810229' + '013'; // 1981 is not a leap year
    const cases: Array<[string, string, string]> = [
      [wrongCheck, 'checksum', '校验码'],
      [badDate17 + checkChar(badDate17), 'birth_date', '出生日期'],
      [valid.slice(0, 17), 'format', '18位'],
      ['110105810228013', 'format', '18位'], // an old 15-digit number
      [valid.slice(0, 16) + 'A' + valid[17], 'format', '18位'],
    ];
    for (const [idNumber, problem, text] of cases) {
      const r = await c.post('/api/v1/members', memberBody(branch.id, { idNumber, birth: '1981-02-28' }));
      expect(r.statusCode, idNumber).toBe(422);
      expect(r.json().error.code).toBe('INVALID_ID_NUMBER');
      expect(r.json().error.message).toContain(text);
      expect(r.json().error.details).toMatchObject({ field: 'idNumber', problem });
    }
    const n = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE org_id = ${branch.id}`);
    expect(n.n).toBe(0);
  });

  it('a sex that does not match the ID number is 400 with an issue on the sex field', async () => {
    const { branch, c } = await setupBranch();
    const r = await c.post('/api/v1/members', { ...memberBody(branch.id, { sex: 'female' }), sex: 'male' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
    expect(r.json().error.details.issues.map((i: { field: string }) => i.field)).toContain('sex');
  });

  it('a current ID number cannot be registered twice, but may be again after the first person died', async () => {
    const { branch, c } = await setupBranch();
    let idNumber = idFor('1985-04-12', 'male');
    while (!idNumber.endsWith('X')) idNumber = idFor('1985-04-12', 'male');
    const body = memberBody(branch.id, { name: '周重号', idNumber });
    const first = await createMember(c, body);
    for (const same of [idNumber, idNumber.toLowerCase()]) {
      const dup = await c.post('/api/v1/members', { ...body, idNumber: same, name: '周重号二' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.code).toBe('DUPLICATE_ID_NUMBER');
    }

    const d = await detailOf(c, first);
    const died = await c.post(`/api/v1/members/${first}/events`, { reason: 'deceased', eventDate: TODAY, note: '因病去世', version: d.version });
    expect(died.statusCode, died.body).toBe(200);
    const after = await detailOf(c, first);
    expect(after.status).toBe('deceased');
    expect(after.events[0]).toMatchObject({ reason: 'deceased', direction: 'decrease', fromStatus: 'full', toStatus: 'deceased', note: '因病去世' });

    const second = await createMember(c, { ...body, name: '周重号二' });
    expect(second).not.toBe(first);
  });

  it('the join date must be on or after the 18th birthday', async () => {
    const { branch, c } = await setupBranch();
    const early = await c.post('/api/v1/members', memberBody(branch.id, { birth: '1990-06-15', joinDate: '2008-06-14', conversionDate: '2009-06-14' }));
    expect(early.statusCode).toBe(400);
    expect(early.json().error.details.issues.map((i: { field: string }) => i.field)).toContain('joinDate');
    await createMember(c, memberBody(branch.id, { birth: '1990-06-15', joinDate: '2008-06-15', conversionDate: '2009-06-15' }));
  });

  it('a full member needs a conversion date', async () => {
    const { branch, c } = await setupBranch();
    const r = await c.post('/api/v1/members', memberBody(branch.id, { status: 'full', conversionDate: null }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'conversionDate' })]));
  });

  it('a member is created only in a branch-type org', async () => {
    const { root, c } = await setupBranch('org_admin');
    const gb = await makeOrg(h.deps, root, 'general_branch');
    const branch = await makeOrg(h.deps, gb, 'branch');
    const group = await makeOrg(h.deps, branch, 'party_group');
    for (const org of [root, gb, group]) {
      const r = await c.post('/api/v1/members', memberBody(org.id));
      expect(r.statusCode, org.type).toBe(400);
      expect(r.json().error.details.issues).toEqual([expect.objectContaining({ field: 'orgId' })]);
    }
    for (const type of ['branch', 'joint_branch', 'temporary_branch'] as const) {
      const org = await makeOrg(h.deps, root, type);
      await createMember(c, memberBody(org.id));
    }
  });
});

describe('searching and listing', () => {
  // pinyin worked out by hand; 曾 and 单 as surnames read zēng and shàn (not céng, dān)
  const people = [
    { name: '王小明', sex: 'male', birth: '1980-01-10', phone: '13812345678', education: 'bachelor', status: 'full', joinDate: '2003-07-01' },
    { name: '曾小红', sex: 'female', birth: '1992-03-03', phone: '13900005678', education: 'postgraduate', status: 'probationary', joinDate: '2025-01-10' },
    { name: '单田芳', sex: 'male', birth: '1970-08-08', phone: null, education: 'high_school', status: 'full', joinDate: '1995-07-01' },
    { name: '李明', sex: 'female', birth: '1985-12-12', phone: '13711112222', education: 'bachelor', status: 'full', joinDate: '2012-07-01' },
    { name: '王芳', sex: 'female', birth: '1988-05-20', phone: null, education: 'college', status: 'full', joinDate: '2016-07-01' },
  ] as const;

  async function seedPeople() {
    const s = await setupBranch();
    const ids: Record<string, { id: string; idNumber: string }> = {};
    for (const p of people) {
      const body = memberBody(s.branch.id, {
        name: p.name, sex: p.sex, birth: p.birth, phone: p.phone, education: p.education, status: p.status, joinDate: p.joinDate,
        conversionDate: p.status === 'full' ? p.joinDate.replace(/^(\d{4})/, (y) => String(Number(y) + 1)) : null,
      });
      ids[p.name] = { id: await createMember(s.c, body), idNumber: body.idNumber };
    }
    return { ...s, ids };
  }

  it('finds by name substring, pinyin initials (surname readings), full pinyin prefix, phone tail, full phone and full ID', async () => {
    const { c, ids } = await seedPeople();
    const q = (text: string) => names(c, `q=${encodeURIComponent(text)}&sort=name`);
    expect(await q('小')).toEqual(['王小明', '曾小红']);
    expect(await q('wxm')).toEqual(['王小明']);
    expect(await q('WXM')).toEqual(['王小明']);
    expect(await q('zxh')).toEqual(['曾小红']);
    expect(await q('cxh')).toEqual([]);
    expect(await q('stf')).toEqual(['单田芳']);
    expect(await q('dtf')).toEqual([]);
    expect(await q('shantian')).toEqual(['单田芳']);
    expect(await q('zengxiao')).toEqual(['曾小红']);
    expect(await q('wang')).toEqual(['王芳', '王小明']);
    expect(await q('5678')).toEqual(['王小明', '曾小红']);
    expect(await q('1234')).toEqual([]);
    expect(await q('13812345678')).toEqual(['王小明']);
    expect(await q(ids['李明'].idNumber)).toEqual(['李明']);
  });

  it('paginates with totals, filters by status, sex and education, and sorts', async () => {
    const { c } = await seedPeople();
    const byPinyin = ['李明', '单田芳', '王芳', '王小明', '曾小红']; // liming < shantianfang < wangfang < wangxiaoming < zengxiaohong
    const pages = [];
    for (let page = 1; page <= 3; page++) {
      const r = (await c.get(`/api/v1/members?pageSize=2&page=${page}`)).json();
      expect(r.total).toBe(5);
      expect(r.page).toBe(page);
      pages.push(...r.items.map((m: { name: string }) => m.name));
    }
    expect(pages).toEqual(byPinyin);
    expect((await c.get('/api/v1/members?pageSize=2&page=4')).json()).toMatchObject({ items: [], total: 5 });

    expect(await names(c, 'sort=name&order=desc')).toEqual([...byPinyin].reverse());
    expect(await names(c, 'sort=birthDate&order=asc')).toEqual(['单田芳', '王小明', '李明', '王芳', '曾小红']);
    expect(await names(c, 'sort=joinDate&order=desc')).toEqual(['曾小红', '王芳', '李明', '王小明', '单田芳']);
    expect(await names(c, 'status=probationary')).toEqual(['曾小红']);
    expect(await names(c, 'status=full')).toEqual(['李明', '单田芳', '王芳', '王小明']);
    expect(await names(c, 'sex=female')).toEqual(['李明', '王芳', '曾小红']);
    expect(await names(c, 'education=bachelor')).toEqual(['李明', '王小明']);
    expect(await names(c, 'sex=female&education=bachelor')).toEqual(['李明']);
    const filtered = (await c.get('/api/v1/members?sex=male&pageSize=1')).json();
    expect(filtered).toMatchObject({ total: 2, pageSize: 1 });
    const bad = await c.get('/api/v1/members?pageSize=101');
    expect(bad.statusCode).toBe(400);
  });

  it('does not list members outside the actor’s scope', async () => {
    const { c } = await seedPeople();
    const other = await setupBranch();
    await createMember(other.c, memberBody(other.branch.id, { name: '王小明' }));
    expect(await names(c, 'q=wxm')).toEqual(['王小明']);
    expect((await c.get(`/api/v1/members?orgId=${other.branch.id}`)).statusCode).toBe(404);
  });
});

describe('masking and reveal (RULES §9)', () => {
  it('shows masked ID and phone in list and detail; reveal with a reason returns the value and is audited', async () => {
    const { branch, c, acc } = await setupBranch();
    const idNumber = '11010519491231002X'; // the GB 11643 sample: born 1949-12-31, female
    const phone = '13812345678';
    const id = await createMember(c, memberBody(branch.id, { name: '林样例', sex: 'female', idNumber, phone, joinDate: '1975-07-01', conversionDate: '1976-07-01' }));

    const list = await c.get(`/api/v1/members?orgId=${branch.id}`);
    expect(list.json().items[0]).toMatchObject({ id, phoneMasked: '138****5678', birthDate: '1949-12-31', sex: 'female' });
    expect(list.body).not.toContain(idNumber);
    expect(list.body).not.toContain(phone);
    const detail = await c.get(`/api/v1/members/${id}`);
    expect(detail.json()).toMatchObject({ idNumberMasked: '1***************2X', phoneMasked: '138****5678', hasIncome: false });
    expect(detail.json().abilities.reveal).toBe(true);
    expect(detail.body).not.toContain(idNumber);
    expect(detail.body).not.toContain(phone);

    const reveal = await c.post(`/api/v1/members/${id}/reveal`, { field: 'idNumber', reason: '核对组织关系转接信息' });
    expect(reveal.statusCode, reveal.body).toBe(200);
    expect(reveal.json()).toEqual({ field: 'idNumber', value: idNumber });
    const revealPhone = await c.post(`/api/v1/members/${id}/reveal`, { field: 'phone', reason: '电话通知参加支部大会' });
    expect(revealPhone.json()).toEqual({ field: 'phone', value: phone });

    const audits = await h.db.query<{ username: string; object_id: string; detail: Record<string, unknown> }>(sql`
      SELECT username, object_id, detail FROM audit_log WHERE action = 'member.reveal' AND object_id = ${id} ORDER BY id`);
    expect(audits).toEqual([
      { username: acc.username, object_id: id, detail: { field: 'idNumber', reason: '核对组织关系转接信息' } },
      { username: acc.username, object_id: id, detail: { field: 'phone', reason: '电话通知参加支部大会' } },
    ]);

    for (const body of [{ field: 'idNumber' }, { field: 'idNumber', reason: '' }, { field: 'idNumber', reason: '看看' }]) {
      const r = await c.post(`/api/v1/members/${id}/reveal`, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
      expect(r.json().error.details.issues.map((i: { field: string }) => i.field)).toContain('reason');
    }
    const count = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.reveal' AND object_id = ${id}`);
    expect(count.n).toBe(2);

    // a party worker may read members but not reveal
    const worker = await makeAccount(h.deps, [{ role: 'party_worker', orgId: branch.id, scope: 'subtree' }]);
    const w = await login(h.app, worker.username, PASSWORD);
    expect((await w.get(`/api/v1/members/${id}`)).json().abilities.reveal).toBe(false);
    expect((await w.post(`/api/v1/members/${id}/reveal`, { field: 'idNumber', reason: '核对组织关系转接信息' })).statusCode).toBe(403);
  });
});

describe('updating', () => {
  it('changes fields and bumps the version; a stale version is 409; org and status are not changed here', async () => {
    const { root, branch, c } = await setupBranch('org_admin');
    const otherBranch = await makeOrg(h.deps, root, 'branch');
    const id = await createMember(c, memberBody(branch.id, { name: '李文', status: 'probationary', joinDate: '2025-03-01' }));
    const v1 = (await detailOf(c, id)).version;
    const ok = await c.patch(`/api/v1/members/${id}`, { name: '李新名', education: 'postgraduate', phone: '13698765432', version: v1 });
    expect(ok.statusCode, ok.body).toBe(200);
    const d = await detailOf(c, id);
    expect(d).toMatchObject({ name: '李新名', education: 'postgraduate', phoneMasked: '136****5432', version: v1 + 1 });
    expect(await names(c, `orgId=${branch.id}&q=lxm`)).toEqual(['李新名']);

    const stale = await c.patch(`/api/v1/members/${id}`, { name: '过期修改', version: v1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CONFLICT');
    expect((await detailOf(c, id)).name).toBe('李新名');

    const sneaky = await c.patch(`/api/v1/members/${id}`, { orgId: otherBranch.id, status: 'full', version: v1 + 1 });
    expect([200, 400]).toContain(sneaky.statusCode);
    const after = await detailOf(c, id);
    expect(after).toMatchObject({ orgId: branch.id, status: 'probationary' });
    const row = await h.db.one<{ org_id: string; status: string; open: number }>(sql`
      SELECT p.org_id, p.status, (SELECT count(*)::int FROM membership m WHERE m.person_id = p.id AND m.valid_to IS NULL AND m.org_id = ${branch.id}) AS open
      FROM person p WHERE p.id = ${id}`);
    expect(row).toEqual({ org_id: branch.id, status: 'probationary', open: 1 });

    // taking another current member's ID number is a duplicate
    const otherBody = memberBody(branch.id, { name: '张重' });
    await createMember(c, otherBody);
    const dup = await c.patch(`/api/v1/members/${id}`, { idNumber: otherBody.idNumber, sex: otherBody.sex, version: after.version });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('DUPLICATE_ID_NUMBER');
  });
});

describe('status events', () => {
  it('conversion makes a probationary member full; party age counts from the conversion date', async () => {
    const { branch, c } = await setupBranch();
    const id = await createMember(c, memberBody(branch.id, { name: '郑预备', status: 'probationary', joinDate: '2009-07-01' }));
    const before = await detailOf(c, id);
    expect(before).toMatchObject({ status: 'probationary', conversionDate: null, partyAgeYears: null });
    const early = await c.post(`/api/v1/members/${id}/events`, { reason: 'converted', eventDate: '2009-06-30', version: before.version });
    expect(early.statusCode).toBe(400);
    const r = await c.post(`/api/v1/members/${id}/events`, { reason: 'converted', eventDate: '2010-07-01', version: before.version });
    expect(r.statusCode, r.body).toBe(200);
    const after = await detailOf(c, id);
    expect(after).toMatchObject({ status: 'full', conversionDate: '2010-07-01', partyAgeYears: wholeYears('2010-07-01', TODAY), version: before.version + 1 });
    expect(after.events.find((e: { reason: string }) => e.reason === 'converted')).toMatchObject({ direction: 'change', fromStatus: 'probationary', toStatus: 'full', eventDate: '2010-07-01' });
    const listed = (await c.get(`/api/v1/members?orgId=${branch.id}`)).json().items[0];
    expect(listed.partyAgeYears).toBe(wholeYears('2010-07-01', TODAY));
    const twice = await c.post(`/api/v1/members/${id}/events`, { reason: 'converted', eventDate: '2011-07-01', version: after.version });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().error.code).toBe('INVALID_STATUS_CHANGE');
    const stale = await c.post(`/api/v1/members/${id}/events`, { reason: 'deceased', eventDate: TODAY, version: before.version });
    expect(stale.statusCode).toBe(409);
  });

  it('transfer out, expulsion and death close the membership and move the member to the former list', async () => {
    const { branch, c } = await setupBranch();
    const stay = await createMember(c, memberBody(branch.id, { name: '留下' }));
    const cases = [
      { name: '转出', reason: 'transfer_out', status: 'left' },
      { name: '开除', reason: 'expelled', status: 'left' },
      { name: '去世', reason: 'deceased', status: 'deceased' },
    ] as const;
    const ids: string[] = [];
    for (const k of cases) {
      const id = await createMember(c, memberBody(branch.id, { name: k.name }));
      ids.push(id);
      const d = await detailOf(c, id);
      const r = await c.post(`/api/v1/members/${id}/events`, { reason: k.reason, eventDate: TODAY, version: d.version });
      expect(r.statusCode, r.body).toBe(200);
      const after = await detailOf(c, id);
      expect(after.status).toBe(k.status);
      expect(after.orgId).toBe(branch.id);
      expect(after.abilities).toMatchObject({ update: false, changeStatus: false });
      expect(after.events[0]).toMatchObject({ reason: k.reason, direction: 'decrease', toStatus: k.status });
      const m = await h.db.query<{ valid_to: string | null }>(sql`SELECT valid_to FROM membership WHERE person_id = ${id}`);
      expect(m).toEqual([{ valid_to: TODAY }]);

      const again = await c.post(`/api/v1/members/${id}/events`, { reason: 'expelled', eventDate: TODAY, version: after.version });
      expect(again.statusCode).toBe(422);
      expect(again.json().error.code).toBe('MEMBER_NOT_CURRENT');
      const edit = await c.patch(`/api/v1/members/${id}`, { name: '修改已出党', version: after.version });
      expect(edit.statusCode).toBe(422);
      expect(edit.json().error.code).toBe('MEMBER_NOT_CURRENT');
    }
    expect(await names(c, `orgId=${branch.id}`)).toEqual(['留下']);
    expect((await c.get(`/api/v1/members?orgId=${branch.id}&status=former`)).json()).toMatchObject({ total: 3 });
    expect((await names(c, `orgId=${branch.id}&status=former`)).sort()).toEqual(cases.map((k) => k.name).sort());
    const stayMembership = await h.db.query<{ valid_to: string | null }>(sql`SELECT valid_to FROM membership WHERE person_id = ${stay}`);
    expect(stayMembership).toEqual([{ valid_to: null }]);
  });

  it('member_event is append-only', async () => {
    const { branch } = await setupBranch();
    const m = await makeMember(h.deps, branch.id);
    await expect(h.db.exec(sql`UPDATE member_event SET reason = 'recruited' WHERE person_id = ${m.id}`)).rejects.toThrow(/append-only/);
    await expect(h.db.exec(sql`DELETE FROM member_event WHERE person_id = ${m.id}`)).rejects.toThrow(/append-only/);
    const rows = await h.db.query<{ reason: string }>(sql`SELECT reason FROM member_event WHERE person_id = ${m.id}`);
    expect(rows).toEqual([{ reason: 'registered' }]);
  });
});

describe('a member reading their own record', () => {
  it('reads /me/profile but not the roster', async () => {
    const { branch } = await setupBranch();
    const me = await makeMember(h.deps, branch.id, { name: '党员本人', phone: '13555556666' });
    const other = await makeMember(h.deps, branch.id, { name: '其他党员' });
    const acc = await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], me.id);
    const c = await login(h.app, acc.username, PASSWORD);
    const profile = await c.get('/api/v1/me/profile');
    expect(profile.statusCode, profile.body).toBe(200);
    expect(profile.json()).toMatchObject({ id: me.id, name: '党员本人', phoneMasked: '135****6666' });
    expect(profile.body).not.toContain(me.idNumber);
    for (const url of ['/api/v1/members', `/api/v1/members/${other.id}`, `/api/v1/members/${me.id}`]) {
      const r = await c.get(url);
      expect(r.statusCode, url).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN');
    }
    const unlinked = await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }]);
    const u = await login(h.app, unlinked.username, PASSWORD);
    expect((await u.get('/api/v1/me/profile')).statusCode).toBe(404);
  });
});
