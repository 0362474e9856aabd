import { ApiError, apiErrorOf } from './api-error';
import { endpoints } from './endpoints';
import type { Tokens } from './types';

/**
 * The access token lives in this module's memory only; the session itself is the
 * httpOnly refresh cookie (path /api/auth) the server sets at sign-in.
 *
 * Refresh tokens rotate and a spent one revokes its whole family, so two refreshes must
 * never present the same cookie: within a tab one refresh is in flight at a time, and
 * across tabs of this origin a Web Lock serialises them (the second tab then presents
 * the cookie the first one received).
 */
let accessToken: string | null = null;
let inflight: Promise<string> | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;

/** Not a secret: only says "a refresh cookie may exist", so anonymous visits skip a doomed refresh. */
const HINT_KEY = 'docuvault.session';
const LOCK_NAME = 'docuvault-refresh';

type Listener = (event: 'signed-out') => void;
const listeners = new Set<Listener>();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('docuvault-session') : null;
channel?.addEventListener('message', (e: MessageEvent) => {
  if (e.data === 'signed-out') dropSession(false);
});

export function getAccessToken(): string | null {
  return accessToken;
}

export function mayHaveSession(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true;
  }
}

export function onSessionEnded(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function startSession(tokens: Pick<Tokens, 'access_token' | 'expires_in'>): void {
  accessToken = tokens.access_token;
  try {
    localStorage.setItem(HINT_KEY, '1');
  } catch {
    // storage disabled: every load then tries the cookie
  }
  scheduleRenewal(tokens.expires_in);
}

/** Forgets the session here and, when `broadcast`, in this origin's other tabs. */
export function dropSession(broadcast = true): void {
  const had = accessToken !== null;
  accessToken = null;
  clearTimeout(renewTimer);
  try {
    localStorage.removeItem(HINT_KEY);
  } catch {
    // ignore
  }
  if (broadcast) channel?.postMessage('signed-out');
  if (had || !broadcast) listeners.forEach((l) => l('signed-out'));
}

/**
 * A fresh access token from the refresh cookie. `stale` is the token a request was
 * refused with: when another caller has already replaced it, that token is returned
 * without spending the cookie again. A refused refresh ends the session.
 */
export function refreshSession(stale?: string | null): Promise<string> {
  if (stale && accessToken && accessToken !== stale) return Promise.resolve(accessToken);
  // Signed out (here or in another tab): a late request must not spend or probe the cookie.
  if (!accessToken && !inflight && !mayHaveSession()) return Promise.reject(new ApiError(401, 'signed_out', null));
  inflight ??= withRefreshLock(async () => {
    let response: Response;
    try {
      response = await fetch(endpoints.refresh.path, { method: 'POST', credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'network', null);
    }
    if (!response.ok) {
      const error = await apiErrorOf(response);
      if (response.status === 401 || response.status === 403) dropSession(false);
      throw error;
    }
    const tokens = (await response.json()) as Tokens;
    startSession(tokens);
    return tokens.access_token;
  }).finally(() => {
    inflight = null;
  });
  return inflight;
}

async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? ((await locks.request(LOCK_NAME, fn)) as T) : fn();
}

/** Renews a minute before expiry so requests rarely meet a 401 at all. */
function scheduleRenewal(expiresInSeconds: number): void {
  clearTimeout(renewTimer);
  const ms = Math.max(10, expiresInSeconds - 60) * 1000;
  renewTimer = setTimeout(() => {
    refreshSession().catch(() => {
      // a 401 ended the session (listeners know); a network error leaves the 401-retry path
    });
  }, ms);
}
