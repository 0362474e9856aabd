import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { hasCode } from '../../api/api-error';
import { Field, FormError } from '../../components/Field';
import { useAction } from '../../components/use-action';
import { AuthLayout } from './AuthLayout';
import { useAuth } from './auth-context';

const MIN_PASSWORD = 8;

const messageOf = (err: unknown) =>
  hasCode(err, 'email_taken')
    ? 'An account with this email already exists. Sign in instead.'
    : hasCode(err, 'registration_closed')
      ? 'Registration is closed on this server. Ask an administrator for an account.'
      : err instanceof Error
        ? err.message
        : 'Something went wrong.';

export function RegisterPage() {
  const { register } = useAuth();
  const navigate = useNavigate();
  const [mismatch, setMismatch] = useState<string | null>(null);
  const { busy, error, run } = useAction(messageOf);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (password !== String(form.get('confirm') ?? '')) {
      setMismatch('The passwords do not match.');
      return;
    }
    setMismatch(null);
    return run(async () => {
      await register(email, password);
      navigate('/', { replace: true });
    });
  };

  return (
    <AuthLayout
      title="Create your account"
      subtitle="A private place for your documents, filed for you."
      footer={
        <>
          Already have an account? <Link to="/signin">Sign in</Link>
        </>
      }
    >
      <form className="stack" onSubmit={submit}>
        <FormError message={error} />
        <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD}
          maxLength={1024}
          required
          hint={`At least ${MIN_PASSWORD} characters.`}
        />
        <Field label="Repeat password" name="confirm" type="password" autoComplete="new-password" required error={mismatch} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthLayout>
  );
}
