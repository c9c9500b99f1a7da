import type { Db, Queryable } from '../platform/db';
import type { FieldCipher } from '../platform/crypto';
import type { FileStore } from '../platform/files';
import { sql } from '../platform/sql';
import { addYears, addDays, businessToday } from '../platform/dates';
import { maskIdNumber, maskPhone } from '../../contracts/idcard';
import { ETHNICITIES, type OrgType, type UnitKind } from '../../contracts/dict';
import { namePinyin } from '../domains/member';
import { generateTransfers } from './transfers';
import { drawIdNumber, Rng } from './random';
import { generateDevelopment } from './development';
import { generateDues } from './dues';
import { generateMeetings } from './meetings';
import { generatePoints, indexPeriods, type PointsBackfill } from './points';
import { recomputeIndex } from '../domains/branch-index';
import { registerIndexItems } from '../index-items';

// Deterministic demo-data generator. The same tier and seed give the same
// organisations, people and history (UUIDs included). The member mix follows
// the 2024 Party statistics communiqué (QUALITY.md "Data sizes").

export type Tier = 'demo' | 'county' | 'city';

interface TierShape {
  counties: number; // 0: the root is itself the county committee
  subsPerCounty: number;
  branchesPerSub: number;
  generalPerSub: number;
  branchesPerGeneral: number;
  partyGroupsPerBranch: number;
  targetMembers: number;
  /** months of dues history */
  duesMonths: number;
  /** share of the members transferred between branches over the last 15 months (0: no transfer history) */
  transferShare: number;
  /** years of 三会一课 history up to today (0: none) */
  meetingYears: number;
  /** months of points awarded while seeding (0: no points) */
  pointMonths: number;
  /** months of points history in all (rules passed at its start; the months before `pointMonths` left to the points.backfill job) */
  pointHistoryMonths: number;
}

export const TIERS: Record<Tier, TierShape> = {
  demo: { counties: 0, subsPerCounty: 6, branchesPerSub: 20, generalPerSub: 1, branchesPerGeneral: 3, partyGroupsPerBranch: 0, targetMembers: 3000, duesMonths: 36, transferShare: 0.02, meetingYears: 3, pointMonths: 6, pointHistoryMonths: 36 },
  county: { counties: 0, subsPerCounty: 40, branchesPerSub: 42, generalPerSub: 2, branchesPerGeneral: 3, partyGroupsPerBranch: 2, targetMembers: 40000, duesMonths: 36, transferShare: 0.02, meetingYears: 1, pointMonths: 0, pointHistoryMonths: 0 },
  city: { counties: 10, subsPerCounty: 30, branchesPerSub: 45, generalPerSub: 2, branchesPerGeneral: 2, partyGroupsPerBranch: 0, targetMembers: 300000, duesMonths: 0, transferShare: 0, meetingYears: 0, pointMonths: 0, pointHistoryMonths: 0 },
};

export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
export const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩然欣怡佳琪晨雪梅婷俊峰海波林东亮成新春燕玲丹慧颖子涵思远晓光德福永宁安'.split('');
const TOWNS = ['城关镇', '河东镇', '青山乡', '桃源镇', '石桥镇', '白沙乡', '新塘镇', '清溪镇', '龙潭乡', '凤鸣镇', '柳湾乡', '金川镇', '杨柳镇', '云岭乡', '三河镇', '长乐镇', '北坡乡', '南湖镇', '西岭乡', '东坝镇'];
const VILLAGE_WORDS = ['和平', '红星', '光明', '胜利', '前进', '幸福', '团结', '向阳', '新华', '东风', '建设', '朝阳', '永安', '太平', '双河', '沙坪', '马鞍', '高桥', '柏树', '枫林', '杏花', '竹园', '梨园', '荷塘', '石门', '李家', '王庄', '赵湾', '张坝', '陈岭'];
const BUREAUS = ['财政局', '教育局', '卫健局', '民政局', '自然资源局', '住建局', '交通运输局', '农业农村局', '水利局', '商务局', '文旅局', '应急管理局', '审计局', '统计局', '医保局', '司法局', '人社局', '生态环境局', '市场监管局', '信访局'];
const SCHOOLS = ['第一中学', '第二中学', '实验小学', '城关小学', '职业中学', '实验幼儿园', '第三中学', '民族中学', '育才小学', '特殊教育学校'];
const CITY_COUNTIES = ['示范县', '安平县', '清河县', '永和县', '长宁县', '兴隆县', '丰泽区', '锦江区', '东城区', '西湖区', '南山区', '北塘区'];

interface OrgSeed {
  id: string; seq: number; parentId: string | null; path: string; type: OrgType; name: string; code: string; unitName: string; unitKind: UnitKind;
  address: string; lng: number; lat: number; setupDate: string; regionKey: string;
}

export interface SeedResult {
  rootId: string;
  orgs: number;
  members: number;
  branches: Array<{ id: string; name: string }>;
  /** persons per branch id, ordered; used to pick demo secretaries and members */
  people: Map<string, string[]>;
  /** the older points history left to the points.backfill job (null: none) */
  pointsBackfill: PointsBackfill | null;
}

function uuidFrom(rng: Rng): string {
  const b = Array.from({ length: 16 }, () => rng.int(0, 255));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `files`: where the demo 思想汇报 are stored; without it the development files get none. */
/** `today`: the business date the history runs up to (the deps' clock; the wall clock by default, for the CLI and benchmarks). */
export async function generate(db: Db, cipher: FieldCipher, opts: { tier: Tier; seed: number; progress?: (stage: string, done: number, total: number) => void; files?: FileStore; today?: string }): Promise<SeedResult> {
  const shape = TIERS[opts.tier];
  const rng = new Rng(opts.seed);
  const today = opts.today ?? businessToday(new Date()); // the CLI and the benchmarks seed up to the real day
  const progress = opts.progress ?? (() => undefined);
  const { maxSeq } = await db.one<{ maxSeq: number }>(sql`SELECT coalesce(max(seq), 0)::bigint AS "maxSeq" FROM org`);
  let seq = maxSeq;
  let codeNo = 0;
  const orgs: OrgSeed[] = [];
  const baseLng = 113.2 + rng.next();
  const baseLat = 28.0 + rng.next();

  const mk = (parent: OrgSeed | null, type: OrgType, name: string, unitName: string, unitKind: UnitKind, spread: number): OrgSeed => {
    seq++;
    codeNo++;
    const id = uuidFrom(rng);
    const o: OrgSeed = {
      id, seq, parentId: parent?.id ?? null, path: parent ? `${parent.path}.${seq}` : String(seq), type, name, code: `D${String(opts.seed % 1000).padStart(3, '0')}${String(codeNo).padStart(6, '0')}`,
      unitName, unitKind, address: `${unitName}办公楼`, lng: +((parent?.lng ?? baseLng) + (rng.next() - 0.5) * spread).toFixed(6), lat: +((parent?.lat ?? baseLat) + (rng.next() - 0.5) * spread).toFixed(6),
      setupDate: addDays('1990-01-01', rng.int(0, 12000)), regionKey: parent?.regionKey ?? id,
    };
    if (!parent) o.regionKey = id;
    orgs.push(o);
    return o;
  };

  const root = mk(null, 'committee', shape.counties ? '中共示范市委员会' : '中共示范县委员会', shape.counties ? '示范市' : '示范县', 'government', 0.1);
  const counties: OrgSeed[] = [];
  if (shape.counties) {
    for (let c = 0; c < shape.counties; c++) {
      const county = mk(root, 'committee', `中共${CITY_COUNTIES[c % CITY_COUNTIES.length]}${c >= CITY_COUNTIES.length ? c : ''}委员会`, CITY_COUNTIES[c % CITY_COUNTIES.length], 'government', 1.5);
      county.regionKey = county.id;
      counties.push(county);
    }
  } else counties.push(root);

  const branches: OrgSeed[] = [];
  for (const county of counties) {
    for (let s = 0; s < shape.subsPerCounty; s++) {
      const kind = s % 5;
      const town = TOWNS[s % TOWNS.length] + (s >= TOWNS.length ? String(Math.floor(s / TOWNS.length) + 1) : '');
      const isOrgan = kind === 3;
      const isSchool = kind === 4;
      const sub = isOrgan
        ? mk(county, 'working_committee', `${county.unitName}直属机关工委${s >= 5 ? Math.floor(s / 5) + 1 : ''}`, `${county.unitName}直属机关`, 'government', 0.06)
        : isSchool
          ? mk(county, 'committee', `${county.unitName}教育系统党委${s >= 5 ? Math.floor(s / 5) + 1 : ''}`, `${county.unitName}教育局`, 'government', 0.06)
          : mk(county, 'committee', `中共${town}委员会`, `${town}人民政府`, 'government', 0.6);
      const branchName = (b: number): [string, string, UnitKind] => {
        if (isOrgan) return [`${BUREAUS[b % BUREAUS.length]}${b >= BUREAUS.length ? '第' + (Math.floor(b / BUREAUS.length) + 1) : ''}机关党支部`, `${county.unitName}${BUREAUS[b % BUREAUS.length]}`, 'government'];
        if (isSchool) return [`${SCHOOLS[b % SCHOOLS.length]}${b >= SCHOOLS.length ? '第' + (Math.floor(b / SCHOOLS.length) + 1) : ''}党支部`, `${county.unitName}${SCHOOLS[b % SCHOOLS.length]}`, 'school'];
        const w = VILLAGE_WORDS[b % VILLAGE_WORDS.length] + (b >= VILLAGE_WORDS.length ? String(Math.floor(b / VILLAGE_WORDS.length) + 1) : '');
        return b % 4 === 0 ? [`${town}${w}社区党支部`, `${town}${w}社区`, 'community'] : [`${town}${w}村党支部`, `${town}${w}村`, 'village'];
      };
      for (let b = 0; b < shape.branchesPerSub; b++) {
        const [name, unit, uk] = branchName(b);
        branches.push(mk(sub, 'branch', name, unit, uk, isOrgan || isSchool ? 0.03 : 0.08));
      }
      for (let g = 0; g < shape.generalPerSub; g++) {
        const unit = isSchool ? `${county.unitName}第${g + 1}高级中学` : `${town}第${g + 1}工业园`;
        const general = mk(sub, 'general_branch', `${unit}党总支`, unit, isSchool ? 'school' : 'private', 0.06);
        for (let b = 0; b < shape.branchesPerGeneral; b++) branches.push(mk(general, 'branch', `${unit}第${b + 1}党支部`, unit, isSchool ? 'school' : 'private', 0.01));
      }
    }
  }
  const partyGroups: OrgSeed[] = [];
  if (shape.partyGroupsPerBranch) {
    for (const br of branches) for (let g = 0; g < shape.partyGroupsPerBranch; g++) partyGroups.push(mk(br, 'party_group', `第${g + 1}党小组`, br.unitName, br.unitKind, 0.002));
  }
  void partyGroups;

  // -- organisations
  for (let i = 0; i < orgs.length; i += 2000) {
    const part = orgs.slice(i, i + 2000);
    await db.exec(sql`INSERT INTO org (id, seq, parent_id, path, type, name, code, unit_name, unit_kind, address, lng, lat, setup_date, region_key)
      SELECT id, seq, parent_id, path::ltree, type, name, code, unit_name, unit_kind, address, lng, lat, setup_date, region_key
      FROM unnest(${part.map((o) => o.id)}::uuid[], ${part.map((o) => o.seq)}::bigint[], ${part.map((o) => o.parentId)}::uuid[], ${part.map((o) => o.path)}::text[],
                  ${part.map((o) => o.type)}::text[], ${part.map((o) => o.name)}::text[], ${part.map((o) => o.code)}::text[], ${part.map((o) => o.unitName)}::text[],
                  ${part.map((o) => o.unitKind)}::text[], ${part.map((o) => o.address)}::text[], ${part.map((o) => o.lng)}::float8[], ${part.map((o) => o.lat)}::float8[],
                  ${part.map((o) => o.setupDate)}::date[], ${part.map((o) => o.regionKey)}::uuid[])
        AS t(id, seq, parent_id, path, type, name, code, unit_name, unit_kind, address, lng, lat, setup_date, region_key)`);
    progress('组织', Math.min(i + 2000, orgs.length), orgs.length);
  }
  await db.exec(sql`SELECT setval(pg_get_serial_sequence('org', 'seq'), ${seq})`);

  // -- members
  const perBranchMean = shape.targetMembers / branches.length;
  const usedIds = new Set<string>();
  const people = new Map<string, string[]>();
  const threeYearsAgo = addYears(today, -3);
  let total = 0;
  const sizes = branches.map((_, i) => {
    if (i === 0) return Math.max(12, Math.round(perBranchMean)); // the first branch (secretary1's) is a healthy one
    const r = rng.next();
    if (r < 0.03) return rng.int(2, 4);
    if (r < 0.06) return rng.int(51, 58);
    return Math.max(3, Math.round(perBranchMean + (rng.next() - 0.5) * perBranchMean * 0.9));
  });
  const plannedTotal = sizes.reduce((a, b) => a + b, 0);

  type P = {
    id: string; name: string; py: string; ini: string; sex: string; eth: string; birth: string; idEnc: Buffer; idHash: Buffer; idMask: string;
    phEnc: Buffer; phHash: Buffer; phTail: string; phMask: string; edu: string; occ: string; unit: string; addr: string; join: string; conv: string | null;
    status: string; org: string; region: string; leftOn?: string;
  };
  let batch: P[] = [];
  type E = { person: string; org: string; direction: string; reason: string; date: string; from: string | null; to: string; };
  let events: E[] = [];

  const flush = async () => {
    if (!batch.length) return;
    const b = batch;
    batch = [];
    const ev = events;
    events = [];
    await db.tx(async (t: Queryable) => {
      await t.exec(sql`INSERT INTO person (id, name, name_pinyin, name_initials, sex, ethnicity, birth_date, id_no_enc, id_no_hash, id_no_masked, phone_enc, phone_hash, phone_tail, phone_masked,
          education, occupation, unit_name, address, join_date, conversion_date, status, org_id, region_key)
        SELECT * FROM unnest(${b.map((p) => p.id)}::uuid[], ${b.map((p) => p.name)}::text[], ${b.map((p) => p.py)}::text[], ${b.map((p) => p.ini)}::text[], ${b.map((p) => p.sex)}::text[],
          ${b.map((p) => p.eth)}::text[], ${b.map((p) => p.birth)}::date[], ${b.map((p) => p.idEnc)}::bytea[], ${b.map((p) => p.idHash)}::bytea[], ${b.map((p) => p.idMask)}::text[],
          ${b.map((p) => p.phEnc)}::bytea[], ${b.map((p) => p.phHash)}::bytea[], ${b.map((p) => p.phTail)}::text[], ${b.map((p) => p.phMask)}::text[], ${b.map((p) => p.edu)}::text[],
          ${b.map((p) => p.occ)}::text[], ${b.map((p) => p.unit)}::text[], ${b.map((p) => p.addr)}::text[], ${b.map((p) => p.join)}::date[], ${b.map((p) => p.conv)}::date[],
          ${b.map((p) => p.status)}::text[], ${b.map((p) => p.org)}::uuid[], ${b.map((p) => p.region)}::uuid[])`);
      await t.exec(sql`INSERT INTO membership (person_id, org_id, valid_from, valid_to)
        SELECT p, o, f, CASE WHEN s IN ('full','probationary') THEN NULL ELSE l END
        FROM unnest(${b.map((p) => p.id)}::uuid[], ${b.map((p) => p.org)}::uuid[], ${b.map((p) => (p.join > threeYearsAgo ? p.join : threeYearsAgo))}::date[], ${b.map((p) => p.status)}::text[],
          ${b.map((p) => p.leftOn ?? null)}::date[]) AS t(p, o, f, s, l)`);
      await t.exec(sql`INSERT INTO member_event (person_id, org_id, direction, reason, event_date, from_status, to_status)
        SELECT * FROM unnest(${ev.map((e) => e.person)}::uuid[], ${ev.map((e) => e.org)}::uuid[], ${ev.map((e) => e.direction)}::text[], ${ev.map((e) => e.reason)}::text[],
          ${ev.map((e) => e.date)}::date[], ${ev.map((e) => e.from)}::text[], ${ev.map((e) => e.to)}::text[])`);
    });
  };

  for (let bi = 0; bi < branches.length; bi++) {
    const br = branches[bi];
    const ids: string[] = [];
    for (let k = 0; k < sizes[bi]; k++) {
      const isFemale = rng.chance(0.309);
      const band = rng.next();
      const age = band < 0.122 ? rng.int(19, 30) : band < 0.122 + 0.289 ? rng.int(61, 88) : rng.int(31, 60);
      const birth = addDays(addYears(today, -age - 1), rng.int(1, 364));
      let occ: string;
      if (age >= 61 && rng.chance(0.74)) occ = 'retired';
      else if (age <= 26 && rng.chance(0.45)) occ = 'student';
      // villages are mostly farmers; elsewhere fewer, so that the whole is ~26 % farmers
      else if (br.unitKind === 'village') occ = rng.weighted({ farmer: 60, worker: 8, enterprise_staff: 12, party_gov_staff: 5, other: 15 });
      else occ = rng.weighted({ farmer: 17.8, worker: 9.5, enterprise_staff: 33, party_gov_staff: 14, other: 25.7 });
      const edu = rng.weighted({ postgraduate: 5.2, bachelor: 30, college: 22.4, secondary_vocational: 6, high_school: 14, junior_high: 17, primary: 5.4 });
      const eth = rng.chance(0.93) ? '汉族' : rng.pick(ETHNICITIES);
      const name = rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.7) ? rng.pick(GIVEN) : '');
      // ID number: fictional area code, birth date, sequence with the sex parity, checksum
      const idNo = drawIdNumber(rng, birth, isFemale, usedIds);
      const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999999999)).padStart(9, '0')}`;
      const joinAge = age <= 30 ? rng.int(18, Math.max(18, age - 1)) : rng.int(20, Math.min(45, age - 1));
      let join = addDays(addYears(birth, joinAge), rng.int(0, 300));
      if (join > addDays(today, -30)) join = addDays(today, -rng.int(30, 300));
      const isProbationary = join > addYears(today, -1) || (rng.chance(0.02) && age < 40);
      if (isProbationary && join <= addYears(today, -1)) join = addDays(today, -rng.int(30, 330));
      const conv = isProbationary ? null : addYears(join, 1) <= today ? addYears(join, 1) : null;
      const status0 = conv ? 'full' : 'probationary';
      const py = namePinyin(name);
      const id = uuidFrom(rng);
      const r = rng.next();
      const leaves = bi !== 0 && r < 0.012 ? 'deceased' : bi !== 0 && r < 0.022 ? 'transfer_out' : null;
      const status = leaves === 'deceased' ? 'deceased' : leaves ? 'left' : status0;
      batch.push({
        id, name, py: py.full, ini: py.initials, sex: isFemale ? 'female' : 'male', eth, birth,
        idEnc: cipher.encrypt(idNo), idHash: cipher.hash(idNo), idMask: maskIdNumber(idNo), phEnc: cipher.encrypt(phone), phHash: cipher.hash(phone), phTail: phone.slice(-4), phMask: maskPhone(phone),
        edu, occ, unit: br.unitName, addr: `${br.unitName}${rng.int(1, 200)}号`, join, conv, status, org: br.id, region: br.regionKey,
      });
      const increaseDate = join > threeYearsAgo ? join : threeYearsAgo;
      events.push({ person: id, org: br.id, direction: 'increase', reason: join > threeYearsAgo ? 'recruited' : 'registered', date: increaseDate, from: null, to: join > threeYearsAgo ? 'probationary' : status0 });
      if (conv && conv > threeYearsAgo) events.push({ person: id, org: br.id, direction: 'change', reason: 'converted', date: conv, from: 'probationary', to: 'full' });
      if (leaves) {
        const d = addDays(today, -rng.int(1, 700));
        // the relation ends on the day of the 减少 event, as recording it does (member.service)
        const leftOn = d > increaseDate ? d : increaseDate;
        batch[batch.length - 1].leftOn = leftOn;
        events.push({ person: id, org: br.id, direction: 'decrease', reason: leaves, date: leftOn, from: status0, to: status });
      } else ids.push(id);
      total++;
      if (batch.length >= 2000) {
        await flush();
        progress('党员', total, plannedTotal);
      }
    }
    people.set(br.id, ids);
  }
  await flush();
  progress('党员', total, plannedTotal);

  // -- committees and terms: branches with ≥ 7 full members get a committee; a few terms expire soon or are overdue
  const committees: Array<{ org: string; elected: string; years: number; ends: string }> = [];
  const posts: Array<{ committee: number; post: string; person: string; name: string }> = [];
  const names = new Map<string, string>();
  const fullCounts = await db.query<{ org_id: string; full: number }>(sql`SELECT org_id, count(*) FILTER (WHERE status = 'full')::int AS full FROM person WHERE is_current AND org_id = ANY(${branches.map((b) => b.id)}::uuid[]) GROUP BY org_id`);
  const fullBy = new Map(fullCounts.map((r) => [r.org_id, r.full]));
  const nameRows = await db.query<{ id: string; name: string; org_id: string }>(sql`SELECT id, name, org_id FROM person WHERE is_current AND org_id = ANY(${branches.map((b) => b.id)}::uuid[]) AND status = 'full' ORDER BY org_id, id`);
  const fullPeople = new Map<string, Array<{ id: string; name: string }>>();
  for (const r of nameRows) {
    names.set(r.id, r.name);
    fullPeople.set(r.org_id, [...(fullPeople.get(r.org_id) ?? []), { id: r.id, name: r.name }]);
  }
  for (let bi = 0; bi < branches.length; bi++) {
    const br = branches[bi];
    const full = fullBy.get(br.id) ?? 0;
    if (full === 0 || (bi !== 0 && rng.chance(0.04))) continue;
    const years = br.unitKind === 'village' || br.unitKind === 'community' ? 5 : 3;
    const r = rng.next();
    const elected = bi === 0 ? addDays(today, -200) : r < 0.06 ? addDays(addYears(today, -years), -rng.int(10, 200)) : r < 0.12 ? addDays(addYears(today, -years), rng.int(5, 85)) : addDays(today, -rng.int(30, years * 365 - 120));
    committees.push({ org: br.id, elected, years, ends: addYears(elected, years) });
    const pool = fullPeople.get(br.id) ?? [];
    const roles = full >= 7 ? ['secretary', 'organisation', 'propaganda', 'discipline'] : ['secretary'];
    roles.forEach((post, i) => pool[i] && posts.push({ committee: committees.length - 1, post, person: pool[i].id, name: pool[i].name }));
  }
  const committeeIds: string[] = [];
  for (let i = 0; i < committees.length; i += 2000) {
    const part = committees.slice(i, i + 2000);
    const rows = await db.query<{ id: string }>(sql`INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on)
      SELECT * FROM unnest(${part.map((c) => c.org)}::uuid[], ${part.map((c) => c.elected)}::date[], ${part.map((c) => c.years)}::int[], ${part.map((c) => c.ends)}::date[]) RETURNING id`);
    committeeIds.push(...rows.map((r) => r.id));
  }
  for (let i = 0; i < posts.length; i += 5000) {
    const part = posts.slice(i, i + 5000);
    await db.exec(sql`INSERT INTO committee_post (committee_id, post, person_id, holder_name, approved_on)
      SELECT c, p, pe, n, NULL FROM unnest(${part.map((p) => committeeIds[p.committee])}::uuid[], ${part.map((p) => p.post)}::text[], ${part.map((p) => p.person)}::uuid[], ${part.map((p) => p.name)}::text[]) AS t(c, p, pe, n)`);
  }
  progress('班子', committees.length, committees.length);

  // -- member development: open files in most branches (RULES §1 pace)
  const devFiles = await generateDevelopment(db, cipher, rng, { branches, fullPeople, surnames: SURNAMES, given: GIVEN, usedIds, today, files: opts.files });
  progress('发展党员', devFiles, devFiles);
  // the 发展计划 of the committees down to the towns, last year's and this year's: a tenth above the year before's admissions
  const year = Number(today.slice(0, 4));
  await db.exec(sql`INSERT INTO dev_plan (org_id, year, planned, note)
    SELECT o.id, y.year, greatest(1, round(1.1 * (SELECT count(*) FROM person p JOIN org x ON x.id = p.org_id
      WHERE x.path <@ o.path AND p.join_date >= make_date(y.year - 1, 1, 1) AND p.join_date < make_date(y.year, 1, 1))))::int, '参照上年发展数制定'
    FROM org o CROSS JOIN (VALUES (${year - 1}::int), (${year}::int)) AS y(year)
    WHERE o.path <@ ${root.path}::ltree AND nlevel(o.path) <= nlevel(${root.path}::ltree) + 1 AND o.type IN ('committee', 'working_committee')
    ON CONFLICT (org_id, year) DO NOTHING`);

  // -- relation transfers: a year and more of letters (before the dues, whose bills follow the relations month by month)
  if (shape.transferShare) {
    // secretary1's branch (the demo's member1 and the owing members) stays as generated; it gets one incoming letter to act on
    const moved = await generateTransfers(db, rng, { rootPath: root.path, today, share: shape.transferShare, keepBranches: new Set([branches[0].id]), openInto: branches[0].id });
    progress('组织关系转接', moved.letters, moved.letters);
  }

  // -- dues (three years of bases, bills and payments; the city tier has none yet: 10.8 M bills) and
  // 三会一课 (years of organisational life with realistic gaps, the rest of this year planned) touch
  // no common table: they are written at once on two connections (B13, a fresh start), each with
  // its own random stream so that the data does not depend on how the two interleave
  // the first two people of the first branch (the demo's member1 is one of them) owe last month and this
  const owing = new Set((people.get(branches[0].id) ?? []).slice(0, 2));
  const [dues, meetings] = await Promise.all([
    shape.duesMonths ? generateDues(db, rng, { rootPath: root.path, today, months: shape.duesMonths, owing }) : null,
    shape.meetingYears ? generateMeetings(db, new Rng(opts.seed * 17 + 13), { rootPath: root.path, today, years: shape.meetingYears, planAhead: true }) : null,
  ]);
  if (dues) progress('党费', dues.entries, dues.bills);
  if (meetings) progress('三会一课', meetings.meetings, meetings.meetings);
  // -- 积分: the branches' rules passed three years ago, the last six months' facts awarded through the ledger, the earlier ones left to a job (secretary1's branch has its rules)
  let pointsBackfill: PointsBackfill | null = null;
  if (shape.pointMonths) {
    const p = await generatePoints(db, rng, { rootPath: root.path, today, months: shape.pointMonths, historyMonths: shape.pointHistoryMonths, keepWithRules: new Set([branches[0].id]) });
    pointsBackfill = p.backfill;
    progress('党员积分', p.awards, p.awards);
    // the branch index of the last eight quarters and two years (from the meetings, dues and committees of that time), as the daily job leaves them
    registerIndexItems();
    const periods = indexPeriods(today, 24);
    for (const [i, period] of periods.entries()) {
      await recomputeIndex(db, new Date(`${today}T04:00:00Z`), today, root.path, period);
      progress('先锋指数', i + 1, periods.length);
    }
  }
  await db.exec(sql`ANALYZE`);
  return { rootId: root.id, orgs: orgs.length, members: total, branches: branches.map((b) => ({ id: b.id, name: b.name })), people, pointsBackfill };
}
