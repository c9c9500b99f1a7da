import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/server/platform/sql';
import { cleanUp } from '../../../src/server/platform/maintenance';
import { IMPORT_COLUMNS } from '../../../src/server/domains/member';
import { BASE_IMPORT_COLUMNS } from '../../../src/server/domains/dues/dues.import';
import { createHarness, type Client, type Harness } from '../../helpers/harness';
import { makeAccount, makeIdNumber, makeMember, makeOrg, makeRoot } from '../../helpers/factory';
import { unzipPart } from '../../helpers/xlsx';
import { expectEnvelope, multipartFile, PNG_1PX, sessionClient } from './support';

// Exports cannot carry formulas (review M4), uploaded spreadsheets are refused
// at the row limit (M5) and deleted once imported (M6), and file names lose
// their bidirectional and control characters (L10).

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let h: Harness;
let c: Client;
let root: Awaited<ReturnType<typeof makeRoot>>;
let branch: Awaited<ReturnType<typeof makeOrg>>;
let accountId: string;

beforeAll(async () => {
  h = await createHarness();
  root = await makeRoot(h.deps, '=HYPERLINK("http://x","y")党委');
  branch = await makeOrg(h.deps, root, 'branch', '+86测试支部');
  const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
  accountId = acc.id;
  c = await sessionClient(h, acc.id);
});
afterAll(async () => h.close());

const decode = (s: string) => s.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x([0-9a-f]+);/gi, (_m, x: string) => String.fromCodePoint(parseInt(x, 16))).replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d))).replace(/&amp;/g, '&');

/** Every text of the first sheet, read from the XML with our own ZIP reader (not exceljs): inline and shared strings; and whether any formula exists. */
function sheetTexts(xlsx: Buffer): { texts: string[]; formulas: number } {
  const sheet = unzipPart(xlsx, 'xl/worksheets/sheet1.xml');
  let shared: string[] = [];
  try {
    shared = [...unzipPart(xlsx, 'xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => decode([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  } catch {
    // a streamed workbook writes its strings inline
  }
  const texts: string[] = [];
  for (const m of sheet.matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const type = /t="(\w+)"/.exec(m[1])?.[1];
    const body = m[2] ?? '';
    if (type === 's') texts.push(shared[Number(/<v>(\d+)<\/v>/.exec(body)?.[1])]);
    else if (type === 'str') texts.push(decode(/<v>([\s\S]*?)<\/v>/.exec(body)?.[1] ?? ''));
    else if (type === 'inlineStr') texts.push(decode([...body.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  }
  return { texts, formulas: (sheet.match(/<f[ >]/g) ?? []).length };
}

const DANGEROUS = /^[=+\-@\t\r]/;

describe('exports are not spreadsheet formulas (M4)', () => {
  it('the member roster writes text starting with = + - @ tab or CR with a leading apostrophe, and no formula', async () => {
    const m = await makeMember(h.deps, branch.id, { name: '测试党员' });
    await h.db.exec(sql`UPDATE person SET name = '=HYPERLINK("http://x","y")', unit_name = '@SUM(1+1)', address = ${"-2+3+cmd|' /C calc'!A0"} WHERE id = ${m.id}`);
    const m2 = await makeMember(h.deps, branch.id);
    await h.db.exec(sql`UPDATE person SET name = ${'\t=1+1'}, address = ${'\r+1+1'} WHERE id = ${m2.id}`);
    const res = await c.get(`/api/v1/members/export?orgId=${branch.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const { texts, formulas } = sheetTexts(res.rawPayload);
    expect(formulas).toBe(0);
    expect(texts.filter((t) => DANGEROUS.test(t))).toEqual([]);
    expect(texts).toEqual(expect.arrayContaining(["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(1+1)", "'-2+3+cmd|' /C calc'!A0", "'\t=1+1", "'\r+1+1", "'+86测试支部"]));
  });

  it('the dues summary and the member statement do the same', async () => {
    const m = await makeMember(h.deps, branch.id);
    await h.db.exec(sql`UPDATE person SET name = '=cmd|calc' WHERE id = ${m.id}`);
    const summary = await c.get(`/api/v1/dues/summary/export?orgId=${root.id}&from=2026-01&to=2026-02`);
    expect(summary.statusCode, summary.body).toBe(200);
    const s = sheetTexts(summary.rawPayload);
    expect(s.formulas).toBe(0);
    expect(s.texts.filter((t) => DANGEROUS.test(t))).toEqual([]);
    // the title row starts with what the sheet is; the org's name follows it
    expect(s.texts[0]).toMatch(/^党费收缴统计\u3000=HYPERLINK/);
    const statement = await c.get(`/api/v1/members/${m.id}/dues-statement/export?from=2026-01&to=2026-02`);
    expect(statement.statusCode, statement.body).toBe(200);
    const st = sheetTexts(statement.rawPayload);
    expect(st.formulas).toBe(0);
    expect(st.texts.filter((t) => DANGEROUS.test(t))).toEqual([]);
    expect(st.texts[0]).toMatch(/^党费交纳明细\u3000=cmd\|calc/);
  });
});

function storedFiles(): string[] {
  const dir = path.join(h.dataDir, 'files');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function importFile(rows: unknown[][], columns: readonly string[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  ws.addRow([...columns]);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('imports (M5, M6)', () => {
  it('refuses a sheet one row over the dues-base limit with IMPORT_INVALID', async () => {
    const data = await importFile(Array.from({ length: 20_001 }, (_, i) => [`党员${i}`, makeIdNumber(), '在职', '5000', '', '', '2027-01', '']), BASE_IMPORT_COLUMNS);
    const mp = multipartFile('基数.xlsx', data, XLSX);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/dues/bases/import?dryRun=true', headers: { cookie: c.cookie, ...mp.headers }, payload: mp.payload });
    expect(res.statusCode, res.body).toBe(422);
    expectEnvelope(res, 'IMPORT_INVALID');
    expect(res.json().error.message).toBe('单个文件最多导入2万行，请拆分后导入');
  });

  it('refuses an impossible month (year 0000) in a dues-base row as a month error', async () => {
    const m = await makeMember(h.deps, branch.id, { name: '月份测试' });
    const data = await importFile([['月份测试', m.idNumber, '离退休', '5200', '', '', '0000-01', '']], BASE_IMPORT_COLUMNS);
    const mp = multipartFile('基数.xlsx', data, XLSX);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/dues/bases/import?dryRun=true', headers: { cookie: c.cookie, ...mp.headers }, payload: mp.payload });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().report.errors).toEqual([{ row: 2, field: '执行月份', message: '应为 YYYY-MM，例如 2027-01' }]);
  });

  it('keeps no uploaded spreadsheet after a dry run or a committed import, and the report holds no ID number', async () => {
    const idNumber = makeIdNumber('1985-03-04');
    const data = await importFile([['导入甲', '男', '汉族', idNumber, '大学本科', '工人', '', '13800138000', '', '正式党员', '2010-07-01', '2011-07-01', branch.name], ['导入乙', '男', '汉族', '110101198001010000', '大学本科', '工人', '', '', '', '正式党员', '2010-07-01', '2011-07-01', branch.name]], IMPORT_COLUMNS);
    const before = storedFiles();
    const mp = multipartFile('党员.xlsx', data, XLSX);
    const dry = await h.app.inject({ method: 'POST', url: '/api/v1/members/import?dryRun=true', headers: { cookie: c.cookie, ...mp.headers }, payload: mp.payload });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(storedFiles()).toEqual(before);

    const commit = await h.app.inject({ method: 'POST', url: '/api/v1/members/import?dryRun=false', headers: { cookie: c.cookie, ...mp.headers }, payload: mp.payload });
    expect(commit.statusCode, commit.body).toBe(202);
    const { jobId } = commit.json();
    expect(storedFiles().length).toBe(before.length + 1);
    expect(await h.deps.jobs.runDue()).toBeGreaterThanOrEqual(1);
    const job = (await c.get(`/api/v1/jobs/${jobId}`)).json();
    expect(job.status).toBe('succeeded');
    expect(job.result, JSON.stringify(job.result)).toMatchObject({ created: 1 });
    expect(JSON.stringify(job.result)).not.toContain(idNumber);
    expect(JSON.stringify(job.result)).not.toContain('110101198001010000');
    expect(storedFiles()).toEqual(before);
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM stored_file WHERE owner_id = ${jobId}::uuid`)).n).toBe(0);
  });

  it('deletes the upload of an import that failed as well', async () => {
    const before = storedFiles();
    const key = await h.deps.files.put(Buffer.from('not a workbook'));
    const jobId = await h.deps.jobs.enqueue('member.import', { fileKey: key, requestId: 'test', ip: null }, { createdBy: accountId, orgId: branch.id, maxAttempts: 1 });
    await h.db.exec(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
      VALUES ('member_import', ${jobId}, ${branch.id}, 'import.xlsx', ${XLSX}, 14, 'x', ${key}, ${accountId})`);
    expect(await h.deps.jobs.runDue()).toBeGreaterThanOrEqual(1);
    expect((await h.db.one<{ status: string }>(sql`SELECT status FROM job WHERE id = ${jobId}::uuid`)).status).toBe('failed');
    expect(storedFiles()).toEqual(before);
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM stored_file WHERE owner_id = ${jobId}::uuid`)).n).toBe(0);
  });

  it('housekeeping removes import uploads left behind for more than a day, and keeps fresh ones', async () => {
    const put = async (age: string) => {
      const key = await h.deps.files.put(Buffer.from(`upload ${age}`));
      await h.db.exec(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by, created_at)
        VALUES ('member_import', gen_random_uuid(), ${branch.id}, 'import.xlsx', ${XLSX}, 10, 'x', ${key}, ${accountId}, now() - ${age}::interval)`);
      return key;
    };
    const old = await put('2 days');
    const fresh = await put('1 hour');
    const r = await cleanUp(h.db, h.deps.files);
    expect(r.importUploads).toBe(1);
    await expect(h.deps.files.get(old)).rejects.toThrow();
    expect((await h.deps.files.get(fresh)).toString()).toBe('upload 1 hour');
    const keys = (await h.db.query<{ storage_key: string }>(sql`SELECT storage_key FROM stored_file WHERE storage_key IN (${old}, ${fresh})`)).map((x) => x.storage_key);
    expect(keys).toEqual([fresh]);
  });
});

describe('file names (L10)', () => {
  it('strips bidirectional and control characters from uploaded names, in the list and in Content-Disposition', async () => {
    const mp = multipartFile('invoice\u202egnp.exe\u200f\u2066\u0007.png', PNG_1PX, 'image/png');
    const up = await h.app.inject({ method: 'POST', url: `/api/v1/files?ownerType=org&ownerId=${branch.id}`, headers: { cookie: c.cookie, ...mp.headers }, payload: mp.payload });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json().fileName).toBe('invoicegnp.exe.png');
    const row = await h.db.one<{ file_name: string }>(sql`SELECT file_name FROM stored_file WHERE id = ${up.json().id}::uuid`);
    expect(row.file_name).toBe('invoicegnp.exe.png');
    const dl = await c.get(`/api/v1/files/${up.json().id}`);
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="file"; filename*=UTF-8''invoicegnp.exe.png`);
  });

  it('cleans a name stored before the rule when offering it for download', async () => {
    const key = await h.deps.files.put(PNG_1PX);
    const f = await h.db.one<{ id: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key)
      VALUES ('org', ${branch.id}, ${branch.id}, ${'report\u202efdp.exe'}, 'image/png', ${PNG_1PX.length}, 'x', ${key}) RETURNING id`);
    const dl = await c.get(`/api/v1/files/${f.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="file"; filename*=UTF-8''reportfdp.exe`);
  });
});
