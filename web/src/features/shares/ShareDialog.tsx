import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-error';
import { sharesApi } from '../../api/shares.api';
import type { CreatedShareLink, DocumentItem, ShareLink } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { Field, FormError } from '../../components/Field';
import { formatDateTime } from '../../components/format';
import { Icon } from '../../components/Icon';

const EXPIRY_CHOICES = [
  { value: '1', label: '1 day' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never' },
];

const STATE_LABELS: Record<ShareLink['state'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  used_up: 'Download limit reached',
};

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong. Try again.');

/**
 * Share links of one document: create one (expiry, optional password and download limit),
 * see its URL once with a copy button, and list or revoke the links made before.
 */
export function ShareDialog(props: {
  doc: DocumentItem;
  onClose: () => void;
  /** A link was made or revoked: the document list's "Shared" mark may have changed. */
  onChanged: () => void;
  fallbackFocus: () => HTMLElement | null;
}) {
  const { doc, onChanged } = props;
  const [links, setLinks] = useState<ShareLink[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedShareLink | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setLinks(await sharesApi.list(doc.id));
      setListError(null);
    } catch (e) {
      setListError(messageOf(e));
    }
  }, [doc.id]);
  useEffect(() => void load(), [load]);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    const expiry = String(form.get('expiry') ?? '7');
    const password = String(form.get('password') ?? '');
    const limit = String(form.get('max_downloads') ?? '').trim();
    if (password && password.length < 8) return setFormError('A password needs at least 8 characters.');
    if (limit && !(Number.isInteger(Number(limit)) && Number(limit) >= 1)) {
      return setFormError('The download limit must be a whole number of at least 1.');
    }
    setBusy(true);
    setFormError(null);
    try {
      const link = await sharesApi.create(doc.id, {
        expires_in_days: expiry === 'never' ? null : Number(expiry),
        password: password || null,
        max_downloads: limit ? Number(limit) : null,
        notify_owner: form.get('notify_owner') === 'on',
      });
      setCreated(link);
      setCopied(false);
      formElement.reset();
      onChanged();
      await load();
    } catch (err) {
      setFormError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
    } catch {
      const input = document.getElementById('share-url') as HTMLInputElement | null;
      input?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };

  const revoke = async (link: ShareLink) => {
    try {
      await sharesApi.revoke(link.id);
      if (created?.id === link.id) setCreated(null);
      onChanged();
      await load();
    } catch (e) {
      setListError(messageOf(e));
    }
  };

  return (
    <Dialog
      title="Share by link"
      size="medium"
      description={
        <>
          Anyone with the link can download <strong>{doc.filename}</strong>, and nothing else of yours.
        </>
      }
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
    >
      {created ? (
        <div className="share-created" role="status">
          <p>
            <strong>Link created.</strong> Copy it now: it is shown only this once.
          </p>
          <div className="input-group">
            <label htmlFor="share-url" className="visually-hidden">
              Share link
            </label>
            <input id="share-url" className="share-url" readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button button-secondary" onClick={copy}>
              <Icon name={copied ? 'check' : 'copy'} size={16} /> {copied ? 'Copied' : 'Copy link'}
            </button>
          </div>
        </div>
      ) : null}

      <form className="stack" onSubmit={submit} aria-label="New share link">
        <FormError message={formError} />
        <div className="form-row">
          <div className="field">
            <label htmlFor="share-expiry">Expires after</label>
            <select id="share-expiry" name="expiry" defaultValue="7">
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <Field
            label="Download limit (optional)"
            name="max_downloads"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            placeholder="No limit"
          />
        </div>
        <Field
          label="Password (optional)"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={1024}
          hint="The person you send the link to must enter it before downloading. Send it separately."
        />
        <label className="check-row">
          <input type="checkbox" name="notify_owner" defaultChecked />
          <span>Email me when the link is first used</span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Done
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create link'}
          </button>
        </div>
      </form>

      <section className="share-links" aria-labelledby="share-links-title">
        <h3 id="share-links-title" className="section-title">
          Links of this document
        </h3>
        {listError ? (
          <p className="inline-error" role="alert">
            {listError}
          </p>
        ) : null}
        {links === null ? (
          <p className="muted">Loading…</p>
        ) : links.length === 0 ? (
          <p className="muted">No links yet.</p>
        ) : (
          <ul className="share-list">
            {links.map((l) => (
              <li key={l.id} className={`share-item share-${l.state}`} data-share-id={l.id}>
                <div className="share-facts">
                  <span className={`badge ${l.state === 'active' ? 'badge-classified' : 'badge-pending'}`}>
                    {STATE_LABELS[l.state]}
                  </span>
                  <span>
                    {l.download_count} {l.download_count === 1 ? 'download' : 'downloads'}
                    {l.max_downloads !== null ? ` of ${l.max_downloads}` : ''}
                  </span>
                  {l.has_password ? <span>Password</span> : null}
                  <span className="muted">
                    Created {formatDateTime(l.created_at)} ·{' '}
                    {l.expires_at ? `expires ${formatDateTime(l.expires_at)}` : 'never expires'}
                    {l.last_accessed_at ? ` · last used ${formatDateTime(l.last_accessed_at)}` : ' · not used yet'}
                  </span>
                </div>
                {l.state !== 'revoked' ? (
                  <button
                    type="button"
                    className="button button-ghost-danger button-small"
                    onClick={() => revoke(l)}
                    aria-label={`Revoke link created ${formatDateTime(l.created_at)}`}
                  >
                    Revoke
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Dialog>
  );
}
