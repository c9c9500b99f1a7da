import { describe, expect, it } from 'vitest';
import type { Actor, Grant } from '../../src/server/platform/actor';
import { covers, coversSubtree, unscoped } from '../../src/server/platform/scope';

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

describe('coversSubtree', () => {
  it('a subtree grant covers the whole subtree of its own org and of orgs below it, not of siblings, parents or prefixes of the label', () => {
    const a = actor(grant({}));
    expect(coversSubtree(a, 'points.read', { path: 'r.a' })).toBe(true);
    expect(coversSubtree(a, 'points.read', { path: 'r.a.b' })).toBe(true);
    expect(coversSubtree(a, 'points.read', { path: 'r.a.b.c' })).toBe(true);
    expect(coversSubtree(a, 'points.read', { path: 'r' })).toBe(false);
    expect(coversSubtree(a, 'points.read', { path: 'r.b' })).toBe(false);
    expect(coversSubtree(a, 'points.read', { path: 'r.ab' })).toBe(false);
  });

  it('a node grant covers no subtree, not even its own org (which covers() does)', () => {
    const a = actor(grant({ scope: 'node' }));
    expect(covers(a, 'points.read', { id: 'o1', path: 'r.a' })).toBe(true);
    expect(coversSubtree(a, 'points.read', { path: 'r.a' })).toBe(false);
    expect(coversSubtree(a, 'points.read', { path: 'r.a.b' })).toBe(false);
  });

  it('a node grant alongside a subtree grant above it: the subtree grant decides', () => {
    const a = actor(grant({ scope: 'node', orgPath: 'r.a.b', orgId: 'o2' }), grant({ id: 'g2', role: 'party_worker', orgId: 'o0', orgPath: 'r' }));
    expect(coversSubtree(a, 'points.read', { path: 'r.a.b' })).toBe(true);
    // party_worker lacks points.approve: only the node grant holds it
    expect(coversSubtree(a, 'points.approve', { path: 'r.a.b' })).toBe(false);
  });

  it('a permission the role lacks covers no subtree, even in scope', () => {
    expect(coversSubtree(actor(grant({})), 'dues.approve', { path: 'r.a' })).toBe(false);
  });

  it('a grant with no org covers every subtree; a self grant or no grant covers none', () => {
    expect(coversSubtree(actor(grant({ role: 'org_admin', orgId: null, orgPath: null })), 'meeting.read', { path: 'z.y' })).toBe(true);
    expect(coversSubtree(actor(grant({ role: 'member', scope: 'self' })), 'self.read', { path: 'r.a' })).toBe(false);
    expect(coversSubtree(actor(), 'meeting.read', { path: 'r.a' })).toBe(false);
  });
});

describe('unscoped', () => {
  it('is TRUE and demands a reason', () => {
    expect(() => unscoped('a structural check')).not.toThrow();
    expect(() => unscoped('  ')).toThrow();
  });
});
