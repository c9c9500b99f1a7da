import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { orgInScope } from '../../platform/scope';
import { ruleInForce } from '../../platform/rules';
import { randomToken, sha256 } from '../../platform/crypto';
import { addDays } from '../../platform/dates';
import { checkRotatingToken, rotatingToken } from '../../platform/rotating-token';
import type { CheckInBody, CheckInResult, CreateKioskBody, KioskBoard, KioskCreated, KioskList, KioskView, ListKiosksQuery } from '../../../contracts/kiosk';
import { NEED_CATEGORIES, type NeedCategory } from '../../../contracts/need';
import { volunteerOf } from '../volunteer';
import * as repo from './kiosk.repo';

// The 智慧党群活动中心's touch screen (issue 17, docs/DECISIONS.md "The
// centre's kiosk"): the community's staff make a kiosk link for a centre (an
// org); the screen opens the link without an account and shows only the
// centre's public data — today's activities under it, needs waiting there
// (category, a line and the time; never the resident, never the address), the
// mall's items picked up there. While an activity is open for check-in its card
// carries a QR code that rotates (rule kiosk.display): a volunteer with a place
// scans it and their arrival at the centre is recorded, for the organiser who
// attests the hours.

/** The rule `kiosk.display` (migration 0046). */
export interface DisplayRule {
  refreshSeconds: number;
  qrTokenSeconds: number;
  checkInOpensMinutesBefore: number;
  needsShown: number;
}

const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.manage');
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
export const kioskPath = (token: string) => `/kiosk/${token}`;

function kioskView(k: repo.KioskRow): KioskView {
  return { id: k.id, orgId: k.org_id, orgName: k.org_name, name: k.name, createdAt: iso(k.created_at)!, revokedAt: iso(k.revoked_at), lastSeenAt: iso(k.last_seen_at) };
}

const displayRule = async (deps: Deps, path: string) => (await ruleInForce<DisplayRule>(deps.db, 'kiosk', 'display', deps.clock.today(), path)).body;

// --- the community's staff

export async function createKiosk(deps: Deps, ctx: ActorContext, body: CreateKioskBody): Promise<KioskCreated> {
  const token = randomToken(24);
  const id = await deps.db.tx(async (t) => {
    const org = await repo.orgOf(t, body.orgId, manageScope(ctx));
    if (!org) throw notFound();
    if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
    const kioskId = await repo.insertKiosk(t, { orgId: org.id, name: body.name, tokenHash: sha256(token), key: crypto.randomBytes(32), by: ctx.actor.accountId, at: deps.clock.now().toISOString() });
    await auditInTx(t, ctx, { action: 'kiosk.create', objectType: 'kiosk', objectId: kioskId, orgId: org.id, detail: { name: body.name } });
    return kioskId;
  });
  const k = await repo.findKiosk(deps.db, id, manageScope(ctx));
  return { kiosk: kioskView(k!), url: kioskPath(token) };
}

export async function listKiosks(deps: Deps, ctx: ActorContext, query: ListKiosksQuery): Promise<KioskList> {
  let path: string | null = null;
  if (query.orgId) {
    const org = await repo.orgOf(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    path = org.path;
  }
  return { items: (await repo.listKiosks(deps.db, readScope(ctx), path)).map(kioskView) };
}

/** Stops a kiosk link for good (a lost or replaced screen); a new one is made for the screen. */
export async function revokeKiosk(deps: Deps, ctx: ActorContext, id: string): Promise<KioskView> {
  await deps.db.tx(async (t) => {
    const k = await repo.findKiosk(t, id, manageScope(ctx), true);
    if (!k) throw notFound();
    if (k.revoked_at) throw new AppError('KIOSK_REVOKED');
    await repo.revokeKiosk(t, id, deps.clock.now().toISOString());
    await auditInTx(t, ctx, { action: 'kiosk.revoke', objectType: 'kiosk', objectId: id, orgId: k.org_id, detail: { name: k.name } });
  });
  return kioskView((await repo.findKiosk(deps.db, id, manageScope(ctx)))!);
}

// --- the screen (public: the link's token is the credential)

/** The centre's board; the same 404 for a token that never was and one revoked. */
export async function getKioskBoard(deps: Deps, token: string): Promise<KioskBoard> {
  const k = await repo.kioskByToken(deps.db, sha256(token));
  if (!k) throw notFound();
  const now = deps.clock.now();
  const today = deps.clock.today();
  const rule = await displayRule(deps, k.org_path);
  // the Beijing day [00:00, 24:00)
  const dayStart = new Date(Date.parse(`${today}T00:00:00+08:00`)).toISOString();
  const dayEnd = new Date(Date.parse(`${addDays(today, 1)}T00:00:00+08:00`)).toISOString();
  const [activities, needs, items] = await Promise.all([
    repo.activitiesBetween(deps.db, k.org_path, dayStart, dayEnd),
    repo.openNeeds(deps.db, k.org_path, rule.needsShown),
    repo.mallItems(deps.db, k.org_path, today),
    repo.touchKiosk(deps.db, k.id, now.toISOString()),
  ]);
  return {
    centre: { name: k.org_name, kioskName: k.name },
    today,
    generatedAt: now.toISOString(),
    refreshSeconds: rule.refreshSeconds,
    activities: activities.map((a) => {
      const open = now.getTime() >= new Date(a.starts_at).getTime() - rule.checkInOpensMinutesBefore * 60_000 && now.getTime() <= new Date(a.ends_at).getTime();
      const code = open ? rotatingToken(k.signin_key, a.id, now, rule.qrTokenSeconds) : null;
      return {
        id: a.id, title: a.title, place: a.place, startsAt: iso(a.starts_at)!, endsAt: iso(a.ends_at)!, capacity: a.capacity, signedUp: a.signed_up, clubName: a.club_name,
        checkInUrl: code ? `/m/checkin?a=${a.id}&k=${k.id}&t=${encodeURIComponent(code.token)}` : null,
        checkInExpiresAt: code ? code.expiresAt.toISOString() : null,
      };
    }),
    needs: needs.map((n) => ({
      id: n.id, category: NEED_CATEGORIES[n.category as NeedCategory]?.label ?? '其他', title: n.title, windowFrom: iso(n.window_from)!, windowTo: iso(n.window_to)!, publishedAt: iso(n.created_at)!,
    })),
    mallItems: items.map((i) => ({ id: i.id, name: i.name, kind: i.kind === 'service' ? '服务' : '物品', pointsPrice: i.points_price, stock: i.stock, pickupPlace: i.pickup_place })),
  };
}

// --- the volunteer at the centre

/** Records the caller's arrival at the centre from the screen's code: a place on the activity, the code fresh, the activity open for check-in. */
export async function checkInAtCentre(deps: Deps, ctx: ActorContext, body: CheckInBody): Promise<CheckInResult> {
  const now = deps.clock.now();
  return deps.db.tx(async (t) => {
    const v = await volunteerOf(t, ctx.actor.accountId, ctx.actor.personId);
    if (!v) throw notFound();
    const k = await repo.liveKiosk(t, body.kioskId);
    const a = k ? await repo.activityUnder(t, body.activityId, k.org_path) : null;
    if (!k || !a) throw new AppError('KIOSK_CODE_INVALID');
    const rule = (await ruleInForce<DisplayRule>(t, 'kiosk', 'display', deps.clock.today(), k.org_path)).body;
    const check = checkRotatingToken(k.signin_key, a.id, body.token, now, rule.qrTokenSeconds);
    if (check !== 'ok') throw new AppError('KIOSK_CODE_INVALID', check === 'expired' ? '签到码已过期，请重新扫描活动中心大屏上的二维码' : undefined);
    const opens = new Date(a.starts_at).getTime() - rule.checkInOpensMinutesBefore * 60_000;
    if (a.status !== 'open' || now.getTime() < opens || now.getTime() > new Date(a.ends_at).getTime()) {
      throw new AppError('CHECKIN_CLOSED', `签到时间为活动开始前${rule.checkInOpensMinutesBefore}分钟至活动结束`);
    }
    const place = await repo.placeOf(t, a.id, v);
    if (!place || place.status !== 'signed_up') throw new AppError('CHECKIN_NOT_SIGNED_UP');
    if (place.arrived_at) return { activityTitle: a.title, arrivedAt: iso(place.arrived_at)!, centreName: k.org_name, alreadyCheckedIn: true };
    await repo.markArrived(t, place.id, k.id, now.toISOString());
    await auditInTx(t, ctx, { action: 'kiosk.check_in', objectType: 'volunteer_activity', objectId: a.id, orgId: k.org_id, detail: { name: v.name } });
    return { activityTitle: a.title, arrivedAt: now.toISOString(), centreName: k.org_name, alreadyCheckedIn: false };
  });
}
