import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi, isMfaChallenge } from '../../api/auth.api';
import { dropSession, getAccessToken, mayHaveSession, onSessionEnded, refreshSession, startSession } from '../../api/session';
import type { Me, Tokens } from '../../api/types';

type Status = 'loading' | 'anonymous' | 'authenticated';

export type SignInResult = { kind: 'signed-in' } | { kind: 'mfa'; mfaToken: string };

interface AuthValue {
  status: Status;
  me: Me | null;
  signIn(email: string, password: string): Promise<SignInResult>;
  completeSecondFactor(mfaToken: string, answer: { code: string } | { backup_code: string }): Promise<void>;
  register(email: string, password: string): Promise<SignInResult>;
  signOut(): Promise<void>;
  reloadMe(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

/**
 * `onSessionRestored` runs when a page load has its session back (the refresh cookie
 * answered), before the user's details arrive: the page can start its own requests then.
 */
export function AuthProvider({ children, onSessionRestored }: { children: ReactNode; onSessionRestored?: () => void }) {
  const [status, setStatus] = useState<Status>('loading');
  const [me, setMe] = useState<Me | null>(null);

  const adopt = useCallback(async (tokens?: Tokens) => {
    if (tokens) startSession(tokens);
    const who = await authApi.me();
    setMe(who);
    setStatus('authenticated');
  }, []);

  useEffect(() => {
    // One refresh on load, and only when this browser may hold a refresh cookie.
    let live = true;
    if (!mayHaveSession()) {
      setStatus('anonymous');
    } else {
      refreshSession()
        .then(() => {
          onSessionRestored?.();
          return authApi.me();
        })
        .then((who) => {
          if (!live) return;
          setMe(who);
          setStatus('authenticated');
        })
        .catch(() => live && setStatus('anonymous'));
    }
    const off = onSessionEnded(() => {
      setMe(null);
      setStatus('anonymous');
    });
    return () => {
      live = false;
      off();
    };
  }, []);

  const signIn = useCallback(
    async (email: string, password: string): Promise<SignInResult> => {
      const answer = await authApi.login({ email, password });
      if (isMfaChallenge(answer)) return { kind: 'mfa', mfaToken: answer.mfa_token };
      await adopt(answer);
      return { kind: 'signed-in' };
    },
    [adopt],
  );

  const value = useMemo<AuthValue>(
    () => ({
      status,
      me,
      signIn,
      async completeSecondFactor(mfaToken, answer) {
        await adopt(await authApi.loginSecondFactor({ mfa_token: mfaToken, ...answer }));
      },
      async register(email, password) {
        await authApi.register({ email, password });
        return signIn(email, password);
      },
      async signOut() {
        // Drop the session here first, so nothing of this tab still uses it while the
        // server ends it; the logout then carries the token explicitly.
        const token = getAccessToken();
        dropSession();
        setMe(null);
        setStatus('anonymous');
        if (!token) return;
        try {
          await authApi.logout(token);
        } catch {
          // Signed out here either way; the server forgets the family when it expires.
        }
      },
      async reloadMe() {
        setMe(await authApi.me());
      },
    }),
    [status, me, signIn, adopt],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
