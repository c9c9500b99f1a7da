import type PDFKit from 'pdfkit';
import { AlignmentType, BorderStyle, Document, HeadingLevel, ImageRun, Packer, Paragraph, ShadingType, TabStopType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { fontRuns, renderPdf } from './pdf';
import { drawSvg, registerUnpackedFonts, svgTexts, svgToPng } from './charts';
import { DOCX_FONT } from './docx';

// Documents written twice from one content: a list of blocks (title,
// headings, paragraphs, lists, tables, charts) set as an A4 PDF with pdfkit —
// Chinese text cut into runs by Noto Sans SC subset, charts as vectors — and
// as a .docx — charts as PNG images (platform/charts.ts). The branch report
// (issue 14) and the report builder's exports (issue 16) are written here.

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

// ---------------------------------------------------------------- content

export interface Column {
  title: string;
  /** share of the text width */
  width: number;
  align?: 'left' | 'center';
}

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'para'; text: string; note?: boolean }
  | { kind: 'list'; items: Array<{ marker: string; text: string }> }
  | { kind: 'table'; columns: Column[]; rows: string[][] }
  | { kind: 'chart'; svg: string; width: number; height: number; alt: string }
  | { kind: 'closing'; text: string }
  | { kind: 'right'; text: string };


// ---------------------------------------------------------------- PDF

const PAGE_W = 595.28;
const MARGIN = 56;
const WIDTH = PAGE_W - 2 * MARGIN;
const BODY = 10.5;
const LINE = 1.65;
const CLOSERS = new Set('，。、；：！？）》”’」』%'.split(''));

// Text is laid out here rather than through platform/pdf.ts's cjkLine: the font
// subset of each character and its width are looked up once per process (the
// subset lookup scans ~100 unicode-range lists; a report has thousands of
// characters), each line is measured once, and the lines are drawn as runs.

interface Run {
  text: string;
  file: string | null;
  width: number;
}
type Line = Run[];

const fileCache = new Map<string, string | null>();
const widthCache = new Map<string, number>();

/** The Noto Sans SC subset file of a character (null: Helvetica). */
function fileOf(ch: string, weight: 400 | 700): string | null {
  const key = `${weight}${ch}`;
  let file = fileCache.get(key);
  if (file === undefined) {
    file = fontRuns(ch, weight)[0]?.file ?? null;
    fileCache.set(key, file);
  }
  return file;
}

/** A character's advance at size 1 in its font. */
function widthOf(doc: PDFKit.PDFDocument, ch: string, file: string | null): number {
  const key = `${file}|${ch}`;
  let w = widthCache.get(key);
  if (w === undefined) {
    w = doc.font(file ?? 'Helvetica').fontSize(1000).widthOfString(ch) / 1000;
    widthCache.set(key, w);
  }
  return w;
}

const lineWidth = (l: Line) => l.reduce((n, r) => n + r.width, 0);

/** A text cut into lines of runs that fit `width` at `size` (a space takes the font before it; closing punctuation never starts a line). */
function wrap(doc: PDFKit.PDFDocument, text: string, width: number, size: number, weight: 400 | 700 = 400): Line[] {
  const lines: Line[] = [[]];
  let w = 0;
  let prev: string | null = null;
  for (const ch of text) {
    const file: string | null = ch === ' ' ? prev : fileOf(ch, weight);
    prev = file;
    const cw = widthOf(doc, ch, file) * size;
    let line = lines[lines.length - 1];
    if (line.length && w + cw > width && !CLOSERS.has(ch)) {
      line = [];
      lines.push(line);
      w = 0;
      if (ch === ' ') continue;
    }
    const last = line[line.length - 1];
    if (last && last.file === file) {
      last.text += ch;
      last.width += cw;
    } else line.push({ text: ch, file, width: cw });
    w += cw;
  }
  return lines;
}

/** Draws a line of runs with its top at y. */
function drawLine(doc: PDFKit.PDFDocument, line: Line, opts: { x: number; y: number; width: number; size: number; align?: 'left' | 'center' | 'right'; color?: string }) {
  // set on every line: a page added since starts with the default colour
  doc.fillColor(opts.color ?? '#000000');
  const total = lineWidth(line);
  let x = opts.align === 'center' ? opts.x + (opts.width - total) / 2 : opts.align === 'right' ? opts.x + opts.width - total : opts.x;
  for (const r of line) {
    doc.font(r.file ?? 'Helvetica').fontSize(opts.size).text(r.text, x, opts.y, { lineBreak: false });
    x += r.width;
  }
}

/** The font files of the characters of some texts (to register unpacked before drawing). */
function filesOf(texts: readonly string[]): Set<string> {
  const files = new Set<string>();
  for (const t of texts) {
    for (const ch of t) {
      for (const weight of [400, 700] as const) {
        const f = fileOf(ch, weight);
        if (f) files.add(f);
      }
    }
  }
  return files;
}

class PdfWriter {
  y: number;
  constructor(private readonly doc: PDFKit.PDFDocument) {
    this.y = MARGIN;
  }

  private get bottom() {
    return this.doc.page.height - MARGIN;
  }

  /** A new page unless `h` more points fit on this one. */
  ensure(h: number) {
    if (this.y + h <= this.bottom) return false;
    this.doc.addPage();
    this.y = MARGIN;
    return true;
  }

  lines(text: string, opts: { size?: number; weight?: 400 | 700; indent?: number; marker?: string; color?: string; align?: 'left' | 'center' | 'right'; after?: number } = {}) {
    const size = opts.size ?? BODY;
    const indent = opts.indent ?? 0;
    const lh = size * LINE;
    wrap(this.doc, text, WIDTH - indent, size, opts.weight).forEach((l, i) => {
      this.ensure(lh);
      if (i === 0 && opts.marker) drawLine(this.doc, wrap(this.doc, opts.marker, indent, size, opts.weight)[0], { x: MARGIN, y: this.y, width: indent, size });
      drawLine(this.doc, l, { x: MARGIN + indent, y: this.y, width: WIDTH - indent, size, align: opts.align, color: opts.color });
      this.y += lh;
    });
    this.y += opts.after ?? 2;
  }

  table(columns: Column[], rows: string[][]) {
    const size = 9;
    const lh = size * 1.5;
    const pad = 4;
    const widths = columns.map((c) => c.width * WIDTH);
    const layout = (cells: string[], weight: 400 | 700) => {
      const wrapped = cells.map((c, i) => wrap(this.doc, c, widths[i] - 2 * pad, size, weight));
      return { wrapped, h: Math.max(...wrapped.map((w) => w.length)) * lh + 2 * pad };
    };
    const draw = (cells: string[], weight: 400 | 700, fill: string | null) => {
      const { wrapped, h } = layout(cells, weight);
      let x = MARGIN;
      wrapped.forEach((ls, i) => {
        if (fill) this.doc.save().rect(x, this.y, widths[i], h).fill(fill).restore();
        this.doc.save().lineWidth(0.5).strokeColor('#999999').rect(x, this.y, widths[i], h).stroke().restore();
        ls.forEach((l, j) => drawLine(this.doc, l, { x: x + pad, y: this.y + pad + j * lh + (lh - size) / 2, width: widths[i] - 2 * pad, size, align: columns[i].align ?? 'left' }));
        x += widths[i];
      });
      this.y += h;
    };
    const header = columns.map((c) => c.title);
    this.ensure(layout(header, 700).h + (rows[0] ? layout(rows[0], 400).h : 0));
    draw(header, 700, '#f6ece0');
    for (const r of rows) {
      if (this.ensure(layout(r, 400).h)) draw(header, 700, '#f6ece0');
      draw(r, 400, null);
    }
    this.y += 8;
  }

  chart(svg: string, w: number, h: number) {
    const width = Math.min(WIDTH, w * 0.75);
    const height = (width * h) / w;
    this.ensure(height);
    drawSvg(this.doc, svg, MARGIN + (WIDTH - width) / 2, this.y, width, height);
    this.y += height + 6;
  }
}

/** Every text a block draws (the fonts a document needs). */
function textsOf(b: Block): string[] {
  switch (b.kind) {
    case 'list':
      return b.items.flatMap((it) => [it.marker, it.text]);
    case 'table':
      return [...b.columns.map((c) => c.title), ...b.rows.flat()];
    case 'chart':
      return svgTexts(b.svg);
    default:
      return [b.text];
  }
}

export function writePdf(title: string, author: string, blocks: Block[]): Promise<Buffer> {
  return renderPdf({ title, author }, (doc) => {
    registerUnpackedFonts(doc, filesOf(blocks.flatMap(textsOf)));
    const w = new PdfWriter(doc);
    for (const b of blocks) {
      switch (b.kind) {
        case 'title':
          w.lines(b.text, { size: 17, weight: 700, align: 'center', after: 14 });
          break;
        case 'heading':
          w.ensure(60);
          w.y += 8;
          w.lines(b.text, { size: 13, weight: 700, color: '#c8102e', after: 4 });
          break;
        case 'subheading':
          w.ensure(50);
          w.y += 4;
          w.lines(b.text, { size: 11, weight: 700, after: 2 });
          break;
        case 'para':
          w.lines(b.text, b.note ? { size: 9, color: '#555555' } : {});
          break;
        case 'closing':
          w.y += 12;
          w.lines(b.text);
          break;
        case 'right':
          w.lines(b.text, { align: 'right' });
          break;
        case 'list':
          for (const it of b.items) w.lines(it.text, { marker: it.marker, indent: 18 });
          break;
        case 'table':
          w.table(b.columns, b.rows);
          break;
        case 'chart':
          w.chart(b.svg, b.width, b.height);
          break;
      }
    }
  });
}

// ---------------------------------------------------------------- .docx

const FONT = DOCX_FONT;
// A4 with 2 cm margins: 11906 − 2 × 1134 twips of text width
const TEXT_TWIPS = 11906 - 2 * 1134;
const run = (text: string, opts: { bold?: boolean; size?: number; color?: string } = {}) => new TextRun({ text, bold: opts.bold, size: opts.size ?? 22, color: opts.color, font: FONT });
const CELL_BORDER = { style: BorderStyle.SINGLE, size: 4, color: '999999' };

function docxTable(columns: Column[], rows: string[][]): Table {
  const widths = columns.map((c) => Math.round(c.width * TEXT_TWIPS));
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      borders: { top: CELL_BORDER, bottom: CELL_BORDER, left: CELL_BORDER, right: CELL_BORDER },
      shading: header ? { type: ShadingType.CLEAR, fill: 'F6ECE0', color: 'auto' } : undefined,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      children: [new Paragraph({ alignment: columns[i].align === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT, children: [run(text, { bold: header, size: 18 })] })],
    });
  return new Table({
    width: { size: TEXT_TWIPS, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: columns.map((c, i) => cell(c.title, i, true)) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((t, i) => cell(t, i, false)) })),
    ],
  });
}

export async function writeDocx(title: string, author: string, blocks: Block[]): Promise<Buffer> {
  const children: Array<Paragraph | Table> = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'title':
        children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [run(b.text, { bold: true, size: 34 })] }));
        break;
      case 'heading':
        children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, spacing: { before: 240, after: 120 }, children: [run(b.text, { bold: true, size: 28, color: 'C8102E' })] }));
        break;
      case 'subheading':
        children.push(new Paragraph({ heading: HeadingLevel.HEADING_3, keepNext: true, spacing: { before: 160, after: 80 }, children: [run(b.text, { bold: true, size: 23 })] }));
        break;
      case 'para':
        children.push(new Paragraph({ spacing: { after: 80 }, children: [run(b.text, b.note ? { size: 18, color: '555555' } : {})] }));
        break;
      case 'closing':
        children.push(new Paragraph({ spacing: { before: 360, after: 80 }, children: [run(b.text)] }));
        break;
      case 'right':
        children.push(new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: 120 }, children: [run(b.text)] }));
        break;
      case 'list':
        for (const it of b.items) children.push(new Paragraph({ spacing: { after: 60 }, indent: { left: 360, hanging: 360 }, children: [run(`${it.marker}\t${it.text}`)], tabStops: [{ type: TabStopType.LEFT, position: 360 }] }));
        break;
      case 'table':
        children.push(docxTable(b.columns, b.rows), new Paragraph({ spacing: { after: 60 }, children: [] }));
        break;
      case 'chart': {
        // 600 px across at most (the text width is ~640 px at 96 dpi); the PNG at twice that for print
        const width = Math.min(600, b.width);
        const height = Math.round((width * b.height) / b.width);
        const data = await svgToPng(b.svg, 2);
        children.push(new Paragraph({
          alignment: AlignmentType.CENTER, spacing: { after: 120 },
          children: [new ImageRun({ type: 'png', data, transformation: { width, height }, altText: { name: b.alt, title: b.alt, description: b.alt } })],
        }));
        break;
      }
    }
  }
  const doc = new Document({
    creator: author,
    title,
    styles: { default: { document: { run: { font: FONT, size: 22, language: { value: 'zh-CN', eastAsia: 'zh-CN' } } } } },
    sections: [{
      properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
      children,
    }],
  });
  return Packer.toBuffer(doc);
}
