import type { Db, Queryable } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { transferMember, transferOutOfInstallation } from '../domains/member';
import { letterCode, scopeBetween } from '../domains/transfer';
import type { TransferRule, TransferScope } from '../../contracts/transfer';
import type { Rng } from './random';

// Relation transfers (组织关系转接) for the demo data: about `share` of the
// members moved between branches over the last 15 months (letters accepted,
// their events, the relation ended and started, 转出/转入 member events and the
// person moved, through the member transitions the service uses, so the rollup
// triggers follow), a few letters to organisations outside (the receipt came
// back, the person left), and the letters a newcomer finds open today: issued
// ones (one into `openInto`, secretary1's branch), one in approval, one draft,
// one expired, one returned. The service dates everything "today", so the
// history is written here with its own dates; letter numbers run per issuing
// committee per year without gaps, and transfer_letter_seq ends at the last.
// Deterministic with the generator's Rng.

interface Branch { id: string; name: string; path: string; region_key: string | null; issuer_id: string }
interface Person { id: string; name: string; status: 'full' | 'probationary'; org_id: string }

type Stage = 'accepted' | 'outgoing' | 'issued' | 'pending' | 'draft' | 'expired' | 'rejected';

interface Letter {
  person: Person; from: Branch; to: Branch | null; toName: string; scope: TransferScope; kind: 'internal' | 'outgoing'; stage: Stage; reason: string;
  approvals: number; createdOn: string; submittedOn: string | null; issuedOn: string | null; validDays: number | null; validUntil: string | null;
  acceptedOn: string | null; receiptOn: string | null; closedOn: string | null; closedReason: string | null; no?: number; verify?: string;
}

const REASONS = ['工作调动', '工作单位变动', '随配偶迁居', '退休后回原籍居住', '外出务工', '升学', '搬迁至新居住地', '单位合并重组'];
const OUTSIDE = [{ name: '广东省深圳市南山区粤海街道党工委', scope: 'national' as const }, { name: '浙江省杭州市西湖区转塘街道党工委', scope: 'national' as const },
  { name: '本省省会市高新区创业服务中心党委', scope: 'province' as const }, { name: '本省某市经济技术开发区党工委', scope: 'province' as const }];

const at = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}:${String((hour * 7) % 60).padStart(2, '0')}:00+08:00`;

export async function generateTransfers(db: Db, rng: Rng, opts: { rootPath: string; today: string; share: number; keepBranches: ReadonlySet<string>; openInto: string }): Promise<{ accepted: number; letters: number }> {
  const today = opts.today;
  const branches = await db.query<Branch>(sql`
    SELECT b.id, b.name, b.path::text AS path, b.region_key,
      (SELECT a.id FROM org a WHERE a.path @> b.path AND a.path <> b.path AND (a.type IN ('committee', 'working_committee') OR nlevel(a.path) = 1)
        ORDER BY (a.type IN ('committee', 'working_committee')) DESC, nlevel(a.path) DESC LIMIT 1) AS issuer_id
    FROM org b WHERE b.type IN ('branch', 'joint_branch') AND b.dissolved_on IS NULL AND b.path <@ ${opts.rootPath}::ltree ORDER BY b.seq`);
  const byId = new Map(branches.map((b) => [b.id, b]));
  const targets = branches.filter((b) => !opts.keepBranches.has(b.id));
  // members who may move: on the roll for more than 15 months, holding no post, without an open development file
  const pool = await db.query<Person>(sql`
    SELECT p.id, p.name, p.status, p.org_id FROM person p JOIN org o ON o.id = p.org_id JOIN membership m ON m.person_id = p.id AND m.valid_to IS NULL
    WHERE p.status IN ('full', 'probationary') AND o.path <@ ${opts.rootPath}::ltree AND m.valid_from < ${addDays(today, -470)}::date
      AND NOT EXISTS (SELECT 1 FROM committee_post cp WHERE cp.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM dev_file f WHERE f.person_id = p.id)
    ORDER BY p.id`);
  const movable = pool.filter((p) => byId.has(p.org_id) && !opts.keepBranches.has(p.org_id));
  if (movable.length < 20 || targets.length < 3) return { accepted: 0, letters: 0 };
  const draw = (): Person => movable.splice(rng.int(0, movable.length - 1), 1)[0];
  const rule = await db.one<{ id: string; body: TransferRule }>(sql`SELECT id, body FROM rule_version WHERE domain = 'transfer' AND key = 'letter' AND scope_org_id IS NULL ORDER BY effective_from DESC LIMIT 1`);

  /** A receiving branch: half the time under the same 基层党委 (when it has another branch), else anywhere in the county. */
  const receiver = (from: Branch, sameIssuer = rng.chance(0.5), into?: string): Branch => {
    if (into) return byId.get(into)!;
    const near = targets.filter((b) => b.id !== from.id && b.issuer_id === from.issuer_id);
    if (sameIssuer && near.length) return rng.pick(near);
    let to: Branch;
    do to = rng.pick(targets); while (to.id === from.id);
    return to;
  };
  const letters: Letter[] = [];
  const internal = (stage: Stage, issuedOn: string, o: { into?: string; needsApproval?: boolean } = {}): Letter => {
    const person = o.into ? (() => { let p: Person; do p = draw(); while (p.org_id === o.into); return p; })() : draw();
    const from = byId.get(person.org_id)!;
    let to = receiver(from, o.needsApproval ? false : undefined, o.into);
    if (o.needsApproval) while (to.issuer_id === from.issuer_id) to = receiver(from, false);
    const scope = scopeBetween({ issuerId: from.issuer_id, regionKey: from.region_key }, { issuerId: to.issuer_id, regionKey: to.region_key });
    return letter(person, from, to, to.name, scope, 'internal', stage, issuedOn);
  };
  const letter = (person: Person, from: Branch, to: Branch | null, toName: string, scope: TransferScope, kind: 'internal' | 'outgoing', stage: Stage, issuedOn: string): Letter => {
    const approvals = rule.body.scopes[scope].approvals;
    // drafted a day or two before; with an approval hop the branch submits it, the committee approves on the issue day
    const submittedOn = approvals ? addDays(issuedOn, -rng.int(1, 3)) : issuedOn;
    const createdOn = addDays(submittedOn, -rng.int(0, 2));
    const validDays = Math.min(rule.body.scopes[scope].validityDays, rule.body.maxValidityDays);
    const l: Letter = {
      person, from, to, toName, scope, kind, stage, reason: rng.pick(REASONS), approvals, createdOn, submittedOn, issuedOn, validDays, validUntil: addDays(issuedOn, validDays - 1),
      acceptedOn: null, receiptOn: null, closedOn: null, closedReason: null,
    };
    letters.push(l);
    return l;
  };

  // -- history: accepted letters over the last 15 months
  const acceptedCount = Math.max(6, Math.round(pool.length * opts.share));
  for (let i = 0; i < acceptedCount; i++) {
    const l = internal('accepted', addDays(today, -rng.int(12, 450)));
    l.acceptedOn = addDays(l.issuedOn!, rng.int(0, Math.min(l.validDays! - 1, 8)));
    l.receiptOn = l.acceptedOn;
  }
  const outgoing = Math.max(3, Math.round(pool.length * 0.002));
  for (let i = 0; i < outgoing; i++) {
    const person = draw();
    const dest = rng.pick(OUTSIDE);
    const l = letter(person, byId.get(person.org_id)!, null, dest.name, dest.scope, 'outgoing', 'outgoing', addDays(today, -rng.int(60, 420)));
    l.acceptedOn = addDays(l.issuedOn!, rng.int(5, 25));
    l.receiptOn = addDays(l.acceptedOn, rng.int(3, 15));
  }
  const expired = internal('expired', addDays(today, -rng.int(30, 60)));
  expired.closedOn = addDays(expired.validUntil!, 1);
  const rejected = internal('rejected', addDays(today, -rng.int(20, 100)));
  rejected.closedOn = addDays(rejected.issuedOn!, rng.int(1, rejected.validDays! - 1));
  rejected.closedReason = '经核实，该党员未到本支部报到，且联系不上本人，退回转出党组织';

  // -- open today: issued letters (one into secretary1's branch), one in approval, one draft
  internal('issued', addDays(today, -2), { into: opts.openInto });
  for (let i = 0; i < 3; i++) internal('issued', addDays(today, -rng.int(0, 6)));
  const pending = internal('pending', today, { needsApproval: true });
  pending.submittedOn = addDays(today, -1);
  pending.createdOn = addDays(today, -1);
  const draft = internal('draft', today);
  draft.submittedOn = null;
  draft.createdOn = today;
  for (const l of [pending, draft]) Object.assign(l, { issuedOn: null, validDays: null, validUntil: null });

  // -- letter numbers: per issuing committee per year, in the order of issue, without gaps
  const numbered = letters.filter((l) => l.issuedOn).map((l, i) => ({ l, i })).sort((a, b) => a.l.issuedOn!.localeCompare(b.l.issuedOn!) || a.i - b.i);
  const last = new Map<string, number>();
  for (const { l } of numbered) {
    const k = `${l.from.issuer_id}|${l.issuedOn!.slice(0, 4)}`;
    l.no = (last.get(k) ?? 0) + 1;
    last.set(k, l.no);
    l.verify = Buffer.from(Array.from({ length: 18 }, () => rng.int(0, 255))).toString('base64url');
  }

  const ctx = { requestId: 'seed', ip: null, actor: null };
  await db.tx(async (t: Queryable) => {
    for (const [k, no] of last) {
      const [issuer, year] = k.split('|');
      await t.exec(sql`INSERT INTO transfer_letter_seq (issuer_org_id, year, last_no) VALUES (${issuer}::uuid, ${Number(year)}, ${no})`);
    }
    // in the order things happened, so that acceptances move people in date order
    const ordered = [...letters].sort((a, b) => a.createdOn.localeCompare(b.createdOn));
    for (const l of ordered) {
      const status = { accepted: 'accepted', outgoing: 'accepted', issued: 'issued', pending: 'pending_approval', draft: 'draft', expired: 'expired', rejected: 'rejected' }[l.stage];
      const year = l.issuedOn ? Number(l.issuedOn.slice(0, 4)) : null;
      const approvalsDone = l.issuedOn ? l.approvals : 0;
      const { id } = await t.one<{ id: string }>(sql`INSERT INTO transfer (kind, scope, status, person_id, person_name, member_status, from_org_id, from_org_name, to_org_id, to_org_name,
          issuer_org_id, region_key, reason, letter_year, letter_no, verify_code, issued_on, valid_days, valid_until, dues_paid_to, approvals_needed, approvals_done,
          accepted_on, receipt_due, receipt_on, closed_reason, rule_version_id, created_at, updated_at)
        VALUES (${l.kind}, ${l.scope}, ${status}, ${l.person.id}::uuid, ${l.person.name}, ${l.person.status}, ${l.from.id}::uuid, ${l.from.name},
          ${l.to?.id ?? null}::uuid, ${l.toName}, ${l.from.issuer_id}::uuid, ${l.from.region_key}::uuid, ${l.reason}, ${year}, ${l.no ?? null}, ${l.verify ?? null},
          ${l.issuedOn}::date, ${l.validDays}, ${l.validUntil}::date, ${l.issuedOn ? `${l.issuedOn.slice(0, 7)}-01` : null}::date, ${l.approvals}, ${approvalsDone},
          ${l.acceptedOn}::date, ${l.kind === 'outgoing' && l.validUntil ? addDays(l.validUntil, rule.body.receiptDays) : null}::date, ${l.receiptOn}::date, ${l.closedReason},
          ${rule.id}::uuid, ${at(l.createdOn, 9)}::timestamptz, ${at(l.closedOn ?? l.receiptOn ?? l.issuedOn ?? l.createdOn, 16)}::timestamptz)
        RETURNING id`);
      const events: Array<[string, string | null, string, string, string | null, string | null]> = [['created', null, 'draft', l.createdOn, l.from.id, l.reason]];
      if (l.submittedOn) events.push(['issued', 'draft', l.approvals ? 'pending_approval' : 'issued', l.submittedOn, l.from.id, null]);
      // the hop: the 基层党委 for a letter within the county, the county committee for one leaving the installation
      if (l.issuedOn && l.approvals) events.push(['approved', 'pending_approval', 'issued', l.issuedOn, l.kind === 'outgoing' ? await countyOf(t, l.from.path) : l.from.issuer_id, '同意转出']);
      if (l.stage === 'accepted') events.push(['accepted', 'issued', 'accepted', l.acceptedOn!, l.to!.id, '党员已报到']);
      if (l.stage === 'outgoing') events.push(['receipt', 'issued', 'accepted', l.acceptedOn!, l.from.id, '回执已收到']);
      if (l.stage === 'expired') events.push(['expired', 'issued', 'expired', l.closedOn!, null, '介绍信超过有效期，党员未报到']);
      if (l.stage === 'rejected') events.push(['rejected', 'issued', 'rejected', l.closedOn!, l.to!.id, l.closedReason]);
      for (const [i, [action, fromStatus, toStatus, day, orgId, note]] of events.entries()) {
        await t.exec(sql`INSERT INTO transfer_event (transfer_id, action, from_status, to_status, event_date, org_id, note, rule_version_id, recorded_at)
          VALUES (${id}::uuid, ${action}, ${fromStatus}, ${toStatus}, ${day}::date, ${orgId}::uuid, ${note}, ${rule.id}::uuid, ${at(day, 9 + i)}::timestamptz)`);
      }
      const note = `组织关系介绍信${letterCode({ letter_year: year, letter_no: l.no ?? null, external_letter_no: null }) ?? ''}（${l.from.name} → ${l.toName}）`;
      if (l.stage === 'accepted') {
        await transferMember(t, { personId: l.person.id, orgId: l.from.id, actorId: null, toOrg: { id: l.to!.id, region_key: l.to!.region_key }, acceptedOn: l.acceptedOn!, status: l.person.status, note });
      }
      if (l.stage === 'outgoing') {
        await transferOutOfInstallation(t, { personId: l.person.id, orgId: l.from.id, actorId: null, receivedOn: l.acceptedOn!, status: l.person.status, note }, ctx);
      }
    }
  });
  return { accepted: acceptedCount + outgoing, letters: letters.length };
}

/** The county committee (the top of the tree) that approves a letter leaving its 基层党委. */
async function countyOf(q: Queryable, path: string): Promise<string> {
  return (await q.one<{ id: string }>(sql`SELECT id FROM org WHERE path = subpath(${path}::ltree, 0, 1)`)).id;
}
