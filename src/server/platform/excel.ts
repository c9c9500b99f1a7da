import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AppError } from './errors';

// exceljs takes about a second to import; it is loaded on first use so that
// the server starts without it (B13 start-up).
type ExcelModule = typeof import('exceljs');

let loading: Promise<ExcelModule> | null = null;

export function loadExcel(): Promise<ExcelModule> {
  loading ??= import('exceljs').then((m) => ((m as unknown as { default?: ExcelModule }).default ?? m) as ExcelModule);
  return loading;
}

// ---- writing: every exported cell goes through safeCell ---------------------

// A text cell starting with one of these is taken for a formula (or DDE) by
// spreadsheet programs; OWASP's advice is to prefix it with an apostrophe so
// that it stays text. Numbers stay numbers (a negative amount is not text).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One exported cell: text that a spreadsheet could run as a formula gets a leading apostrophe. */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** A row of exported cells (every `addRow` of an export goes through here). */
export function safeRow(values: readonly unknown[]): unknown[] {
  return values.map(safeCell);
}

// ---- reading: uploaded templates, streamed ----------------------------------

function cellText(v: import('exceljs').CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('text' in v && typeof v.text === 'string') return v.text.trim();
    if ('richText' in v) return v.richText.map((t) => t.text).join('').trim();
    if ('result' in v) return cellText(v.result as import('exceljs').CellValue);
  }
  return String(v).trim();
}

interface ZipEntry { method: number; compressedSize: number; size: number; dataStart: number }

const unreadable = () => new AppError('IMPORT_INVALID', '无法读取该 Excel 文件，请使用下载的模板（.xlsx）');
const tooLarge = () => new AppError('IMPORT_INVALID', '文件内容过大，请拆分后导入');

/** The entries of a zip archive from its central directory (an .xlsx is a zip; uploads are at most a few MB). */
function zipEntries(data: Buffer): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable();
  const count = data.readUInt16LE(eocd + 10);
  let p = data.readUInt32LE(eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let n = 0; n < count; n++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50) throw unreadable();
    const method = data.readUInt16LE(p + 10);
    const compressedSize = data.readUInt32LE(p + 20);
    const size = data.readUInt32LE(p + 24);
    const nameLen = data.readUInt16LE(p + 28);
    const local = data.readUInt32LE(p + 42);
    const name = data.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + data.readUInt16LE(p + 30) + data.readUInt16LE(p + 32);
    if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50) throw unreadable();
    const dataStart = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    if (dataStart + compressedSize > data.length) throw unreadable();
    entries.set(name.replace(/^\//, ''), { method, compressedSize, size, dataStart });
  }
  return entries;
}

/**
 * The text of a zip entry, inflated as a stream and decoded across chunk
 * boundaries (exceljs decodes each chunk alone, which splits Chinese
 * characters). More than `cap` bytes of XML is refused, whatever the entry
 * declares (zip bombs); the loop is given a turn between chunks.
 */
async function* entryText(data: Buffer, entry: ZipEntry, cap: number): AsyncGenerator<string> {
  if (entry.size > cap) throw tooLarge();
  const raw = data.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method !== 0 && entry.method !== 8) throw unreadable();
  const source: AsyncIterable<Buffer> = entry.method === 0 ? Readable.from([raw]) : Readable.from([raw]).pipe(zlib.createInflateRaw());
  const decoder = new TextDecoder('utf-8');
  let total = 0;
  try {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > cap) throw tooLarge();
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
      await yieldToLoop();
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw unreadable();
  } finally {
    (source as unknown as Readable).destroy?.();
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

// exceljs' streaming reader, driven part by part in the order we need (its own
// parse() copies every worksheet that precedes the shared strings to a temp
// file first, uncapped). These are its methods in exceljs 4.4.0 (pinned).
interface ReaderParts {
  sharedStrings?: unknown[];
  model?: { sheets?: Array<{ rId: string }> };
  workbookRels?: Array<{ Id: string; Target: string }>;
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<string>, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<import('exceljs').Row> }>;
}

const PART_CAP = 4 * 1024 * 1024;

export interface SheetReadStats { rowsRead: number }

/** Caps on the uncompressed XML of an uploaded workbook (what a zip bomb inflates). */
export interface SheetLimits { sheetXmlBytes: number; sharedStringsBytes: number }

/** The default caps for a sheet of `maxRows` rows: about 2 KB of XML per row (a real 13-column row is about 600 bytes), at least 64 MB. */
export function sheetLimits(maxRows: number): SheetLimits {
  return { sheetXmlBytes: Math.max(64 * 1024 * 1024, maxRows * 2048), sharedStringsBytes: 64 * 1024 * 1024 };
}

/**
 * Checks an upload from its zip directory alone, before it is stored or
 * queued: a zip, with no worksheet or shared-strings part declaring more XML
 * than the caps. (readSheet enforces the caps again on the bytes actually
 * inflated, since a declared size can lie.)
 */
export function checkWorkbook(data: Buffer, limits: SheetLimits): void {
  for (const [name, e] of zipEntries(data)) {
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name) && e.size > limits.sheetXmlBytes) throw tooLarge();
    if (name === 'xl/sharedStrings.xml' && e.size > limits.sharedStringsBytes) throw tooLarge();
  }
}

/**
 * The non-empty data rows of the first worksheet of an uploaded template as
 * text, each prefixed with its row number; the header must equal `columns`.
 * The sheet is streamed: reading stops at the first row beyond `maxRows`
 * (refused with `tooMany`), the XML of each part is capped, and the event loop
 * gets a turn between chunks. `stats.rowsRead` counts the sheet rows parsed.
 */
export async function readSheet(data: Buffer, columns: readonly string[], tooMany: string, maxRows = 100_000, stats: SheetReadStats = { rowsRead: 0 }, limits: SheetLimits = sheetLimits(maxRows)): Promise<string[][]> {
  const entries = zipEntries(data);
  const ExcelJS = await loadExcel();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' }) as unknown as ReaderParts;
  const part = (name: string, cap = PART_CAP) => {
    const e = entries.get(name);
    return e ? Readable.from(entryText(data, e, cap)) : null;
  };
  const run = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw unreadable();
    }
  };
  const rels = part('xl/_rels/workbook.xml.rels');
  const book = part('xl/workbook.xml');
  if (!rels || !book) throw unreadable();
  await run(() => reader._parseRels(rels));
  await run(() => reader._parseWorkbook(book));
  const styles = part('xl/styles.xml');
  if (styles) await run(() => reader._parseStyles(styles));
  const strings = part('xl/sharedStrings.xml', limits.sharedStringsBytes);
  await run(async () => {
    if (strings) for await (const _ of reader._parseSharedStrings(strings)) void _;
  });
  reader.sharedStrings ??= [];

  // the first sheet in workbook order
  const firstRel = reader.model?.sheets?.[0]?.rId;
  const target = reader.workbookRels?.find((r) => r.Id === firstRel)?.Target;
  if (!target) throw new AppError('IMPORT_INVALID', '文件中没有工作表');
  const sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const sheetEntry = entries.get(sheetPath);
  if (!sheetEntry) throw new AppError('IMPORT_INVALID', '文件中没有工作表');
  const sheetNo = /sheet(\d+)\.xml$/.exec(sheetPath)?.[1] ?? '1';
  const [emitted] = [...reader._parseWorksheet(entryText(data, sheetEntry, limits.sheetXmlBytes), sheetNo)];
  if (!emitted) throw unreadable();

  const rows: string[][] = [];
  // empty rows count too (bounded): a sheet of a million empty rows is refused early
  const maxSheetRows = maxRows * 2 + 1000;
  const badHeader = () => new AppError('IMPORT_INVALID', `表头与模板不一致，第一行应依次为：${columns.join('、')}`);
  let headerSeen = false;
  await run(async () => {
    for await (const row of emitted.value) {
      stats.rowsRead++;
      if (!headerSeen) {
        const header = row.number === 1 ? (row.values as import('exceljs').CellValue[]).slice(1).map(cellText) : [];
        if (columns.some((c, i) => header[i] !== c)) throw badHeader();
        headerSeen = true;
        continue;
      }
      if (stats.rowsRead > maxSheetRows) throw new AppError('IMPORT_INVALID', tooMany);
      const vals = columns.map((_, i) => cellText(row.getCell(i + 1).value));
      if (vals.some((v) => v !== '')) {
        if (rows.length >= maxRows) throw new AppError('IMPORT_INVALID', tooMany);
        rows.push([String(row.number), ...vals]);
      }
    }
  });
  if (!headerSeen) throw badHeader();
  return rows;
}
