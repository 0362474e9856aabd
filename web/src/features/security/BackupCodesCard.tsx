import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, hasCode } from '../../api/api-error';
import { authApi } from '../../api/auth.api';
import { Field, FormError } from '../../components/Field';
import { useAuth } from '../auth/auth-context';
import { BackupCodesDialog } from './BackupCodesDialog';

/** How many backup codes are left, and new ones (password and a code from the app). */
export function BackupCodesCard() {
  const { me } = useAuth();
  const [left, setLeft] = useState<number | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (me?.totp_enabled)
      void authApi.backupCodesLeft().then(
        (r) => setLeft(r.remaining),
        () => setLeft(null),
      );
  }, [me?.totp_enabled, codes]);
  if (!me?.totp_enabled) return null;
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    try {
      const r = await authApi.regenerateBackupCodes({
        password: String(data.get('password') ?? ''),
        code: String(data.get('code') ?? ''),
      });
      form.reset();
      setError(null);
      setCodes(r.backup_codes);
    } catch (err) {
      setError(
        hasCode(err, 'reauthentication_failed')
          ? 'The password or the code is not right.'
          : err instanceof ApiError
            ? err.message
            : 'Try again.',
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card card-padded stack" aria-labelledby="backup-title">
      <h2 id="backup-title" className="section-title">
        Backup codes
      </h2>
      <p data-testid="backup-codes-left">
        {left === null ? ' ' : `${left} of 10 backup codes left.`} New codes replace all the old ones.
      </p>
      <form className="stack narrow" onSubmit={submit}>
        <FormError message={error} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <Field label="Code from your app (or a backup code)" name="code" autoComplete="one-time-code" required maxLength={64} />
        <div>
          <button type="submit" className="button button-secondary" disabled={busy}>
            {busy ? 'Making codes…' : 'Get new backup codes'}
          </button>
        </div>
      </form>
      {codes ? <BackupCodesDialog codes={codes} onClose={() => setCodes(null)} /> : null}
    </section>
  );
}
