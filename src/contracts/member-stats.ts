import { z } from 'zod';
import { IsoDate } from './common';

// Member statistics of an org subtree (GET /orgs/:id/member-stats), read from
// the member rollups. Bands and periods are data: the statistics tables of the
// Party's annual report count age as reached in the report year (at 12-31),
// and 入党时间 in the periods below.

/** Age bands: age = year of `asOf` − birth year (the age reached on 12-31 of that year). */
export const AGE_BANDS = [
  { key: 'upto25', label: '25岁及以下', min: null, max: 25 },
  { key: '26_30', label: '26—30岁', min: 26, max: 30 },
  { key: '31_35', label: '31—35岁', min: 31, max: 35 },
  { key: '36_40', label: '36—40岁', min: 36, max: 40 },
  { key: '41_45', label: '41—45岁', min: 41, max: 45 },
  { key: '46_50', label: '46—50岁', min: 46, max: 50 },
  { key: '51_55', label: '51—55岁', min: 51, max: 55 },
  { key: '56_60', label: '56—60岁', min: 56, max: 60 },
  { key: '61plus', label: '61岁及以上', min: 61, max: null },
] as const satisfies ReadonlyArray<{ key: string; label: string; min: number | null; max: number | null }>;
export type AgeBandKey = (typeof AGE_BANDS)[number]['key'];

/** The band of an age in years. */
export function ageBandOf(age: number): AgeBandKey {
  for (const b of AGE_BANDS) if ((b.min === null || age >= b.min) && (b.max === null || age <= b.max)) return b.key;
  return AGE_BANDS[AGE_BANDS.length - 1].key;
}

/** 入党时间 periods, months inclusive ('YYYY-MM'; null: open end). */
export const JOIN_PERIODS = [
  { key: 'before_1949_10', label: '建国前', from: null, to: '1949-09' },
  { key: '1949_10', label: '1949.10—1966.4', from: '1949-10', to: '1966-04' },
  { key: '1966_05', label: '1966.5—1976.10', from: '1966-05', to: '1976-10' },
  { key: '1976_11', label: '1976.11—1978.12', from: '1976-11', to: '1978-12' },
  { key: '1979_01', label: '1979.1—2002.10', from: '1979-01', to: '2002-10' },
  { key: '2002_11', label: '2002.11—2012.10', from: '2002-11', to: '2012-10' },
  { key: '2012_11', label: '2012.11以后', from: '2012-11', to: null },
] as const satisfies ReadonlyArray<{ key: string; label: string; from: string | null; to: string | null }>;
export type JoinPeriodKey = (typeof JOIN_PERIODS)[number]['key'] | 'unknown';
export const JOIN_PERIOD_UNKNOWN_LABEL = '未填写';

/** The period of a join month 'YYYY-MM' ('unknown' without one). */
export function joinPeriodOf(month: string | null): JoinPeriodKey {
  if (!month || !/^\d{4}-\d{2}$/.test(month)) return 'unknown';
  for (const p of JOIN_PERIODS) if ((p.from === null || month >= p.from) && (p.to === null || month <= p.to)) return p.key;
  return 'unknown';
}

export const HAN_ETHNICITY = '汉族';

export const MemberStatsQuery = z.object({ asOf: IsoDate.optional() });
export type MemberStatsQuery = z.infer<typeof MemberStatsQuery>;

const Count = z.object({ key: z.string(), n: z.number().int() });
export type StatsCount = z.infer<typeof Count>;

export const MemberStats = z.object({
  org: z.object({ id: z.uuid(), name: z.string() }),
  asOf: z.string(),
  /** subtree: the org and everything under it; node: the org alone (a grant on that org only) */
  coverage: z.enum(['subtree', 'node']),
  /** members on the roll (预备党员 + 正式党员) */
  members: z.number().int(),
  /** every person by status, the development pipeline included (keys of MEMBER_STATUSES / PIPELINE_STATUSES) */
  byStatus: z.array(Count),
  // members on the roll by …
  bySex: z.array(Count),
  byAgeBand: z.array(Count), // keys of AGE_BANDS, every band listed
  byEducation: z.array(Count),
  byOccupation: z.array(Count),
  ethnicity: z.object({ han: z.number().int(), minority: z.number().int(), byName: z.array(Count) }),
  byJoinPeriod: z.array(Count), // keys of JOIN_PERIODS (+ 'unknown' when any)
  /** orgs not dissolved in the subtree, by type (keys of ORG_TYPES) */
  orgsByType: z.array(Count),
});
export type MemberStats = z.infer<typeof MemberStats>;
