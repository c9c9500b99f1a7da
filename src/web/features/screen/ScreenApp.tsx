import { useEffect } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider, useLocation } from 'react-router';
import { setUnauthorizedHandler } from '../../shared/api';
import { queryClient } from '../../shared/query-client';
import { ME_KEY, meQuery } from '../../shared/session';
import '../../shared/dates';
import { dashboardQuery } from './api';
import { leaveFor } from './leave';
import { RequireScreenPermission, RequireSession, ScreenLoading } from './RequireSession';
import { ScreenPage } from './ScreenPage';

// The big screen's own entry (screen.html, served for /screen): React, the
// router, the query client, ECharts and the screen — not the console's antd
// and menus, which a wall display never shows (B14: rendered within 2 s from
// a cold cache). The session and the dashboard are asked for at once, side by
// side, before anything renders. Every other path (返回工作台, the login, a
// console page a tile links to) is a full page load of the console.

/** Leaves the screen's entry: the console's pages live in the other one. */
function Leave() {
  const at = useLocation();
  useEffect(() => leaveFor(at.pathname + at.search + at.hash), [at]);
  return <ScreenLoading />;
}

const router = createBrowserRouter([
  {
    path: '/screen',
    element: (
      <RequireSession>
        <RequireScreenPermission>
          <ScreenPage />
        </RequireScreenPermission>
      </RequireSession>
    ),
  },
  { path: '*', element: <Leave /> },
]);

/** Starts the session and the dashboard of the org in the address together (the screen reads both from the cache). */
export function startScreen() {
  // a session that ends under a hanging screen: sign in again and come back (without a session
  // at the start RequireSession sends the visitor to the login, as in the console)
  setUnauthorizedHandler(async (code) => {
    if (!queryClient.getQueryData(ME_KEY)) return false;
    const params = new URLSearchParams({ next: window.location.pathname + window.location.search });
    if (code === 'SESSION_EXPIRED') params.set('reason', 'expired');
    leaveFor(`/login?${params.toString()}`);
    return false;
  });
  if (window.location.pathname === '/screen') {
    void queryClient.prefetchQuery(meQuery);
    void queryClient.prefetchQuery(dashboardQuery(new URLSearchParams(window.location.search).get('orgId') || undefined));
  }
}

export function ScreenApp() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
