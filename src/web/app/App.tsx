import { RouterProvider } from 'react-router';
import type { MeView } from '../../contracts/auth';
import { setUnauthorizedHandler } from '../shared/api';
import { ReauthDialog, requestReauth } from '../shared/reauth';
import { ME_KEY } from '../shared/session';
import { Providers, queryClient } from './providers';
import { router } from './router';

// A session that ends under an open page (timeout, logged out elsewhere) asks
// the same user to sign in again in place and the request goes on, so nothing
// typed is lost; without a signed-in user (or when they choose to leave) the
// app goes to /login, remembering where they were.
setUnauthorizedHandler(async (code) => {
  const { pathname, search } = router.state.location;
  if (pathname.startsWith('/login') || pathname.startsWith('/activate') || pathname.startsWith('/register')) return false;
  const me = queryClient.getQueryData<MeView>(ME_KEY);
  if (me && (await requestReauth(me.username, code === 'SESSION_EXPIRED'))) return true;
  const params = new URLSearchParams({ next: pathname + search });
  if (code === 'SESSION_EXPIRED') params.set('reason', 'expired');
  void router.navigate(`/login?${params.toString()}`, { replace: true }).then(() => queryClient.clear());
  return false;
});

export function App() {
  return (
    <Providers>
      <RouterProvider router={router} />
      <ReauthDialog />
    </Providers>
  );
}
