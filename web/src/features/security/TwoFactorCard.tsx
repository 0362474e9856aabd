import { useState, type FormEvent } from 'react';
import { ApiError, hasCode } from '../../api/api-error';
import { authApi } from '../../api/auth.api';
import type { TotpSetup } from '../../api/types';
import { Field, FormError } from '../../components/Field';
import { useAction } from '../../components/use-action';
import { useToast } from '../../components/Toasts';
import { useAuth } from '../auth/auth-context';
import { BackupCodesDialog } from './BackupCodesDialog';

const messageOf = (e: unknown) =>
  hasCode(e, 'wrong_password')
    ? 'That is not your current password.'
    : hasCode(e, 'invalid_code', 'unauthorized', 'reauthentication_failed')
      ? 'That code did not work. Check the time on your phone and try the newest code.'
      : e instanceof ApiError
        ? e.message
        : 'Something went wrong. Try again.';

export function TwoFactorCard() {
  const { me, reloadMe } = useAuth();
  const toast = useToast();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  // Setup and enable both ask for the current password (a stolen session alone must not
  // turn 2FA on); it is asked once, before setup, and kept only until the card closes.
  const [askingPassword, setAskingPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [disabling, setDisabling] = useState(false);
  const { busy, error, run: act } = useAction(messageOf);
  const enabled = me?.totp_enabled ?? false;

  const enable = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('code') ?? '').replace(/\s+/g, '');
    void act(async () => {
      const answer = await authApi.totpEnable({ password, code });
      setSetup(null);
      setPassword('');
      setCodes(answer.backup_codes);
      await reloadMe();
    });
  };

  const startSetup = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const given = String(new FormData(e.currentTarget).get('password') ?? '');
    void act(async () => {
      setSetup(await authApi.totpSetup(given));
      setPassword(given);
      setAskingPassword(false);
    });
  };

  const cancelSetup = () => {
    setSetup(null);
    setPassword('');
    setAskingPassword(false);
  };

  const disable = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    void act(async () => {
      await authApi.totpDisable({ password: String(data.get('password') ?? ''), code: String(data.get('code') ?? '').trim() });
      setDisabling(false);
      await reloadMe();
      toast('Two-step verification is off', 'success');
    });
  };

  return (
    <section className="card card-padded stack" aria-labelledby="twofa-title">
      <div className="card-title-row">
        <h2 id="twofa-title" className="section-title">
          Two-step verification
        </h2>
        <span className={`badge ${enabled ? 'badge-classified' : 'badge-pending'}`} data-testid="twofa-state">
          {enabled ? 'On' : 'Off'}
        </span>
      </div>
      <p className="muted">
        {enabled
          ? 'Signing in asks for a code from your authenticator app (or a backup code) after your password.'
          : 'Protect your account with a code from an authenticator app, asked after your password.'}
      </p>
      <FormError message={error} />

      {!enabled && !setup && !askingPassword ? (
        <div>
          <button type="button" className="button button-primary" onClick={() => setAskingPassword(true)}>
            Set up two-step verification
          </button>
        </div>
      ) : null}

      {!enabled && !setup && askingPassword ? (
        <form className="stack narrow" onSubmit={startSetup}>
          <Field
            label="Your password"
            name="password"
            type="password"
            autoComplete="current-password"
            hint="To make sure it is you before two-step verification is turned on."
            required
          />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Checking…' : 'Continue'}
            </button>
            <button type="button" className="button button-secondary" onClick={cancelSetup}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}

      {!enabled && setup ? (
        <div className="totp-setup">
          <img
            className="totp-qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`}
            alt="QR code to scan with your authenticator app"
            width={176}
            height={176}
          />
          <form className="stack totp-steps" onSubmit={enable}>
            <p>
              <strong>1.</strong> Scan the code with your authenticator app, or enter this key by hand:
            </p>
            <code className="totp-secret" data-testid="totp-secret" aria-label="Setup key">
              {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
            <p>
              <strong>2.</strong> Enter the 6-digit code the app shows.
            </p>
            <Field
              label="Code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,7}"
              maxLength={7}
              required
            />
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={busy}>
                {busy ? 'Turning on…' : 'Turn on'}
              </button>
              <button type="button" className="button button-secondary" onClick={cancelSetup}>
                Cancel
              </button>
            </div>
          </form>
        </div>
      ) : null}

      {enabled && !disabling ? (
        <div>
          <button type="button" className="button button-secondary" onClick={() => setDisabling(true)}>
            Turn off
          </button>
        </div>
      ) : null}

      {enabled && disabling ? (
        <form className="stack narrow" onSubmit={disable}>
          <Field label="Your password" name="password" type="password" autoComplete="current-password" required />
          <Field
            label="Code from your app, or a backup code"
            name="code"
            autoComplete="one-time-code"
            required
            minLength={6}
            maxLength={64}
          />
          <div className="button-row">
            <button type="submit" className="button button-danger" disabled={busy}>
              {busy ? 'Turning off…' : 'Turn off two-step verification'}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setDisabling(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}

      {codes ? (
        <BackupCodesDialog
          codes={codes}
          onClose={() => {
            setCodes(null);
            toast('Two-step verification is on', 'success');
          }}
        />
      ) : null}
    </section>
  );
}
