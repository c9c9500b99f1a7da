import type { ReactElement } from 'react';

/**
 * The dropdown of a Select that searches on the server as the user types,
 * marked with the term whose results it shows once they have arrived
 * (data-search-settled). Until then it may still list the previous results;
 * a browser test waits for the mark before it clicks an option, so that the
 * list does not change under the click.
 */
export function searchPopup(typed: string, term: string, fetching: boolean) {
  const settled = !fetching && term === typed.trim();
  return function SearchPopup(menu: ReactElement) {
    return <div data-search-settled={settled ? term : undefined}>{menu}</div>;
  };
}
