import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { checkWorkbook, displayWidth, fitWidth, printSheet, readSheet, safeCell, safeRow, type SheetReadStats } from '../../src/server/platform/excel';
import { AppError } from '../../src/server/platform/errors';
import { cellFormats, cellsOf, printLayout, unzipPart } from '../helpers/xlsx';

// The Excel edge of the platform: exported cells cannot run as formulas
// (review M4), uploaded sheets are streamed and refused at the row limit
// without reading the rest (review M5).

const COLUMNS = ['姓名', '身份证号', '日期'] as const;

async function workbook(rows: unknown[][], header: readonly string[] = COLUMNS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  ws.addRow([...header]);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('formula injection (M4): safeCell', () => {
  it('prefixes text that starts with = + - @ tab or carriage return with an apostrophe, and leaves numbers and other text alone', () => {
    for (const t of ['=HYPERLINK("http://x","y")', '+86测试员', "-2+3+cmd|' /C calc'!A0", '@SUM(1+1)', '\t=1+1', '\r=1+1']) expect(safeCell(t)).toBe(`'${t}`);
    for (const t of ['张三', '2026-01-01', '', ' =1', "'=1"]) expect(safeCell(t)).toBe(t);
    expect(safeRow([-5, 0, 1.5, null, '=1'])).toEqual([-5, 0, 1.5, null, "'=1"]);
  });

  it('is used by every row the server writes into a workbook', () => {
    const dir = path.resolve(__dirname, '../../src/server');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const unsafe = files.flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\.addRow\((?!safeRow\()/g)].map(() => f));
    expect(unsafe).toEqual([]);
    // rows and sheets are written only by the shared layout helpers (printSheet, importTemplate) in platform/excel.ts
    const writers = files.filter((f) => /\.(addRow|addWorksheet)\(/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    expect(writers).toEqual([path.join('platform', 'excel.ts')]);
    // and every workbook the domains build goes through one of them
    const books = files.filter((f) => /new \(await loadExcel\(\)\)\.Workbook\(|WorkbookWriter\(/.test(fs.readFileSync(path.join(dir, f), 'utf8')) && !f.startsWith('platform'));
    expect(books.length).toBeGreaterThanOrEqual(5);
    for (const f of books) expect(fs.readFileSync(path.join(dir, f), 'utf8'), f).toMatch(/\b(printSheet|importTemplate)\(/);
  });

  it('writes the escaped cells as plain text: no formula element in the sheet XML', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(safeRow(['=1+1', -3, '@SUM(1)']));
    const xml = unzipPart(Buffer.from(await wb.xlsx.writeBuffer()), 'xl/worksheets/sheet1.xml');
    expect(xml).not.toMatch(/<f>/);
    expect(xml).toMatch(/<v>-3<\/v>/);
  });
});

describe('reading an uploaded sheet (M5)', () => {
  it('stops at the first row beyond the limit and refuses the file with IMPORT_INVALID', async () => {
    const limit = 2_000;
    const data = await workbook(Array.from({ length: limit * 3 }, (_, i) => [`党员${i}`, `11010119800101${String(i).padStart(4, '0')}`, '']));
    const stats: SheetReadStats = { rowsRead: 0 };
    const err = await readSheet(data, COLUMNS, '最多导入2000行', limit, stats).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('IMPORT_INVALID');
    expect((err as AppError).message).toBe('最多导入2000行');
    // the header, the rows allowed, and the one that broke the limit: nothing after it was parsed
    expect(stats.rowsRead).toBe(limit + 2);
  });

  it('accepts exactly the limit', async () => {
    const data = await workbook(Array.from({ length: 300 }, (_, i) => [`党员${i}`, 'x', '']));
    expect(await readSheet(data, COLUMNS, 'too many', 300)).toHaveLength(300);
  });

  it('keeps Chinese text intact across the stream\'s chunk boundaries, and reads dates and numbers', async () => {
    const names = Array.from({ length: 5_000 }, (_, i) => `测试党员甲乙丙丁戊己庚辛壬癸${i}号`);
    const data = await workbook(names.map((n, i) => [n, `ID${i}`, new Date(Date.UTC(2015, 6, 1))]));
    const rows = await readSheet(data, COLUMNS, 'too many', 10_000);
    expect(rows.map((r) => r[1])).toEqual(names);
    expect(rows[0]).toEqual(['2', names[0], 'ID0', '2015-07-01']);
  });

  it('refuses a wrong header, a file that is not a workbook, and a sheet without rows', async () => {
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: AppError) => `${e.code}:${e.message.slice(0, 4)}`);
    expect(await codeOf(readSheet(await workbook([['a', 'b', 'c']], ['姓名', '别的', '日期']), COLUMNS, 'x'))).toBe('IMPORT_INVALID:表头与模');
    expect(await codeOf(readSheet(Buffer.from('PK\u0003\u0004 not really a zip'), COLUMNS, 'x'))).toBe('IMPORT_INVALID:无法读取');
    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('空');
    expect(await codeOf(readSheet(Buffer.from(await empty.xlsx.writeBuffer()), COLUMNS, 'x'))).toBe('IMPORT_INVALID:表头与模');
  });

  it('refuses a sheet or shared strings with more XML than the caps, also when the zip declares a smaller size (zip bomb)', async () => {
    const big = 'x'.repeat(300_000);
    const data = await workbook([['甲', big, ''], ['乙', `${big}y`, '']]);
    const limits = { sheetXmlBytes: 100_000, sharedStringsBytes: 100_000 };
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: AppError) => `${e.code}:${e.message}`);
    expect(() => checkWorkbook(data, limits)).toThrow('文件内容过大，请拆分后导入');
    expect(await codeOf(readSheet(data, COLUMNS, 'x', 100, undefined, limits))).toBe('IMPORT_INVALID:文件内容过大，请拆分后导入');
    // forge the central directory: every part declares 10 bytes
    const forged = Buffer.from(data);
    for (let p = forged.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); p >= 0; p = forged.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), p + 4)) forged.writeUInt32LE(10, p + 24);
    expect(() => checkWorkbook(forged, limits)).not.toThrow();
    expect(await codeOf(readSheet(forged, COLUMNS, 'x', 100, undefined, limits))).toBe('IMPORT_INVALID:文件内容过大，请拆分后导入');
    expect(await readSheet(forged, COLUMNS, 'x', 100)).toHaveLength(2);
  });
});

describe('printable sheets (issue 11)', () => {
  it('measures printed width with CJK and full-width characters counting double, padded, at least 6 and at most 40', () => {
    expect(displayWidth('张三')).toBe(4);
    expect(displayWidth('ab12')).toBe(4);
    expect(displayWidth('（全角）')).toBe(8);
    expect(displayWidth('𠀋')).toBe(2); // outside the BMP (CJK extension B)
    expect(displayWidth(null)).toBe(0);
    expect(displayWidth(12345)).toBe(5);
    expect(fitWidth(['性别', '男'])).toBe(6);
    expect(fitWidth(['110101199001011234'])).toBe(20);
    expect(fitWidth(['某'.repeat(50)])).toBe(40);
    expect(fitWidth(['姓名', 'abcdefg'])).toBe(9.5); // not 9: exceljs would drop a column of its default width
  });

  it('fits an in-memory sheet to every data row, leaves notes out of the widths and the filter, and keeps formula text escaped', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = printSheet(wb, { name: '测试', title: '测试表', caption: ['某党委', '截至 2026-12-04'], columns: ['姓名', { header: '身份证号', text: true }] });
    sheet.add(['=1+1', 13912345678]);
    sheet.add(['欧阳某某某', '010101199001011234']);
    sheet.note(['这是一行很长很长很长很长很长很长很长很长很长很长很长很长的说明']);
    sheet.finish();
    const x = Buffer.from(await wb.xlsx.writeBuffer());
    const l = printLayout(x, '测试');
    expect(l.autoFilter).toBe('A2:B4');
    expect(l.printArea).toBe("'测试'!$A$1:$B$5");
    expect(l.cols.map((c) => c.width)).toEqual([12, 20]);
    const cells = cellsOf(x, l.part);
    const formats = cellFormats(x);
    expect(cells.get('A1')!.text).toBe('测试表\u3000某党委\u3000截至 2026-12-04');
    expect(cells.get('A3')!.text).toBe("'=1+1");
    // a number given for a text column is written as text, leading zeros kept
    expect(cells.get('B3')).toMatchObject({ type: 's', text: '13912345678' });
    expect(cells.get('B4')).toMatchObject({ type: 's', text: '010101199001011234' });
    expect(formats[cells.get('B4')!.style]).toBe('@');
    expect(l.xml).not.toMatch(/<f>/);
  });
});
