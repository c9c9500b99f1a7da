import { z } from 'zod';

/** The keys of a code list as a non-empty tuple, for z.enum (the list's labels stay the one source of its codes). */
export const keysOf = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

export const Uuid = z.uuid({ message: '编号格式不正确' });

// NUL (PostgreSQL text and jsonb cannot hold it) and lone surrogates (not
// Unicode: PostgreSQL would store U+FFFD, so what was checked or hashed is not
// what is stored). With the u flag a well-formed pair is one code point, so
// \p{Cs} matches only a lone half.
const NUL = String.fromCharCode(0);
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Every text field and query parameter from outside: a string without NUL and
 * without invalid Unicode. Chain as usual (`Text.trim().min(1).max(50)`); the
 * checks run on the raw input, before any trim.
 */
export const Text = z
  .string()
  .refine((s) => !s.includes(NUL), { message: '不能包含空字符（\\u0000）', abort: true })
  .refine((s) => !LONE_SURROGATE.test(s), { message: '含有无效的字符编码', abort: true });

/** True when the text can be stored as is: no NUL, well-formed Unicode. */
export const isStorableText = (s: string): boolean => !s.includes(NUL) && !LONE_SURROGATE.test(s);

// Years a date or month may carry: PostgreSQL refuses year 0000, and nothing
// in party records lies outside this range.
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;
const yearInRange = (s: string) => {
  const y = Number(s.slice(0, 4));
  return y >= MIN_YEAR && y <= MAX_YEAR;
};

/** A real calendar date YYYY-MM-DD (2023-02-29 is refused) between 1900 and 2199. */
export const IsoDate = z.iso
  .date({ message: '日期格式应为 YYYY-MM-DD' })
  .refine(yearInRange, { message: `日期应在 ${MIN_YEAR} 年至 ${MAX_YEAR} 年之间` });

/** A month YYYY-MM between 1900 and 2199. */
export const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份格式应为 YYYY-MM' })
  .refine(yearInRange, { message: `月份应在 ${MIN_YEAR} 年至 ${MAX_YEAR} 年之间` });

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100, { message: '每页最多100条' }).default(20),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export const Ok = z.object({ ok: z.literal(true) });
/** The path parameters of a route about one object. */
export const IdParams = z.object({ id: z.uuid({ message: '编号格式不正确' }) });
/** The answer to a create: the new object's id. */
export const Created = z.object({ id: z.uuid() });

export const ErrorEnvelopeSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }),
});

/** One refused row of an uploaded workbook: its row number, the column and why. */
export const ImportIssue = z.object({ row: z.number().int(), field: z.string(), message: z.string() });
export type ImportIssue = z.infer<typeof ImportIssue>;
export const DryRunQuery = z.object({ dryRun: z.enum(['true', 'false']).default('true') });
