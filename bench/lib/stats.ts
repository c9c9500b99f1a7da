// Small statistics and table helpers for the benchmark printouts.

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Percentile by nearest rank on a sorted copy (values in ms). */
export function summarize(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const at = (p: number) => (n ? s[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] : NaN);
  const mean = n ? s.reduce((a, b) => a + b, 0) / n : NaN;
  return { count: n, p50: at(50), p95: at(95), p99: at(99), mean, min: n ? s[0] : NaN, max: n ? s[n - 1] : NaN };
}

export function ms(v: number | null | undefined, digits = 2): string {
  if (v == null || Number.isNaN(v)) return '—';
  return v >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

export function num(v: number | null | undefined): string {
  if (v == null || Number.isNaN(v)) return '—';
  return Math.round(v).toLocaleString('en-US');
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

/** Prints rows as an aligned text table (first row is the header). */
export function printTable(title: string, header: string[], rows: Array<Array<string | number>>) {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const cols = header.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c + ' '.repeat(cols[i] - width(c)) : ' '.repeat(cols[i] - width(c)) + c)).join('  ');
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(cols.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** Row of a latency table: label, count, p50, p95, p99, mean, max. */
export function latencyRow(label: string, s: Summary, extra: Array<string | number> = []): Array<string | number> {
  return [label, num(s.count), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.mean), ms(s.max), ...extra];
}

export const LATENCY_HEADER = ['', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'max ms'];

/** A target check for the printout: never an assertion, only a verdict. */
export function verdict(ok: boolean | null): string {
  return ok === null ? 'n/a' : ok ? 'met' : 'NOT met';
}
