import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { ActorContext } from '../server/platform/actor';
import { runImport, prepareExport, writeExport } from '../server/domains/member';
import { CliError, createProgress, info, printTable, withRuntime } from './shared';
import { actorFor, findOrg } from './lookup';

// Member import and export on behalf of an account (`--as`): the account's
// scope and permissions apply exactly as in the web console, and the domain
// writes the same audit entries.

export const EXPORT_STATUSES = ['current', 'full', 'probationary', 'former'] as const;

/** Exit code 2: the import ran but some rows have errors. */
export async function importMembers(file: string, opts: { as: string; dryRun?: boolean }) {
  let data: Buffer;
  try {
    data = await fsp.readFile(file);
  } catch (e) {
    throw new CliError(`Cannot read ${file}: ${(e as Error).message}`);
  }
  const report = await withRuntime(async ({ deps }) => {
    const actor = await actorFor(deps, opts.as, 'member.import');
    const ctx: ActorContext = { requestId: 'cli', ip: null, actor };
    info(`Validating ${path.basename(file)} as ${actor.username}${opts.dryRun ? ' (dry run: nothing is written)' : ''}…`);
    const progress = createProgress();
    try {
      return await runImport(deps, ctx, data, !opts.dryRun, async (done, total) => progress.update('import', done, total));
    } finally {
      progress.stop();
    }
  });
  console.log(`Rows: ${report.total}  valid: ${report.valid}  already on the roll (skipped): ${report.skipped}  ${opts.dryRun ? 'would be created' : 'created'}: ${opts.dryRun ? report.valid : report.created}  with errors: ${report.errors.length}`);
  if (report.errors.length) {
    printTable(['row', 'column', 'problem'], report.errors.map((e) => [e.row, e.field || '-', e.message]));
    throw new CliError(`${new Set(report.errors.map((e) => e.row)).size} rows have errors${opts.dryRun ? '' : ' and were not imported'}; fix them and run the import again (rows already imported are skipped).`, 2);
  }
}

export async function exportMembers(opts: { as: string; org?: string; status: (typeof EXPORT_STATUSES)[number]; out: string }) {
  const out = path.resolve(opts.out);
  if (!out.toLowerCase().endsWith('.xlsx')) throw new CliError('--out must name an .xlsx file.');
  await fsp.access(path.dirname(out), fs.constants.W_OK).catch(() => {
    throw new CliError(`Cannot write into ${path.dirname(out)}.`);
  });
  const rows = await withRuntime(async ({ deps }) => {
    const actor = await actorFor(deps, opts.as, 'member.export');
    const ctx: ActorContext = { requestId: 'cli', ip: null, actor };
    const org = opts.org ? await findOrg(deps, opts.org) : null;
    const where = await prepareExport(deps, ctx, { orgId: org?.id, status: opts.status }); // audited (member.export)
    const part = `${out}.part`;
    const stream = fs.createWriteStream(part, { mode: 0o600 });
    try {
      const n = await writeExport(deps, ctx, where, stream);
      if (!stream.writableFinished) await finished(stream);
      await fsp.rename(part, out);
      return n;
    } catch (e) {
      stream.destroy();
      await fsp.rm(part, { force: true });
      throw e;
    }
  });
  console.log(`Wrote ${rows} members to ${out}.`);
}
