import crypto from 'node:crypto';
import type { Deps } from '../../src/server/deps';
import { sql } from '../../src/server/platform/sql';
import { hashPassword } from '../../src/server/platform/password';
import { insertRootOrg, insertOrg } from '../../src/server/domains/org';
import { insertAccount, insertGrant } from '../../src/server/domains/admin';
import { prepareRecord, insertMember } from '../../src/server/domains/member';
// a fixture writes a bare applicant row directly (the service's way is registerApplicant)
import { insertPerson } from '../../src/server/domains/member/member.repo';
import { computeIdCheckChar, maskPhone } from '../../src/contracts/idcard';
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

/** An org turned into a community (社区): where residents register. */
export async function makeCommunity(deps: Deps, parent: { id: string; path: string; region_key: string | null }, name = `测试社区${crypto.randomBytes(3).toString('hex')}党支部`) {
  const org = await makeOrg(deps, parent, 'branch', name);
  await deps.db.exec(sql`UPDATE org SET unit_kind = 'community', unit_name = ${name.replace(/党支部$/, '')} WHERE id = ${org.id}`);
  return org;
}

/** A random mobile number (for tests that need one nobody else uses). */
export const randomPhone = () => `13${crypto.randomInt(3, 10)}${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;

/** A registered resident of a community (what registerResident writes, without the code). */
export async function makeResident(deps: Deps, communityId: string, v: { name?: string; address?: string; gridId?: string | null } = {}) {
  const phone = randomPhone();
  const name = v.name ?? '测试群众';
  const account = await makeAccount(deps, [{ role: 'resident', orgId: communityId, scope: 'self' }]);
  const id = (await deps.db.one<{ id: string }>(sql`INSERT INTO resident (account_id, name, phone_enc, phone_hash, phone_masked, community_org_id, grid_id, address)
    VALUES (${account.id}, ${name}, ${deps.cipher.encrypt(phone)}, ${deps.cipher.hash(phone)}, ${maskPhone(phone)}, ${communityId}, ${v.gridId ?? null}, ${v.address ?? '幸福路1号'}) RETURNING id`)).id;
  return { id, accountId: account.id, username: account.username, phone };
}

/** A valid, random GB 11643 ID number with the given birth date and sex. */
export function makeIdNumber(birth = '1980-05-17', sex: 'male' | 'female' = 'male'): string {
  const area = String(crypto.randomInt(110000, 660000));
  const seq = crypto.randomInt(0, 500) * 2 + (sex === 'male' ? 1 : 0);
  const first17 = area + birth.replace(/-/g, '') + String(seq).padStart(3, '0');
  return first17 + computeIdCheckChar(first17);
}

export async function makeMember(
  deps: Deps,
  orgId: string,
  over: Partial<{ name: string; status: 'full' | 'probationary'; sex: 'male' | 'female'; idNumber: string; phone: string; birth: string; since: string; joinDate: string; ethnicity: string; reason: 'registered' | 'recruited' }> = {},
) {
  const sex = over.sex ?? 'male';
  const birth = over.birth ?? '1980-05-17';
  const status = over.status ?? 'full';
  const idNumber = over.idNumber ?? makeIdNumber(birth, sex);
  const joinDate = over.joinDate ?? '2005-07-01';
  const rec = prepareRecord(deps, {
    name: over.name ?? '测试党员', sex, ethnicity: over.ethnicity ?? '汉族', idNumber, education: 'bachelor', occupation: 'worker', unitName: null,
    phone: over.phone ?? null, address: null, joinDate, conversionDate: status === 'full' ? `${Number(joinDate.slice(0, 4)) + 1}${joinDate.slice(4)}` : null, status, monthlyIncomeFen: null,
  }, deps.clock.today());
  const org = await deps.db.one<{ id: string; region_key: string | null }>(sql`SELECT id, region_key FROM org WHERE id = ${orgId}`);
  // `since`: the day the formal relation starts (registration date unless given)
  const id = await deps.db.tx((t) => insertMember(t, { requestId: 'test', ip: null, actor: null }, org, rec, over.reason ?? 'registered', over.since ?? deps.clock.today()));
  return { id, idNumber };
}

/**
 * A development file in a branch whose steps 1..lastStep are recorded on
 * `date` (steps 2.. written directly: a fixture, not a rule check). Status
 * follows the steps as the pipeline sets it.
 */
export async function makeCandidate(deps: Deps, orgId: string, lastStep = 1, date = deps.clock.today(), name = '测试申请人') {
  const idNumber = makeIdNumber('1995-03-03', 'female');
  const org = await deps.db.one<{ region_key: string | null }>(sql`SELECT region_key FROM org WHERE id = ${orgId}`);
  const status = lastStep >= 7 ? 'candidate' : lastStep >= 3 ? 'activist' : 'applicant';
  const personId = await insertPerson(deps.db, {
    name, namePinyin: '', nameInitials: '', sex: 'female', ethnicity: '汉族', birthDate: '1995-03-03', idEnc: deps.cipher.encrypt(idNumber), idHash: deps.cipher.hash(idNumber),
    idMasked: idNumber.slice(0, 6) + '********' + idNumber.slice(-4), phoneEnc: null, phoneHash: null, phoneTail: null, phoneMasked: null, incomeEnc: null,
    education: 'bachelor', occupation: 'worker', unitName: null, address: null, joinDate: null, conversionDate: null, status, orgId, regionKey: org.region_key,
  });
  const stage = lastStep >= 19 ? 5 : lastStep >= 12 ? 4 : lastStep >= 7 ? 3 : lastStep >= 3 ? 2 : 1;
  const file = await deps.db.one<{ id: string }>(sql`INSERT INTO dev_file (person_id, org_id, region_key, applied_on, stage, last_step)
    VALUES (${personId}, ${orgId}, ${org.region_key}, ${date}, ${stage}, ${lastStep}) RETURNING id`);
  await deps.db.exec(sql`INSERT INTO dev_step (file_id, step_no, step_date) SELECT ${file.id}::uuid, n, ${date}::date FROM generate_series(1, ${lastStep}) n`);
  return { fileId: file.id, personId, idNumber };
}
