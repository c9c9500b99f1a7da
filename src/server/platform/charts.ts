import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type PDFKit from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { renderAsync } from '@resvg/resvg-js';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { BarChart, LineChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { fontRuns } from './pdf';

// Charts drawn on the server (the branch report): ECharts renders an SVG
// string without a DOM (its SSR mode), which goes
// - into a PDF as vectors with svg-to-pdfkit, each label cut into runs by
//   Noto Sans SC subset (the same @fontsource files platform/pdf.ts uses) and
//   each run set in its subset's font through a <tspan>;
// - into a .docx as a PNG rasterised by resvg. resvg reads TrueType/OpenType
//   but not WOFF, and @fontsource ships only WOFF/WOFF2, so the few subsets a
//   chart's labels use are unpacked to plain TrueType once per process (WOFF 1.0
//   is the sfnt tables, each zlib-compressed: no font tool needed) into a
//   folder under the system's temporary directory. Chosen over a TrueType font
//   package (a CJK .ttf per weight is ~10 MB) and over charts without labels.

echarts.use([BarChart, LineChart, RadarChart, GridComponent, LegendComponent, RadarComponent, SVGRenderer]);

export const CHART_FONT = 'Noto Sans SC';

/** An ECharts option as an SVG document of `width` × `height` px (animation off, labels in Noto Sans SC). */
export function chartSvg(option: EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d))).replace(/&amp;/g, '&');
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const TEXT = /(<text\b[^>]*>)([^<]*)(<\/text>)/g;

/** The texts of an SVG (ECharts writes each label as one <text> holding plain text). */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(TEXT)].map((m) => unescapeXml(m[2]));
}

/**
 * Draws an SVG into a pdfkit document at (x, y), scaled to `width` × `height`
 * pt; the text in Noto Sans SC (each <text> split into <tspan>s by font subset,
 * a family name per subset mapped back to its file).
 */
export function drawSvg(doc: PDFKit.PDFDocument, svg: string, x: number, y: number, width: number, height: number) {
  const families = new Map<string, string>();
  const familyOf = new Map<string, string>();
  const withRuns = svg.replace(TEXT, (_m, open: string, body: string, close: string) => {
    const spans = fontRuns(unescapeXml(body)).map((r) => {
      let family = 'Helvetica';
      if (r.file) {
        family = familyOf.get(r.file) ?? `NotoSansSC-${familyOf.size}`;
        familyOf.set(r.file, family);
        families.set(family, r.file);
      }
      return `<tspan style="font-family:${family}">${escapeXml(r.text)}</tspan>`;
    });
    return `${open}${spans.join('')}${close}`;
  });
  registerUnpackedFonts(doc, families.values());
  SVGtoPDF(doc as never, withRuns, x, y, {
    width, height, preserveAspectRatio: 'xMidYMid meet',
    fontCallback: (family) => families.get(family) ?? 'Helvetica',
    warningCallback: () => undefined,
  });
}

/** A WOFF 1.0 font as the TrueType/OpenType file it packs. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF 1.0 font');
  const flavor = woff.readUInt32BE(4);
  const n = woff.readUInt16BE(12);
  const tables: Array<{ tag: number; checksum: number; data: Buffer }> = [];
  for (let i = 0; i < n; i++) {
    const e = 44 + i * 20;
    const offset = woff.readUInt32BE(e + 4);
    const compLength = woff.readUInt32BE(e + 8);
    const origLength = woff.readUInt32BE(e + 12);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? zlib.inflateSync(raw) : raw;
    if (data.length !== origLength) throw new Error('damaged WOFF table');
    tables.push({ tag: woff.readUInt32BE(e), checksum: woff.readUInt32BE(e + 16), data });
  }
  let pow = 1;
  let log = 0;
  while (pow * 2 <= n) {
    pow *= 2;
    log++;
  }
  const head = Buffer.alloc(12 + 16 * n);
  head.writeUInt32BE(flavor, 0);
  head.writeUInt16BE(n, 4);
  head.writeUInt16BE(pow * 16, 6);
  head.writeUInt16BE(log, 8);
  head.writeUInt16BE(n * 16 - pow * 16, 10);
  const parts: Buffer[] = [head];
  let at = head.length;
  tables.forEach((t, i) => {
    const e = 12 + i * 16;
    head.writeUInt32BE(t.tag, e);
    head.writeUInt32BE(t.checksum, e + 4);
    head.writeUInt32BE(at, e + 8);
    head.writeUInt32BE(t.data.length, e + 12);
    const pad = (4 - (t.data.length % 4)) % 4;
    parts.push(t.data, Buffer.alloc(pad));
    at += t.data.length + pad;
  });
  return Buffer.concat(parts);
}

const sfnts = new Map<string, Buffer>();

/** A WOFF subset unpacked (once per process, with the native zlib). */
function sfntOf(woffFile: string): Buffer {
  let hit = sfnts.get(woffFile);
  if (!hit) {
    hit = woffToSfnt(fs.readFileSync(woffFile));
    sfnts.set(woffFile, hit);
  }
  return hit;
}

/**
 * Registers the unpacked TrueType data of some WOFF subsets under their file's
 * path, so that `doc.font(file)` (platform/pdf.ts, svg-to-pdfkit's font
 * callback) opens it: fontkit would otherwise inflate each WOFF table in
 * JavaScript for every document (seconds for a report of a few pages).
 */
export function registerUnpackedFonts(doc: PDFKit.PDFDocument, files: Iterable<string>) {
  for (const f of files) doc.registerFont(f, sfntOf(f));
}

const FONT_DIR = path.join(os.tmpdir(), `dangjian-chart-fonts-${process.getuid?.() ?? 'u'}`);
const unpacked = new Map<string, string>();

/** The TrueType file of a WOFF subset, written on first use (beside and renamed: concurrent processes never read half a file). */
function trueTypeOf(woffFile: string): string {
  const hit = unpacked.get(woffFile);
  if (hit) return hit;
  const data = sfntOf(woffFile);
  // named by content too: another version of the font package never finds a stale file
  const out = path.join(FONT_DIR, `${path.basename(woffFile, '.woff')}-${crypto.createHash('sha256').update(data).digest('hex').slice(0, 12)}.ttf`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(FONT_DIR, { recursive: true });
    const tmp = `${out}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, out);
  }
  unpacked.set(woffFile, out);
  return out;
}

/** An SVG as a PNG at `scale` × its size, on white, its text in Noto Sans SC (the subsets its labels use). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const files = new Set<string>();
  for (const t of svgTexts(svg)) for (const r of fontRuns(t)) if (r.file) files.add(r.file);
  const image = await renderAsync(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontFiles: [...files].map(trueTypeOf), defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
    logLevel: 'error',
  });
  return image.asPng();
}
