import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { adminApi } from '../../api/admin.api';
import { ApiError } from '../../api/api-error';
import type { AdminUser, AdminUserPatch, Role } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { formatBytes, formatDate } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { LoadingBlock } from '../../components/Spinner';
import { useToast } from '../../components/Toasts';
import { useAuth } from '../auth/auth-context';
import { useQuota } from '../quota/quota-context';

const PAGE_SIZE = 50;
const MB = 1000 * 1000;
const GB = 1000 * MB;

export function AdminPage() {
  const { me } = useAuth();
  const quota = useQuota();
  const toast = useToast();
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: AdminUser[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [limitFor, setLimitFor] = useState<AdminUser | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'disable' | 'delete'; user: AdminUser } | null>(null);
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => {
      setQ(search.trim());
      setOffset(0);
    }, 300);
    return () => clearTimeout(t);
  }, [search]);
  const [resetFor, setResetFor] = useState<AdminUser | null>(null);

  const load = useCallback(async () => {
    try {
      setPage(await adminApi.users({ limit: PAGE_SIZE, offset, q: q || undefined }));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not load users.');
    }
  }, [offset, q]);
  useEffect(() => {
    void load();
  }, [load]);

  const patch = async (user: AdminUser, body: AdminUserPatch, done: string) => {
    try {
      const updated = await adminApi.updateUser(user.id, body);
      setPage((p) => (p ? { ...p, items: p.items.map((u) => (u.id === updated.id ? updated : u)) } : p));
      toast(done, 'success');
      if (updated.id === me?.id) void quota.reload();
      return true;
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'The change was not saved.', 'error');
      await load();
      return false;
    }
  };

  const resetTwoFactor = async (user: AdminUser) => {
    try {
      const updated = await adminApi.resetTwoFactor(user.id);
      setPage((p) => (p ? { ...p, items: p.items.map((u) => (u.id === updated.id ? updated : u)) } : p));
      toast(`Two-step verification is off for ${user.email}; they were emailed`, 'success');
    } catch (e) {
      toast(e instanceof ApiError ? e.message : 'Two-step verification was not reset.', 'error');
      await load();
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Users"
        subtitle={page ? `${page.total} account${page.total === 1 ? '' : 's'}${q ? ' match' : ' on this server'}` : ' '}
        actions={
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create user
          </button>
        }
      />
      <div className="toolbar" role="search">
        <label htmlFor="user-search" className="visually-hidden">
          Search users by email
        </label>
        <input
          id="user-search"
          type="search"
          placeholder="Search by email"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          maxLength={320}
        />
      </div>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {!page ? (
        <LoadingBlock />
      ) : (
        <section className="card" aria-label="Users">
          <div className="table-scroll">
            <table className="table users-table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Storage</th>
                  <th scope="col">Access</th>
                  <th scope="col">
                    <span className="visually-hidden">Delete</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((u) => {
                  const fraction = u.limit_bytes > 0 ? Math.min(1, u.used_bytes / u.limit_bytes) : 1;
                  return (
                    <tr key={u.id} data-user={u.email}>
                      <th scope="row" className="user-cell">
                        <span className="user-email">{u.email}</span>
                        <span className="muted user-meta">
                          {u.id === me?.id ? 'You · ' : ''}joined {formatDate(u.created_at)}
                        </span>
                      </th>
                      <td>
                        <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                          Role of {u.email}
                        </label>
                        <select
                          id={`role-${u.id}`}
                          value={u.role}
                          disabled={u.id === me?.id}
                          title={u.id === me?.id ? 'You cannot change your own role' : undefined}
                          onChange={(e) =>
                            void patch(
                              u,
                              { role: e.target.value as Role },
                              `${u.email} is now ${e.target.value === 'admin' ? 'an admin' : 'a user'}`,
                            )
                          }
                        >
                          <option value="user">User</option>
                          <option value="admin">Admin</option>
                        </select>
                      </td>
                      <td className="storage-cell">
                        <div className="storage-line">
                          <span className="storage-text" data-testid="user-storage">
                            {formatBytes(u.used_bytes)} of {formatBytes(u.limit_bytes)}
                          </span>
                          <button
                            type="button"
                            className="button button-ghost button-small"
                            onClick={() => setLimitFor(u)}
                            aria-label={`Change limit of ${u.email}`}
                          >
                            Change limit
                          </button>
                        </div>
                        <div
                          className={`bar ${fraction >= 0.9 ? 'bar-warning' : 'bar-normal'}`}
                          role="meter"
                          aria-label={`Storage of ${u.email}`}
                          aria-valuemin={0}
                          aria-valuemax={Math.max(u.limit_bytes, 1)}
                          aria-valuenow={Math.min(u.used_bytes, Math.max(u.limit_bytes, 1))}
                          aria-valuetext={`${formatBytes(u.used_bytes)} of ${formatBytes(u.limit_bytes)} used`}
                        >
                          <div className="bar-fill" style={{ transform: `scaleX(${fraction})` }} />
                        </div>
                      </td>
                      <td>
                        <label className="switch">
                          <input
                            type="checkbox"
                            checked={!u.disabled}
                            disabled={u.id === me?.id}
                            onChange={(e) =>
                              e.target.checked
                                ? void patch(u, { disabled: false }, `${u.email} can sign in again`)
                                : setConfirm({ kind: 'disable', user: u })
                            }
                          />
                          <span>{u.disabled ? 'Disabled' : 'Active'}</span>
                          <span className="visually-hidden"> — {u.email} may sign in</span>
                        </label>
                        {u.totp_enabled && u.id !== me?.id ? (
                          <button
                            type="button"
                            className="button button-ghost button-small"
                            onClick={() => setResetFor(u)}
                            aria-label={`Reset two-step verification of ${u.email}`}
                          >
                            Reset 2FA
                          </button>
                        ) : null}
                      </td>
                      <td>
                        {u.id === me?.id ? null : (
                          <button
                            type="button"
                            className="button button-ghost button-small"
                            aria-label={`Delete ${u.email}`}
                            onClick={() => setConfirm({ kind: 'delete', user: u })}
                          >
                            Delete
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pagination label="User pages" offset={offset} limit={PAGE_SIZE} total={page.total} onPage={setOffset} />
        </section>
      )}
      {confirm ? (
        <ConfirmDialog
          title={confirm.kind === 'delete' ? 'Delete this account?' : 'Disable this account?'}
          description={
            confirm.kind === 'delete'
              ? `${confirm.user.email} is signed out now; their documents and files are deleted for good.`
              : `${confirm.user.email} is signed out everywhere and cannot sign in until enabled again.`
          }
          action={confirm.kind === 'delete' ? 'Delete account' : 'Disable'}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const { kind, user } = confirm;
            setConfirm(null);
            if (kind === 'disable') return void patch(user, { disabled: true }, `${user.email} is disabled and signed out`);
            try {
              await adminApi.deleteUser(user.id);
              toast(`${user.email} is being deleted`, 'success');
            } catch (e) {
              toast(e instanceof ApiError ? e.message : 'The account was not deleted.', 'error');
            }
            await load();
          }}
        />
      ) : null}
      {creating ? (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onCreated={async (u) => {
            setCreating(false);
            toast(`${u.email} created; they choose a new password at first sign-in`, 'success');
            await load();
          }}
        />
      ) : null}
      {resetFor ? (
        <ConfirmDialog
          title="Reset two-step verification?"
          description={
            <>
              <strong>{resetFor.email}</strong> will sign in with their password only, and their backup codes stop working. They
              get an email saying an administrator did this. Do it only when you are sure the request came from them.
            </>
          }
          action="Reset two-step verification"
          busyAction="Resetting…"
          onClose={() => setResetFor(null)}
          onConfirm={async () => {
            await resetTwoFactor(resetFor);
            setResetFor(null);
          }}
        />
      ) : null}
      {limitFor ? (
        <LimitDialog
          user={limitFor}
          onClose={() => setLimitFor(null)}
          onSave={async (bytes) => {
            const ok = await patch(limitFor, { limit_bytes: bytes }, `${limitFor.email} can now store ${formatBytes(bytes)}`);
            if (ok) setLimitFor(null);
          }}
        />
      ) : null}
    </div>
  );
}

function LimitDialog(props: { user: AdminUser; onClose: () => void; onSave: (bytes: number) => Promise<void> }) {
  const initialUnit = props.user.limit_bytes >= GB && props.user.limit_bytes % GB === 0 ? GB : MB;
  const [unit, setUnit] = useState(initialUnit);
  const [amount, setAmount] = useState(String(Math.round((props.user.limit_bytes / initialUnit) * 100) / 100));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = Number(amount);
    if (!Number.isFinite(value) || value < 0) return setError('Enter a size of 0 or more.');
    setBusy(true);
    await props.onSave(Math.round(value * unit));
    setBusy(false);
  };
  return (
    <Dialog
      title="Change storage limit"
      description={
        <>
          <strong>{props.user.email}</strong> uses {formatBytes(props.user.used_bytes)} now.
        </>
      }
      onClose={props.onClose}
    >
      <form className="stack" onSubmit={submit}>
        <FormError message={error} />
        <div className="field">
          <label htmlFor="limit-amount">Limit</label>
          <div className="input-group">
            <input
              id="limit-amount"
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              required
            />
            <label htmlFor="limit-unit" className="visually-hidden">
              Unit
            </label>
            <select id="limit-unit" value={unit} onChange={(e) => setUnit(Number(e.target.value))}>
              <option value={MB}>MB</option>
              <option value={GB}>GB</option>
            </select>
          </div>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save limit'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A yes/no question before something that cannot be undone; Cancel has the focus. */
function ConfirmDialog(props: {
  title: string;
  description: ReactNode;
  action: string;
  /** The button's label while the action runs (default: the action). */
  busyAction?: string;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={props.title} description={props.description} onClose={props.onClose} initialFocus="[data-autofocus]">
      <div className="dialog-actions">
        <button type="button" className="button button-secondary" onClick={props.onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            await props.onConfirm();
            setBusy(false);
          }}
        >
          {busy && props.busyAction ? props.busyAction : props.action}
        </button>
      </div>
    </Dialog>
  );
}

function CreateUserDialog(props: { onClose: () => void; onCreated: (u: AdminUser) => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    try {
      const created = await adminApi.createUser({
        email: String(form.get('email') ?? ''),
        temporary_password: String(form.get('password') ?? ''),
        role: form.get('role') === 'admin' ? 'admin' : 'user',
      });
      await props.onCreated(created);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The account was not created.');
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Create user"
      description="They sign in with this temporary password and must choose their own."
      onClose={props.onClose}
    >
      <form className="stack" onSubmit={submit}>
        <FormError message={error} />
        <div className="field">
          <label htmlFor="new-user-email">Email</label>
          <input id="new-user-email" name="email" type="email" required maxLength={320} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="new-user-password">Temporary password</label>
          <input id="new-user-password" name="password" type="text" required minLength={8} maxLength={1024} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="new-user-role">Role</label>
          <select id="new-user-role" name="role" defaultValue="user">
            <option value="user">User</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
