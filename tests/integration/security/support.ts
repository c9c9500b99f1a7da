import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ERROR_CODES } from '../../../src/contracts/errors';
import { computeIdCheckChar } from '../../../src/contracts/idcard';
import { createSession, idleSecondsFor, loadGrants } from '../../../src/server/platform/session';
import { addDays } from '../../../src/server/platform/dates';
import { clientFor, type Client, type Harness } from '../../helpers/harness';

// Shared pieces of the security suites: sessions without the login route (no
// rate limit, no argon2 per fixture), unique ID numbers, multipart bodies,
// reading exported workbooks and checking the error envelope.

/** A logged-in client whose session is created directly (the login route is tested elsewhere). */
export async function sessionClient(h: Harness, accountId: string): Promise<Client> {
  const grants = await loadGrants(h.db, accountId);
  const token = await createSession(h.db, accountId, idleSecondsFor(grants, h.deps.config.session), h.deps.config.session.absoluteSeconds, null, null);
  return clientFor(h.app, `dj_sid=${token}`);
}

let idCounter = 0;

/** A valid GB 11643 ID number that no other call in this process returns (male, born 1950–1986). */
export function uniqueIdNumber(): { idNumber: string; birth: string } {
  const n = idCounter++;
  const birth = addDays('1950-01-01', Math.floor(n / 500));
  const first17 = '110101' + birth.replace(/-/g, '') + String((n % 500) * 2 + 1).padStart(3, '0');
  return { idNumber: first17 + computeIdCheckChar(first17), birth };
}

/** A 1×1 PNG (detected as image/png by content). */
export const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A multipart/form-data body with one file field. */
export function multipartFile(fileName: string, data: Buffer, contentType = 'application/octet-stream', fields: Record<string, string> = {}) {
  const boundary = `----dj${crypto.randomBytes(8).toString('hex')}`;
  const texts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  const head = Buffer.from(`${texts}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, data, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Every cell of the first worksheet as text, row by row. */
export async function readXlsx(data: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as ExcelJS.CellValue[]).slice(1);
    // text columns (ID number, phone) of a streamed export are inline rich-text strings
    rows.push(values.map((v) => (v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : typeof v === 'object' ? JSON.stringify(v) : String(v))));
  });
  return rows;
}

/** The member names of an exported roster (row 1 is the title, row 2 the header, column 2 the name). */
export async function exportedNames(data: Buffer): Promise<string[]> {
  const rows = await readXlsx(data);
  expect(rows[1]?.[1]).toBe('姓名');
  return rows.slice(2).map((r) => r[1]);
}

/** Asserts the error envelope { error: { code, message, requestId } } with a known code that matches the status. */
export function expectEnvelope(res: LightMyRequestResponse, code?: string) {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  const e = body.error!;
  expect(typeof e.code).toBe('string');
  expect(Object.keys(ERROR_CODES)).toContain(e.code);
  expect(ERROR_CODES[e.code as keyof typeof ERROR_CODES].status).toBe(res.statusCode);
  expect(typeof e.message).toBe('string');
  expect((e.message as string).length).toBeGreaterThan(0);
  expect(typeof e.requestId).toBe('string');
  if (code) expect(e.code).toBe(code);
}
