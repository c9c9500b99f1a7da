import { z } from 'zod';
import { Text } from './common';
import { MemberListItem } from './member';
import { OrgSummary } from './org';
import { CandidateListItem } from './development';

// The header's global search: members, organisations and development
// candidates by name or pinyin, each group only where the caller may read it,
// each scoped like its own list page.

export const SearchEverythingQuery = z.object({
  q: Text.trim().min(1, { message: '请输入要查找的姓名或名称' }).max(50),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});
export type SearchEverythingQuery = z.infer<typeof SearchEverythingQuery>;

/**
 * One group of hits: the first `limit` items and how many there are in all
 * (null: the caller may not read this kind). `totalCapped`: a broad pinyin
 * prefix counted no further than the member list's cap (shown as 1000+).
 */
const group = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), totalCapped: z.boolean().optional() }).nullable();

export const SearchResults = z.object({
  members: group(MemberListItem),
  orgs: group(OrgSummary),
  candidates: group(CandidateListItem),
});
export type SearchResults = z.infer<typeof SearchResults>;
