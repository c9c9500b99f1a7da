import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROLES, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '../../../src/contracts/permissions';
import { routeRegistry } from '../../../src/server/platform/http';
import { sql } from '../../../src/server/platform/sql';
import { buildTemplate } from '../../../src/server/domains/member';
import { generateBills } from '../../../src/server/domains/dues';
import { buildUnitTemplate } from '../../../src/server/domains/map/map.import';
import { createHarness, type Client, type Harness, TEST_TODAY } from '../../helpers/harness';
import { makeAccount, makeCandidate, makeCommunity, makeMember, makeOrg, makeResident, makeRoot, PASSWORD, randomPhone } from '../../helpers/factory';
import { expectEnvelope, multipartFile, PNG_1PX, sessionClient, uniqueIdNumber } from './support';

// Role × action: every route, every role, one syntactically valid request on an
// object inside the caller's own scope. 403 FORBIDDEN exactly when the role's
// permissions (contracts/permissions.ts) lack the route's permission.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

type OrgRef = Awaited<ReturnType<typeof makeRoot>>;

interface World {
  role: Role;
  accountId: string;
  username: string;
  cookie: string;
  scopeOrg: OrgRef; // the grant's org (the root committee for administrators and org_admin, a branch otherwise)
  branch: OrgRef; // where the members live
  movable: OrgRef;
  moveTo: OrgRef;
  dissolvable: OrgRef;
  member: string; // a member of the branch (the member role's own person)
  eventMember: string; // a member whose status change is recorded
  fileId: string;
  jobId: string;
  targetAccount: string; // an account administered by the caller
  targetGrant: string;
  duesBill: string; // an unpaid dues bill of the member
  reduction: string; // a 免交 proposal for the member, awaiting the next level
  devFile: string; // a development file at step 1
  voteFile: string; // a development file ready for the 支部大会 vote (steps 1–14)
  transfers: {
    toOrg: string; // a branch elsewhere under the root: the receiving side of the world's letters
    newMember: string; // a member of the branch without a letter (create, preview)
    draftToIssue: string; // a draft from the branch
    draftToRevoke: string; // a draft from the branch
    pending: string; // a letter from the branch awaiting the root's approval (scope: installation)
    incomingToAccept: string; // an issued letter into the branch
    incomingToReject: string; // an issued letter into the branch
    flowMember: string; // a member of the branch without a 流动党员活动证
    flow: string; // an open 活动证 of a member of the branch
    lostMember: string; // a member of the branch out of contact since 2020
    decision: string; // the branch's proposed decision on another member out of contact
    request: string; // an open request to transfer by a member of the branch
  };
  meetings: {
    live: string; // an assembly of the branch under way now (notice sent: the member is expected)
    toUpdate: string; // a planned theme day
    toCancel: string; // a planned theme day
    withLeave: string; // a planned assembly where another member asked for leave
    held: string; // a held lecture with unconfirmed minutes, host and recorder the member
    locked: string; // a held assembly with locked minutes, a photo and a finished transcript
    file: string; // the photo of the locked meeting
    review: string; // a held 民主评议党员 of the branch
  };
  points: {
    award: string; // an award of 20 points to the member (under the branch's approved rules)
    toConfirm: string; // an open reservation of the member
    toRelease: string; // another open reservation
    pending: string; // a manual award above the threshold waiting for a second approver (requested by the fixture's admin)
    proposal: string; // a proposal of rules not yet voted on
    scheme: string; // the root's 2026 assessment scheme, agreed by the branch
  };
  warning: string; // a live dues warning on the member of the branch
  map: { toUpdate: string; toDelete: string }; // grids kept by the grant's org, version 1
  projects: { id: string; milestone: string; file: string }; // a key project of the branch with one milestone and an evidence file
  volunteer: { activity: string; toCancel: string; signup: string }; // activities of the branch (another member signed up to the first)
  community: string; // a community (社区) under the root, where the resident world's resident is registered
  mall: { item: string; redemption: string }; // an item the branch supplies (10 in stock, 1 point) and the member's open redemption of it
  need: { community: string; need: string; profileVersion: number | null }; // a community under the branch with another resident's open need; the caller's profile (member, resident) in the root's community
  communityReport: { community: string; pending: string; toDecline: string; accepted: string; toEnd: string }; // a community under the branch with four other members' reports (two pending, two accepted)
  club: { community: string; active: string; toDissolve: string; pending: string }; // a community under the branch with a resident's three clubs (two approved, one pending)
  kiosk: { id: string; url: string }; // a kiosk link of the branch (made by the root's org_admin)
  post: { root: string; video: string; text: string; pending: string }; // a community under the branch whose resident published a video and a text to the root's subtree and has a text waiting for review
}

interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  file?: { name: string; data: Buffer; type: string; fields?: Record<string, string> };
  cookie?: string | null; // overrides the world's session (null: no cookie)
}

async function send(cookie: string | null, r: Req): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  if (r.file) {
    const mp = multipartFile(r.file.name, r.file.data, r.file.type, r.file.fields);
    return h.app.inject({ method: r.method, url: r.url, headers: { ...headers, ...mp.headers }, payload: mp.payload });
  }
  if (r.body !== undefined) return h.app.inject({ method: r.method, url: r.url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(r.body) });
  return h.app.inject({ method: r.method, url: r.url, headers });
}

const orgVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM org WHERE id = ${id}`)).version;
const fileVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM dev_file WHERE id = ${id}`)).version;
const transferVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM transfer WHERE id = ${id}`)).version;
const flowVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM flow_certificate WHERE id = ${id}`)).version;
const decisionVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM lost_contact_decision WHERE id = ${id}`)).version;
const meetingVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM meeting WHERE id = ${id}`)).version;
const minutesVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM meeting_minutes WHERE meeting_id = ${id}`)).version;
const transcriptVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM meeting_transcript WHERE meeting_id = ${id}`)).version;
const personVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM person WHERE id = ${id}`)).version;

function newMemberBody(orgId: string) {
  const { idNumber } = uniqueIdNumber();
  return { orgId, name: '矩阵新党员', sex: 'male', ethnicity: '汉族', idNumber, education: 'bachelor', occupation: 'worker', joinDate: '2005-07-01', conversionDate: '2006-07-01', status: 'full' };
}

let xlsxTemplate: Buffer;
let duesTemplate: Buffer;
let unitsTemplate: Buffer;
const MATRIX_SQUARE = { type: 'Polygon', coordinates: [[[113, 28], [113.01, 28], [113.01, 28.01], [113, 28.01], [113, 28]]] };

// One request per operation. Adding a route without a case here fails the suite.
const CASES: Record<string, (w: World) => Promise<Req> | Req> = {
  health: () => ({ method: 'GET', url: '/api/v1/health' }),
  login: (w) => ({ method: 'POST', url: '/api/v1/auth/login', body: { username: w.username, password: PASSWORD }, cookie: null }),
  logout: async (w) => ({ method: 'POST', url: '/api/v1/auth/logout', body: {}, cookie: (await sessionClient(h, w.accountId)).cookie }),
  getMe: () => ({ method: 'GET', url: '/api/v1/me' }),
  // a weak new password: authorized and validated, but no session is ended
  changePassword: () => ({ method: 'POST', url: '/api/v1/me/password', body: { currentPassword: PASSWORD, newPassword: 'password' } }),
  listRuleVersions: () => ({ method: 'GET', url: '/api/v1/rules' }),
  listBackups: () => ({ method: 'GET', url: '/api/v1/system/backups' }),
  startBackup: () => ({ method: 'POST', url: '/api/v1/system/backups' }),
  // the working-day calendar of a year no other test here uses; the delete case configures it first
  listWorkCalendarYears: () => ({ method: 'GET', url: '/api/v1/work-calendar' }),
  getWorkCalendarYear: () => ({ method: 'GET', url: '/api/v1/work-calendar/2032' }),
  putWorkCalendarYear: () => ({ method: 'PUT', url: '/api/v1/work-calendar/2032', body: { source: '矩阵测试通知', days: [{ day: '2032-01-01', kind: 'holiday', name: '元旦' }] } }),
  deleteWorkCalendarYear: async () => {
    await h.db.exec(sql`INSERT INTO work_calendar_year (year, source) VALUES (2032, '矩阵测试通知') ON CONFLICT (year) DO NOTHING`);
    return { method: 'DELETE', url: '/api/v1/work-calendar/2032' };
  },
  listOrgChildren: (w) => ({ method: 'GET', url: `/api/v1/orgs/children?parentId=${w.scopeOrg.id}` }),
  listMyApprovals: () => ({ method: 'GET', url: '/api/v1/me/approvals' }),
  searchEverything: (w) => ({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(w.scopeOrg.name)}` }),
  getWorkbench: () => ({ method: 'GET', url: '/api/v1/workbench' }),
  searchOrgs: (w) => ({ method: 'GET', url: `/api/v1/orgs/search?q=${encodeURIComponent(w.scopeOrg.name)}` }),
  listOrgWarnings: (w) => ({ method: 'GET', url: `/api/v1/orgs/warnings?orgId=${w.scopeOrg.id}` }),
  getOrg: (w) => ({ method: 'GET', url: `/api/v1/orgs/${w.scopeOrg.id}` }),
  createOrg: (w) => ({ method: 'POST', url: '/api/v1/orgs', body: { parentId: w.scopeOrg.id, type: w.scopeOrg.type === 'branch' ? 'party_group' : 'branch', name: '矩阵新建组织' } }),
  updateOrg: async (w) => ({ method: 'PATCH', url: `/api/v1/orgs/${w.scopeOrg.id}`, body: { version: await orgVersion(w.scopeOrg.id), address: '矩阵测试地址' } }),
  moveOrg: async (w) => ({ method: 'POST', url: `/api/v1/orgs/${w.movable.id}/move`, body: { newParentId: w.moveTo.id, version: await orgVersion(w.movable.id) } }),
  dissolveOrg: async (w) => ({ method: 'POST', url: `/api/v1/orgs/${w.dissolvable.id}/dissolve`, body: { dissolvedOn: TEST_TODAY, reason: '矩阵测试撤销', version: await orgVersion(w.dissolvable.id) } }),
  electCommittee: (w) => ({ method: 'POST', url: `/api/v1/orgs/${w.branch.id}/committee`, body: { electedOn: TEST_TODAY, posts: [{ post: 'secretary', holderName: '张书记' }] } }),
  listMembers: (w) => ({ method: 'GET', url: `/api/v1/members?orgId=${w.scopeOrg.id}` }),
  getOrgMemberStats: (w) => ({ method: 'GET', url: `/api/v1/orgs/${w.scopeOrg.id}/member-stats?asOf=${TEST_TODAY}` }),
  getMember: (w) => ({ method: 'GET', url: `/api/v1/members/${w.member}` }),
  getMyProfile: () => ({ method: 'GET', url: '/api/v1/me/profile' }),
  setupTotp: () => ({ method: 'POST', url: '/api/v1/me/totp/setup', body: {} }),
  enableTotp: () => ({ method: 'POST', url: '/api/v1/me/totp/enable', body: { code: '000000' } }),
  createMember: (w) => ({ method: 'POST', url: '/api/v1/members', body: newMemberBody(w.branch.id) }),
  updateMember: async (w) => ({ method: 'PATCH', url: `/api/v1/members/${w.member}`, body: { version: await personVersion(w.member), address: '矩阵测试住址' } }),
  recordMemberEvent: async (w) => ({ method: 'POST', url: `/api/v1/members/${w.eventMember}/events`, body: { reason: 'deceased', eventDate: TEST_TODAY, version: await personVersion(w.eventMember) } }),
  revealMemberField: (w) => ({ method: 'POST', url: `/api/v1/members/${w.member}/reveal`, body: { field: 'idNumber', reason: '核对党员信息' } }),
  exportMembers: (w) => ({ method: 'GET', url: `/api/v1/members/export?orgId=${w.scopeOrg.id}` }),
  getMemberImportTemplate: () => ({ method: 'GET', url: '/api/v1/members/import/template' }),
  importMembers: () => ({ method: 'POST', url: '/api/v1/members/import?dryRun=true', file: { name: 'import.xlsx', data: xlsxTemplate, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }),
  listAccounts: () => ({ method: 'GET', url: '/api/v1/accounts' }),
  createAccount: () => ({ method: 'POST', url: '/api/v1/accounts', body: { username: `n${crypto.randomBytes(5).toString('hex')}`, displayName: '矩阵新账号', password: 'Qz7#matrix-Key' } }),
  updateAccount: (w) => ({ method: 'PATCH', url: `/api/v1/accounts/${w.targetAccount}`, body: { displayName: '矩阵改名' } }),
  grantRole: (w) => ({ method: 'POST', url: `/api/v1/accounts/${w.targetAccount}/grants`, body: { role: 'secretary', orgId: w.branch.id, scope: 'subtree' } }),
  revokeRole: (w) => ({ method: 'DELETE', url: `/api/v1/accounts/${w.targetAccount}/grants/${w.targetGrant}` }),
  // public: whoever asks gets the same answer (this one matches no member record)
  requestMemberActivation: () => ({ method: 'POST', url: '/api/v1/auth/activation/request', body: { name: '矩阵无此人', idNumber: uniqueIdNumber().idNumber, phone: '13900000000' }, cookie: null }),
  // public: no code was sent for this person and phone
  activateMemberAccount: () => ({ method: 'POST', url: '/api/v1/auth/activation/activate', body: { idNumber: uniqueIdNumber().idNumber, phone: '13900000000', code: '000000', password: 'Qz7#matrix-Key' }, cookie: null }),
  // a member of another branch, found by exact name and ID number (an account of the caller's world is linked to them)
  linkAccountToPerson: async (w) => {
    const { idNumber, birth } = uniqueIdNumber();
    await makeMember(h.deps, w.branch.id, { name: '矩阵关联党员', idNumber, birth });
    return { method: 'POST', url: `/api/v1/accounts/${w.targetAccount}/person`, body: { name: '矩阵关联党员', idNumber } };
  },
  resetMemberActivation: (w) => ({ method: 'POST', url: `/api/v1/members/${w.member}/activation/reset`, body: {} }),
  listAuditLog: () => ({ method: 'GET', url: '/api/v1/audit' }),
  verifyAuditLog: () => ({ method: 'POST', url: '/api/v1/audit/verify', body: {} }),
  listJobs: () => ({ method: 'GET', url: '/api/v1/jobs' }),
  getJob: (w) => ({ method: 'GET', url: `/api/v1/jobs/${w.jobId}` }),
  listNotifications: () => ({ method: 'GET', url: '/api/v1/notifications' }),
  markNotificationsRead: () => ({ method: 'POST', url: '/api/v1/notifications/read', body: {} }),
  uploadFile: (w) => ({ method: 'POST', url: `/api/v1/files?ownerType=person&ownerId=${w.member}`, file: { name: '证明.png', data: PNG_1PX, type: 'image/png' } }),
  listFiles: (w) => ({ method: 'GET', url: `/api/v1/files?ownerType=person&ownerId=${w.member}` }),
  downloadFile: (w) => ({ method: 'GET', url: `/api/v1/files/${w.fileId}` }),
  createDevelopmentCandidate: (w) => ({ method: 'POST', url: '/api/v1/development/candidates', body: { orgId: w.branch.id, appliedOn: TEST_TODAY, name: '矩阵申请人', sex: 'male', ethnicity: '汉族', idNumber: uniqueIdNumber().idNumber, education: 'bachelor', occupation: 'worker' } }),
  listDevelopmentCandidates: (w) => ({ method: 'GET', url: `/api/v1/development/candidates?orgId=${w.scopeOrg.id}` }),
  getDevelopmentCandidate: (w) => ({ method: 'GET', url: `/api/v1/development/candidates/${w.devFile}` }),
  recordDevelopmentStep: async (w) => ({ method: 'POST', url: `/api/v1/development/candidates/${w.devFile}/steps`, body: { step: 2, date: TEST_TODAY, talkers: ['矩阵谈话人'], version: await fileVersion(w.devFile) } }),
  recordDevelopmentVote: async (w) => ({ method: 'POST', url: `/api/v1/development/candidates/${w.voteFile}/votes`, body: { kind: 'admission', meetingDate: TEST_TODAY, expected: 3, expectedNote: '矩阵测试', present: 3, written: 0, yes: 3, no: 0, abstain: 0, version: await fileVersion(w.voteFile) } }),
  getDevelopmentVotingMembers: (w) => ({ method: 'GET', url: `/api/v1/development/candidates/${w.voteFile}/voting-members?date=${TEST_TODAY}` }),
  renderDevelopmentDocument: (w) => ({ method: 'GET', url: `/api/v1/development/candidates/${w.devFile}/documents/talk_record` }),
  uploadDevelopmentReport: (w) => ({ method: 'POST', url: `/api/v1/development/candidates/${w.devFile}/reports`, file: { name: '思想汇报.png', data: PNG_1PX, type: 'image/png', fields: { title: '矩阵思想汇报' } } }),
  listDevelopmentDeadlines: (w) => ({ method: 'GET', url: `/api/v1/development/deadlines?orgId=${w.scopeOrg.id}` }),
  getDevelopmentOverview: (w) => ({ method: 'GET', url: `/api/v1/development/overview?orgId=${w.scopeOrg.id}` }),
  getDevelopmentPlan: (w) => ({ method: 'GET', url: `/api/v1/development/plans?orgId=${w.scopeOrg.id}&year=2026` }),
  putDevelopmentPlan: (w) => ({ method: 'PUT', url: '/api/v1/development/plans', body: { orgId: w.scopeOrg.id, year: 2026, planned: 3 } }),
  getMyDevelopment: () => ({ method: 'GET', url: '/api/v1/me/development' }),
  quoteDues: () => ({ method: 'GET', url: '/api/v1/dues/quote?category=in_service&base=500000' }),
  listDuesBases: (w) => ({ method: 'GET', url: `/api/v1/members/${w.member}/dues-bases` }),
  setDuesBase: (w) => ({ method: 'POST', url: `/api/v1/members/${w.member}/dues-bases`, body: { category: 'in_service', baseFen: 410000, effectiveMonth: '2026-12' } }),
  generateDuesBills: (w) => ({ method: 'POST', url: '/api/v1/dues/bills/generate', body: { orgId: w.scopeOrg.id, month: TEST_TODAY.slice(0, 7) } }),
  listDuesBills: (w) => ({ method: 'GET', url: `/api/v1/dues/bills?orgId=${w.scopeOrg.id}` }),
  listDuesBaseStatus: (w) => ({ method: 'GET', url: `/api/v1/dues/bases?orgId=${w.scopeOrg.id}` }),
  recordDuesPayment: (w) => ({ method: 'POST', url: '/api/v1/dues/payments', body: { billIds: [w.duesBill], method: 'cash', paidOn: TEST_TODAY, idempotencyKey: `matrix-${crypto.randomUUID()}` } }),
  recordVoluntaryDues: (w) => ({ method: 'POST', url: '/api/v1/dues/voluntary', body: { personId: w.member, amountFen: 5000, method: 'cash', paidOn: TEST_TODAY, idempotencyKey: `matrix-${crypto.randomUUID()}` } }),
  getDuesSummary: (w) => ({ method: 'GET', url: `/api/v1/dues/summary?orgId=${w.scopeOrg.id}&from=2026-01&to=2026-12` }),
  getMyDues: () => ({ method: 'GET', url: '/api/v1/me/dues' }),
  proposeDuesReduction: (w) => ({ method: 'POST', url: '/api/v1/dues/reductions', body: { personId: w.member, kind: 'exempt', fromMonth: '2027-04', toMonth: '2027-06', reason: '矩阵测试：生活困难' } }),
  listDuesReductions: (w) => ({ method: 'GET', url: `/api/v1/dues/reductions?orgId=${w.scopeOrg.id}` }),
  decideDuesReduction: (w) => ({ method: 'POST', url: `/api/v1/dues/reductions/${w.reduction}/decision`, body: { approve: true } }),
  listDuesArrears: (w) => ({ method: 'GET', url: `/api/v1/dues/arrears?orgId=${w.scopeOrg.id}` }),
  createMyDuesOrder: (w) => ({ method: 'POST', url: '/api/v1/me/dues/orders', body: { billIds: [w.duesBill] } }),
  getMyDuesOrder: () => ({ method: 'GET', url: '/api/v1/me/dues/orders/DJ00000000NOSUCHORDER' }),
  simulateDuesPayment: () => ({ method: 'POST', url: '/api/v1/me/dues/orders/DJ00000000NOSUCHORDER/simulate', body: {} }),
  // public, verified by the provider's signature: an unsigned body is refused
  paymentNotification: () => ({ method: 'POST', url: '/api/v1/payments/notify/simulated', body: { out_trade_no: 'X', total_fen: 1 } }),
  exportDuesSummary: (w) => ({ method: 'GET', url: `/api/v1/dues/summary/export?orgId=${w.scopeOrg.id}&from=2026-01&to=2026-12` }),
  getDuesRules: (w) => ({ method: 'GET', url: `/api/v1/dues/rules?orgId=${w.scopeOrg.id}&month=2026-11` }),
  getMemberDuesStatement: (w) => ({ method: 'GET', url: `/api/v1/members/${w.member}/dues-statement?from=2026-01&to=2026-12` }),
  exportMemberDuesStatement: (w) => ({ method: 'GET', url: `/api/v1/members/${w.member}/dues-statement/export?from=2026-01&to=2026-12` }),
  getDuesBaseImportTemplate: () => ({ method: 'GET', url: '/api/v1/dues/bases/import/template' }),
  importDuesBases: () => ({ method: 'POST', url: '/api/v1/dues/bases/import?dryRun=true', file: { name: 'bases.xlsx', data: duesTemplate, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }),
  reconcileDuesPayments: () => ({ method: 'POST', url: '/api/v1/dues/reconciliation', body: { day: TEST_TODAY } }),
  downloadMyDevelopmentReport: () => ({ method: 'GET', url: `/api/v1/me/development/reports/${crypto.randomUUID()}` }),
  renderTransferLetter: (w) => ({ method: 'GET', url: `/api/v1/transfers/${w.transfers.incomingToReject}/letter` }),
  verifyTransferLetter: () => ({ method: 'GET', url: `/api/v1/public/transfer-letters/${'x'.repeat(24)}` }),
  registerIncomingLetter: (w) => {
    const n = uniqueIdNumber();
    return { method: 'POST', url: '/api/v1/transfers/incoming', body: { ...newMemberBody(w.branch.id), idNumber: n.idNumber, externalOrgName: '外省某党委', externalLetterNo: '矩阵第1号', scope: 'national', issuedOn: TEST_TODAY, validDays: 30, acceptedOn: TEST_TODAY, reason: '矩阵测试' } };
  },
  issueFlowCertificate: (w) => ({ method: 'POST', url: '/api/v1/mobile-members', body: { personId: w.transfers.flowMember, destination: '矩阵测试地', reason: '外出务工', issuedOn: TEST_TODAY } }),
  listMobileMembers: () => ({ method: 'GET', url: '/api/v1/mobile-members?direction=outgoing' }),
  recordFlowAction: async (w) => ({ method: 'POST', url: `/api/v1/mobile-members/${w.transfers.flow}/actions`, body: { version: await flowVersion(w.transfers.flow), action: 'report', date: TEST_TODAY } }),
  listLostContactMembers: () => ({ method: 'GET', url: '/api/v1/lost-contact-members' }),
  recordMemberContact: (w) => ({ method: 'POST', url: `/api/v1/members/${w.member}/contacts`, body: { contactOn: TEST_TODAY, method: 'phone', reached: true } }),
  proposeLostContactDecision: (w) => ({ method: 'POST', url: `/api/v1/members/${w.transfers.lostMember}/lost-contact-decisions`, body: { kind: 'suspend', resolutionOn: TEST_TODAY, resolution: '矩阵测试：支部决议停止党籍' } }),
  decideLostContact: async (w) => ({ method: 'POST', url: `/api/v1/lost-contact-decisions/${w.transfers.decision}/decision`, body: { version: await decisionVersion(w.transfers.decision), approve: false } }),
  searchReceivingOrgs: () => ({ method: 'GET', url: `/api/v1/transfers/receiving-orgs?q=${encodeURIComponent('支部')}` }),
  getMyTransfers: () => ({ method: 'GET', url: '/api/v1/me/transfers' }),
  requestMyTransfer: () => ({ method: 'POST', url: '/api/v1/me/transfer-requests', body: { destination: '矩阵测试单位', reason: '矩阵测试' } }),
  withdrawMyTransferRequest: () => ({ method: 'POST', url: `/api/v1/me/transfer-requests/${crypto.randomUUID()}/withdraw`, body: { version: 1 } }),
  listTransferRequests: () => ({ method: 'GET', url: '/api/v1/transfer-requests' }),
  declineTransferRequest: async (w) => ({ method: 'POST', url: `/api/v1/transfer-requests/${w.transfers.request}/decline`, body: { version: 1, answer: '矩阵测试：不同意' } }),
  listLostContactDecisions: () => ({ method: 'GET', url: '/api/v1/lost-contact-decisions?proposed=true' }),
  listTransfers: () => ({ method: 'GET', url: '/api/v1/transfers?direction=all' }),
  previewTransfer: (w) => ({ method: 'GET', url: `/api/v1/transfers/preview?personId=${w.transfers.newMember}&toOrgId=${w.transfers.toOrg}` }),
  createTransfer: (w) => ({ method: 'POST', url: '/api/v1/transfers', body: { personId: w.transfers.newMember, toOrgId: w.transfers.toOrg, reason: '矩阵测试：工作调动' } }),
  getTransfer: (w) => ({ method: 'GET', url: `/api/v1/transfers/${w.transfers.pending}` }),
  issueTransfer: async (w) => ({ method: 'POST', url: `/api/v1/transfers/${w.transfers.draftToIssue}/issue`, body: { version: await transferVersion(w.transfers.draftToIssue) } }),
  approveTransfer: async (w) => ({ method: 'POST', url: `/api/v1/transfers/${w.transfers.pending}/approve`, body: { version: await transferVersion(w.transfers.pending) } }),
  acceptTransfer: async (w) => ({ method: 'POST', url: `/api/v1/transfers/${w.transfers.incomingToAccept}/accept`, body: { version: await transferVersion(w.transfers.incomingToAccept), acceptedOn: TEST_TODAY } }),
  rejectTransfer: async (w) => ({ method: 'POST', url: `/api/v1/transfers/${w.transfers.incomingToReject}/reject`, body: { version: await transferVersion(w.transfers.incomingToReject), reason: '矩阵测试：未报到' } }),
  revokeTransfer: async (w) => ({ method: 'POST', url: `/api/v1/transfers/${w.transfers.draftToRevoke}/revoke`, body: { version: await transferVersion(w.transfers.draftToRevoke), reason: '矩阵测试：撤回' } }),
  listMeetings: () => ({ method: 'GET', url: '/api/v1/meetings' }),
  createMeeting: (w) => ({ method: 'POST', url: '/api/v1/meetings', body: { orgId: w.branch.id, type: 'theme_day', plannedDate: '2026-12-15' } }),
  generateMeetingPlan: (w) => ({ method: 'POST', url: '/api/v1/meetings/plan', body: { orgId: w.branch.id, year: 2027 } }),
  getMeetingCompliance: (w) => ({ method: 'GET', url: `/api/v1/meetings/compliance?orgId=${w.branch.id}&period=2026-Q4` }),
  getMeeting: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.live}` }),
  updateMeeting: async (w) => ({ method: 'PATCH', url: `/api/v1/meetings/${w.meetings.toUpdate}`, body: { version: await meetingVersion(w.meetings.toUpdate), location: '矩阵会议室' } }),
  cancelMeeting: async (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.toCancel}/cancel`, body: { version: await meetingVersion(w.meetings.toCancel), reason: '矩阵测试改期' } }),
  sendMeetingNotice: async (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.withLeave}/notice`, body: { version: await meetingVersion(w.meetings.withLeave) } }),
  getMeetingSignInCode: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.live}/sign-in-code` }),
  signInMeeting: (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.live}/sign-in`, body: { token: 'abc.AAAAAAAAAAAAAAAAAAAAAAAA' } }),
  requestMeetingLeave: (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.live}/leave`, body: { reason: '矩阵测试外出' } }),
  decideMeetingLeave: (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.withLeave}/leave/decide`, body: { personId: w.eventMember, approve: true } }),
  markMeetingAttendance: (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.live}/attendance`, body: { marks: [{ personId: w.eventMember, attendance: 'present' }] } }),
  saveMeetingMinutes: async (w) => ({ method: 'PUT', url: `/api/v1/meetings/${w.meetings.held}/minutes`, body: { version: await minutesVersion(w.meetings.held), heldOn: TEST_TODAY, hostPersonId: w.member, recorderPersonId: w.member, lecturer: '矩阵讲师', topic: '矩阵党课', agenda: '议程', resolutions: [], record: '<p>记录</p>' } }),
  confirmMeetingMinutes: async (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.held}/minutes/confirm`, body: { version: await minutesVersion(w.meetings.held), as: 'host' } }),
  addMeetingCorrection: (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.locked}/corrections`, body: { body: '矩阵测试更正说明' } }),
  getMeetingReviews: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.review}/reviews` }),
  recordMeetingReviews: (w) => ({ method: 'PUT', url: `/api/v1/meetings/${w.meetings.review}/reviews`, body: { grades: [{ personId: w.member, grade: 'qualified' }] } }),
  getMyMeetings: () => ({ method: 'GET', url: '/api/v1/me/meetings' }),
  listPointEntries: (w) => ({ method: 'GET', url: `/api/v1/points/entries?orgId=${w.branch.id}` }),
  getPointBalance: (w) => ({ method: 'GET', url: `/api/v1/points/balance/${w.member}` }),
  getMyPoints: () => ({ method: 'GET', url: '/api/v1/me/points' }),
  awardPoints: (w) => ({ method: 'POST', url: '/api/v1/points/awards', body: { personId: w.member, item: 'manual.award', points: 1, factDate: TEST_TODAY, reason: '矩阵测试奖励', idempotencyKey: `matrix-${w.role}-award` } }),
  listPointAwardRequests: () => ({ method: 'GET', url: '/api/v1/points/award-requests' }),
  decidePointAward: (w) => ({ method: 'POST', url: `/api/v1/points/award-requests/${w.points.pending}/decide`, body: { approve: false, note: '矩阵测试' } }),
  reversePointEntry: (w) => ({ method: 'POST', url: `/api/v1/points/entries/${w.points.award}/reverse`, body: { reason: '矩阵测试冲正', idempotencyKey: `matrix-${w.role}-reverse` } }),
  reservePoints: (w) => ({ method: 'POST', url: '/api/v1/points/reservations', body: { personId: w.member, points: 1, reason: '矩阵测试兑换', idempotencyKey: `matrix-${w.role}-reserve` } }),
  confirmPointReservation: (w) => ({ method: 'POST', url: `/api/v1/points/reservations/${w.points.toConfirm}/confirm`, body: { idempotencyKey: `matrix-${w.role}-confirm` } }),
  releasePointReservation: (w) => ({ method: 'POST', url: `/api/v1/points/reservations/${w.points.toRelease}/release`, body: { idempotencyKey: `matrix-${w.role}-release` } }),
  getPointRules: (w) => ({ method: 'GET', url: `/api/v1/points/rules?orgId=${w.branch.id}` }),
  proposePointRules: (w) => ({ method: 'POST', url: '/api/v1/points/rules/proposals', body: { orgId: w.branch.id, effectiveFrom: TEST_TODAY, rules: MATRIX_POINT_RULES } }),
  approvePointRules: (w) => ({ method: 'POST', url: `/api/v1/points/rules/proposals/${w.points.proposal}/approve`, body: { version: 0, votedOn: TEST_TODAY, expected: 10, present: 8, written: 0, yes: 8, no: 0, abstain: 0 } }),
  getBranchAssessment: (w) => ({ method: 'GET', url: `/api/v1/points/assessment?orgId=${w.branch.id}&year=2026` }),
  getAssessmentScheme: (w) => ({ method: 'GET', url: `/api/v1/points/assessment/scheme?orgId=${w.branch.id}&year=2026` }),
  // next year's, so the agreed 2026 scheme of the fixture stays the one in force
  publishAssessmentRules: (w) => ({ method: 'POST', url: '/api/v1/points/assessment/scheme', body: { orgId: w.scopeOrg.id, year: 2027, items: MATRIX_ASSESSMENT_ITEMS } }),
  agreeAssessmentRules: (w) => ({ method: 'POST', url: `/api/v1/points/assessment/scheme/${w.points.scheme}/agreements`, body: { orgId: w.branch.id, votedOn: TEST_TODAY, expected: 10, present: 8, written: 0, yes: 8, no: 0, abstain: 0 } }),
  scoreBranchAssessment: (w) => ({ method: 'POST', url: '/api/v1/points/assessment/scores', body: { orgId: w.branch.id, year: 2026, scores: [{ item: 'org_life', points: 8, evidence: '矩阵测试评分' }] } }),
  getBranchIndex: (w) => ({ method: 'GET', url: `/api/v1/index/branch?orgId=${w.branch.id}&period=2026-Q4` }),
  getOrgPortrait: (w) => ({ method: 'GET', url: `/api/v1/index/portrait?orgId=${w.branch.id}&period=2026-Q4` }),
  renderBranchReport: (w) => ({ method: 'GET', url: `/api/v1/index/report?orgId=${w.branch.id}&period=2026-Q4&format=pdf` }),
  recomputeBranchIndex: (w) => ({ method: 'POST', url: '/api/v1/index/recompute', body: { orgId: w.branch.id, period: '2026-Q4' } }),
  getMyBranchIndex: () => ({ method: 'GET', url: '/api/v1/me/branch-index' }),
  getDashboardDrill: (w) => ({ method: 'GET', url: `/api/v1/dashboard/drill?orgId=${w.branch.id}&rows=sex&cols=age` }),
  exportDashboardDrill: (w) => ({ method: 'GET', url: `/api/v1/dashboard/drill/export?orgId=${w.branch.id}&rows=sex&cols=age` }),
  getProblemAnalysis: (w) => ({ method: 'GET', url: `/api/v1/analysis/problems?orgId=${w.branch.id}` }),
  getStatisticsForm: (w) => ({ method: 'GET', url: `/api/v1/statistics/forms/balance?orgId=${w.branch.id}&year=2025` }),
  exportStatisticsForm: (w) => ({ method: 'GET', url: `/api/v1/statistics/forms/basics/export?orgId=${w.branch.id}&year=2025` }),
  listReportSubjects: () => ({ method: 'GET', url: '/api/v1/reports/subjects' }),
  // the org tree is the route's permission; a subject beyond the role's (members for the administrators) is refused as input
  runReport: (w) => ({ method: 'POST', url: '/api/v1/reports/run', body: { subject: 'members', orgId: w.scopeOrg.id, rows: 'org', measures: ['count'], from: '2026-01-01', to: TEST_TODAY } }),
  listReports: () => ({ method: 'GET', url: '/api/v1/reports' }),
  scheduleReport: () => ({ method: 'POST', url: `/api/v1/reports/${crypto.randomUUID()}/schedule`, body: { frequency: 'monthly', format: 'xlsx' } }),
  listReportDeliveries: () => ({ method: 'GET', url: '/api/v1/reports/deliveries' }),
  downloadReportDelivery: () => ({ method: 'GET', url: `/api/v1/reports/deliveries/${crypto.randomUUID()}/download` }),
  exportReport: (w) => ({ method: 'POST', url: '/api/v1/reports/export', body: { format: 'xlsx', spec: { subject: 'members', orgId: w.scopeOrg.id, rows: 'sex', measures: ['count'], from: '2026-01-01', to: TEST_TODAY } } }),
  saveReport: (w) => ({ method: 'POST', url: '/api/v1/reports', body: { name: `矩阵${w.role}`, spec: { subject: 'members', orgId: w.scopeOrg.id, rows: 'org', measures: ['count'], from: '2026-01-01', to: TEST_TODAY } } }),
  getStatisticsReconciliation: (w) => ({ method: 'GET', url: `/api/v1/statistics/reconciliation?orgId=${w.scopeOrg.id}&year=2025` }),
  // the world's grant org closes 2024 (only org_admin may: the root, refused by the order, not 403)
  closeStatisticsYear: (w) => ({ method: 'POST', url: '/api/v1/statistics/closings', body: { orgId: w.scopeOrg.id, year: 2024 } }),
  renderProblemBrief: (w) => ({ method: 'GET', url: `/api/v1/analysis/problems/brief?orgId=${w.branch.id}` }),
  getDashboard: (w) => ({ method: 'GET', url: `/api/v1/dashboard?orgId=${w.branch.id}` }),
  listWarnings: (w) => ({ method: 'GET', url: `/api/v1/warnings?orgId=${w.branch.id}` }),
  acknowledgeWarning: (w) => ({ method: 'POST', url: `/api/v1/warnings/${w.warning}/handle`, body: { action: 'acknowledge' } }),
  scanWarnings: () => ({ method: 'POST', url: '/api/v1/warnings/scan' }),
  listProjects: (w) => ({ method: 'GET', url: `/api/v1/projects?orgId=${w.branch.id}` }),
  exportProjects: (w) => ({ method: 'GET', url: `/api/v1/projects/export?orgId=${w.branch.id}` }),
  createProject: (w) => ({ method: 'POST', url: '/api/v1/projects', body: { ...MATRIX_PROJECT, ownerOrgId: w.branch.id, ownerPersonId: w.member } }),
  getProject: (w) => ({ method: 'GET', url: `/api/v1/projects/${w.projects.id}` }),
  updateProject: async (w) => ({ method: 'PUT', url: `/api/v1/projects/${w.projects.id}`, body: { ...MATRIX_PROJECT, name: '矩阵项目改', ownerPersonId: w.member, version: await projectVersion(w.projects.id) } }),
  saveProjectMilestones: async (w) => ({ method: 'PUT', url: `/api/v1/projects/${w.projects.id}/milestones`, body: { version: await projectVersion(w.projects.id), milestones: [{ id: w.projects.milestone, title: '矩阵节点改', dueOn: '2027-01-31', weight: 2, responsibleOrgId: w.branch.id }] } }),
  recordProjectProgress: (w) => ({ method: 'POST', url: `/api/v1/projects/${w.projects.id}/progress`, body: { milestoneId: w.projects.milestone, reportedOn: TEST_TODAY, percent: 50, note: '矩阵测试进展', evidenceIds: [w.projects.file] } }),
  // the root's org_admin is the branch's superior; 不合格 needs no completed roadmap (the project stays in progress)
  acceptProject: async (w) => ({ method: 'POST', url: `/api/v1/projects/${w.projects.id}/acceptance`, body: { version: await projectVersion(w.projects.id), acceptedOn: TEST_TODAY, grade: 'unqualified', score: 50, opinion: '矩阵测试：限期整改' } }),
  listMallItems: (w) => ({ method: 'GET', url: `/api/v1/mall/items?orgId=${w.branch.id}` }),
  createMallItem: (w) => ({ method: 'POST', url: '/api/v1/mall/items', body: { ...MATRIX_MALL_ITEM, supplierOrgId: w.branch.id } }),
  updateMallItem: async (w) => ({ method: 'PUT', url: `/api/v1/mall/items/${w.mall.item}`, body: { ...MATRIX_MALL_ITEM, name: '矩阵商品改', status: 'on_sale', version: await mallItemVersion(w.mall.item) } }),
  restockMallItem: (w) => ({ method: 'POST', url: `/api/v1/mall/items/${w.mall.item}/stock`, body: { quantity: 1, reason: '矩阵测试入库' } }),
  getMallStockLedger: (w) => ({ method: 'GET', url: `/api/v1/mall/items/${w.mall.item}/stock` }),
  listRedemptions: (w) => ({ method: 'GET', url: `/api/v1/mall/redemptions?orgId=${w.branch.id}` }),
  exportRedemptions: (w) => ({ method: 'GET', url: `/api/v1/mall/redemptions/export?orgId=${w.branch.id}` }),
  fulfilRedemption: () => ({ method: 'POST', url: '/api/v1/mall/redemptions/fulfil', body: { code: 'ZZZZZZZZ' } }),
  cancelRedemption: (w) => ({ method: 'POST', url: `/api/v1/mall/redemptions/${w.mall.redemption}/cancel`, body: { reason: '矩阵测试取消' } }),
  getMyMall: () => ({ method: 'GET', url: '/api/v1/me/mall' }),
  redeemMallItem: (w) => ({ method: 'POST', url: '/api/v1/me/mall/redemptions', body: { itemId: w.mall.item, quantity: 1, idempotencyKey: `matrix-redeem-${w.mall.item}` } }),
  listMyRedemptions: () => ({ method: 'GET', url: '/api/v1/me/mall/redemptions' }),
  listCommunities: () => ({ method: 'GET', url: '/api/v1/public/communities?q=%E7%9F%A9%E9%98%B5', cookie: null }),
  requestResidentCode: () => ({ method: 'POST', url: '/api/v1/public/residents/code', body: { phone: randomPhone() }, cookie: null }),
  registerResident: (w) => ({ method: 'POST', url: '/api/v1/public/residents', body: { phone: randomPhone(), code: '000000', password: 'Qz7#matrix-Key', name: '矩阵群众', communityId: w.community, address: '矩阵路1号' }, cookie: null }),
  getMyResidentProfile: () => ({ method: 'GET', url: '/api/v1/me/resident' }),
  updateMyResidentProfile: (w) => ({ method: 'PUT', url: '/api/v1/me/resident', body: { name: '矩阵群众', communityId: w.community, address: '矩阵路2号', version: 1 } }),
  listResidents: (w) => ({ method: 'GET', url: `/api/v1/residents?orgId=${w.branch.id}` }),
  listVolunteerActivities: (w) => ({ method: 'GET', url: `/api/v1/volunteer/activities?orgId=${w.branch.id}` }),
  createVolunteerActivity: (w) => ({ method: 'POST', url: '/api/v1/volunteer/activities', body: { ...MATRIX_ACTIVITY, orgId: w.branch.id } }),
  getVolunteerActivity: (w) => ({ method: 'GET', url: `/api/v1/volunteer/activities/${w.volunteer.activity}` }),
  cancelVolunteerActivity: (w) => ({ method: 'POST', url: `/api/v1/volunteer/activities/${w.volunteer.toCancel}/cancel`, body: { reason: '矩阵测试取消' } }),
  attestVolunteerHours: (w) => ({ method: 'POST', url: `/api/v1/volunteer/activities/${w.volunteer.activity}/attest`, body: { signupId: w.volunteer.signup, absent: true } }),
  getMyVolunteer: () => ({ method: 'GET', url: '/api/v1/me/volunteer' }),
  signUpActivity: (w) => ({ method: 'POST', url: '/api/v1/me/volunteer/signups', body: { activityId: w.volunteer.activity } }),
  withdrawVolunteerSignup: (w) => ({ method: 'POST', url: `/api/v1/me/volunteer/signups/${w.volunteer.signup}/withdraw` }),
  renderVolunteerCertificate: () => ({ method: 'GET', url: '/api/v1/me/volunteer/certificate' }),
  publishNeed: () => ({ method: 'POST', url: '/api/v1/me/needs', body: MATRIX_NEED }),
  listMyNeeds: () => ({ method: 'GET', url: '/api/v1/me/needs' }),
  cancelMyNeed: (w) => ({ method: 'POST', url: `/api/v1/me/needs/${w.need.need}/cancel`, body: { reason: '矩阵测试撤回' } }),
  rateNeed: (w) => ({ method: 'POST', url: `/api/v1/me/needs/${w.need.need}/rate`, body: { rating: 5 } }),
  getMyServableNeeds: () => ({ method: 'GET', url: '/api/v1/me/volunteer/needs' }),
  saveMyVolunteerProfile: (w) => ({ method: 'PUT', url: '/api/v1/me/volunteer/profile', body: { communityOrgId: w.community, skills: ['repair'], availability: ['weekend'], accepting: true, version: w.need.profileVersion } }),
  claimNeed: (w) => ({ method: 'POST', url: `/api/v1/me/volunteer/needs/${w.need.need}/claim` }),
  completeNeed: (w) => ({ method: 'POST', url: `/api/v1/me/volunteer/needs/${w.need.need}/complete`, body: { note: '矩阵测试办结' } }),
  listNeeds: (w) => ({ method: 'GET', url: `/api/v1/needs?orgId=${w.need.community}` }),
  getNeed: (w) => ({ method: 'GET', url: `/api/v1/needs/${w.need.need}` }),
  matchNeed: (w) => ({ method: 'POST', url: `/api/v1/needs/${w.need.need}/match`, body: {} }),
  reportToCommunity: (w) => ({ method: 'POST', url: '/api/v1/community-reports', body: { reporterOrgId: w.branch.id, communityOrgId: w.community, note: '矩阵测试报到' } }),
  reportMyselfToCommunity: (w) => ({ method: 'POST', url: '/api/v1/me/community-report', body: { communityOrgId: w.community, address: '矩阵测试小区1栋', note: '' } }),
  getMyCommunityReport: () => ({ method: 'GET', url: '/api/v1/me/community-report' }),
  listCommunityReports: (w) => ({ method: 'GET', url: `/api/v1/community-reports?orgId=${w.communityReport.community}` }),
  getCommunityReport: (w) => ({ method: 'GET', url: `/api/v1/community-reports/${w.communityReport.accepted}` }),
  acceptCommunityReport: (w) => ({ method: 'POST', url: `/api/v1/community-reports/${w.communityReport.pending}/accept`, body: { role: '矩阵岗位', tasks: '矩阵测试任务', version: 1 } }),
  declineCommunityReport: (w) => ({ method: 'POST', url: `/api/v1/community-reports/${w.communityReport.toDecline}/decline`, body: { reason: '矩阵测试退回' } }),
  recordCommunityService: (w) => ({ method: 'POST', url: `/api/v1/community-reports/${w.communityReport.accepted}/services`, body: { servedOn: TEST_TODAY, hours: 1.5, content: '矩阵测试服务' } }),
  endCommunityReport: (w) => ({ method: 'POST', url: `/api/v1/community-reports/${w.communityReport.toEnd}/end`, body: { reason: '矩阵测试结束' } }),
  evaluateCommunityReport: (w) => ({ method: 'POST', url: `/api/v1/community-reports/${w.communityReport.accepted}/evaluations`, body: { year: 2026, grade: 'good', comment: '' } }),
  listKiosks: (w) => ({ method: 'GET', url: `/api/v1/kiosks?orgId=${w.branch.id}` }),
  createKiosk: (w) => ({ method: 'POST', url: '/api/v1/kiosks', body: { orgId: w.branch.id, name: '矩阵测试大屏' } }),
  revokeKiosk: (w) => ({ method: 'POST', url: `/api/v1/kiosks/${w.kiosk.id}/revoke` }),
  // public: the link's token is the credential (the board is read before the link is revoked, in alphabetical order)
  getKioskBoard: (w) => ({ method: 'GET', url: `/api/v1${w.kiosk.url}` }),
  checkInAtCentre: (w) => ({ method: 'POST', url: '/api/v1/me/volunteer/check-in', body: { activityId: w.volunteer.activity, kioskId: w.kiosk.id, token: 'x.AAAAAAAAAAAAAAAAAAAAAAAA' } }),
  getMyClubs: (w) => ({ method: 'GET', url: `/api/v1/me/clubs?communityOrgId=${w.club.community}` }),
  createClub: (w) => ({ method: 'POST', url: '/api/v1/me/clubs', body: { communityOrgId: w.club.community, name: '矩阵测试社团', category: 'reading', description: '矩阵测试社团的宗旨和活动介绍' } }),
  getMyClub: (w) => ({ method: 'GET', url: `/api/v1/me/clubs/${w.club.active}` }),
  joinClub: (w) => ({ method: 'POST', url: `/api/v1/me/clubs/${w.club.active}/join` }),
  leaveClub: (w) => ({ method: 'POST', url: `/api/v1/me/clubs/${w.club.toDissolve}/leave` }),
  createClubActivity: (w) => ({ method: 'POST', url: `/api/v1/me/clubs/${w.club.active}/activities`, body: { title: '矩阵社团活动', place: '矩阵测试活动室', capacity: 5, startsAt: '2026-12-20T01:00:00Z', endsAt: '2026-12-20T03:00:00Z' } }),
  listClubs: (w) => ({ method: 'GET', url: `/api/v1/clubs?orgId=${w.club.community}` }),
  getClub: (w) => ({ method: 'GET', url: `/api/v1/clubs/${w.club.active}` }),
  reviewClub: (w) => ({ method: 'POST', url: `/api/v1/clubs/${w.club.pending}/review`, body: { decision: 'approve', note: '' } }),
  dissolveClub: (w) => ({ method: 'POST', url: `/api/v1/clubs/${w.club.toDissolve}/dissolve`, body: { reason: '矩阵测试解散' } }),
  createPost: (w) => ({ method: 'POST', url: '/api/v1/me/posts', body: { body: '矩阵测试动态', audienceOrgId: w.post.root } }),
  uploadVideo: (w) => ({ method: 'POST', url: '/api/v1/me/posts/video', file: { name: '视频.mp4', data: PNG_1PX, type: 'video/mp4', fields: { body: '矩阵测试', audienceOrgId: w.post.root } } }),
  listMyPosts: () => ({ method: 'GET', url: '/api/v1/me/posts' }),
  withdrawMyPost: (w) => ({ method: 'POST', url: `/api/v1/me/posts/${w.post.text}/withdraw` }),
  listPostFeed: () => ({ method: 'GET', url: '/api/v1/posts/feed' }),
  reportPost: (w) => ({ method: 'POST', url: `/api/v1/posts/${w.post.text}/report`, body: { reason: '矩阵测试举报' } }),
  streamPostVideo: (w) => ({ method: 'GET', url: `/api/v1/posts/${w.post.video}/video` }),
  getPostThumbnail: (w) => ({ method: 'GET', url: `/api/v1/posts/${w.post.video}/thumbnail` }),
  listPostsForModeration: () => ({ method: 'GET', url: '/api/v1/posts/moderation' }),
  moderatePost: (w) => ({ method: 'POST', url: `/api/v1/posts/${w.post.pending}/moderate`, body: { action: 'approve' } }),
  listBranchCommunityEvaluations: (w) => ({ method: 'GET', url: `/api/v1/community-reports/evaluations?orgId=${w.branch.id}&year=2026` }),
  uploadProjectFile: (w) => ({ method: 'POST', url: `/api/v1/projects/${w.projects.id}/files`, file: { name: '佐证.png', data: PNG_1PX, type: 'image/png' } }),
  downloadProjectFile: (w) => ({ method: 'GET', url: `/api/v1/projects/${w.projects.id}/files/${w.projects.file}` }),
  getMapConfig: () => ({ method: 'GET', url: '/api/v1/map/config' }),
  getMapLayer: (w) => ({ method: 'GET', url: `/api/v1/map/layer?layer=orgs&orgId=${w.branch.id}` }),
  getMapOrgCard: (w) => ({ method: 'GET', url: `/api/v1/map/orgs/${w.branch.id}` }),
  searchMap: (w) => ({ method: 'GET', url: `/api/v1/map/search?orgId=${w.branch.id}&q=${encodeURIComponent('测试')}` }),
  listBlindSpots: (w) => ({ method: 'GET', url: `/api/v1/map/blind-spots?orgId=${w.branch.id}` }),
  saveGrid: (w) => ({ method: 'POST', url: '/api/v1/map/areas', body: { kind: 'grid', orgId: w.scopeOrg.id, name: '矩阵网格', geometry: MATRIX_SQUARE } }),
  updateGrid: (w) => ({ method: 'PUT', url: `/api/v1/map/areas/${w.map.toUpdate}`, body: { kind: 'grid', orgId: w.scopeOrg.id, name: '矩阵网格改', geometry: MATRIX_SQUARE, version: 1 } }),
  deleteGrid: (w) => ({ method: 'DELETE', url: `/api/v1/map/areas/${w.map.toDelete}?version=1` }),
  importGrids: (w) => ({ method: 'POST', url: `/api/v1/map/areas/import?kind=grid&orgId=${w.scopeOrg.id}`, file: { name: 'grids.geojson', data: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { 名称: '矩阵导入网格' }, geometry: MATRIX_SQUARE }] })), type: 'application/geo+json' } }),
  getUnitImportTemplate: () => ({ method: 'GET', url: '/api/v1/map/units/import/template' }),
  // the template as downloaded: its example row is refused (a made-up credit code), answered 200 with the row's problem
  importGridUnits: (w) => ({ method: 'POST', url: `/api/v1/map/units/import?orgId=${w.scopeOrg.id}`, file: { name: 'units.xlsx', data: unitsTemplate, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }),
  getMeetingRoom: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.live}/room` }),
  // a plain GET (no upgrade) passes the same checks and is answered 426; the socket itself: tests/integration/meeting-room.test.ts
  joinMeetingRoom: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.live}/room/socket` }),
  getCalendarFeed: () => ({ method: 'GET', url: '/api/v1/me/calendar-feed' }),
  createCalendarFeed: () => ({ method: 'POST', url: '/api/v1/me/calendar-feed', body: {} }),
  revokeCalendarFeed: () => ({ method: 'DELETE', url: '/api/v1/me/calendar-feed' }),
  getCalendarIcs: () => ({ method: 'GET', url: `/api/v1/calendar/${'x'.repeat(32)}.ics` }),
  uploadMeetingFile: (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.locked}/files?kind=photo`, file: { name: '会场.png', data: PNG_1PX, type: 'image/png' } }),
  downloadMeetingFile: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.locked}/files/${w.meetings.file}` }),
  uploadMeetingAudio: (w) => ({ method: 'POST', url: `/api/v1/meetings/${w.meetings.locked}/audio`, file: { name: '录音.png', data: PNG_1PX, type: 'image/png' } }),
  getMeetingTranscript: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.locked}/transcript` }),
  saveMeetingTranscript: async (w) => ({ method: 'PUT', url: `/api/v1/meetings/${w.meetings.locked}/transcript`, body: { version: await transcriptVersion(w.meetings.locked), segments: [{ startMs: 0, endMs: 1000, text: '矩阵测试' }] } }),
  getMeetingKeywords: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.locked}/keywords` }),
  renderMeetingReport: (w) => ({ method: 'GET', url: `/api/v1/meetings/${w.meetings.locked}/report.docx` }),
  uploadMyDevelopmentReport: () => ({ method: 'POST', url: '/api/v1/me/development/reports', file: { name: '思想汇报.png', data: PNG_1PX, type: 'image/png', fields: { title: '矩阵思想汇报' } } }),
};

// Allowed calls that are authorized but, by design of the request, do not succeed.
function expectedAllowedStatus(operationId: string, w: World): number | null {
  if (operationId === 'changePassword') return 422; // WEAK_PASSWORD
  if (operationId === 'enableTotp') return 400; // no pending secret, or a wrong code: VALIDATION_FAILED
  if (operationId === 'getMyProfile' && w.role !== 'member') return 404; // no linked person record
  if (operationId === 'uploadMyDevelopmentReport') return 404; // the caller has no open development file
  if (operationId === 'downloadMyDevelopmentReport') return 404; // no such report of the caller's
  if (operationId === 'getMyDues' && w.role !== 'member') return 404; // no linked person record
  if (operationId === 'createMyDuesOrder' && w.role !== 'member') return 404; // the bill is not the caller's
  if (operationId === 'getMyDuesOrder' || operationId === 'simulateDuesPayment') return 404; // no such order of the caller's
  if (operationId === 'paymentNotification') return 400; // not signed by the provider
  if (operationId === 'activateMemberAccount') return 422; // no code was sent: ACTIVATION_CODE_EXPIRED
  if (operationId === 'registerResident') return 422; // no code was sent to that number: ACTIVATION_CODE_EXPIRED
  if (operationId === 'verifyTransferLetter') return 404; // no letter has that code
  if (['runReport', 'saveReport', 'exportReport'].includes(operationId) && ADMIN_ROLES.includes(w.role)) return 400; // no member data: the subject is refused
  if (operationId === 'scheduleReport' || operationId === 'downloadReportDelivery') return 404; // no such report or delivery of the caller's
  if (operationId === 'closeStatisticsYear') return 422; // the root's subordinate committees have not closed 2024: STATISTICS_CLOSING_RULE
  if ((operationId === 'getMyTransfers' || operationId === 'requestMyTransfer') && w.role !== 'member') return 404; // no linked person record
  if (operationId === 'withdrawMyTransferRequest') return 404; // no such request of the caller's
  const personless = w.role !== 'member'; // only the member's account is linked to a person record
  if (operationId === 'signInMeeting') return personless ? 404 : 422; // a forged token: SIGNIN_TOKEN_INVALID
  if ((operationId === 'requestMeetingLeave' || operationId === 'getMyMeetings' || operationId === 'createCalendarFeed') && personless) return 404;
  if ((operationId === 'getMyPoints' || operationId === 'getMyBranchIndex') && personless) return 404;
  if (operationId === 'confirmMeetingMinutes' && personless) return 422; // not the host in person: MINUTES_CONFIRMER
  if (operationId === 'getCalendarIcs') return 404; // no feed has that token
  if (operationId === 'fulfilRedemption') return 422; // no redemption waits under that code: MALL_CODE_INVALID
  if (['getMyMall', 'redeemMallItem', 'listMyRedemptions'].includes(operationId) && personless) return 404; // no linked person record
  // a volunteer is a member (by their person record) or a resident (by their profile)
  const volunteerless = personless && w.role !== 'resident';
  if (['getMyVolunteer', 'renderVolunteerCertificate'].includes(operationId) && volunteerless) return 404;
  if (operationId === 'signUpActivity' && w.role !== 'member') return 404; // the activity's audience is the branch: the resident lives in another community
  if (operationId === 'withdrawVolunteerSignup') return 404; // the place is another member's
  if (['cancelMyNeed', 'rateNeed'].includes(operationId)) return 404; // the need is another resident's
  if (['getMyServableNeeds', 'saveMyVolunteerProfile'].includes(operationId) && volunteerless) return 404;
  // the caller's profile serves the root's community: the need, in another community and not pushed to them, is out of their reach
  if (['claimNeed', 'completeNeed'].includes(operationId)) return 404;
  // only members report (双报到): the caller's own person record
  if (['reportMyselfToCommunity', 'getMyCommunityReport'].includes(operationId) && w.role !== 'member') return 404;
  // clubs: the caller is no member of the clubs (alphabetical order: the activity comes before joining; leaving comes after the club is dissolved)
  if (['getMyClubs', 'createClub', 'getMyClub', 'joinClub', 'leaveClub', 'createClubActivity'].includes(operationId) && volunteerless) return 404;
  if (operationId === 'createClubActivity' || operationId === 'leaveClub') return 409; // CLUB_NOT_LEADER; CLUB_STATE
  if (operationId === 'checkInAtCentre') return volunteerless ? 404 : 422; // a forged code: KIOSK_CODE_INVALID
  // posts: the caller posts as a member or a resident; the post to withdraw is another's; a PNG is no video
  if (['createPost', 'uploadVideo', 'listMyPosts'].includes(operationId) && volunteerless) return 404;
  if (operationId === 'uploadVideo') return 415; // VIDEO_TYPE_NOT_ALLOWED
  if (operationId === 'withdrawMyPost') return 404;
  if (operationId === 'joinMeetingRoom') return 426; // not a WebSocket upgrade: UPGRADE_REQUIRED
  if (operationId === 'uploadMeetingAudio') return 409; // no speech engine configured in the tests: ASR_NOT_CONFIGURED
  if (operationId === 'agreeAssessmentRules') return 409; // the branch agreed already (the fixture's vote): POINTS_STATE
  // a branch-level grant: a branch publishes no scheme and is not the superior of itself
  if (operationId === 'publishAssessmentRules' && w.role === 'secretary') return 400;
  if (operationId === 'scoreBranchAssessment' && w.role === 'secretary') return 400;
  // the warning is a dues warning: out of sight without dues.read, read-only without dues.manage
  if (operationId === 'acknowledgeWarning' && !ROLE_PERMISSIONS[w.role].includes('dues.manage')) return ROLE_PERMISSIONS[w.role].includes('dues.read') ? 403 : 404;
  if (operationId === 'listWarnings' && !ROLE_PERMISSIONS[w.role].includes('org.read')) return 404; // narrowed to an org the member does not see
  return null; // any 2xx
}

async function buildWorld(role: Role): Promise<World> {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const isAdmin = ADMIN_ROLES.includes(role);
  const atRoot = isAdmin || role === 'org_admin';
  const scopeOrg = atRoot ? root : branch;
  const movable = atRoot ? await makeOrg(h.deps, root, 'branch') : await makeOrg(h.deps, branch, 'party_group');
  const moveTo = atRoot ? await makeOrg(h.deps, root, 'general_branch') : branch;
  const dissolvable = atRoot ? await makeOrg(h.deps, root, 'branch') : await makeOrg(h.deps, branch, 'party_group');
  const m1 = uniqueIdNumber();
  const member = (await makeMember(h.deps, branch.id, { idNumber: m1.idNumber, birth: m1.birth, phone: '13800138000' })).id;
  const m2 = uniqueIdNumber();
  const eventMember = (await makeMember(h.deps, branch.id, { idNumber: m2.idNumber, birth: m2.birth })).id;
  const community = await makeCommunity(h.deps, root, '矩阵测试社区党支部');
  const grant = isAdmin ? { role, orgId: null, scope: 'subtree' as const } : role === 'member' ? { role, orgId: branch.id, scope: 'self' as const } : { role, orgId: scopeOrg.id, scope: 'subtree' as const };
  // a resident registers by phone: their account and profile as registration writes them
  const acc = role === 'resident' ? await makeResident(h.deps, community.id).then((r) => ({ id: r.accountId, username: r.username })) : await makeAccount(h.deps, [grant], role === 'member' ? member : null);
  const key = await h.deps.files.put(PNG_1PX);
  const file = await h.db.one<{ id: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
    VALUES ('person', ${member}, ${branch.id}, '附件.png', 'image/png', ${PNG_1PX.length}, ${crypto.createHash('sha256').update(PNG_1PX).digest('hex')}, ${key}, ${acc.id}) RETURNING id`);
  const job = await h.db.one<{ id: string }>(sql`INSERT INTO job (kind, status, created_by, finished_at) VALUES ('test.noop', 'succeeded', ${acc.id}, now()) RETURNING id`);
  const target = await makeAccount(h.deps, [{ role: 'party_worker', orgId: branch.id, scope: 'subtree' }]);
  const targetGrant = await h.db.one<{ id: string }>(sql`SELECT id FROM role_grant WHERE account_id = ${target.id}`);
  const client = await sessionClient(h, acc.id);
  const devFile = (await makeCandidate(h.deps, branch.id, 1)).fileId;
  await h.db.exec(sql`INSERT INTO dues_base (person_id, category, base_fen, effective_month) VALUES (${member}, 'in_service', 400000, '2026-01-01')`);
  // the members' relations start today: bill the current month
  await h.db.tx((t) => generateBills(t, branch.path, TEST_TODAY.slice(0, 7)));
  const duesBill = (await h.db.one<{ id: string }>(sql`SELECT id FROM dues_bill WHERE person_id = ${member}`)).id;
  const reduction = (await h.db.one<{ id: string }>(sql`INSERT INTO dues_reduction (person_id, org_id, kind, from_month, to_month, reason)
    VALUES (${member}, ${branch.id}, 'exempt', '2027-01-01', '2027-03-01', '矩阵测试') RETURNING id`)).id;
  const voteFile = (await makeCandidate(h.deps, branch.id, 14)).fileId;
  const transfers = await transferWorld(root, branch);
  const meetings = await meetingWorld(root, branch, member, eventMember);
  const points = await pointsWorld(root, branch, member);
  const warning = (await h.db.one<{ id: string }>(sql`INSERT INTO warning (key, module, kind, org_id, person_id, title, detail, level, link, discovered_at, updated_at)
    VALUES (${'dues.arrears:' + member}, 'dues', 'arrears', ${branch.id}, ${member}, '矩阵测试', '连续3个月未交党费', 'warning', '/admin/dues/summary', now(), now()) RETURNING id`)).id;
  const projects = await projectWorld(root, branch, member);
  const mall = await mallWorld(root, branch, member);
  const area = async () => (await h.db.one<{ id: string }>(sql`INSERT INTO map_area (kind, org_id, name, geometry, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat)
    VALUES ('grid', ${scopeOrg.id}, '矩阵测试网格', ${JSON.stringify(MATRIX_SQUARE)}::jsonb, 113, 28, 113.01, 28.01, 113.005, 28.005) RETURNING id`)).id;
  return {
    warning,
    map: { toUpdate: await area(), toDelete: await area() },
    projects,
    mall,
    volunteer: await volunteerWorld(root, branch),
    community: community.id,
    need: await needWorld(branch, role, client, community.id),
    communityReport: await communityReportWorld(root, branch),
    club: await clubWorld(root, branch),
    kiosk: await kioskWorld(root, branch),
    post: await postWorld(root, branch),
    transfers,
    meetings,
    points,
    role, accountId: acc.id, username: acc.username, cookie: client.cookie, scopeOrg, branch, movable, moveTo, dissolvable, member, eventMember,
    fileId: file.id, jobId: job.id, targetAccount: target.id, targetGrant: targetGrant.id, devFile, voteFile, duesBill, reduction,
  };
}

const MATRIX_ACTIVITY = { title: '矩阵志愿活动', description: '', place: '矩阵测试服务站', startsAt: '2026-12-20T01:00:00Z', endsAt: '2026-12-20T04:00:00Z', capacity: 10, skills: [] };

/** Two activities of the branch (one to cancel) and another member's place on the first, made through the API. */
async function volunteerWorld(root: OrgRef, branch: OrgRef): Promise<World['volunteer']> {
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const make = async () => {
    const res = await admin.post('/api/v1/volunteer/activities', { ...MATRIX_ACTIVITY, orgId: branch.id });
    if (res.statusCode !== 201) throw new Error(`volunteer fixture: ${res.body}`);
    return res.json().id as string;
  };
  const [activity, toCancel] = [await make(), await make()];
  const { idNumber, birth } = uniqueIdNumber();
  const other = await makeMember(h.deps, branch.id, { idNumber, birth });
  const volunteer = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], other.id)).id);
  const res = await volunteer.post('/api/v1/me/volunteer/signups', { activityId: activity });
  if (res.statusCode !== 200) throw new Error(`volunteer sign-up fixture: ${res.body}`);
  return { activity, toCancel, signup: res.json().mine[0].mySignup.id as string };
}

const MATRIX_NEED = { category: 'repair', title: '矩阵测试微心愿', detail: '', place: '矩阵测试小区', windowFrom: '2026-12-20T01:00:00Z', windowTo: '2026-12-20T03:00:00Z' };

/** A community under the branch with another resident's open need; the caller's volunteer profile when they are a volunteer (member, resident). */
async function needWorld(branch: OrgRef, role: Role, caller: Client, callerCommunity: string): Promise<World['need']> {
  const community = await makeCommunity(h.deps, branch, '矩阵测试需求社区党支部');
  const publisher = await makeResident(h.deps, community.id);
  const res = await (await sessionClient(h, publisher.accountId)).post('/api/v1/me/needs', MATRIX_NEED);
  if (res.statusCode !== 201) throw new Error(`need fixture: ${res.body}`);
  let profileVersion: number | null = null;
  if (role === 'member' || role === 'resident') {
    const p = await caller.put('/api/v1/me/volunteer/profile', { communityOrgId: callerCommunity, skills: ['repair'], availability: ['weekend'], accepting: true });
    if (p.statusCode !== 200) throw new Error(`volunteer profile fixture: ${p.body}`);
    profileVersion = p.json().version as number;
  }
  return { community: community.id, need: res.json().id as string, profileVersion };
}

/** A community under the branch and four other members of the branch reported to it (two pending, two accepted by the root's org_admin), made through the API. */
async function communityReportWorld(root: OrgRef, branch: OrgRef): Promise<World['communityReport']> {
  const community = await makeCommunity(h.deps, branch, '矩阵测试报到社区党支部');
  const report = async () => {
    const { idNumber, birth } = uniqueIdNumber();
    const m = await makeMember(h.deps, branch.id, { idNumber, birth });
    const c = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], m.id)).id);
    const res = await c.post('/api/v1/me/community-report', { communityOrgId: community.id, address: '矩阵测试小区2栋', note: '' });
    if (res.statusCode !== 201) throw new Error(`community report fixture: ${res.body}`);
    return res.json().id as string;
  };
  const [pending, toDecline, accepted, toEnd] = [await report(), await report(), await report(), await report()];
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  for (const id of [accepted, toEnd]) {
    const res = await admin.post(`/api/v1/community-reports/${id}/accept`, { role: '矩阵岗位', tasks: '矩阵测试任务', version: 1 });
    if (res.statusCode !== 200) throw new Error(`community report accept fixture: ${res.body}`);
  }
  return { community: community.id, pending, toDecline, accepted, toEnd };
}

/** A kiosk link of the branch, made through the API by the root's org_admin. */
async function kioskWorld(root: OrgRef, branch: OrgRef): Promise<World['kiosk']> {
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const res = await admin.post('/api/v1/kiosks', { orgId: branch.id, name: '矩阵大屏' });
  if (res.statusCode !== 201) throw new Error(`kiosk fixture: ${res.body}`);
  return { id: res.json().kiosk.id as string, url: res.json().url as string };
}

/** A community under the branch and a resident's three clubs there: two approved by the root's org_admin, one pending; made through the API. */
/** A community under the branch with a resident's published video and text (audience: the root's subtree) and a text waiting for review; the video's files written as the job would. */
async function postWorld(root: OrgRef, branch: OrgRef): Promise<World['post']> {
  const community = await makeCommunity(h.deps, branch, '矩阵测试短视频社区党支部');
  const author = await makeResident(h.deps, community.id, { name: '矩阵作者' });
  const insert = async (kind: 'text' | 'video', status: string) => {
    const keys = kind === 'video' ? { original: await h.deps.files.put(Buffer.from('original')), video: await h.deps.files.put(Buffer.from('video-bytes')), thumb: await h.deps.files.put(PNG_1PX) } : null;
    return (await h.db.one<{ id: string }>(sql`INSERT INTO post (author_account_id, resident_id, author_name, audience_org_id, moderating_org_id, kind, body, status, original_key, original_mime, video_key, thumbnail_key, published_at, created_at)
      VALUES (${author.accountId}, ${author.id}, '矩阵作者', ${root.id}, ${community.id}, ${kind}, '矩阵测试动态', ${status}, ${keys?.original ?? null}, ${keys ? 'video/mp4' : null}, ${keys?.video ?? null}, ${keys?.thumb ?? null},
        ${status === 'published' ? '2026-12-01T02:00:00Z' : null}, '2026-12-01T01:00:00Z') RETURNING id`)).id;
  };
  return { root: root.id, video: await insert('video', 'published'), text: await insert('text', 'published'), pending: await insert('text', 'pending_review') };
}

async function clubWorld(root: OrgRef, branch: OrgRef): Promise<World['club']> {
  const community = await makeCommunity(h.deps, branch, '矩阵测试社团社区党支部');
  const founder = await sessionClient(h, (await makeResident(h.deps, community.id)).accountId);
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const found = async (name: string) => {
    const res = await founder.post('/api/v1/me/clubs', { name, category: 'culture', description: '矩阵测试社团的宗旨和活动介绍' });
    if (res.statusCode !== 201) throw new Error(`club fixture: ${res.body}`);
    return res.json().id as string;
  };
  const approve = async (id: string) => {
    const res = await admin.post(`/api/v1/clubs/${id}/review`, { decision: 'approve', note: '' });
    if (res.statusCode !== 200) throw new Error(`club review fixture: ${res.body}`);
  };
  const [active, toDissolve] = [await found('矩阵社团甲'), await found('矩阵社团乙')];
  await approve(active);
  await approve(toDissolve);
  return { community: community.id, active, toDissolve, pending: await found('矩阵社团丙') };
}

const MATRIX_MALL_ITEM = { kind: 'goods', name: '矩阵商品', description: '矩阵测试商品', pointsPrice: 1, perPersonLimit: null, saleFrom: '2026-01-01', saleTo: null, pickupPlace: '矩阵测试服务站', initialStock: 10 };
const mallItemVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM mall_item WHERE id = ${id}`)).version;

/** An item the branch supplies and the member's open redemption of it, made through the API. */
async function mallWorld(root: OrgRef, branch: OrgRef, member: string): Promise<World['mall']> {
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const res = await admin.post('/api/v1/mall/items', { ...MATRIX_MALL_ITEM, supplierOrgId: branch.id });
  if (res.statusCode !== 201) throw new Error(`mall fixture: ${res.body}`);
  const item = res.json().id as string;
  const buyer = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], member)).id);
  const red = await buyer.post('/api/v1/me/mall/redemptions', { itemId: item, quantity: 1, idempotencyKey: `matrix-fixture-${item}` });
  if (red.statusCode !== 200) throw new Error(`mall redemption fixture: ${red.body}`);
  return { item, redemption: red.json().id as string };
}

const MATRIX_PROJECT = { type: 'secretary', name: '矩阵测试项目', rationale: '矩阵测试立项依据', goals: '矩阵测试目标', startOn: '2026-11-01', endOn: '2027-03-31' };
const projectVersion = async (id: string) => (await h.db.one<{ version: number }>(sql`SELECT version FROM project WHERE id = ${id}`)).version;

/** A key project of the world's branch with one milestone and an evidence file, made through the API by the root's org_admin. */
async function projectWorld(root: OrgRef, branch: OrgRef, member: string): Promise<World['projects']> {
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const res = await admin.post('/api/v1/projects', { ...MATRIX_PROJECT, ownerOrgId: branch.id, ownerPersonId: member, milestones: [{ title: '矩阵节点', dueOn: '2027-01-31', weight: 1, responsibleOrgId: branch.id }] });
  if (res.statusCode !== 201) throw new Error(`project fixture: ${res.body}`);
  const id = res.json().id as string;
  const mp = multipartFile('佐证.png', PNG_1PX, 'image/png');
  const file = await h.app.inject({ method: 'POST', url: `/api/v1/projects/${id}/files`, headers: { cookie: admin.cookie, ...mp.headers }, payload: mp.payload });
  if (file.statusCode !== 201) throw new Error(`project file fixture: ${file.body}`);
  const milestone = (await h.db.one<{ id: string }>(sql`SELECT id FROM project_milestone WHERE project_id = ${id}`)).id;
  return { id, milestone, file: file.json().id as string };
}

/**
 * Letters around the world's branch, made through the API by the root's
 * org_admin: drafts and a letter in approval from the branch, two issued
 * letters into it from a sibling branch.
 */
async function transferWorld(root: OrgRef, branch: OrgRef): Promise<World['transfers']> {
  const toOrg = await makeOrg(h.deps, root, 'branch');
  const sibling = await makeOrg(h.deps, root, 'branch');
  const farRoot = await makeRoot(h.deps);
  const far = await makeOrg(h.deps, farRoot, 'branch');
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const member = async (orgId: string) => {
    const n = uniqueIdNumber();
    return (await makeMember(h.deps, orgId, { idNumber: n.idNumber, birth: n.birth, since: '2020-01-01' })).id;
  };
  const draft = async (personId: string, toOrgId: string) => {
    const res = await admin.post('/api/v1/transfers', { personId, toOrgId, reason: '矩阵测试' });
    if (res.statusCode !== 201) throw new Error(`transfer fixture: ${res.body}`);
    return res.json().id as string;
  };
  const created = async (url: string, body: unknown) => {
    const res = await admin.post(url, body);
    if (res.statusCode !== 201) throw new Error(`fixture ${url}: ${res.body}`);
    return res.json().id as string;
  };
  const memberRequest = async (personId: string) => {
    const c = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], personId)).id);
    const res = await c.post('/api/v1/me/transfer-requests', { destination: '矩阵测试单位', reason: '矩阵测试' });
    if (res.statusCode !== 201) throw new Error(`request fixture: ${res.body}`);
    return res.json().id as string;
  };
  const issue = async (id: string) => {
    const res = await admin.post(`/api/v1/transfers/${id}/issue`, { version: await transferVersion(id) });
    if (res.statusCode !== 200) throw new Error(`transfer fixture: ${res.body}`);
    return id;
  };
  return {
    toOrg: toOrg.id,
    newMember: await member(branch.id),
    draftToIssue: await draft(await member(branch.id), toOrg.id),
    draftToRevoke: await draft(await member(branch.id), toOrg.id),
    pending: await issue(await draft(await member(branch.id), far.id)),
    incomingToAccept: await issue(await draft(await member(sibling.id), branch.id)),
    incomingToReject: await issue(await draft(await member(sibling.id), branch.id)),
    flowMember: await member(branch.id),
    flow: await created('/api/v1/mobile-members', { personId: await member(branch.id), destination: '矩阵测试地', reason: '外出务工', issuedOn: TEST_TODAY }),
    lostMember: await member(branch.id),
    request: await memberRequest(await member(branch.id)),
    decision: await created(`/api/v1/members/${await member(branch.id)}/lost-contact-decisions`, { kind: 'suspend', resolutionOn: TEST_TODAY, resolution: '矩阵测试：支部决议停止党籍' }),
  };
}

const MATRIX_ASSESSMENT_ITEMS = [{ key: 'org_life', label: '组织生活规范', maxPoints: 10, basis: '查阅会议记录' }];

const MATRIX_POINT_RULES = {
  items: [{ key: 'manual.award', label: '先锋作用', points: 10, caps: {} }, { key: 'manual.deduction', label: '违反纪律', points: -20, caps: {} }],
  expiry: null,
  secondApproverAbove: 10,
};

/** Points of the world's branch: approved rules, an award, two open reservations, a waiting award, a proposal — through the API by the root's org_admin. */
async function pointsWorld(root: OrgRef, branch: OrgRef, member: string): Promise<World['points']> {
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const ok = async (res: LightMyRequestResponse) => {
    if (res.statusCode >= 300) throw new Error(`points fixture: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const proposal = async () => (await ok(await admin.post('/api/v1/points/rules/proposals', { orgId: branch.id, effectiveFrom: TEST_TODAY, rules: MATRIX_POINT_RULES }))).id as string;
  await ok(await admin.post(`/api/v1/points/rules/proposals/${await proposal()}/approve`, { version: 0, votedOn: TEST_TODAY, expected: 10, present: 8, written: 0, yes: 8, no: 0, abstain: 0 }));
  const award = await ok(await admin.post('/api/v1/points/awards', { personId: member, item: 'manual.award', points: 10, factDate: TEST_TODAY, reason: '矩阵测试奖励', idempotencyKey: `fixture-${branch.id}-award` }));
  await ok(await admin.post('/api/v1/points/awards', { personId: member, item: 'manual.award', points: 10, factDate: TEST_TODAY, reason: '矩阵测试奖励二', idempotencyKey: `fixture-${branch.id}-award2` }));
  const reserve = async (n: number) => (await ok(await admin.post('/api/v1/points/reservations', { personId: member, points: 2, reason: '矩阵测试兑换', idempotencyKey: `fixture-${branch.id}-reserve-${n}` }))).txn.id as number;
  const pending = await ok(await admin.post('/api/v1/points/awards', { personId: member, item: 'manual.award', points: 11, factDate: TEST_TODAY, reason: '矩阵测试大额奖励', idempotencyKey: `fixture-${branch.id}-pending` }));
  const scheme = (await ok(await admin.post('/api/v1/points/assessment/scheme', { orgId: root.id, year: 2026, items: MATRIX_ASSESSMENT_ITEMS }))).id as string;
  await ok(await admin.post(`/api/v1/points/assessment/scheme/${scheme}/agreements`, { orgId: branch.id, votedOn: TEST_TODAY, expected: 10, present: 8, written: 0, yes: 8, no: 0, abstain: 0 }));
  return { award: String(award.txn.id), toConfirm: String(await reserve(1)), toRelease: String(await reserve(2)), pending: pending.pendingRequestId as string, proposal: await proposal(), scheme };
}

/** Meetings of the world's branch in each state the routes act on, made through the API by the root's org_admin. */
async function meetingWorld(root: OrgRef, branch: OrgRef, member: string, other: string): Promise<World['meetings']> {
  const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).id);
  const ok = async (res: LightMyRequestResponse) => {
    if (res.statusCode >= 300) throw new Error(`meeting fixture: ${res.statusCode} ${res.body}`);
    return res.statusCode === 201 ? (res.json().id as string) : '';
  };
  const make = async (body: Record<string, unknown>) => ok(await admin.post('/api/v1/meetings', { orgId: branch.id, plannedDate: TEST_TODAY, ...body }));
  const start = new Date(Date.parse(`${TEST_TODAY}T04:00:00Z`) - 10 * 60_000).toISOString();
  const live = await make({ type: 'branch_assembly', startsAt: start, sendNotice: true });
  const withLeave = await make({ type: 'branch_assembly', plannedDate: '2026-12-20', startsAt: '2026-12-20T06:00:00Z', sendNotice: true });
  const leaver = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], other)).id);
  await ok(await leaver.post(`/api/v1/meetings/${withLeave}/leave`, { reason: '矩阵测试外出' }));
  const minutes = (id: string, extra: Record<string, unknown> = {}) => admin.put(`/api/v1/meetings/${id}/minutes`, { version: 0, heldOn: TEST_TODAY, hostPersonId: member, recorderPersonId: member, agenda: '学习党的二十大精神', resolutions: ['同意'], record: '<p>会议学习了主题党日活动安排。</p>', ...extra });
  const held = await make({ type: 'party_lecture' });
  await ok(await minutes(held, { lecturer: '矩阵讲师', topic: '矩阵党课' }));
  const locked = await make({ type: 'branch_assembly', plannedDate: '2026-12-01' });
  await ok(await minutes(locked, { heldOn: '2026-12-01' }));
  const host = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], member)).id);
  await ok(await host.post(`/api/v1/meetings/${locked}/minutes/confirm`, { version: await minutesVersion(locked), as: 'host' }));
  const key = await h.deps.files.put(PNG_1PX);
  const file = (await h.db.one<{ id: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key)
    VALUES ('meeting', ${locked}, ${branch.id}, '会场.png', 'image/png', ${PNG_1PX.length}, ${crypto.createHash('sha256').update(PNG_1PX).digest('hex')}, ${key}) RETURNING id`)).id;
  await h.db.exec(sql`INSERT INTO meeting_file (meeting_id, file_id, kind) VALUES (${locked}, ${file}, 'photo')`);
  await h.db.exec(sql`INSERT INTO meeting_transcript (meeting_id, file_id, status, engine, progress, duration_ms, segments) VALUES (${locked}, ${file}, 'done', 'tone-test', 100, 3000, '[{"startMs":0,"endMs":1000,"text":"学习党的二十大精神"}]')`);
  const review = await make({ type: 'democratic_review', plannedDate: '2026-12-02' });
  await ok(await minutes(review, { heldOn: '2026-12-02' }));
  return {
    live, withLeave, held, locked, file, review,
    toUpdate: await make({ type: 'theme_day', plannedDate: '2026-12-15' }),
    toCancel: await make({ type: 'theme_day', plannedDate: '2026-12-16' }),
  };
}

function isPermission(access: string): access is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, access);
}

describe('the route registry', () => {
  it('declares public, authenticated or a known permission on every route', () => {
    expect(routeRegistry.length).toBeGreaterThan(0);
    for (const r of routeRegistry) expect(r.access === 'public' || r.access === 'authenticated' || isPermission(r.access), `${r.operationId}: ${r.access}`).toBe(true);
    expect(new Set(routeRegistry.map((r) => r.operationId)).size).toBe(routeRegistry.length);
  });

  it('has exactly login, logout, health, member activation, resident registration, the payment provider\'s notification, the letter check, the calendar feed and the centre\'s kiosk board (their tokens are the credentials) as public routes', () => {
    expect(routeRegistry.filter((r) => r.access === 'public').map((r) => r.operationId).sort()).toEqual([
      'activateMemberAccount', 'getCalendarIcs', 'getKioskBoard', 'health', 'listCommunities', 'login', 'logout', 'paymentNotification', 'registerResident', 'requestMemberActivation', 'requestResidentCode', 'verifyTransferLetter',
    ]);
  });

  it('has a matrix case for every route and no case for a route that does not exist', () => {
    expect(Object.keys(CASES).sort()).toEqual(routeRegistry.map((r) => r.operationId).sort());
  });
});

describe('role × action matrix', () => {
  beforeAll(async () => {
    xlsxTemplate = await buildTemplate();
    unitsTemplate = Buffer.from(await buildUnitTemplate());
    duesTemplate = Buffer.from(await (await h.app.inject({ method: 'GET', url: '/api/v1/dues/bases/import/template', headers: { cookie: (await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: null, scope: 'subtree' }])).id)).cookie } })).rawPayload);
  });

  for (const role of Object.keys(ROLES) as Role[]) {
    it(`${role}: 403 exactly where ${role} lacks the route's permission, and each denial is audited`, async () => {
      const w = await buildWorld(role);
      const denied: string[] = [];
      const failures: string[] = [];
      for (const route of [...routeRegistry].sort((a, b) => a.operationId.localeCompare(b.operationId))) {
        const build = CASES[route.operationId];
        expect(build, `no matrix case for ${route.operationId}`).toBeDefined();
        const req = await build(w);
        const res = await send(req.cookie === undefined ? w.cookie : req.cookie, req);
        // the expectation comes from the permission table, not from the response
        const mustDeny = isPermission(route.access) && !ROLE_PERMISSIONS[role].includes(route.access);
        const where = `${role} ${route.operationId} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (mustDeny) {
          denied.push(route.operationId);
          if (res.statusCode !== 403 || res.json().error?.code !== 'FORBIDDEN') failures.push(`expected 403 FORBIDDEN: ${where}`);
          else expectEnvelope(res, 'FORBIDDEN');
        } else {
          const want = expectedAllowedStatus(route.operationId, w);
          if (res.statusCode === 401 || res.statusCode === 403) failures.push(`expected to be allowed: ${where}`);
          else if (want !== null ? res.statusCode !== want : res.statusCode < 200 || res.statusCode >= 300) failures.push(`expected ${want ?? '2xx'}: ${where}`);
        }
      }
      expect(failures).toEqual([]);
      const audits = await h.db.query<{ outcome: string; operation_id: string }>(sql`
        SELECT outcome, detail->>'operationId' AS operation_id FROM audit_log WHERE action = 'access.denied' AND account_id = ${w.accountId} ORDER BY id`);
      expect(audits.map((a) => a.operation_id).sort()).toEqual([...denied].sort());
      expect(audits.every((a) => a.outcome === 'denied')).toBe(true);
    });
  }

  it('answers 401 UNAUTHENTICATED on every non-public route without a session', async () => {
    const w = await buildWorld('org_admin');
    const failures: string[] = [];
    for (const route of routeRegistry.filter((r) => r.access !== 'public')) {
      const req = await CASES[route.operationId](w);
      const res = await send(null, req);
      if (res.statusCode !== 401 || res.json().error?.code !== 'UNAUTHENTICATED') failures.push(`${route.operationId} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      else expectEnvelope(res, 'UNAUTHENTICATED');
    }
    expect(failures).toEqual([]);
  });
});

describe('administrator separation', () => {
  it('the system administrator cannot read the audit log; the auditor can', async () => {
    const sys = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
    const aud = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const sysRes = await (await sessionClient(h, sys.id)).get('/api/v1/audit');
    expect(sysRes.statusCode).toBe(403);
    expectEnvelope(sysRes, 'FORBIDDEN');
    expect((await (await sessionClient(h, sys.id)).post('/api/v1/audit/verify')).statusCode).toBe(403);
    const audRes = await (await sessionClient(h, aud.id)).get('/api/v1/audit');
    expect(audRes.statusCode).toBe(200);
    expect(audRes.json().total).toBeGreaterThan(0);
  });

  it('refuses a second administrator role through the API (ADMIN_ROLE_CONFLICT)', async () => {
    const sec = await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }]);
    const c = await sessionClient(h, sec.id);
    const target = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
    for (const role of ['auditor', 'secadmin'] as const) {
      const res = await c.post(`/api/v1/accounts/${target.id}/grants`, { role, scope: 'subtree' });
      expect(res.statusCode).toBe(422);
      expectEnvelope(res, 'ADMIN_ROLE_CONFLICT');
    }
    const grants = await h.db.query<{ role: string }>(sql`SELECT role FROM role_grant WHERE account_id = ${target.id} AND revoked_at IS NULL`);
    expect(grants.map((g) => g.role)).toEqual(['sysadmin']);
  });

  it('the database trigger rejects a second administrator role, and any mix of administrator and business roles', async () => {
    const root = await makeRoot(h.deps);
    const target = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    await expect(h.db.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope) VALUES (${target.id}, 'sysadmin', NULL, 'subtree')`)).rejects.toMatchObject({ code: 'P0002' });
    await expect(h.db.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope) VALUES (${target.id}, 'secadmin', NULL, 'subtree')`)).rejects.toMatchObject({ code: 'P0002' });
    await expect(h.db.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope) VALUES (${target.id}, 'org_admin', ${root.id}, 'subtree')`)).rejects.toMatchObject({ code: 'P0003' });
    const business = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }, { role: 'member', orgId: root.id, scope: 'self' }]);
    await expect(h.db.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope) VALUES (${business.id}, 'sysadmin', NULL, 'subtree')`)).rejects.toMatchObject({ code: 'P0003' });
    await expect(h.db.exec(sql`UPDATE role_grant SET role = 'secadmin', org_id = NULL WHERE account_id = ${business.id} AND role = 'org_admin'`)).rejects.toMatchObject({ code: 'P0003' });
    // the same role twice is not a separation conflict (the unique index handles it), and a revoked grant does not count
    await h.db.exec(sql`UPDATE role_grant SET revoked_at = now() WHERE account_id = ${target.id} AND role = 'auditor'`);
    await h.db.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope) VALUES (${target.id}, 'sysadmin', NULL, 'subtree')`);
    const active = await h.db.query<{ role: string }>(sql`SELECT role FROM role_grant WHERE account_id = ${target.id} AND revoked_at IS NULL ORDER BY role`);
    expect(active.map((g) => g.role)).toEqual(['sysadmin']);
  });

  it('三员: the security administrator cannot give a business role to an administrator, nor an administrator role to a business account (ADMIN_BUSINESS_CONFLICT)', async () => {
    const root = await makeRoot(h.deps);
    const sec = await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }]);
    const c = await sessionClient(h, sec.id);
    const sys = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
    const toAdmin = await c.post(`/api/v1/accounts/${sys.id}/grants`, { role: 'org_admin', orgId: root.id, scope: 'subtree' });
    expect(toAdmin.statusCode).toBe(422);
    expectEnvelope(toAdmin, 'ADMIN_BUSINESS_CONFLICT');
    const secretary = await makeAccount(h.deps, [{ role: 'secretary', orgId: root.id, scope: 'subtree' }]);
    for (const role of ['sysadmin', 'secadmin', 'auditor'] as const) {
      const res = await c.post(`/api/v1/accounts/${secretary.id}/grants`, { role, scope: 'subtree' });
      expect(res.statusCode).toBe(422);
      expectEnvelope(res, 'ADMIN_BUSINESS_CONFLICT');
    }
    const grants = await h.db.query<{ account_id: string; role: string }>(sql`SELECT account_id, role FROM role_grant WHERE account_id IN (${sys.id}, ${secretary.id}) AND revoked_at IS NULL ORDER BY role`);
    expect(grants.map((g) => g.role)).toEqual(['secretary', 'sysadmin']);
    // and the system administrator still sees no member data
    expect((await (await sessionClient(h, sys.id)).get('/api/v1/members')).statusCode).toBe(403);
  });

  it('account bodies cannot set roles, the demo flag or a linked person where the contract does not allow it', async () => {
    const root = await makeRoot(h.deps);
    const m = uniqueIdNumber();
    const person = await makeMember(h.deps, (await makeOrg(h.deps, root, 'branch')).id, { idNumber: m.idNumber, birth: m.birth });
    const sec = await makeAccount(h.deps, [{ role: 'secadmin', orgId: null, scope: 'subtree' }]);
    const c = await sessionClient(h, sec.id);
    const username = `mass${crypto.randomBytes(4).toString('hex')}`;
    const created = await c.post('/api/v1/accounts', {
      username, displayName: '批量赋值', password: 'Qz7#matrix-Key', isDemo: true, is_demo: true, role: 'sysadmin', grants: [{ role: 'sysadmin', scope: 'subtree' }], isDisabled: true,
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const row = await h.db.one<{ is_demo: boolean; is_disabled: boolean; person_id: string | null }>(sql`SELECT is_demo, is_disabled, person_id FROM account WHERE id = ${id}`);
    expect(row).toEqual({ is_demo: false, is_disabled: false, person_id: null });
    const patched = await c.patch(`/api/v1/accounts/${id}`, { displayName: '改名', personId: person.id, isDemo: true, role: 'auditor', username: 'hijacked' });
    expect(patched.statusCode).toBe(200);
    const row2 = await h.db.one<{ username: string; display_name: string; is_demo: boolean; person_id: string | null }>(sql`SELECT username, display_name, is_demo, person_id FROM account WHERE id = ${id}`);
    expect(row2).toEqual({ username, display_name: '改名', is_demo: false, person_id: null });
    expect((await h.db.query(sql`SELECT 1 FROM role_grant WHERE account_id = ${id}`)).length).toBe(0);
  });

  it('POST /members ignores a region key or id in the body', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
    const c = await sessionClient(h, acc.id);
    const forcedId = crypto.randomUUID();
    const res = await c.post('/api/v1/members', { ...newMemberBody(branch.id), id: forcedId, regionKey: crypto.randomUUID(), region_key: crypto.randomUUID(), version: 99 });
    expect(res.statusCode).toBe(201);
    const row = await h.db.one<{ id: string; region_key: string; version: number; org_id: string }>(sql`SELECT id, region_key, version, org_id FROM person WHERE id = ${res.json().id}`);
    expect(row).toEqual({ id: res.json().id, region_key: root.region_key, version: 1, org_id: branch.id });
    expect(row.id).not.toBe(forcedId);
  });
});
