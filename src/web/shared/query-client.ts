import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api';

// The one query client of a page (the console and the phone pages through
// app/providers, the big screen's own entry directly: it carries no antd).

// networkMode 'always': the app talks to its own server, often on an intranet, so the
// browser's idea of being online (navigator.onLine, which headless and intranet
// browsers get wrong) must not hold a save back silently; a failed request shows
// its error instead. With the default ('online') a mutation paused without a word
// while the browser believed it was offline: the button spun and nothing was sent.
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      networkMode: 'always',
      refetchOnWindowFocus: false,
      staleTime: 30_000,
      // retry only what may pass on a second try (network, 5xx), never 4xx
      retry: (count, e) => count < 2 && (!(e instanceof ApiError) || e.status === 0 || e.status >= 500),
    },
    mutations: { retry: false, networkMode: 'always' },
  },
});
