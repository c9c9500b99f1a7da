import { RouterProvider } from 'react-router';
import { setUnauthorizedHandler } from '../shared/api';
import { Providers, queryClient } from './providers';
import { router } from './router';

// A missing or expired session anywhere sends the user to /login, remembering where they were.
setUnauthorizedHandler((code) => {
  const { pathname, search } = router.state.location;
  if (pathname.startsWith('/login')) return;
  const params = new URLSearchParams({ next: pathname + search });
  if (code === 'SESSION_EXPIRED') params.set('reason', 'expired');
  void router.navigate(`/login?${params.toString()}`, { replace: true }).then(() => queryClient.clear());
});

export function App() {
  return (
    <Providers>
      <RouterProvider router={router} />
    </Providers>
  );
}
