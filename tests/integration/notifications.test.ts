import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS } from '../../src/server/domains/member';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeIdNumber, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// In-app notifications: the import job notifies its creator; unread counts,
// marking one or all read, and nobody sees anyone else's notifications.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function importOne(c: Client, branchName: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('党员信息');
  ws.addRow([...IMPORT_COLUMNS]);
  ws.addRow(['通知测试', '男', '汉族', makeIdNumber('1980-05-17', 'male'), '大学本科', '工人', '', '', '', '正式党员', '2005-07-01', '2006-07-01', branchName]);
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  const boundary = `----djtest${crypto.randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="import.xlsx"\r\nContent-Type: ${XLSX}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const r = await h.app.inject({ method: 'POST', url: '/api/v1/members/import?dryRun=false', payload, headers: { cookie: c.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` } });
  expect(r.statusCode, r.body).toBe(202);
  return r.json().jobId as string;
}

async function setup() {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch', `通知测试支部${crypto.randomBytes(3).toString('hex')}`);
  const acc = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }]);
  const c = await login(h.app, acc.username, PASSWORD);
  return { branch, acc, c };
}

const inbox = async (c: Client, query = '') => {
  const r = await c.get(`/api/v1/notifications${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

describe('notifications', () => {
  it('the import job notifies its creator', async () => {
    const { branch, c } = await setup();
    expect(await inbox(c)).toMatchObject({ items: [], total: 0, unread: 0 });
    const jobId = await importOne(c, branch.name);
    expect((await inbox(c)).total).toBe(0); // nothing before the job has run
    expect(await h.deps.jobs.runDue()).toBe(1);
    const box = await inbox(c);
    expect(box).toMatchObject({ total: 1, unread: 1 });
    expect(box.items[0]).toMatchObject({ title: '党员导入完成', link: `/admin/jobs/${jobId}`, readAt: null });
    expect(box.items[0].body).toContain('新增 1 人');
  });

  it('lists with the unread count; marks one read, then all read', async () => {
    const { acc, c } = await setup();
    for (const title of ['第一条通知', '第二条通知', '第三条通知']) await h.deps.notify.notify(h.db, acc.id, { title, body: '内容' });
    const box = await inbox(c);
    expect(box).toMatchObject({ total: 3, unread: 3 });
    expect(box.items.map((n: { title: string }) => n.title).sort()).toEqual(['第一条通知', '第三条通知', '第二条通知'].sort());

    const one = box.items.find((n: { title: string }) => n.title === '第二条通知');
    expect((await c.post('/api/v1/notifications/read', { ids: [one.id] })).statusCode).toBe(200);
    const after = await inbox(c);
    expect(after).toMatchObject({ total: 3, unread: 2 });
    expect(after.items.find((n: { id: string }) => n.id === one.id).readAt).not.toBeNull();
    expect(after.items.filter((n: { readAt: string | null }) => n.readAt === null)).toHaveLength(2);
    const unreadOnly = await inbox(c, '?unreadOnly=true');
    expect(unreadOnly).toMatchObject({ total: 2, unread: 2 });
    expect(unreadOnly.items.map((n: { id: string }) => n.id)).not.toContain(one.id);

    expect((await c.post('/api/v1/notifications/read', {})).statusCode).toBe(200);
    const all = await inbox(c);
    expect(all).toMatchObject({ total: 3, unread: 0 });
    expect(all.items.every((n: { readAt: string | null }) => n.readAt !== null)).toBe(true);
    expect(await inbox(c, '?unreadOnly=true')).toMatchObject({ items: [], total: 0 });
  });

  it('another user’s notifications are invisible and cannot be marked read', async () => {
    const a = await setup();
    const b = await setup();
    await h.deps.notify.notify(h.db, a.acc.id, { title: '给甲的通知' });
    await h.deps.notify.notify(h.db, b.acc.id, { title: '给乙的通知' });
    const boxA = await inbox(a.c);
    const boxB = await inbox(b.c);
    expect(boxA.items.map((n: { title: string }) => n.title)).toEqual(['给甲的通知']);
    expect(boxB.items.map((n: { title: string }) => n.title)).toEqual(['给乙的通知']);

    expect((await a.c.post('/api/v1/notifications/read', { ids: [boxB.items[0].id] })).statusCode).toBe(200);
    expect((await a.c.post('/api/v1/notifications/read', {})).statusCode).toBe(200);
    expect(await inbox(b.c)).toMatchObject({ total: 1, unread: 1 });
    expect(await inbox(a.c)).toMatchObject({ total: 1, unread: 0 });

    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/notifications' });
    expect(anonymous.statusCode).toBe(401);
  });
});
