import type { KeyboardEvent } from 'react';

/**
 * For a long form (a member, a candidate, a payment): Enter in a field confirms
 * that field (a typed date, a picked option) and never submits the whole form —
 * two members were once created without phone or address by an Enter in a date
 * field. The form is submitted with its button. Text areas keep their newlines.
 */
export function enterConfirmsField(e: KeyboardEvent<HTMLFormElement>) {
  if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault();
}
