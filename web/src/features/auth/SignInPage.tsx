import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/api-error';
import { Field, FormError } from '../../components/Field';
import { useAction } from '../../components/use-action';
import { AuthLayout } from './AuthLayout';
import { useAuth } from './auth-context';
import { safeNext } from './route-guards';

export function SignInPage() {
  const { signIn, completeSecondFactor } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const next = safeNext(new URLSearchParams(location.search).get('next'));
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction(signInMessage);

  if (mfaToken) {
    return (
      <SecondFactorStep
        busy={busy}
        error={error}
        onBack={() => {
          setMfaToken(null);
          setError(null);
        }}
        onSubmit={(answer) =>
          run(async () => {
            await completeSecondFactor(mfaToken, answer);
            navigate(next, { replace: true });
          })
        }
      />
    );
  }

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    void run(async () => {
      const result = await signIn(email, password);
      if (result.kind === 'mfa') setMfaToken(result.mfaToken);
      else navigate(next, { replace: true });
    });
  };

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Welcome back. Your documents are waiting."
      footer={
        <>
          New here? <Link to="/register">Create an account</Link>
        </>
      }
    >
      <form className="stack" onSubmit={submit} noValidate={false}>
        <FormError message={error} />
        <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}

function SecondFactorStep(props: {
  busy: boolean;
  error: string | null;
  onBack: () => void;
  onSubmit: (answer: { code: string } | { backup_code: string }) => void;
}) {
  const [useBackup, setUseBackup] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget).get('code') ?? '').trim();
    props.onSubmit(useBackup ? { backup_code: value } : { code: value.replace(/\s+/g, '') });
  };
  return (
    <AuthLayout
      title="Two-step verification"
      subtitle={
        useBackup
          ? 'Enter one of the backup codes you saved when you turned on two-step verification. Each code works once.'
          : 'Enter the 6-digit code from your authenticator app.'
      }
    >
      <form className="stack" onSubmit={submit} key={useBackup ? 'backup' : 'code'}>
        <FormError message={props.error} />
        {useBackup ? (
          <Field label="Backup code" name="code" autoComplete="one-time-code" required autoFocus spellCheck={false} />
        ) : (
          <Field
            label="Authentication code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            autoFocus
          />
        )}
        <button type="submit" className="button button-primary button-block" disabled={props.busy}>
          {props.busy ? 'Verifying…' : 'Verify'}
        </button>
        <div className="auth-links">
          <button type="button" className="link-button" onClick={() => setUseBackup(!useBackup)}>
            {useBackup ? 'Use your authenticator app' : 'Use a backup code instead'}
          </button>
          <button type="button" className="link-button" onClick={props.onBack}>
            Back to sign in
          </button>
        </div>
      </form>
    </AuthLayout>
  );
}

function signInMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'unauthorized') return typeof e.detail === 'string' ? e.message : 'That did not match. Try again.';
    return e.message;
  }
  return 'Something went wrong. Try again.';
}
