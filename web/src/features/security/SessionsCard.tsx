import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { authApi } from '../../api/auth.api';
import type { SessionInfo } from '../../api/types';
import { formatDateTime } from '../../components/format';
import { useToast } from '../../components/Toasts';

/** A user agent as a person would name the device: browser on system. */
function deviceName(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : ua.split(/[ /]/)[0] || 'Browser';
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return system ? `${browser} on ${system}` : browser;
}

/** Signed-in devices: sign one out, or every other one. */
export function SessionsCard() {
  const toast = useToast();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const load = useCallback(async () => {
    try {
      setSessions(await authApi.sessions());
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'Could not load your sessions.', 'error');
    }
  }, [toast]);
  useEffect(() => {
    void load();
  }, [load]);
  const others = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <section className="card card-padded stack" aria-labelledby="sessions-title">
      <div className="card-title-row">
        <h2 id="sessions-title" className="section-title">
          Signed-in devices
        </h2>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={others === 0}
          onClick={async () => {
            try {
              const r = await authApi.revokeOtherSessions();
              toast(`Signed out ${r.revoked} other ${r.revoked === 1 ? 'session' : 'sessions'}`, 'success');
              await load();
            } catch (e) {
              toast(e instanceof ApiError ? e.message : 'That did not work.', 'error');
            }
          }}
        >
          Sign out everywhere else
        </button>
      </div>
      <ul className="session-list">
        {(sessions ?? []).map((s) => (
          <li key={s.id} className="session-row" data-session-id={s.id}>
            <div>
              <strong>{deviceName(s.device)}</strong>
              {s.current ? <span className="badge badge-classified"> This device</span> : null}
              <p className="muted">
                Signed in {formatDateTime(s.created_at)} · last used {formatDateTime(s.last_used_at)}
                {s.ip_address ? ` · ${s.ip_address}` : ''}
              </p>
            </div>
            {s.current ? null : (
              <button
                type="button"
                className="button button-ghost button-small"
                aria-label={`Sign out ${deviceName(s.device)}, signed in ${formatDateTime(s.created_at)}`}
                onClick={async () => {
                  try {
                    await authApi.revokeSession(s.id);
                    toast('Signed out that device', 'success');
                    await load();
                  } catch (e) {
                    toast(e instanceof ApiError ? e.message : 'That did not work.', 'error');
                  }
                }}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
