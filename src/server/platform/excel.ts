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

// ---- printable sheets: every export and import template is laid out here ----
//
// An export is printed as often as it is filtered: a title row (what, for
// which organisation, as of which business date), the header frozen below it
// with an autofilter, widths fitted to the content, and a page setup that
// prints A4 landscape, one page wide, the header on every page and the page
// numbers in the footer. ID numbers and phones are text ('@'), so that Excel
// keeps leading zeros and all 18 digits. Rows are written only here, and
// always through safeRow.

type Workbook = import('exceljs').Workbook;
type WorkbookWriter = import('exceljs').stream.xlsx.WorkbookWriter;
type Worksheet = import('exceljs').Worksheet;

/** A column of a printed sheet; `text` columns (ID numbers, phones, codes) are stored as text with number format '@'. */
export interface SheetColumn { header: string; text?: boolean; numFmt?: string }
type ColumnArg = string | SheetColumn;

const A4 = 9;
const FOOTER = '&C第 &P 页，共 &N 页';
const MAX_WIDTH = 40;
const MIN_WIDTH = 6;
const TEXT = '@';

const columnSpec = (c: ColumnArg): SheetColumn => (typeof c === 'string' ? { header: c } : c);

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff)
    || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000;
}

/** The printed width of a value in Excel's character units: CJK (full-width) characters count double. */
export function displayWidth(value: unknown): number {
  if (value === null || value === undefined) return 0;
  let w = 0;
  for (const ch of String(value)) w += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

/** A column width fitted to its widest value: two characters of padding, at least `min`, capped at 40. */
export function fitWidth(values: Iterable<unknown>, min = MIN_WIDTH): number {
  let w = 0;
  for (const v of values) w = Math.max(w, displayWidth(v));
  const width = Math.min(MAX_WIDTH, Math.max(min, w + 2));
  // exceljs leaves out a column whose width equals its default (9): Excel would then show 8.43
  return width === 9 ? 9.5 : width;
}

/**
 * A text column's value as an inline string (t="inlineStr"): the streamed
 * writer would otherwise write t="str", a formula's cached result. (In memory
 * exceljs writes it as a shared string.) Escaped by safeCell first.
 */
function textValue(v: unknown): unknown {
  if (v === null || v === undefined || v === '') return v;
  return { richText: [{ text: String(safeCell(String(v))) }] };
}

const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, bottom: THIN, left: THIN, right: THIN };

function columnLetter(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

/** Page setup of every printed sheet: A4 landscape, one page wide (any number of pages long), `titleRows` repeated on every page. */
function printSetup(titleRows: string) {
  return {
    pageSetup: {
      paperSize: A4, orientation: 'landscape' as const, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: titleRows,
      horizontalCentered: true, margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.7, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: FOOTER, evenFooter: FOOTER },
  };
}

const isStreaming = (wb: Workbook | WorkbookWriter): wb is WorkbookWriter => typeof (wb as WorkbookWriter).commit === 'function';

export interface PrintSheetSpec {
  /** The worksheet's tab name. */
  name: string;
  /** What the sheet is, e.g. 党员名册. */
  title: string;
  /** Who and when it is for (organisation, the caller's business date or period, notes), shown after the title. */
  caption: readonly string[];
  columns: readonly ColumnArg[];
  /**
   * Rows the column widths are fitted to. A streamed sheet writes its column
   * widths before its first row, so it passes the first batch here; an
   * in-memory sheet fits every row it is given and needs none.
   */
  sample?: readonly (readonly unknown[])[];
  /** Columns kept visible when scrolling right (e.g. 序号 and 姓名). */
  frozenColumns?: number;
}

export interface PrintSheet {
  readonly worksheet: Worksheet;
  /** A data row (inside the autofilter). */
  add(values: readonly unknown[]): void;
  /** A row after the data (totals, notes): printed, but outside the autofilter and not counted in the widths. */
  note(values: readonly unknown[]): void;
  /** Sets the autofilter and the print area, fits the widths; commits a streamed sheet. */
  finish(): void;
}

/** A printable sheet: title row 1, header row 2 (frozen, filtered, repeated on every printed page). */
export function printSheet(wb: Workbook | WorkbookWriter, spec: PrintSheetSpec): PrintSheet {
  const cols = spec.columns.map(columnSpec);
  const streaming = isStreaming(wb);
  const frozen = spec.frozenColumns ?? 0;
  const ws = wb.addWorksheet(spec.name, {
    ...printSetup('2:2'),
    views: [{ state: 'frozen', xSplit: frozen, ySplit: 2, topLeftCell: `${columnLetter(frozen + 1)}3`, activeCell: `${columnLetter(frozen + 1)}3` }],
  }) as Worksheet;
  const widths = cols.map((c, i) => fitWidth([c.header, ...(spec.sample ?? []).map((r) => r[i])]));
  ws.columns = cols.map((c, i) => ({ width: widths[i], style: c.text ? { numFmt: TEXT } : c.numFmt ? { numFmt: c.numFmt } : {} }));
  const last = columnLetter(cols.length);
  let lastRow = 0;
  let lastDataRow = 2;
  const commit = (row: import('exceljs').Row) => {
    lastRow = row.number;
    if (streaming) row.commit();
  };

  const titleText = [spec.title, ...spec.caption].filter(Boolean).join('\u3000');
  const title = ws.addRow(safeRow([titleText]));
  // a narrow sheet (a few columns) wraps its title over as many lines as it needs (14 pt against the 11 pt widths)
  const across = widths.reduce((s, w) => s + w, 0);
  const lines = Math.max(1, Math.ceil((displayWidth(titleText) * 14) / 11 / Math.max(1, across)));
  title.height = 8 + 18 * lines;
  title.getCell(1).font = { bold: true, size: 14 };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  ws.mergeCells(`A1:${last}1`);
  commit(title);
  const header = ws.addRow(safeRow(cols.map((c) => c.header)));
  header.height = 20;
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
  });
  commit(header);

  // one style object per column, shared by its data cells: exceljs then finds the style id by
  // identity (a weak map) instead of computing it per cell, which matters for a streamed roster
  // (text longer than its capped column wraps instead of being cut off on paper)
  const cellStyles: Array<Partial<import('exceljs').Style>> = cols.map((c) => ({ border: BORDER, alignment: { vertical: 'middle', wrapText: !c.text }, ...(c.text ? { numFmt: TEXT } : c.numFmt ? { numFmt: c.numFmt } : {}) }));
  const write = (values: readonly unknown[], data: boolean) => {
    const row = ws.addRow(safeRow(values).map((v, i) => (cols[i]?.text ? textValue(v) : v)));
    if (data) {
      for (let i = 0; i < cols.length; i++) row.getCell(i + 1).style = cellStyles[i];
      if (!streaming) values.forEach((v, i) => i < widths.length && (widths[i] = Math.max(widths[i], fitWidth([v]))));
    }
    commit(row);
    return row;
  };
  return {
    worksheet: ws,
    add(values) {
      lastDataRow = write(values, true).number;
    },
    note(values) {
      write(values, false);
    },
    finish() {
      ws.autoFilter = `A2:${last}${lastDataRow}`;
      // exceljs prefixes the columns with $; the rows get theirs here (a print area is absolute)
      ws.pageSetup.printArea = `A$1:${last}$${Math.max(lastRow, 2)}`;
      if (streaming) {
        (ws as unknown as { commit(): void }).commit();
      } else {
        widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
      }
    },
  };
}

/** A column of an import template; `list` values become a drop-down (data validation) and must match what the import accepts. */
export interface TemplateColumn { header: string; text?: boolean; list?: readonly string[]; width?: number }

export interface TemplateSpec {
  name: string;
  columns: readonly TemplateColumn[];
  /** Example rows below the header. */
  rows?: readonly (readonly unknown[])[];
  /** The 填写说明 sheet: [column, requirement]. */
  help: readonly (readonly [string, string])[];
}

/** How many rows of a template carry the drop-downs (a bigger import still works; it only lacks the drop-down below). */
export const TEMPLATE_ROWS = 10_000;
const LISTS_SHEET = '代码表';

/**
 * An import template: the header in row 1 (readSheet expects it there),
 * frozen; ID and phone columns formatted as text, so that what is typed or
 * pasted stays text; coded columns with a drop-down list kept on a hidden
 * sheet (an inline list is limited to 255 characters; 56 ethnicities are more);
 * then the 填写说明 sheet. The data sheet stays the first sheet.
 */
export function importTemplate(wb: Workbook, spec: TemplateSpec): Worksheet {
  const cols = spec.columns;
  const ws = wb.addWorksheet(spec.name, { ...printSetup('1:1'), views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] });
  // empty columns are filled in by hand: at least 10 wide
  ws.columns = cols.map((c, i) => ({ width: c.width ?? fitWidth([c.header, ...(spec.rows ?? []).map((r) => r[i]), ...(c.list ?? [])], 10), style: c.text ? { numFmt: TEXT } : {} }));
  const header = ws.addRow(safeRow(cols.map((c) => c.header)));
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } }));
  for (const r of spec.rows ?? []) {
    const row = ws.addRow(safeRow(r).map((v, i) => (cols[i]?.text && v !== null && v !== undefined && v !== '' ? String(v) : v)));
    cols.forEach((c, i) => c.text && (row.getCell(i + 1).numFmt = TEXT));
  }
  const last = columnLetter(cols.length);
  ws.pageSetup.printArea = `A$1:${last}$${Math.max(1, ws.rowCount)}`;

  const listed = cols.map((c, i) => [c, i] as const).filter(([c]) => c.list?.length);
  if (listed.length) {
    const lists = wb.addWorksheet(LISTS_SHEET, { state: 'hidden' });
    const longest = Math.max(...listed.map(([c]) => c.list!.length));
    lists.addRow(safeRow(listed.map(([c]) => c.header)));
    for (let k = 0; k < longest; k++) lists.addRow(safeRow(listed.map(([c]) => c.list![k] ?? null)));
    listed.forEach(([c, i], j) => {
      const col = columnLetter(j + 1);
      const letter = columnLetter(i + 1);
      (ws as unknown as { dataValidations: { add(range: string, v: import('exceljs').DataValidation): void } }).dataValidations.add(`${letter}2:${letter}${TEMPLATE_ROWS + 1}`, {
        type: 'list', allowBlank: true, formulae: [`'${LISTS_SHEET}'!$${col}$2:$${col}$${c.list!.length + 1}`],
        showErrorMessage: true, errorStyle: 'stop', errorTitle: c.header, error: `请从下拉列表中选择${c.header}`,
      });
    });
  }

  const help = wb.addWorksheet('填写说明', printSetup('1:1'));
  help.columns = [{ width: 14 }, { width: 80 }];
  help.addRow(safeRow(['列', '要求'])).font = { bold: true };
  for (const [col, text] of spec.help) help.addRow(safeRow([col, text])).getCell(2).alignment = { wrapText: true, vertical: 'top' };
  return ws;
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
