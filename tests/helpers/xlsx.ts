import zlib from 'node:zlib';

/**
 * Reads one part of an .xlsx (a ZIP archive) with node's zlib and the ZIP
 * central directory: a reader other than exceljs, which wrote it, and one that
 * needs no system tool (the suite runs on a machine with only Node).
 */
export function unzipPart(xlsx: Buffer, part: string): string {
  // the end-of-central-directory record sits in the last 22 bytes plus an optional comment
  let eocd = -1;
  for (let i = xlsx.length - 22; i >= Math.max(0, xlsx.length - 22 - 0xffff); i--) {
    if (xlsx.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive');
  const entries = xlsx.readUInt16LE(eocd + 10);
  let p = xlsx.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (xlsx.readUInt32LE(p) !== 0x02014b50) throw new Error('broken ZIP central directory');
    const method = xlsx.readUInt16LE(p + 10);
    const compressedSize = xlsx.readUInt32LE(p + 20);
    const nameLength = xlsx.readUInt16LE(p + 28);
    const extraLength = xlsx.readUInt16LE(p + 30);
    const commentLength = xlsx.readUInt16LE(p + 32);
    const localHeader = xlsx.readUInt32LE(p + 42);
    const name = xlsx.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    if (name === part) {
      const start = localHeader + 30 + xlsx.readUInt16LE(localHeader + 26) + xlsx.readUInt16LE(localHeader + 28);
      const data = xlsx.subarray(start, start + compressedSize);
      if (method === 0) return data.toString('utf8');
      if (method === 8) return zlib.inflateRawSync(data).toString('utf8');
      throw new Error(`unsupported ZIP compression method ${method}`);
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`no ${part} in the workbook`);
}

// ---- the print layout of a written workbook, read from its OOXML parts -------

const decodeXml = (s: string) => s.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The attributes of the first `<tag …>` element in `xml`, decoded; null when there is none. */
export function attrsOf(xml: string, tag: string): Record<string, string> | null {
  const m = new RegExp(`<${tag}(\\s[^>]*?)?/?>`).exec(xml);
  if (!m) return null;
  return Object.fromEntries([...(m[1] ?? '').matchAll(/([\w:]+)="([^"]*)"/g)].map((a) => [a[1], decodeXml(a[2])]));
}

/** The sheets of a workbook in order: name, state and the path of their part. */
export function sheetsOf(xlsx: Buffer): Array<{ name: string; state: string; part: string; index: number }> {
  const book = unzipPart(xlsx, 'xl/workbook.xml');
  const rels = unzipPart(xlsx, 'xl/_rels/workbook.xml.rels');
  return [...book.matchAll(/<sheet\s[^>]*\/>/g)].map((m, index) => {
    const a = attrsOf(m[0], 'sheet')!;
    const target = new RegExp(`<Relationship[^>]*Id="${a['r:id']}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`<Relationship[^>]*Target="([^"]+)"[^>]*Id="${a['r:id']}"`).exec(rels)?.[1];
    if (!target) throw new Error(`no part for sheet ${a.name}`);
    return { name: a.name, state: a.state ?? 'visible', part: target.startsWith('/') ? target.slice(1) : `xl/${target}`, index };
  });
}

/** The workbook's defined names: name, the sheet index it is local to, and its formula. */
export function definedNames(xlsx: Buffer): Array<{ name: string; localSheetId: number | null; formula: string }> {
  const book = unzipPart(xlsx, 'xl/workbook.xml');
  return [...book.matchAll(/<definedName\s([^>]*)>([\s\S]*?)<\/definedName>/g)].map((m) => {
    const a = attrsOf(`<x ${m[1]}>`, 'x')!;
    return { name: a.name, localSheetId: a.localSheetId === undefined ? null : Number(a.localSheetId), formula: decodeXml(m[2]) };
  });
}

/** The number format code of each cell style (cellXfs index → code; '@' is the built-in 49). */
export function cellFormats(xlsx: Buffer): string[] {
  const styles = unzipPart(xlsx, 'xl/styles.xml');
  const custom = new Map([...styles.matchAll(/<numFmt\s[^>]*\/>/g)].map((m) => attrsOf(m[0], 'numFmt')!).map((a) => [a.numFmtId, a.formatCode]));
  const builtIn: Record<string, string> = { 0: 'General', 49: '@', 10: '0.00%' };
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '';
  return [...xfs.matchAll(/<xf\s[^>]*?\/?>/g)].map((m) => {
    const id = attrsOf(m[0], 'xf')!.numFmtId ?? '0';
    return custom.get(id) ?? builtIn[id] ?? `#${id}`;
  });
}

export interface XmlCell { ref: string; type: string; style: number; text: string }

/** The cells of a sheet part with their type (t), style index (s) and text (shared, inline or plain). */
export function cellsOf(xlsx: Buffer, part: string): Map<string, XmlCell> {
  const sheet = unzipPart(xlsx, part);
  let shared: string[] = [];
  try {
    shared = [...unzipPart(xlsx, 'xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => decodeXml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  } catch {
    // a streamed workbook has its strings inline
  }
  const cells = new Map<string, XmlCell>();
  for (const m of sheet.matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const a = attrsOf(`<c ${m[1]}>`, 'c')!;
    const body = m[2] ?? '';
    const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1] ?? '';
    const type = a.t ?? 'n';
    const text = type === 's' ? shared[Number(v)] : type === 'inlineStr' ? decodeXml([...body.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')) : decodeXml(v);
    cells.set(a.r, { ref: a.r, type, style: Number(a.s ?? 0), text });
  }
  return cells;
}

/** The `<col>` elements of a sheet part: column range, width and style index. */
export function colsOf(xml: string): Array<{ min: number; max: number; width: number; style: number }> {
  return [...xml.matchAll(/<col\s[^>]*\/>/g)].map((m) => attrsOf(m[0], 'col')!).map((a) => ({ min: Number(a.min), max: Number(a.max), width: Number(a.width), style: Number(a.style ?? 0) }));
}

/** The layout of one sheet as a printer and a spreadsheet program see it. */
export function printLayout(xlsx: Buffer, sheetName: string) {
  const sheet = sheetsOf(xlsx).find((s) => s.name === sheetName);
  if (!sheet) throw new Error(`no sheet ${sheetName}`);
  const xml = unzipPart(xlsx, sheet.part);
  const names = definedNames(xlsx).filter((n) => n.localSheetId === sheet.index);
  return {
    xml,
    part: sheet.part,
    pageSetup: attrsOf(xml, 'pageSetup'),
    fitToPage: attrsOf(xml, 'pageSetUpPr')?.fitToPage === '1',
    pane: attrsOf(xml, 'pane'),
    autoFilter: attrsOf(xml, 'autoFilter')?.ref ?? null,
    oddFooter: decodeXml(/<oddFooter>([\s\S]*?)<\/oddFooter>/.exec(xml)?.[1] ?? ''),
    printTitles: names.find((n) => n.name === '_xlnm.Print_Titles')?.formula ?? null,
    printArea: names.find((n) => n.name === '_xlnm.Print_Area')?.formula ?? null,
    cols: colsOf(xml),
    validations: [...xml.matchAll(/<dataValidation\s([^>]*)>([\s\S]*?)<\/dataValidation>/g)].map((m): Record<string, string> => ({ ...attrsOf(`<x ${m[1]}>`, 'x')!, formula1: decodeXml(/<formula1>([\s\S]*?)<\/formula1>/.exec(m[2])?.[1] ?? '') })),
  };
}
