import crypto from 'node:crypto';
import type { Db } from '../platform/db';
import type { FieldCipher } from '../platform/crypto';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { maskPhone } from '../../contracts/idcard';
import { GIVEN, SURNAMES } from './generate';
import type { Rng } from './random';

// Demo residents (群众, issue 17): the people of each 社区 who registered on
// the phone over the past fourteen months, each with an address and, where
// the community answers for grids, a grid; and the demo account resident1, a
// resident of secretary1's community. Their accounts can not be signed in to
// (a password nobody knows), except resident1's (the demo password).

const ROADS = ['幸福路', '和平街', '建设路', '人民路', '解放路', '新华街', '文化路', '光明巷', '迎宾大道', '团结路'] as const;

const at = (rng: Rng, day: string) => new Date(Date.parse(`${day}T01:00:00Z`) + rng.int(0, 12 * 60 - 1) * 60_000).toISOString();

export async function generateResidents(db: Db, cipher: FieldCipher, rng: Rng, opts: { rootId: string; today: string; demoCommunityId: string; demoPasswordHash: string; lockedPasswordHash: string }) {
  const communities = await db.query<{ id: string; path: string; unit_name: string | null; name: string }>(sql`
    SELECT o.id, o.path::text AS path, o.unit_name, o.name FROM org o JOIN org r ON r.id = ${opts.rootId}::uuid
    WHERE o.path <@ r.path AND o.unit_kind = 'community' AND o.dissolved_on IS NULL AND o.type <> 'party_group' ORDER BY o.seq`);
  const grids = await db.query<{ id: string; responsible_path: string }>(sql`
    SELECT a.id, o.path::text AS responsible_path FROM map_area a JOIN org o ON o.id = a.responsible_org_id WHERE a.kind = 'grid' AND a.deleted_at IS NULL ORDER BY a.code`);
  let seq = 0;
  const rows: Array<{ account: string; username: string; name: string; demo: boolean; when: string; community: string; grid: string | null; address: string; phone: string }> = [];
  const add = (c: { id: string; path: string; unit_name: string | null; name: string }, day: string, demo: { username: string } | null) => {
    const phone = `158${String(20_000_000 + seq++).padStart(8, '0')}`;
    const name = rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.6) ? rng.pick(GIVEN) : '');
    const own = grids.filter((g) => g.responsible_path === c.path || g.responsible_path.startsWith(`${c.path}.`));
    const grid = own.length && rng.chance(0.85) ? rng.pick(own).id : null;
    const address = `${c.unit_name ?? c.name.replace(/党支部$/, '')}${rng.pick(ROADS)}${rng.int(1, 88)}号${rng.int(1, 6)}单元${rng.int(1, 18)}0${rng.int(1, 4)}室`;
    rows.push({ account: crypto.randomUUID(), username: demo?.username ?? phone, name, demo: !!demo, when: at(rng, day), community: c.id, grid, address, phone });
  };
  for (const c of communities) {
    // registrations grow over the months: more of them recently
    const n = rng.int(10, 24);
    for (let i = 0; i < n; i++) add(c, addDays(opts.today, -Math.floor(420 * (1 - Math.sqrt(rng.next())))), null);
  }
  const home = communities.find((c) => c.id === opts.demoCommunityId);
  if (home) add(home, addDays(opts.today, -200), { username: 'resident1' });
  // three statements for all of them: the accounts, their grants, their profiles
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  await db.exec(sql`INSERT INTO account (id, username, display_name, password_hash, is_demo, created_at, updated_at, password_changed_at)
    SELECT x.id, x.username, x.name, CASE WHEN x.demo THEN ${opts.demoPasswordHash} ELSE ${opts.lockedPasswordHash} END, x.demo, x.at, x.at, x.at
    FROM unnest(${col('account')}::uuid[], ${col('username')}::text[], ${col('name')}::text[], ${col('demo')}::boolean[], ${col('when')}::timestamptz[]) AS x(id, username, name, demo, at)`);
  await db.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope, granted_by, granted_at)
    SELECT x.id, 'resident', x.community, 'self', x.id, x.at FROM unnest(${col('account')}::uuid[], ${col('community')}::uuid[], ${col('when')}::timestamptz[]) AS x(id, community, at)`);
  await db.exec(sql`INSERT INTO resident (account_id, name, phone_enc, phone_hash, phone_masked, community_org_id, grid_id, address, created_at, updated_at)
    SELECT x.id, x.name, x.enc, x.hash, x.masked, x.community, x.grid, x.address, x.at, x.at
    FROM unnest(${col('account')}::uuid[], ${col('name')}::text[], ${rows.map((r) => cipher.encrypt(r.phone))}::bytea[], ${rows.map((r) => cipher.hash(r.phone))}::bytea[],
      ${rows.map((r) => maskPhone(r.phone))}::text[], ${col('community')}::uuid[], ${col('grid')}::uuid[], ${col('address')}::text[], ${col('when')}::timestamptz[])
      AS x(id, name, enc, hash, masked, community, grid, address, at)`);
  const residents = rows.length;
  return { residents };
}
