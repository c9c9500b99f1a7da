import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from '../../src/contracts/audit-labels';
import { createHarness, login, type Harness } from '../helpers/harness';
import { makeAccount, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { uniqueIdNumber } from './security/support';

// The auditor reads the log in Chinese: every action named, and the object an
// entry is about by its name (张三, 城关镇第一党支部), not a bare id.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('the audit log as the auditor reads it', () => {
  it('names every action and object type the server writes', () => {
    const text = sourceFiles(path.resolve('src/server')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const actions = new Set([...text.matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)].map((m) => m[1]));
    for (const m of text.matchAll(/auditProbe\(db, req, '([a-z_.]+)'/g)) actions.add(m[1]);
    const types = new Set([...text.matchAll(/objectType: '([a-z_]+)'/g)].map((m) => m[1]));
    expect(actions.size).toBeGreaterThan(40);
    expect([...actions].filter((a) => !AUDIT_ACTIONS[a])).toEqual([]);
    expect([...types].filter((t) => !AUDIT_OBJECT_TYPES[t])).toEqual([]);
  });

  it('lists the name of the member and the org an entry is about', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch', '审计测试第一党支部');
    const admin = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
    const auditor = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const c = await login(h.app, admin.username, PASSWORD);
    const created = await c.post('/api/v1/members', {
      orgId: branch.id, name: '欧阳审计', sex: 'male', ethnicity: '汉族', idNumber: uniqueIdNumber().idNumber, education: 'bachelor', occupation: 'worker',
      phone: '13712345678', joinDate: '2005-07-01', conversionDate: '2006-07-01', status: 'full',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((await c.patch(`/api/v1/orgs/${branch.id}`, { address: '和平路1号', version: 1 })).statusCode).toBeLessThan(300);

    const a = await login(h.app, auditor.username, PASSWORD);
    const items = (await a.get('/api/v1/audit?pageSize=100')).json().items as Array<{ action: string; objectType: string | null; objectId: string | null; objectName: string | null }>;
    const entry = (action: string, id: string) => items.find((i) => i.action === action && i.objectId === id);
    expect(entry('member.create', created.json().id)).toMatchObject({ objectType: 'person', objectName: '欧阳审计' });
    expect(entry('org.update', branch.id)).toMatchObject({ objectType: 'org', objectName: '审计测试第一党支部' });
  });
});
