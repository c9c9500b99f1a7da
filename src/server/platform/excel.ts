// exceljs takes about a second to import; it is loaded on first use so that
// the server starts without it (B13 start-up).
type ExcelModule = typeof import('exceljs');

let loading: Promise<ExcelModule> | null = null;

export function loadExcel(): Promise<ExcelModule> {
  loading ??= import('exceljs').then((m) => ((m as unknown as { default?: ExcelModule }).default ?? m) as ExcelModule);
  return loading;
}
