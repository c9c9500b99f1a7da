import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIdCheckChar } from '../../../src/contracts/idcard';
import { sql } from '../../../src/server/platform/sql';
import { createHarness, type Client, type Harness } from '../../helpers/harness';
import { makeAccount, makeOrg, makeRoot } from '../../helpers/factory';
import { readXlsx, sessionClient } from './support';

// A canary ID number and phone: stored encrypted, they must never appear in
// plain text in any column, in a database dump (or, on the embedded
// PostgreSQL 18, anywhere in the cluster's files), or in an API payload
// other than the explicit, audited reveal.

const PREFIX = '51132519710823457'; // area 511325, born 1971-08-23, sequence 457 (odd: male)
const CANARY_ID = PREFIX + computeIdCheckChar(PREFIX);
const CANARY_PHONE = '15172839465';
const NAME = '金丝雀测试员';

let h: Harness;
let c: Client;
let memberId: string;

beforeAll(async () => {
  h = await createHarness();
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
  c = await sessionClient(h, acc.id);
  const res = await c.post('/api/v1/members', {
    orgId: branch.id, name: NAME, sex: 'male', ethnicity: '汉族', idNumber: CANARY_ID, education: 'bachelor', occupation: 'worker',
    phone: CANARY_PHONE, joinDate: '2000-07-01', conversionDate: '2001-07-01', status: 'full', monthlyIncomeFen: 9876543210,
  });
  expect(res.statusCode).toBe(201);
  memberId = res.json().id;
  // the paths where the values pass through the server: edits, searches by them, reveals and an export
  const version = (await c.get(`/api/v1/members/${memberId}`)).json().version as number;
  expect((await c.patch(`/api/v1/members/${memberId}`, { version, phone: CANARY_PHONE, idNumber: CANARY_ID, address: '金丝雀路1号' })).statusCode).toBe(200);
  expect((await c.get(`/api/v1/members?q=${CANARY_ID}`)).json().total).toBe(1);
  expect((await c.get(`/api/v1/members?q=${CANARY_PHONE}`)).json().total).toBe(1);
  expect((await c.post(`/api/v1/members/${memberId}/reveal`, { field: 'idNumber', reason: '金丝雀测试核对' })).json().value).toBe(CANARY_ID);
  expect((await c.post(`/api/v1/members/${memberId}/reveal`, { field: 'phone', reason: '金丝雀测试核对' })).json().value).toBe(CANARY_PHONE);
  expect((await c.get('/api/v1/members/export')).statusCode).toBe(200);
});
afterAll(async () => h.close());

describe('canary personal data', () => {
  it('is a valid ID number (the canary is realistic)', () => {
    expect(CANARY_ID).toMatch(/^\d{17}[\dX]$/);
  });

  it('never appears in plain text in any column of any table', async () => {
    const tables = await h.db.query<{ table_name: string }>(sql`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['person', 'audit_log', 'member_event', 'account']));
    const hits = async (needle: string) => {
      const found: string[] = [];
      for (const { table_name: t } of tables) {
        const r = await h.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM public."${t.replace(/"/g, '""')}" x WHERE x::text ILIKE $1`, [`%${needle}%`]);
        if (r.rows[0].n > 0) found.push(t);
      }
      return found;
    };
    expect(await hits(NAME)).toEqual(expect.arrayContaining(['person'])); // the scan works
    expect(await hits(CANARY_ID)).toEqual([]);
    expect(await hits(CANARY_PHONE)).toEqual([]);
    expect(await hits('9876543210')).toEqual([]); // the monthly income (fen)
  });

  it('is absent from a dump of the database (pg_dump ≤ 16, else the cluster files after a checkpoint)', async () => {
    const version = Number((await h.db.one<{ server_version_num: string }>(sql`SHOW server_version_num`)).server_version_num);
    const needles = { name: Buffer.from(NAME, 'utf8'), id: Buffer.from(CANARY_ID), phone: Buffer.from(CANARY_PHONE) };
    if (version < 170000) {
      const major = Math.floor(version / 10000);
      const versioned = `/usr/lib/postgresql/${major}/bin/pg_dump`;
      const bin = fs.existsSync(versioned) ? versioned : 'pg_dump';
      const dump = execFileSync(bin, ['--dbname', h.dbUrl, '--no-owner', '--no-privileges'], { maxBuffer: 1024 * 1024 * 1024 });
      expect(dump.length).toBeGreaterThan(1000);
      expect(dump.includes(needles.name)).toBe(true); // the dump holds the member's row
      expect(dump.includes(needles.id)).toBe(false);
      expect(dump.includes(needles.phone)).toBe(false);
    } else {
      // Debian's pg_dump 15 refuses a newer server: grep the database's files and the WAL after a checkpoint
      await h.db.exec(sql`CHECKPOINT`);
      const dataDir = (await h.db.one<{ setting: string }>(sql`SELECT setting FROM pg_settings WHERE name = 'data_directory'`)).setting;
      expect(fs.statSync(dataDir).isDirectory()).toBe(true);
      const found = { name: [] as string[], id: [] as string[], phone: [] as string[] };
      let bytes = 0;
      const walk = (dir: string) => {
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // removed while walking
          throw e;
        }
        for (const entry of entries) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (entry.isFile()) {
            let data: Buffer;
            try {
              data = fs.readFileSync(full);
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed while walking (temporary files, recycled WAL)
              throw e;
            }
            bytes += data.length;
            for (const k of ['name', 'id', 'phone'] as const) if (data.includes(needles[k])) found[k].push(full);
          }
        }
      };
      // this database's files, the shared catalog and the WAL (other test files create and drop
      // their own databases concurrently under base/, which are none of this test's business)
      const { oid } = await h.db.one<{ oid: number }>(sql`SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()`);
      for (const part of [path.join('base', String(oid)), 'global', 'pg_wal']) walk(path.join(dataDir, part));
      expect(bytes).toBeGreaterThan(1024 * 1024);
      expect(found.name.length).toBeGreaterThan(0); // the member's row is on disk
      expect(found.id).toEqual([]);
      expect(found.phone).toEqual([]);
    }
  });

  it('never appears in an API payload except the explicit reveal', async () => {
    const payloads: Array<[string, string]> = [];
    const get = async (url: string) => {
      const res = await c.get(url);
      expect(res.statusCode, url).toBe(200);
      payloads.push([url, res.body]);
      return res;
    };
    const detail = (await get(`/api/v1/members/${memberId}`)).json();
    expect(detail.name).toBe(NAME);
    expect(detail.idNumberMasked).toBe(CANARY_ID[0] + '*'.repeat(15) + CANARY_ID.slice(-2));
    expect(detail.phoneMasked).toBe(CANARY_PHONE.slice(0, 3) + '****' + CANARY_PHONE.slice(-4));
    expect((await get('/api/v1/members')).json().items.map((i: { id: string }) => i.id)).toContain(memberId);
    expect((await get(`/api/v1/members?q=${CANARY_ID}`)).json().items.map((i: { id: string }) => i.id)).toEqual([memberId]);
    expect((await get(`/api/v1/members?q=${CANARY_PHONE}`)).json().items.map((i: { id: string }) => i.id)).toEqual([memberId]);
    expect((await get(`/api/v1/members?q=${encodeURIComponent(NAME)}`)).json().total).toBe(1);
    for (const [url, body] of payloads) {
      expect(body, url).not.toContain(CANARY_ID);
      expect(body, url).not.toContain(CANARY_PHONE);
    }
    const exported = await c.get('/api/v1/members/export');
    expect(exported.statusCode).toBe(200);
    const cells = (await readXlsx(exported.rawPayload)).flat();
    expect(cells).toContain(NAME);
    expect(cells).toContain(detail.idNumberMasked);
    expect(cells.filter((v) => v.includes(CANARY_ID) || v.includes(CANARY_PHONE))).toEqual([]);
    // the reveal is the one door, and it changes nothing about later payloads
    const revealed = await c.post(`/api/v1/members/${memberId}/reveal`, { field: 'idNumber', reason: '金丝雀测试核对' });
    expect(revealed.json()).toEqual({ field: 'idNumber', value: CANARY_ID });
    expect((await c.post(`/api/v1/members/${memberId}/reveal`, { field: 'income', reason: '金丝雀测试核对' })).json()).toEqual({ field: 'income', value: '9876543210' });
    const again = await c.get(`/api/v1/members/${memberId}`);
    expect(again.body).not.toContain(CANARY_ID);
    expect(again.body).not.toContain(CANARY_PHONE);
  });
});
