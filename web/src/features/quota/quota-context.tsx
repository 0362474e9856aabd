import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi } from '../../api/auth.api';
import type { Quota } from '../../api/types';

interface QuotaValue {
  quota: Quota | null;
  /** Fetch the figures again (after a delete, or an admin change). */
  reload(): Promise<void>;
  /** Take the used figure the server just answered (confirm returns it). */
  setUsed(usedBytes: number): void;
  /** Take both figures (a 413 answer carries them). */
  setQuota(quota: Quota): void;
}

const QuotaContext = createContext<QuotaValue>({ quota: null, reload: async () => {}, setUsed: () => {}, setQuota: () => {} });

export function QuotaProvider({ children }: { children: ReactNode }) {
  const [quota, setQuota] = useState<Quota | null>(null);
  const reload = useCallback(async () => {
    try {
      setQuota(await authApi.quota());
    } catch {
      // keep the last figures; the next upload or delete tries again
    }
  }, []);
  useEffect(() => {
    void reload();
    const onFocus = () => void reload();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [reload]);
  const setUsed = useCallback((used: number) => setQuota((q) => (q ? { ...q, used_bytes: used } : q)), []);
  const value = useMemo(() => ({ quota, reload, setUsed, setQuota }), [quota, reload, setUsed]);
  return <QuotaContext.Provider value={value}>{children}</QuotaContext.Provider>;
}

export const useQuota = () => useContext(QuotaContext);

/** Bytes that can still be stored. */
export const roomLeft = (q: Quota) => Math.max(0, q.limit_bytes - q.used_bytes);
