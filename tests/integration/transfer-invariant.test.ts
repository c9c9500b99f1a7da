import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, TEST_TODAY, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { memberRollupDifferences } from '../../src/server/domains/member';

// At every moment a member belongs to exactly one branch (issue 12): over
// random sequences of transfers (accepted, revoked, out of the installation),
// whole-branch moves and status events, every person on the roll has exactly
// one open relation, in the branch their record names; nobody off the roll
// has one; no two relations of a person overlap; and the member rollups equal
// a raw recomputation.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

type Op =
  | { kind: 'transfer'; member: number; to: number; outcome: 'accept' | 'revoke' | 'leave' }
  | { kind: 'move'; branch: number; under: number }
  | { kind: 'status'; member: number; reason: 'suspended' | 'deceased' | 'withdrew' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('transfer' as const), member: fc.nat(5), to: fc.nat(3), outcome: fc.constantFrom('accept' as const, 'accept' as const, 'revoke' as const, 'leave' as const) }),
  fc.record({ kind: fc.constant('move' as const), branch: fc.nat(3), under: fc.nat(1) }),
  fc.record({ kind: fc.constant('status' as const), member: fc.nat(5), reason: fc.constantFrom('suspended' as const, 'deceased' as const, 'withdrew' as const) }),
);

async function version(table: 'transfer' | 'org' | 'person', id: string) {
  return (await h.db.one<{ version: number }>(sql`SELECT version FROM ${table === 'transfer' ? sql`transfer` : table === 'org' ? sql`org` : sql`person`} WHERE id = ${id}`)).version;
}

async function checkInvariant(personIds: string[]) {
  const rows = await h.db.query<{ id: string; org_id: string; current: boolean; open: number; open_org: string | null; overlaps: number }>(sql`
    SELECT p.id, p.org_id, p.is_current AS current,
      (SELECT count(*)::int FROM membership m WHERE m.person_id = p.id AND m.valid_to IS NULL) AS open,
      (SELECT m.org_id FROM membership m WHERE m.person_id = p.id AND m.valid_to IS NULL LIMIT 1) AS open_org,
      (SELECT count(*)::int FROM membership a JOIN membership b ON a.person_id = b.person_id AND a.id < b.id
         AND daterange(a.valid_from, a.valid_to, '[]') && daterange(b.valid_from, b.valid_to, '[]') WHERE a.person_id = p.id) AS overlaps
    FROM person p WHERE p.id = ANY(${personIds}::uuid[])`);
  for (const r of rows) {
    if (r.current) expect([r.open, r.open_org], `person ${r.id} on the roll`).toEqual([1, r.org_id]);
    else expect(r.open, `person ${r.id} off the roll`).toBe(0);
    expect(r.overlaps, `person ${r.id} relations overlap`).toBe(0);
  }
  expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
}

describe('one branch at every moment', () => {
  it('holds over random transfers, whole-branch moves and status events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const root = await makeRoot(h.deps);
        const committees = [await makeOrg(h.deps, root, 'committee'), await makeOrg(h.deps, root, 'committee')];
        const branches = [
          await makeOrg(h.deps, committees[0], 'branch'), await makeOrg(h.deps, committees[0], 'branch'),
          await makeOrg(h.deps, committees[1], 'branch'), await makeOrg(h.deps, committees[1], 'branch'),
        ];
        const members = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => makeMember(h.deps, branches[i % 4].id, { since: '2019-01-01' })));
        const ids = members.map((m) => m.id);
        const admin: Client = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
        for (const o of ops) {
          if (o.kind === 'transfer') {
            const personId = ids[o.member];
            const p = await h.db.one<{ org_id: string; current: boolean }>(sql`SELECT org_id, is_current AS current FROM person WHERE id = ${personId}`);
            const to = branches[o.to];
            const body = o.outcome === 'leave' ? { personId, toOrgName: '外省某党委', outsideScope: 'national', reason: '性质测试' } : { personId, toOrgId: to.id, reason: '性质测试' };
            const created = await admin.post('/api/v1/transfers', body);
            // refused (off the roll, own branch): nothing may change
            if (created.statusCode !== 201) {
              expect(created.statusCode, created.body).toBeLessThan(500);
              expect(!p.current || p.org_id === to.id).toBe(true);
              continue;
            }
            const id = created.json().id as string;
            expect((await admin.post(`/api/v1/transfers/${id}/issue`, { version: await version('transfer', id) })).statusCode).toBe(200);
            const status = (await h.db.one<{ status: string }>(sql`SELECT status FROM transfer WHERE id = ${id}`)).status;
            if (status === 'pending_approval') expect((await admin.post(`/api/v1/transfers/${id}/approve`, { version: await version('transfer', id) })).statusCode).toBe(200);
            const final = o.outcome === 'revoke'
              ? await admin.post(`/api/v1/transfers/${id}/revoke`, { version: await version('transfer', id), reason: '性质测试撤销' })
              : await admin.post(`/api/v1/transfers/${id}/accept`, { version: await version('transfer', id), acceptedOn: TEST_TODAY });
            // a member already moved today cannot be moved again on the same day (the relation would be empty)
            expect([200, 422], final.body).toContain(final.statusCode);
          } else if (o.kind === 'move') {
            const b = branches[o.branch];
            const res = await admin.post(`/api/v1/orgs/${b.id}/move`, { newParentId: committees[o.under].id, version: await version('org', b.id) });
            expect(res.statusCode, res.body).toBeLessThan(500);
          } else {
            const personId = ids[o.member];
            const res = await admin.post(`/api/v1/members/${personId}/events`, { reason: o.reason, eventDate: TEST_TODAY, version: await version('person', personId) });
            expect(res.statusCode, res.body).toBeLessThan(500);
          }
          await checkInvariant(ids);
        }
      }),
      { numRuns: 12, seed: 20261204 },
    );
  });
});
