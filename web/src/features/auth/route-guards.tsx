import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { LoadingBlock } from '../../components/Spinner';
import { useAuth } from './auth-context';

/** Signed-in pages: anonymous visitors go to sign-in and come back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <LoadingBlock label="Opening your vault…" />;
  if (status === 'anonymous') {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Sign-in and register: a signed-in visitor goes on to where they were headed. */
export function AnonymousOnly({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <LoadingBlock label="Opening your vault…" />;
  if (status === 'authenticated') return <Navigate to={safeNext(new URLSearchParams(location.search).get('next'))} replace />;
  return <>{children}</>;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  if (me?.role !== 'admin') return <Navigate to="/" replace />;
  return <>{children}</>;
}

/** Only paths inside this app, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
