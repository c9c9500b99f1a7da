import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { can } from '../../platform/actor';
import type { SearchEverythingQuery, SearchResults } from '../../../contracts/search';
import { listMembers } from '../member';
import { findOrgsByName } from '../org';
import { listCandidates } from '../development';

// Composes each domain's own scoped search: no SQL of its own, so a hit here
// is exactly what the caller would find on that domain's list page.
export async function searchEverything(deps: Deps, ctx: ActorContext, query: SearchEverythingQuery): Promise<SearchResults> {
  const actor = ctx.actor;
  const page = { page: 1, pageSize: query.limit };
  const [members, orgs, candidates] = await Promise.all([
    can(actor, 'member.read') ? listMembers(deps, ctx, { ...page, q: query.q, status: 'current', sort: 'name', order: 'asc' }) : null,
    can(actor, 'org.read') ? findOrgsByName(deps, ctx, query.q, query.limit) : null,
    can(actor, 'development.read') ? listCandidates(deps, ctx, { ...page, q: query.q, state: 'open', sort: 'name', order: 'asc' }) : null,
  ]);
  return {
    members: members && { items: members.items, total: members.total, totalCapped: members.totalCapped },
    orgs,
    candidates: candidates && { items: candidates.items, total: candidates.total },
  };
}
