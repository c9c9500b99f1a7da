import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type PDFKit from 'pdfkit';

// Server-rendered PDFs (the transfer letter): Chinese text in Noto Sans SC from
// the npm package @fontsource/noto-sans-sc (no system font is assumed, so a
// machine with only Node renders it). The package splits the font into ~100
// unicode-range subsets (WOFF); a text is cut into runs by subset and each run
// is set in its subset's font, registered with pdfkit on first use (pdfkit then
// embeds only the glyphs used).

const require = createRequire(import.meta.url);

interface Subset {
  file: string;
  ranges: Array<[number, number]>;
}

const cache = new Map<number, Subset[]>();

function subsets(weight: 400 | 700): Subset[] {
  const hit = cache.get(weight);
  if (hit) return hit;
  const dir = path.dirname(require.resolve(`@fontsource/noto-sans-sc/${weight}.css`));
  const css = fs.readFileSync(path.join(dir, `${weight}.css`), 'utf8');
  const out: Subset[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([^)]+\.woff)\) format\('woff'\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((r) => {
      const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
      return [parseInt(a, 16), parseInt(b ?? a, 16)] as [number, number];
    });
    out.push({ file: path.join(dir, 'files', file), ranges });
  }
  cache.set(weight, out);
  return out;
}

function subsetOf(weight: 400 | 700, cp: number): Subset | null {
  return subsets(weight).find((s) => s.ranges.some(([a, b]) => cp >= a && cp <= b)) ?? null;
}

/** Cuts a text into runs that one font subset covers (a character no subset covers goes to the built-in Helvetica). */
export function fontRuns(text: string, weight: 400 | 700 = 400): Array<{ text: string; file: string | null }> {
  const runs: Array<{ text: string; file: string | null }> = [];
  for (const ch of text) {
    const s = ch === ' ' ? (runs.at(-1) ? { file: runs.at(-1)!.file } : null) : subsetOf(weight, ch.codePointAt(0)!);
    const file = s?.file ?? null;
    const last = runs.at(-1);
    if (last && last.file === file) last.text += ch;
    else runs.push({ text: ch, file });
  }
  return runs;
}

/**
 * Writes a text in Noto Sans SC at the current position (pdfkit's text options
 * apply to the whole text: width, align, lineGap…; runs are chained with
 * `continued`).
 */
export function cjkText(doc: PDFKit.PDFDocument, text: string, opts: PDFKit.Mixins.TextOptions & { x?: number; y?: number; weight?: 400 | 700; size?: number } = {}) {
  const { x, y, weight = 400, size, ...textOpts } = opts;
  if (size) doc.fontSize(size);
  const runs = fontRuns(text, weight);
  runs.forEach((r, i) => {
    doc.font(r.file ?? 'Helvetica');
    const more = { ...textOpts, continued: i < runs.length - 1 };
    if (i === 0 && x !== undefined && y !== undefined) doc.text(r.text, x, y, more);
    else doc.text(r.text, more);
  });
}

/**
 * One line of text placed by its measured width (pdfkit aligns each chained
 * run on its own, so centred or right-aligned mixed-font text is laid out here).
 */
export function cjkLine(doc: PDFKit.PDFDocument, text: string, opts: { x: number; y: number; width: number; align?: 'left' | 'center' | 'right'; weight?: 400 | 700; size?: number }) {
  if (opts.size) doc.fontSize(opts.size);
  const runs = fontRuns(text, opts.weight ?? 400).map((r) => ({ ...r, w: doc.font(r.file ?? 'Helvetica').widthOfString(r.text) }));
  const total = runs.reduce((s, r) => s + r.w, 0);
  let x = opts.align === 'center' ? opts.x + (opts.width - total) / 2 : opts.align === 'right' ? opts.x + opts.width - total : opts.x;
  for (const r of runs) {
    doc.font(r.file ?? 'Helvetica').text(r.text, x, opts.y, { lineBreak: false });
    x += r.w;
  }
}

/** A PDF document as a Buffer once `draw` has filled it. */
export async function renderPdf(info: { title: string; author: string }, draw: (doc: PDFKit.PDFDocument) => void | Promise<void>): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: info.title, Author: info.author }, compress: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  await draw(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
