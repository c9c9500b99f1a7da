import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeRegistry } from '../../src/server/platform/http';
import { createHarness, type Harness } from '../helpers/harness';

// The published API description is the contract other teams (and the web) build on:
// every registered route is in it under its operationId, and every route that
// answers JSON declares the shape of its success answer (named in src/contracts).

// Routes whose success answer is not JSON: a file, or the provider's own reply format.
const NOT_JSON = new Set([
  'downloadFile', // the stored file's bytes
  'streamPostVideo', // the post's mp4, by byte ranges
  'getPostThumbnail', // the post's JPEG thumbnail
  'exportReport', // xlsx / pdf / docx
  'downloadReportDelivery', // the delivered file
  'exportMembers', // xlsx
  'getMemberImportTemplate', // xlsx
  'renderDevelopmentDocument', // docx / pdf
  'downloadMyDevelopmentReport', // the submitted file
  'renderTransferLetter', // the letter as a PDF
  'downloadMeetingFile', // the stored photo or document
  'renderMeetingReport', // docx
  'renderBranchReport', // docx / pdf
  'getCalendarIcs', // text/calendar (RFC 5545)
  'joinMeetingRoom', // a WebSocket (101 Switching Protocols); its messages: RoomClientMessage / RoomServerMessage in contracts/meeting.ts
  'exportMemberDuesStatement', // xlsx
  'exportStatisticsForm', // xlsx
  'exportDuesSummary', // xlsx
  'exportDashboardDrill', // xlsx
  'exportProjects', // xlsx
  'exportRedemptions', // xlsx
  'renderVolunteerCertificate', // pdf
  'downloadProjectFile', // the stored evidence file
  'getUnitImportTemplate', // xlsx
  'renderProblemBrief', // docx
  'getDuesBaseImportTemplate', // xlsx
  'paymentNotification', // WeChat Pay / Alipay acknowledgement in the provider's format
]);

interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

let h: Harness;
let paths: Record<string, Record<string, Operation>>;
beforeAll(async () => {
  h = await createHarness();
  const r = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(r.statusCode).toBe(200);
  paths = r.json().paths;
});
afterAll(async () => h.close());

function operations(): Operation[] {
  return Object.values(paths).flatMap((byMethod) => Object.values(byMethod));
}

describe('the published API description', () => {
  it('lists every registered route under its operationId, each once', () => {
    const ids = operations().map((o) => o.operationId).filter((id): id is string => !!id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(routeRegistry.length).toBeGreaterThan(80);
    for (const r of routeRegistry) expect(ids, r.operationId).toContain(r.operationId);
  });

  it('declares the success answer of every JSON route', () => {
    const missing: string[] = [];
    for (const op of operations()) {
      if (!op.operationId || NOT_JSON.has(op.operationId)) continue;
      const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      const declared = success.some(([, r]) => !!r.content?.['application/json']?.schema);
      if (!declared) missing.push(op.operationId);
    }
    expect(missing).toEqual([]);
  });

  it('keeps the list of non-JSON routes true: each of them exists', () => {
    const ids = new Set(routeRegistry.map((r) => r.operationId));
    for (const id of NOT_JSON) expect(ids.has(id), id).toBe(true);
  });
});
