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
