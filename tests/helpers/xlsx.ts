import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Reads one part of an .xlsx with the system's unzip: a reader other than exceljs, which wrote it. */
export function unzipPart(xlsx: Buffer, part: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-xlsx-'));
  try {
    const file = path.join(dir, 'f.xlsx');
    fs.writeFileSync(file, xlsx);
    return execFileSync('unzip', ['-p', file, part], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
