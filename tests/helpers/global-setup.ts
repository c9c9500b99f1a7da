import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/server/platform/migrate';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/server/platform/embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

let embedded: EmbeddedDatabase | null = null;
let tmpDir: string | null = null;
let adminUrl = '';
let templateDb = '';

function withDb(url: string, db: string) {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

export async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-test-'));
    fs.chmodSync(tmpDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: tmpDir, password: crypto.randomBytes(12).toString('hex') });
    adminUrl = withDb(embedded.url, 'postgres');
  }
  templateDb = `dj_tpl_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDb}`);
  await admin.end();
  await migrate(withDb(adminUrl, templateDb));
  // the browser tests need the built web app
  // (vitest sets NODE_ENV=test, under which vite would bundle React's development build)
  if (!fs.existsSync('dist/web/index.html') || process.env.CI) {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  }
  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', templateDb);
}

export async function teardown() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [`${templateDb}_%`, templateDb]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
  await admin.end();
  // the demo templates' uploaded files (see createDemoHarness)
  for (const f of fs.readdirSync(os.tmpdir())) if (f.startsWith(`${templateDb}_demo_`)) fs.rmSync(path.join(os.tmpdir(), f), { recursive: true, force: true });
  if (embedded) await embedded.stop();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
}
