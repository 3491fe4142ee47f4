import { lazy, Suspense, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { Provider, useQuery } from 'urql';
import { client, socketEvents, type SocketState } from '../api/client';
import { session } from '../api/session';
import { MeDocument } from '../generated/graphql';
import { AuthForm } from '../screens/auth/AuthForm';
import { HomePage } from '../screens/home/HomePage';
import { NotificationsPage, UnreadBadge } from '../screens/notifications/Notifications';
import { WatchRedirect } from '../screens/see-it/WatchRedirect';
import { ErrorText } from '../ui/errors';
import { MeContext, type Me } from './me';
import { Link, useLocation } from './router';

/** A screen that loads when first opened: less to evaluate before home's first paint. */
function screen<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}
const BroadcastPage = screen(
  async () => (await import('../screens/broadcast/BroadcastPage')).BroadcastPage,
);
const GoLive = screen(async () => (await import('../screens/broadcast/GoLive')).GoLive);
const LiveNow = screen(async () => (await import('../screens/broadcast/LiveNow')).LiveNow);
const ProfilePage = screen(
  async () => (await import('../screens/profile/ProfilePage')).ProfilePage,
);
const PairedScreens = screen(
  async () => (await import('../screens/see-it/PairedScreens')).PairedScreens,
);
const ShowPage = screen(async () => (await import('../screens/see-it/ShowPage')).ShowPage);
const WatchLater = screen(async () => (await import('../screens/see-it/WatchLater')).WatchLater);
const ScreenMode = lazy(() => import('../screens/screen/ScreenMode'));

export function App() {
  const { pathname } = useLocation();
  return (
    <Provider value={client}>
      {pathname === '/screen' ? (
        <Suspense fallback={<p>Loading…</p>}>
          <ScreenMode />
        </Suspense>
      ) : (
        <SignedInShell />
      )}
    </Provider>
  );
}

function SignedInShell() {
  const [{ data, fetching, error }] = useQuery({ query: MeDocument, pause: !session.token() });
  const me = data?.me ?? null;
  const tokenRejected =
    (data && !me) || error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  useEffect(() => {
    // An expired token, or one of a deleted account: start over signed out, on the same page.
    if (tokenRejected) session.setToken(null, window.location.pathname);
  }, [tokenRejected]);
  if (fetching || tokenRejected) return <p className="loading">Loading…</p>;
  return (
    <MeContext.Provider value={me}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header me={me} />
      <ConnectionBanner />
      <main id="main" tabIndex={-1}>
        <ErrorText error={error} />
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Routes me={me} />
        </Suspense>
      </main>
    </MeContext.Provider>
  );
}

function Header({ me }: { me: Me | null }) {
  return (
    <header className="top">
      <nav aria-label="Main">
        <ul>
          <li>
            <Link href="/" className="brand">
              seeit
            </Link>
          </li>
          <li>
            <Link href="/live">Live now</Link>
          </li>
          {me ? (
            <>
              <li>
                <Link href="/notifications">
                  Notifications <UnreadBadge />
                </Link>
              </li>
              <li>
                <Link href="/later">Watch later</Link>
              </li>
              <li>
                <Link href="/screens">Screens</Link>
              </li>
              <li>
                <Link href="/go-live">Go live</Link>
              </li>
              <li>
                <Link href={`/@${me.handle}`}>@{me.handle}</Link>
              </li>
              <li>
                <button type="button" className="link" onClick={() => session.setToken(null)}>
                  Sign out
                </button>
              </li>
            </>
          ) : (
            <>
              <li>
                <Link href="/signin">Sign in</Link>
              </li>
              <li>
                <Link href="/signup">Sign up</Link>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}

function ConnectionBanner() {
  const [state, setState] = useState<SocketState>(socketEvents.state());
  useEffect(() => socketEvents.onState(setState), []);
  const message = {
    reconnecting: 'Connection lost: reconnecting…',
    rejected: 'Your session is no longer valid: sign out and sign in again.',
  }[state as string];
  return (
    <div role="status" className={message ? 'banner' : 'visually-hidden'}>
      {message ?? ''}
    </div>
  );
}

function Routes({ me }: { me: Me | null }): ReactNode {
  const { pathname } = useLocation();
  const [, first, second] = pathname.split('/');
  if (pathname === '/signup') return <AuthForm mode="signUp" />;
  if (pathname === '/signin') return <AuthForm mode="signIn" />;
  if (pathname === '/live') return <LiveNow />;
  if (first === 'broadcasts' && second) {
    // Keyed by broadcast: another broadcast starts with none of this one's player or chat state.
    const id = decodeURIComponent(second);
    return <BroadcastPage key={id} id={id} />;
  }
  if (first === 'shows' && second) return <ShowPage slug={decodeURIComponent(second)} />;
  if (first?.startsWith('@')) return <ProfilePage handle={decodeURIComponent(first.slice(1))} />;
  if (pathname === '/watch') return <WatchRedirect />;
  if (!me) return <AuthForm mode="signIn" />;
  if (pathname === '/notifications') return <NotificationsPage />;
  if (pathname === '/later') return <WatchLater />;
  if (pathname === '/screens') return <PairedScreens />;
  if (pathname === '/go-live') return <GoLive />;
  if (pathname === '/') return <HomePage />;
  return (
    <p>
      Nothing here. <Link href="/">Go home</Link>
    </p>
  );
}
