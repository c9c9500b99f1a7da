import crypto from 'node:crypto';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { IMPORT_COLUMNS, EXPORT_COLUMNS } from '../../src/server/domains/member';
import { createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeIdNumber, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { cellFormats, cellsOf, printLayout, sheetsOf } from '../helpers/xlsx';
import { EDUCATIONS, ETHNICITIES, OCCUPATIONS, SEXES } from '../../src/contracts/dict';

// Excel import (template, dry run with per-row errors, committed background
// job, idempotent re-run) and the streamed, masked, audited export.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TODAY = TEST_TODAY; // the harness's business day

function upload(c: Client, url: string, data: Buffer, filename: string, contentType: string) {
  const boundary = `----djtest${crypto.randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return h.app.inject({ method: 'POST', url, payload, headers: { cookie: c.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

async function xlsxOf(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('党员信息');
  ws.addRow([...IMPORT_COLUMNS]);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readSheet(data: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0].eachRow((row) => {
    // text columns (ID number, phone) are inline rich-text strings
    out.push((row.values as ExcelJS.CellValue[]).slice(1).map((v) => (v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : String(v))));
  });
  return out;
}

function tinyPng(): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), body])));
    return Buffer.concat([len, Buffer.from(type), body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.from([0, 255, 0, 0]))), chunk('IEND', Buffer.alloc(0))]);
}

async function setup() {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch', `导入测试支部${crypto.randomBytes(3).toString('hex')}`);
  const code = `B${crypto.randomBytes(5).toString('hex')}`;
  await h.db.exec(sql`UPDATE org SET code = ${code} WHERE id = ${branch.id}`);
  const acc = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }]);
  const c = await login(h.app, acc.username, PASSWORD);
  return { root, branch, code, acc, c };
}

const getJob = async (c: Client, id: string) => {
  const r = await c.get(`/api/v1/jobs/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

describe('import template', () => {
  it('downloads an xlsx whose header row is the import columns; an untouched template imports nothing', async () => {
    const { c } = await setup();
    const r = await c.get('/api/v1/members/import/template');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(XLSX);
    expect(String(r.headers['content-disposition'])).toMatch(/^attachment;/);
    const rows = await readSheet(r.rawPayload);
    expect(rows).toEqual([[...IMPORT_COLUMNS]]);
    const dry = await upload(c, '/api/v1/members/import?dryRun=true', r.rawPayload, 'template.xlsx', XLSX);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().report).toEqual({ total: 0, valid: 0, skipped: 0, created: 0, errors: [] });
  });
});

describe('print layout (issue 11), read from the OOXML with our own ZIP reader, not exceljs', () => {
  const letter = (n: number) => (n > 26 ? String.fromCharCode(64 + Math.floor((n - 1) / 26)) : '') + String.fromCharCode(65 + ((n - 1) % 26));

  it('the template freezes its header, formats ID number and phone as text, and offers every coded column as a drop-down list', async () => {
    const { c } = await setup();
    const xlsx = (await c.get('/api/v1/members/import/template')).rawPayload;
    // the data sheet stays first (the import reads the first sheet); the lists live on a hidden sheet
    expect(sheetsOf(xlsx).map((s) => [s.name, s.state])).toEqual([['党员信息', 'visible'], ['代码表', 'hidden'], ['填写说明', 'visible']]);
    const l = printLayout(xlsx, '党员信息');
    expect(l.pane).toMatchObject({ state: 'frozen', ySplit: '1', topLeftCell: 'A2' });
    expect(l.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: '9', fitToWidth: '1' });
    expect(l.printTitles).toBe("'党员信息'!$1:$1");
    const formats = cellFormats(xlsx);
    const col = (header: string) => IMPORT_COLUMNS.indexOf(header as never) + 1;
    const colFormat = (n: number) => formats[l.cols.find((c) => c.min <= n && n <= c.max)?.style ?? 0];
    expect(colFormat(col('身份证号'))).toBe('@');
    expect(colFormat(col('手机号码'))).toBe('@');
    expect(colFormat(col('姓名'))).toBe('General');
    expect(l.cols.find((c) => c.min <= col('身份证号') && col('身份证号') <= c.max)!.width).toBeGreaterThanOrEqual(20);

    const lists = cellsOf(xlsx, sheetsOf(xlsx).find((s) => s.name === '代码表')!.part);
    const expected: Record<string, readonly string[]> = { 性别: Object.values(SEXES), 民族: ETHNICITIES, 学历: Object.values(EDUCATIONS), 人员类别: Object.values(OCCUPATIONS), 党员类别: ['正式党员', '预备党员'] };
    expect(l.validations).toHaveLength(Object.keys(expected).length);
    for (const [header, values] of Object.entries(expected)) {
      const L = letter(col(header));
      const v = l.validations.find((x) => x.sqref === `${L}2:${L}10001`);
      expect(v, header).toMatchObject({ type: 'list', allowBlank: '1', showErrorMessage: '1' });
      const m = /^'代码表'!\$([A-Z]+)\$2:\$\1\$(\d+)$/.exec(v!.formula1);
      expect(m, v!.formula1).not.toBeNull();
      const listed = Array.from({ length: Number(m![2]) - 1 }, (_, i) => lists.get(`${m![1]}${i + 2}`)?.text);
      expect(listed, header).toEqual([...values]);
    }
  });

  it('the roster prints A4 landscape one page wide, its header frozen, filtered and repeated on every page, page numbers below, IDs and phones as text', async () => {
    const { branch, c } = await setup();
    for (let i = 0; i < 3; i++) await makeMember(h.deps, branch.id, { phone: `1391234567${i}` });
    const x = (await c.get(`/api/v1/members/export?orgId=${branch.id}`)).rawPayload;
    const l = printLayout(x, '党员名册');
    expect(l.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: '9', fitToWidth: '1', fitToHeight: '0' });
    expect(l.fitToPage).toBe(true);
    expect(l.pane).toMatchObject({ state: 'frozen', xSplit: '2', ySplit: '2', topLeftCell: 'C3' });
    const last = letter(EXPORT_COLUMNS.length);
    expect(l.autoFilter).toBe(`A2:${last}5`);
    expect(l.printTitles).toBe("'党员名册'!$2:$2");
    expect(l.printArea).toBe(`'党员名册'!$A$1:$${last}$5`);
    expect(l.oddFooter).toBe('&C第 &P 页，共 &N 页');

    const cells = cellsOf(x, l.part);
    // the title names the org and the caller's business date (the harness's day, not the wall clock)
    expect(cells.get('A1')!.text).toMatch(new RegExp(`^党员名册\u3000${branch.name}\u3000截至 ${TODAY}\u3000`));
    expect(l.xml).toContain(`<mergeCell ref="A1:${last}1"/>`);
    const formats = cellFormats(x);
    const idCol = letter(EXPORT_COLUMNS.indexOf('身份证号') + 1);
    const phoneCol = letter(EXPORT_COLUMNS.indexOf('手机号码') + 1);
    for (let r = 3; r <= 5; r++) {
      for (const [ref, shape] of [[`${idCol}${r}`, /^\d\*{15}[\dX]{2}$/], [`${phoneCol}${r}`, /^139\*{4}567\d$/]] as const) {
        const cell = cells.get(ref)!;
        expect(cell.type, ref).toMatch(/^(s|inlineStr)$/);
        expect(formats[cell.style], ref).toBe('@');
        expect(cell.text).toMatch(shape);
      }
    }
    // widths fitted to the content: every column has one, Chinese counted double, capped at 40
    const widthOf = (n: number) => l.cols.find((c) => c.min <= n && n <= c.max)?.width;
    for (let n = 1; n <= EXPORT_COLUMNS.length; n++) {
      expect(widthOf(n), EXPORT_COLUMNS[n - 1]).toBeGreaterThanOrEqual(6);
      expect(widthOf(n), EXPORT_COLUMNS[n - 1]).toBeLessThanOrEqual(40);
    }
    // 导入测试支部 + 6 hex digits: 6 × 2 + 6 = 18, plus 2 of padding
    expect(widthOf(EXPORT_COLUMNS.indexOf('所在党组织') + 1)).toBe(20);
    expect(widthOf(EXPORT_COLUMNS.indexOf('身份证号') + 1)).toBeGreaterThanOrEqual(18);
  });
});

describe('member import', () => {
  it('dry run reports row errors and creates nothing; the committed job creates the valid rows; a re-run creates nothing more', async () => {
    const { root, branch, code, acc, c } = await setup();
    const outside = await makeOrg(h.deps, root, 'branch', `范围外支部${crypto.randomBytes(3).toString('hex')}`);
    const good1 = makeIdNumber('1980-05-17', 'male');
    const good2 = makeIdNumber('1990-02-10', 'female');
    const good3 = makeIdNumber('1975-11-30', 'male');
    const wrongCheck = good1.slice(0, 17) + (good1[17] === '0' ? '1' : '0');
    const row = (name: string, sex: string, id: string, edu: string, kind: string, join: ExcelJS.CellValue, conv: ExcelJS.CellValue, org: string): ExcelJS.CellValue[] =>
      [name, sex, '汉族', id, edu, '工人', '县供电公司', '13812345678', '城关镇', kind, join, conv, org];
    const data = await xlsxOf([
      row('张三', '男', good1, '大学本科', '正式党员', '2005-07-01', '2006-07-01', code), // 2
      row('李四', '女', good2, '大学专科', '预备党员', new Date(Date.UTC(2025, 2, 1)), '', branch.name), // 3
      row('错校验', '男', wrongCheck, '大学本科', '正式党员', '2005-07-01', '2006-07-01', code), // 4
      row('错学历', '男', makeIdNumber('1981-01-01', 'male'), '博士后', '正式党员', '2005-07-01', '2006-07-01', code), // 5
      row('无支部', '男', makeIdNumber('1982-01-01', 'male'), '大学本科', '正式党员', '2005-07-01', '2006-07-01', '不存在的支部'), // 6
      row('重复', '男', good1, '大学本科', '正式党员', '2005-07-01', '2006-07-01', code), // 7
      row('性别错', '女', makeIdNumber('1983-01-01', 'male'), '大学本科', '正式党员', '2005-07-01', '2006-07-01', code), // 8
      row('错日期', '男', makeIdNumber('1984-01-01', 'male'), '大学本科', '正式党员', '2005-13-45', '2006-07-01', code), // 9
      row('范围外', '男', makeIdNumber('1985-01-01', 'male'), '大学本科', '正式党员', '2008-07-01', '2009-07-01', outside.name), // 10
      [], // 11: blank rows are ignored
      row('王五', '男', good3, '高中', '正式党员', '2000年7月1日', '2001/7/1', code), // 12
      row('未满十八', '男', makeIdNumber('1990-06-15', 'male'), '大学本科', '正式党员', '2008-06-14', '2009-06-14', code), // 13
      row('缺转正', '男', makeIdNumber('1986-01-01', 'male'), '大学本科', '正式党员', '2010-07-01', '', code), // 14
    ]);
    const expectedErrors = [
      { row: 4, field: '身份证号' },
      { row: 5, field: '学历' },
      { row: 6, field: '所在党支部' },
      { row: 7, field: '身份证号' },
      { row: 8, field: '性别' },
      { row: 9, field: '入党日期' },
      { row: 10, field: '所在党支部' },
      { row: 13, field: '入党日期' },
      { row: 14, field: '转正日期' },
    ];

    const dry = await upload(c, '/api/v1/members/import?dryRun=true', data, '党员.xlsx', XLSX);
    expect(dry.statusCode, dry.body).toBe(200);
    const report = dry.json().report;
    expect(dry.json().dryRun).toBe(true);
    expect(report).toMatchObject({ total: 12, valid: 3, skipped: 0, created: 0 });
    expect(report.errors.map((e: { row: number; field: string }) => ({ row: e.row, field: e.field }))).toEqual(expectedErrors);
    expect(report.errors.find((e: { row: number }) => e.row === 7).message).toContain('第 2 行');
    expect(report.errors.every((e: { message: string }) => /[\u4e00-\u9fff]/.test(e.message))).toBe(true);
    const none = await h.db.one<{ persons: number; jobs: number }>(sql`
      SELECT (SELECT count(*)::int FROM person WHERE org_id = ${branch.id}) AS persons, (SELECT count(*)::int FROM job WHERE kind = 'member.import') AS jobs`);
    expect(none).toEqual({ persons: 0, jobs: 0 });

    const commit = await upload(c, '/api/v1/members/import?dryRun=false', data, '党员.xlsx', XLSX);
    expect(commit.statusCode, commit.body).toBe(202);
    const { jobId } = commit.json();
    expect(commit.json().dryRun).toBe(false);
    expect((await getJob(c, jobId)).status).toBe('queued');
    expect(await h.deps.jobs.runDue()).toBe(1);
    const job = await getJob(c, jobId);
    expect(job).toMatchObject({ kind: 'member.import', status: 'succeeded', progress: 3, progressTotal: 3, attempts: 1, lastError: null });
    expect(job.result).toMatchObject({ total: 12, valid: 3, created: 3, skipped: 0 });
    expect(job.result.errors.map((e: { row: number; field: string }) => ({ row: e.row, field: e.field }))).toEqual(expectedErrors);

    const list = (await c.get(`/api/v1/members?orgId=${branch.id}&sort=name`)).json();
    expect(list.total).toBe(3);
    expect(list.items.map((m: { name: string }) => m.name)).toEqual(['李四', '王五', '张三']);
    const li = list.items.find((m: { name: string }) => m.name === '李四');
    expect(li).toMatchObject({ sex: 'female', status: 'probationary', education: 'college', occupation: 'worker', joinDate: '2025-03-01', birthDate: '1990-02-10' });
    const wang = list.items.find((m: { name: string }) => m.name === '王五');
    expect(wang).toMatchObject({ joinDate: '2000-07-01', status: 'full' });
    expect((await c.get(`/api/v1/members/${wang.id}`)).json().conversionDate).toBe('2001-07-01');
    const outsideCount = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE org_id = ${outside.id}`);
    expect(outsideCount.n).toBe(0);
    const audits = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.import' AND account_id = ${acc.id}`);
    expect(audits.n).toBeGreaterThanOrEqual(1);

    // the same file again: every valid row is already on the roll of the same branch
    const again = await upload(c, '/api/v1/members/import?dryRun=false', data, '党员.xlsx', XLSX);
    expect(again.statusCode).toBe(202);
    expect(await h.deps.jobs.runDue()).toBe(1);
    const job2 = await getJob(c, again.json().jobId);
    expect(job2.status).toBe('succeeded');
    expect(job2.result).toMatchObject({ total: 12, valid: 0, created: 0, skipped: 3 });
    expect((await c.get(`/api/v1/members?orgId=${branch.id}`)).json().total).toBe(3);
  });

  it('refuses a file that is not xlsx with 415 FILE_TYPE_NOT_ALLOWED', async () => {
    const { acc, c } = await setup();
    for (const [data, name, type] of [
      [tinyPng(), 'photo.png', 'image/png'],
      [Buffer.from('姓名,性别\n张三,男\n'), 'members.xlsx', XLSX],
      [Buffer.from('plain text'), 'members.txt', 'text/plain'],
    ] as const) {
      const r = await upload(c, '/api/v1/members/import?dryRun=true', data, name, type);
      expect(r.statusCode, name).toBe(415);
      expect(r.json().error.code).toBe('FILE_TYPE_NOT_ALLOWED');
    }
    const r = await upload(c, '/api/v1/members/import?dryRun=false', tinyPng(), 'photo.png', 'image/png');
    expect(r.statusCode).toBe(415);
    expect(await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM job WHERE kind = 'member.import' AND created_by = ${acc.id}`)).toEqual({ n: 0 });
  });

  it('refuses an xlsx whose header differs from the template with 422 IMPORT_INVALID', async () => {
    const { c } = await setup();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['姓名', '身份证号', '性别']);
    const r = await upload(c, '/api/v1/members/import?dryRun=true', Buffer.from(await wb.xlsx.writeBuffer()), 'other.xlsx', XLSX);
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('IMPORT_INVALID');
    expect(r.json().error.message).toContain(IMPORT_COLUMNS.join('、'));
  });
});

describe('member export', () => {
  it('streams an xlsx of the in-scope current members with masked IDs, naming the exporting user, and audits it', async () => {
    const { root, branch, acc, c } = await setup();
    await h.db.exec(sql`UPDATE account SET display_name = '导出测试员' WHERE id = ${acc.id}`);
    const a = await makeMember(h.deps, branch.id, { name: '甲党员', phone: '13912345678' });
    const b = await makeMember(h.deps, branch.id, { name: '乙党员', status: 'probationary', sex: 'female' });
    const gone = await makeMember(h.deps, branch.id, { name: '丙转出' });
    const other = await makeOrg(h.deps, root, 'branch');
    const outside = await makeMember(h.deps, other.id, { name: '丁范围外' });
    const d = (await c.get(`/api/v1/members/${gone.id}`)).json();
    expect((await c.post(`/api/v1/members/${gone.id}/events`, { reason: 'transfer_out', eventDate: TODAY, version: d.version })).statusCode).toBe(200);

    const r = await c.get('/api/v1/members/export');
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    expect(r.headers['content-type']).toBe(XLSX);
    expect(String(r.headers['content-disposition'])).toMatch(/^attachment;.*filename\*=UTF-8''/);
    const rows = await readSheet(r.rawPayload);
    expect(rows[0][0]).toContain('导出测试员');
    expect(rows[0][0]).toContain(acc.username);
    expect(EXPORT_COLUMNS).toHaveLength(20);
    expect(rows[1]).toEqual(EXPORT_COLUMNS);
    const data = rows.slice(2);
    const col = (name: string) => EXPORT_COLUMNS.indexOf(name);
    expect(data.map((x) => x[col('姓名')]).sort()).toEqual(['乙党员', '甲党员'].sort());
    const mask = (id: string) => id[0] + '*'.repeat(15) + id.slice(-2);
    const byName = new Map(data.map((x) => [x[col('姓名')], x]));
    expect(byName.get('甲党员')![col('身份证号')]).toBe(mask(a.idNumber));
    expect(byName.get('乙党员')![col('身份证号')]).toBe(mask(b.idNumber));
    expect(byName.get('甲党员')![col('手机号码')]).toBe('139****5678');
    expect(byName.get('乙党员')![col('党员类别')]).toBe('预备党员');
    expect(byName.get('甲党员')![col('所在党组织')]).toBe(branch.name);
    const text = JSON.stringify(rows);
    for (const plain of [a.idNumber, b.idNumber, outside.idNumber, '13912345678']) expect(text).not.toContain(plain);
    expect(text).not.toContain('丁范围外');
    expect(text).not.toContain('丙转出');

    const audits = await h.db.query<{ username: string; outcome: string }>(sql`SELECT username, outcome FROM audit_log WHERE action = 'member.export' AND account_id = ${acc.id}`);
    expect(audits).toEqual([{ username: acc.username, outcome: 'success' }]);

    // former members are exported only when asked for
    const former = await readSheet((await c.get('/api/v1/members/export?status=former')).rawPayload);
    expect(former.slice(2).map((x) => x[col('姓名')])).toEqual(['丙转出']);
    // the list's sex filter applies to the export too (乙党员 is the only woman)
    const women = await readSheet((await c.get('/api/v1/members/export?sex=female')).rawPayload);
    expect(women.slice(2).map((x) => x[col('姓名')])).toEqual(['乙党员']);
    // a selection on the list: only the ticked members, and a ticked id out of scope is not exported
    const picked = await readSheet((await c.get(`/api/v1/members/export?ids=${a.id},${outside.id}`)).rawPayload);
    expect(picked.slice(2).map((x) => x[col('姓名')])).toEqual(['甲党员']);
    const bad = await c.get('/api/v1/members/export?ids=not-an-id');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('所选党员的编号格式不正确');
  });

  it('is forbidden without the member.export permission', async () => {
    const { branch } = await setup();
    const worker = await makeAccount(h.deps, [{ role: 'party_worker', orgId: branch.id, scope: 'subtree' }]);
    const w = await login(h.app, worker.username, PASSWORD);
    const r = await w.get('/api/v1/members/export');
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('FORBIDDEN');
    const denied = await h.db.query<{ outcome: string }>(sql`SELECT outcome FROM audit_log WHERE action = 'access.denied' AND account_id = ${worker.id}`);
    expect(denied).toEqual([{ outcome: 'denied' }]);
    const exported = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.export' AND account_id = ${worker.id}`);
    expect(exported.n).toBe(0);
  });
});
