import crypto from 'node:crypto';
import type { Deps } from '../../src/server/deps';
import { sql } from '../../src/server/platform/sql';
import { hashPassword } from '../../src/server/platform/password';
import { insertRootOrg, insertOrg } from '../../src/server/domains/org';
import { insertAccount, insertGrant } from '../../src/server/domains/admin';
import { prepareRecord, insertMember } from '../../src/server/domains/member';
import { computeIdCheckChar } from '../../src/contracts/idcard';
import { businessToday } from '../../src/server/platform/dates';
import type { OrgType } from '../../src/contracts/dict';
import type { Role, DataScope } from '../../src/contracts/permissions';

// Test data factories: every test builds its own fresh subtree, so tests
// never depend on each other or on leftovers.

export const PASSWORD = 'Test@Pass2026';
let hashed: Promise<string> | null = null;

export async function makeRoot(deps: Deps, name = `测试党委${crypto.randomBytes(3).toString('hex')}`) {
  const id = await insertRootOrg(deps.db, { type: 'committee', name, code: null, unitName: name, unitKind: 'government', address: null, setupDate: null });
  return orgRef(deps, id);
}

export async function orgRef(deps: Deps, id: string) {
  return deps.db.one<{ id: string; path: string; region_key: string | null; name: string; type: OrgType }>(sql`SELECT id, path::text AS path, region_key, name, type FROM org WHERE id = ${id}`);
}

export async function makeOrg(deps: Deps, parent: { id: string; path: string; region_key: string | null }, type: OrgType, name = `测试组织${crypto.randomBytes(3).toString('hex')}`) {
  const id = await insertOrg(deps.db, { parentId: parent.id, parentPath: parent.path, regionKey: parent.region_key, type, name, code: null, unitName: null, unitKind: 'other', address: null, lng: null, lat: null, setupDate: null });
  return orgRef(deps, id);
}

export async function makeAccount(deps: Deps, grants: Array<{ role: Role; orgId: string | null; scope: DataScope }>, personId: string | null = null) {
  hashed ??= hashPassword(PASSWORD);
  const username = `u${crypto.randomBytes(5).toString('hex')}`;
  const id = await insertAccount(deps.db, { username, displayName: username, passwordHash: await hashed, personId });
  for (const g of grants) await insertGrant(deps.db, { accountId: id, role: g.role, orgId: g.orgId, scope: g.scope, grantedBy: id });
  return { id, username, password: PASSWORD };
}

/** A valid, random GB 11643 ID number with the given birth date and sex. */
export function makeIdNumber(birth = '1980-05-17', sex: 'male' | 'female' = 'male'): string {
  const area = String(crypto.randomInt(110000, 660000));
  const seq = crypto.randomInt(0, 500) * 2 + (sex === 'male' ? 1 : 0);
  const first17 = area + birth.replace(/-/g, '') + String(seq).padStart(3, '0');
  return first17 + computeIdCheckChar(first17);
}

export async function makeMember(deps: Deps, orgId: string, over: Partial<{ name: string; status: 'full' | 'probationary'; sex: 'male' | 'female'; idNumber: string; phone: string; birth: string; since: string }> = {}) {
  const sex = over.sex ?? 'male';
  const birth = over.birth ?? '1980-05-17';
  const status = over.status ?? 'full';
  const idNumber = over.idNumber ?? makeIdNumber(birth, sex);
  const rec = prepareRecord(deps, {
    name: over.name ?? '测试党员', sex, ethnicity: '汉族', idNumber, education: 'bachelor', occupation: 'worker', unitName: null,
    phone: over.phone ?? null, address: null, joinDate: '2005-07-01', conversionDate: status === 'full' ? '2006-07-01' : null, status, monthlyIncomeFen: null,
  }, businessToday());
  const org = await deps.db.one<{ id: string; region_key: string | null }>(sql`SELECT id, region_key FROM org WHERE id = ${orgId}`);
  // `since`: the day the formal relation starts (registration date unless given)
  const id = await deps.db.tx((t) => insertMember(t, { requestId: 'test', ip: null, actor: null }, org, rec, 'registered', over.since ?? businessToday()));
  return { id, idNumber };
}
