import { describe, expect, it } from 'vitest';
import type { Actor, Grant } from '../../src/server/platform/actor';
import { covers, unscoped } from '../../src/server/platform/scope';

const grant = (g: Partial<Grant>): Grant => ({ id: 'g', role: 'secretary', orgId: 'o1', orgPath: 'r.a', orgName: '支部', scope: 'subtree', ...g });
const actor = (...grants: Grant[]): Actor => ({ accountId: 'a', username: 'u', displayName: '用户', personId: 'p', grants, isDemo: false });

describe('covers', () => {
  it('a subtree grant covers its own org and orgs below it, not siblings or prefixes of the label', () => {
    const a = actor(grant({}));
    expect(covers(a, 'member.update', { id: 'o1', path: 'r.a' })).toBe(true);
    expect(covers(a, 'member.update', { id: 'o2', path: 'r.a.b' })).toBe(true);
    expect(covers(a, 'member.update', { id: 'o3', path: 'r.b' })).toBe(false);
    expect(covers(a, 'member.update', { id: 'o4', path: 'r.ab' })).toBe(false);
  });

  it('a node grant covers only its own org', () => {
    const a = actor(grant({ scope: 'node' }));
    expect(covers(a, 'member.update', { id: 'o1', path: 'r.a' })).toBe(true);
    expect(covers(a, 'member.update', { id: 'o2', path: 'r.a.b' })).toBe(false);
  });

  it('a permission the role lacks covers nothing, even in scope', () => {
    expect(covers(actor(grant({})), 'dues.approve', { id: 'o1', path: 'r.a' })).toBe(false);
  });

  it('a grant with no org covers the whole tree; a self grant covers no org', () => {
    expect(covers(actor(grant({ role: 'org_admin', orgId: null, orgPath: null })), 'dues.approve', { id: 'x', path: 'z.y' })).toBe(true);
    expect(covers(actor(grant({ role: 'member', scope: 'self' })), 'self.read', { id: 'o1', path: 'r.a' })).toBe(false);
    expect(covers(actor(), 'org.read', { id: 'o1', path: 'r.a' })).toBe(false);
  });
});

describe('unscoped', () => {
  it('is TRUE and demands a reason', () => {
    expect(() => unscoped('a structural check')).not.toThrow();
    expect(() => unscoped('  ')).toThrow();
  });
});
