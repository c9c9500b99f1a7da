import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from './errors';

// File storage behind an interface: the default keeps files under
// DATA_DIR/files with random names; an S3-compatible store can implement the
// same three methods. Types are checked by content, never by the name.

export interface FileStore {
  put(data: Buffer): Promise<string>; // returns the storage key
  get(key: string): Promise<Buffer>;
  /** the whole file, or the bytes start..end (inclusive) of it */
  stream(key: string, range?: { start: number; end: number }): NodeJS.ReadableStream;
  /** the stored file's length in bytes */
  size(key: string): Promise<number>;
  remove(key: string): Promise<void>;
}

export function createLocalFileStore(root: string): FileStore {
  fs.mkdirSync(root, { recursive: true });
  const full = (key: string) => {
    if (!/^[a-f0-9]{2}\/[a-f0-9]{40}$/.test(key)) throw new Error('bad storage key');
    return path.join(root, key);
  };
  return {
    async put(data) {
      const name = crypto.randomBytes(21).toString('hex').slice(0, 42);
      const key = `${name.slice(0, 2)}/${name.slice(2)}`;
      await fsp.mkdir(path.dirname(full(key)), { recursive: true });
      await fsp.writeFile(full(key), data, { mode: 0o600 });
      return key;
    },
    get: (key) => fsp.readFile(full(key)),
    stream: (key, range) => fs.createReadStream(full(key), range ? { start: range.start, end: range.end } : undefined),
    size: async (key) => (await fsp.stat(full(key))).size,
    remove: (key) => fsp.rm(full(key), { force: true }),
  };
}

// Allowed upload types, detected from the bytes.
export const ALLOWED_MIME: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

export async function detectAllowedType(data: Buffer, allowed: readonly string[] = Object.keys(ALLOWED_MIME)): Promise<string> {
  const t = await fileTypeFromBuffer(data);
  if (!t || !allowed.includes(t.mime)) throw new AppError('FILE_TYPE_NOT_ALLOWED', `不支持的文件类型，请上传 ${allowed.map((m) => ALLOWED_MIME[m] ?? m).join('、')} 文件`);
  return t.mime;
}

// Characters removed from file names: control characters (C0, DEL, C1), line
// and paragraph separators, lone surrogates, and the Unicode bidirectional
// controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM, ALM), with which
// "invoice\u202efdp.exe" is displayed as "invoiceexe.pdf".
const NAME_STRIP = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;

/** An uploaded file's name as stored and offered back: no control or bidirectional characters, no path separators, at most 200 characters. */
export function safeFileName(name: string | undefined, fallback: string): string {
  const cleaned = [...(name ?? '').replace(NAME_STRIP, '')].map((ch) => (ch === '/' || ch === '\\' ? '_' : ch)).join('').trim().slice(0, 200);
  return cleaned || fallback;
}

/** Headers for sending a stored file as a download (never rendered inline); the name is cleaned again (names stored before the rule, org names in export names). */
export function attachmentHeaders(fileName: string, mime: string): Record<string, string> {
  return {
    'Content-Type': mime,
    'Content-Disposition': `attachment; filename="file"; filename*=UTF-8''${encodeURIComponent(safeFileName(fileName, 'file'))}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  };
}
