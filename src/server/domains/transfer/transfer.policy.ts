import type { TransferScope } from '../../../contracts/transfer';

// Pure rules of 组织关系转接 (RULES §4), unit-tested without a database.

/**
 * The scope of a transfer inside the installation: the same 基层党委 issues
 * and receives; else the same county (region); else the installation (the
 * city or system this platform serves).
 */
export function scopeBetween(from: { issuerId: string; regionKey: string | null }, to: { issuerId: string; regionKey: string | null }): TransferScope {
  if (from.issuerId === to.issuerId) return 'committee';
  if (from.regionKey && from.regionKey === to.regionKey) return 'county';
  return 'installation';
}
