import { useState, type FormEvent } from 'react';
import { ApiError, hasCode } from '../../api/api-error';
import { authApi } from '../../api/auth.api';
import { Field, FormError } from '../../components/Field';
import { useAction } from '../../components/use-action';
import { useToast } from '../../components/Toasts';
import { useAuth } from '../auth/auth-context';

const messageOf = (err: unknown) =>
  hasCode(err, 'unauthorized', 'wrong_password')
    ? 'Your current password is not right.'
    : err instanceof ApiError
      ? err.message
      : 'Something went wrong. Try again.';

export function PasswordCard() {
  const toast = useToast();
  const { reloadMe } = useAuth();
  const [mismatch, setMismatch] = useState<string | null>(null);
  const { busy, error, run } = useAction(messageOf);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const next = String(data.get('new_password') ?? '');
    if (next !== String(data.get('repeat') ?? '')) return setMismatch('The new passwords do not match.');
    setMismatch(null);
    return run(async () => {
      await authApi.changePassword({ current_password: String(data.get('current_password') ?? ''), new_password: next });
      form.reset();
      toast('Password changed. Your other sessions were signed out.', 'success');
      await reloadMe();
    });
  };
  return (
    <section className="card card-padded stack" aria-labelledby="password-title">
      <h2 id="password-title" className="section-title">
        Password
      </h2>
      <form className="stack narrow" onSubmit={submit}>
        <FormError message={error} />
        <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required />
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={1024}
          required
          hint="At least 8 characters."
        />
        <Field label="Repeat new password" name="repeat" type="password" autoComplete="new-password" required error={mismatch} />
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
