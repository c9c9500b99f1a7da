import crypto from 'node:crypto';
import type { Db, Queryable } from '../platform/db';
import type { FieldCipher } from '../platform/crypto';
import type { FileStore } from '../platform/files';
import { sql } from '../platform/sql';
import { addDays, addMonths, addYears } from '../platform/dates';
import { ruleInForce } from '../platform/rules';
import { maskIdNumber, maskPhone } from '../../contracts/idcard';
import { admitMember, namePinyin } from '../domains/member';
import { fileDeadlines, loadCalendar, type DevelopmentRule, type RecordedStep } from '../domains/development';
import { drawIdNumber, type Rng } from './random';

// Development files for the demo data: in each branch a few people somewhere
// between application and the conversion vote (steps 1–23), with step dates
// that respect RULES §1 (talk within a month, a year as activist, 公示 before
// 预审, the vote within the approval window, the conversion vote after a year's
// probation), and their deadlines. Files past step 17 are admitted through the
// member transitions (预备党员, a formal relation, the 新发展 event), so stage 5
// (预备期) and the superior's conversion approval (step 24) can be tried.
// Deterministic with the generator's Rng.

/** Days after the application on which each step is recorded (a plausible, rule-abiding pace). */
function stepDates(rng: Rng, applied: string): Map<number, string> {
  const d = new Map<number, string>([[1, applied]]);
  d.set(2, addDays(applied, rng.int(7, 28)));
  d.set(3, addDays(d.get(2)!, rng.int(30, 120)));
  d.set(4, addDays(d.get(3)!, rng.int(3, 15)));
  d.set(5, addDays(d.get(3)!, rng.int(0, 10)));
  d.set(6, addDays(d.get(3)!, rng.int(150, 180)));
  d.set(7, addDays(addYears(d.get(3)!, 1), rng.int(0, 90)));
  for (const s of [8, 9]) d.set(s, addDays(d.get(7)!, rng.int(3, 20)));
  d.set(10, addDays(d.get(7)!, rng.int(20, 60)));
  d.set(11, addDays(d.get(7)!, rng.int(20, 90)));
  d.set(12, addDays([d.get(10)!, d.get(11)!].sort()[1], rng.int(10, 40)));
  // 预审 after a 公示 of 5 working days even across a long holiday
  d.set(13, addDays(d.get(12)!, rng.int(21, 35)));
  d.set(14, addDays(d.get(13)!, rng.int(5, 15)));
  d.set(15, addDays(d.get(14)!, rng.int(7, 20)));
  d.set(16, addDays(d.get(15)!, rng.int(7, 30)));
  // the superior approves within three months of the 支部大会; a year's probation follows
  d.set(17, addDays(d.get(16)!, rng.int(7, 40)));
  d.set(18, addDays(d.get(17)!, rng.int(5, 20)));
  d.set(19, addDays(d.get(17)!, rng.int(3, 15)));
  d.set(20, addDays(d.get(17)!, rng.int(7, 30)));
  d.set(21, addDays(d.get(20)!, rng.int(90, 150)));
  const probationEnds = addYears(d.get(15)!, 1);
  d.set(22, addDays(probationEnds, -rng.int(5, 25)));
  d.set(23, addDays(probationEnds, rng.int(1, 20)));
  return d;
}

export interface DevSeedInput {
  branches: Array<{ id: string; unitName: string; regionKey: string }>;
  /** full members per branch, for 培养联系人 and 入党介绍人 */
  fullPeople: Map<string, Array<{ id: string; name: string }>>;
  surnames: readonly string[];
  given: readonly string[];
  usedIds: Set<string>;
  today: string;
  /** where the 思想汇报 documents go; without it no reports are generated */
  files?: FileStore;
}

/** A minimal valid PDF, the scanned 思想汇报 of the demo data. */
const REPORT_PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

export async function generateDevelopment(db: Db, cipher: FieldCipher, rng: Rng, input: DevSeedInput): Promise<number> {
  const { today } = input;
  const rule = await ruleInForce<DevelopmentRule>(db, 'development', 'intervals', today);
  const cal = await loadCalendar(db, Number(today.slice(0, 4)) - 4, Number(today.slice(0, 4)) + 2);
  type Person = { id: string; name: string; py: string; ini: string; sex: string; birth: string; idEnc: Buffer; idHash: Buffer; idMask: string; phEnc: Buffer; phHash: Buffer; phTail: string; phMask: string; edu: string; occ: string; unit: string; status: string; org: string; region: string };
  type File = { id: string; person: string; org: string; region: string; applied: string; stage: number; last: number };
  type Step = { file: string; no: number; date: string; body: string | null; people: string; data: string };
  type Due = { file: string; kind: string; due: string; ext: string | null; prov: boolean };
  const persons: Person[] = [];
  const files: File[] = [];
  const steps: Step[] = [];
  const dues: Due[] = [];
  const votes: Array<{ file: string; kind: 'admission' | 'conversion'; date: string; expected: number; present: number }> = [];
  const admitted: Array<{ person: string; org: string; resolution: string; approval: string }> = [];
  const reports: Array<{ file: string; sf: string; org: string; person: string; date: string; title: string }> = [];
  const uuid = () => {
    const h = Array.from({ length: 16 }, () => rng.int(0, 255).toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20)}`;
  };
  for (let bi = 0; bi < input.branches.length; bi++) {
    const br = input.branches[bi];
    const pool = input.fullPeople.get(br.id) ?? [];
    if (pool.length < 3) continue;
    // secretary1's branch always shows a pipeline through every stage; elsewhere 0–3 open files
    const fixed = [1, 3, 7, 12, 15, 17, 23];
    const n = bi === 0 ? fixed.length : rng.weighted({ 0: 30, 1: 35, 2: 25, 3: 10 } as Record<'0' | '1' | '2' | '3', number>);
    for (let k = 0; k < Number(n); k++) {
      const last = bi === 0 ? fixed[k] : rng.weighted({ 1: 18, 2: 10, 3: 8, 5: 8, 6: 22, 7: 8, 9: 6, 11: 8, 12: 4, 14: 4, 15: 3, 16: 1, 17: 3, 20: 2, 21: 2, 23: 2 } as Record<string, number>);
      const lastNo = Number(last);
      // place the file so that its last step falls in the last 80 days
      const probe = stepDates(rng, '2000-01-01');
      const offset = (s: number) => Math.round((Date.parse(probe.get(s)! + 'T00:00:00Z') - Date.parse('2000-01-01T00:00:00Z')) / 86_400_000);
      const span = Math.max(...Array.from({ length: lastNo }, (_, i) => offset(i + 1)));
      const applied = addDays(today, -span - rng.int(1, lastNo === 1 ? 40 : 80));
      // keep the generated pace, shifted onto the real application date
      const shift = (s: number) => addDays(applied, offset(s));
      const isFemale = rng.chance(0.45);
      const age = rng.int(20, 45);
      const birth = addDays(addYears(applied, -age), -rng.int(1, 300));
      const idNo = drawIdNumber(rng, birth, isFemale, input.usedIds);
      const name = rng.pick(input.surnames) + rng.pick(input.given) + (rng.chance(0.7) ? rng.pick(input.given) : '');
      const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999999999)).padStart(9, '0')}`;
      const py = namePinyin(name);
      const personId = uuid();
      const fileId = uuid();
      persons.push({
        id: personId, name, py: py.full, ini: py.initials, sex: isFemale ? 'female' : 'male', birth, idEnc: cipher.encrypt(idNo), idHash: cipher.hash(idNo), idMask: maskIdNumber(idNo),
        phEnc: cipher.encrypt(phone), phHash: cipher.hash(phone), phTail: phone.slice(-4), phMask: maskPhone(phone),
        edu: rng.weighted({ postgraduate: 8, bachelor: 45, college: 27, high_school: 12, secondary_vocational: 8 }), occ: rng.weighted({ worker: 15, enterprise_staff: 40, party_gov_staff: 15, farmer: 15, student: 5, other: 10 }),
        unit: br.unitName, status: lastNo >= 7 ? 'candidate' : lastNo >= 3 ? 'activist' : 'applicant', org: br.id, region: br.regionKey,
      });
      const recorded: RecordedStep[] = [];
      const contacts = [pool[rng.int(0, pool.length - 1)]];
      const introducers = [pool[0], pool[1]];
      for (let s = 1; s <= lastNo; s++) {
        const date = shift(s);
        const people: Record<string, unknown> = {};
        const data: Record<string, unknown> = {};
        let body: string | null = null;
        if (s === 2) people.talkers = [pool[0].name];
        if (s === 3) {
          data.recommendation = rng.chance(0.8) ? 'member' : 'mass_org';
          body = '支部委员会';
        }
        if (s === 5) people.contacts = contacts;
        if (s === 6) data.conclusion = '培养考察期间表现良好';
        if (s === 7) body = '支部委员会';
        if (s === 9) people.introducers = introducers;
        if (s === 10) data.conclusion = '政治审查合格';
        if (s === 11) Object.assign(data, { trainingDays: 3, trainingHours: 24, trainingName: '发展对象集中培训班' });
        if (s === 12) Object.assign(data, { conclusion: '经支部委员会审查，同意报上级党委预审', publicNoticeStart: addDays(date, 1) });
        if (s === 13) data.approved = true;
        if (s === 15 || s === 23) {
          const present = Math.max(Math.floor(pool.length / 2) + 1, pool.length - rng.int(0, 2));
          data.vote = { expected: pool.length, present, written: 0, yes: present, no: 0, abstain: 0 };
          votes.push({ file: fileId, kind: s === 15 ? 'admission' : 'conversion', date, expected: pool.length, present });
          body = '支部大会';
        }
        if (s === 16) people.talkers = [pool[1].name];
        if (s === 17) data.approved = true;
        if (s === 19) data.groupName = '第一党小组';
        if (s === 21) data.conclusion = '预备期间表现良好，能够履行党员义务';
        recorded.push({ step: s, date, data });
        steps.push({ file: fileId, no: s, date, body, people: JSON.stringify(people), data: JSON.stringify(data) });
      }
      // 思想汇报 each quarter from the activist stage; about one in five is behind with the latest
      const reportDates: string[] = [];
      if (input.files && lastNo >= 3) {
        const behind = rng.chance(0.2);
        for (let d = addMonths(shift(3), 3); d <= today; d = addMonths(d, 3)) {
          const on = addDays(d, -rng.int(0, 10));
          if (behind && addMonths(d, 3) > today) break;
          reportDates.push(on);
          reports.push({ file: fileId, sf: uuid(), org: br.id, person: personId, date: on, title: `${on.slice(0, 4)}年第${Math.floor((Number(on.slice(5, 7)) - 1) / 3) + 1}季度思想汇报` });
        }
      }
      const stage = lastNo >= 19 ? 5 : lastNo >= 12 ? 4 : lastNo >= 7 ? 3 : lastNo >= 3 ? 2 : 1;
      if (lastNo >= 17) admitted.push({ person: personId, org: br.id, resolution: shift(15), approval: shift(17) });
      files.push({ id: fileId, person: personId, org: br.id, region: br.regionKey, applied, stage, last: lastNo });
      for (const d of fileDeadlines(rule.body, cal, { steps: recorded, votes: [], reports: reportDates })) dues.push({ file: fileId, kind: d.kind, due: d.due, ext: d.extendedDue ?? null, prov: d.provisional });
    }
  }
  await db.tx(async (t: Queryable) => {
    for (let i = 0; i < persons.length; i += 2000) {
      const b = persons.slice(i, i + 2000);
      await t.exec(sql`INSERT INTO person (id, name, name_pinyin, name_initials, sex, ethnicity, birth_date, id_no_enc, id_no_hash, id_no_masked, phone_enc, phone_hash, phone_tail, phone_masked,
          education, occupation, unit_name, status, org_id, region_key)
        SELECT id, n, py, ini, sx, '汉族', bd, ie, ih, im, pe, ph, pt, pm, ed, oc, un, st, o, r FROM unnest(${b.map((p) => p.id)}::uuid[], ${b.map((p) => p.name)}::text[], ${b.map((p) => p.py)}::text[],
          ${b.map((p) => p.ini)}::text[], ${b.map((p) => p.sex)}::text[], ${b.map((p) => p.birth)}::date[], ${b.map((p) => p.idEnc)}::bytea[], ${b.map((p) => p.idHash)}::bytea[],
          ${b.map((p) => p.idMask)}::text[], ${b.map((p) => p.phEnc)}::bytea[], ${b.map((p) => p.phHash)}::bytea[], ${b.map((p) => p.phTail)}::text[], ${b.map((p) => p.phMask)}::text[],
          ${b.map((p) => p.edu)}::text[], ${b.map((p) => p.occ)}::text[], ${b.map((p) => p.unit)}::text[], ${b.map((p) => p.status)}::text[], ${b.map((p) => p.org)}::uuid[], ${b.map((p) => p.region)}::uuid[])
          AS t(id, n, py, ini, sx, bd, ie, ih, im, pe, ph, pt, pm, ed, oc, un, st, o, r)`);
    }
    for (let i = 0; i < files.length; i += 5000) {
      const b = files.slice(i, i + 5000);
      await t.exec(sql`INSERT INTO dev_file (id, person_id, org_id, region_key, applied_on, stage, last_step)
        SELECT * FROM unnest(${b.map((f) => f.id)}::uuid[], ${b.map((f) => f.person)}::uuid[], ${b.map((f) => f.org)}::uuid[], ${b.map((f) => f.region)}::uuid[],
          ${b.map((f) => f.applied)}::date[], ${b.map((f) => f.stage)}::smallint[], ${b.map((f) => f.last)}::smallint[])`);
    }
    for (let i = 0; i < steps.length; i += 5000) {
      const b = steps.slice(i, i + 5000);
      await t.exec(sql`INSERT INTO dev_step (file_id, step_no, step_date, decision_body, people, data, rule_version_id)
        SELECT f, n, d, db, p::jsonb, x::jsonb, ${rule.id}::uuid FROM unnest(${b.map((s) => s.file)}::uuid[], ${b.map((s) => s.no)}::smallint[], ${b.map((s) => s.date)}::date[],
          ${b.map((s) => s.body)}::text[], ${b.map((s) => s.people)}::text[], ${b.map((s) => s.data)}::text[]) AS t(f, n, d, db, p, x)`);
    }
    if (votes.length) {
      // a conversion vote resolves to convert (its outcome is what step 24 carries out)
      await t.exec(sql`INSERT INTO dev_vote (file_id, kind, meeting_date, expected, registry_count, present, written, yes, no, abstain, is_quorate, is_passed, outcome)
        SELECT f, k, d, e, e, p, 0, p, 0, 0, true, true, CASE WHEN k = 'conversion' THEN 'convert' END FROM unnest(${votes.map((v) => v.file)}::uuid[], ${votes.map((v) => v.kind)}::text[], ${votes.map((v) => v.date)}::date[],
          ${votes.map((v) => v.expected)}::int[], ${votes.map((v) => v.present)}::int[]) AS t(f, k, d, e, p)`);
    }
    // past step 17: a 预备党员 of the branch, joined on the 支部大会 date (the same transition as the service's)
    for (const a of admitted) await admitMember(t, { personId: a.person, orgId: a.org, actorId: null, resolutionDate: a.resolution, approvalDate: a.approval });
    if (reports.length && input.files) {
      // one stored copy per report (storage keys are unique)
      const keys: string[] = [];
      for (const _ of reports) keys.push(await input.files.put(REPORT_PDF));
      for (let i = 0; i < reports.length; i += 5000) {
        const b = reports.slice(i, i + 5000).map((r, j) => ({ ...r, key: keys[i + j] }));
        await t.exec(sql`INSERT INTO stored_file (id, owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key)
          SELECT i, 'person', p, o, n || '.pdf', 'application/pdf', ${REPORT_PDF.length}, ${crypto.createHash('sha256').update(REPORT_PDF).digest('hex')}, k
          FROM unnest(${b.map((r) => r.sf)}::uuid[], ${b.map((r) => r.person)}::uuid[], ${b.map((r) => r.org)}::uuid[], ${b.map((r) => r.title)}::text[], ${b.map((r) => r.key)}::text[]) AS t(i, p, o, n, k)`);
        await t.exec(sql`INSERT INTO dev_report (file_id, title, stored_file_id, submitted_on)
          SELECT * FROM unnest(${b.map((r) => r.file)}::uuid[], ${b.map((r) => r.title)}::text[], ${b.map((r) => r.sf)}::uuid[], ${b.map((r) => r.date)}::date[])`);
      }
    }
    for (let i = 0; i < dues.length; i += 5000) {
      const b = dues.slice(i, i + 5000);
      await t.exec(sql`INSERT INTO dev_deadline (file_id, kind, due, extended_due, provisional)
        SELECT * FROM unnest(${b.map((d) => d.file)}::uuid[], ${b.map((d) => d.kind)}::text[], ${b.map((d) => d.due)}::date[], ${b.map((d) => d.ext)}::date[], ${b.map((d) => d.prov)}::boolean[])`);
    }
  });
  return files.length;
}
