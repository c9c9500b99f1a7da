import { AppError } from './errors';

// exceljs takes about a second to import; it is loaded on first use so that
// the server starts without it (B13 start-up).
type ExcelModule = typeof import('exceljs');

let loading: Promise<ExcelModule> | null = null;

export function loadExcel(): Promise<ExcelModule> {
  loading ??= import('exceljs').then((m) => ((m as unknown as { default?: ExcelModule }).default ?? m) as ExcelModule);
  return loading;
}

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

/**
 * The non-empty data rows of the first worksheet of an uploaded template as
 * text, each prefixed with its row number; the header must equal `columns`.
 */
export async function readSheet(data: Buffer, columns: readonly string[], tooMany: string, maxRows = 100_000): Promise<string[][]> {
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new AppError('IMPORT_INVALID', '无法读取该 Excel 文件，请使用下载的模板（.xlsx）');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError('IMPORT_INVALID', '文件中没有工作表');
  const header = (ws.getRow(1).values as import('exceljs').CellValue[]).slice(1).map(cellText);
  if (columns.some((c, i) => header[i] !== c)) throw new AppError('IMPORT_INVALID', `表头与模板不一致，第一行应依次为：${columns.join('、')}`);
  const rows: string[][] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const vals = columns.map((_, i) => cellText(row.getCell(i + 1).value));
    if (vals.some((v) => v !== '')) rows.push([String(n), ...vals]);
  });
  if (rows.length > maxRows) throw new AppError('IMPORT_INVALID', tooMany);
  return rows;
}
