import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-error';
import { settingsApi } from '../../api/settings.api';
import type { ClassifierSettings, ClassifierSettingsUpdate, Provider } from '../../api/types';
import { Field, FormError } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { LoadingBlock } from '../../components/Spinner';
import { useToast } from '../../components/Toasts';

const PROVIDERS: Array<{ value: Provider; label: string; hint: string }> = [
  {
    value: 'local',
    label: 'Built-in',
    hint: 'Runs on this server, offline. Learns from your topics and from the topics you set by hand.',
  },
  { value: 'openai', label: 'OpenAI-compatible', hint: 'OpenAI, or any compatible endpoint such as Ollama, by base URL.' },
  { value: 'anthropic', label: 'Anthropic', hint: 'Claude models through the Anthropic API.' },
  { value: 'none', label: 'Off', hint: 'Documents are stored and searchable, but not filed under topics.' },
];

export function SettingsPage() {
  const [settings, setSettings] = useState<ClassifierSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    settingsApi
      .get()
      .then(setSettings)
      .catch((e: unknown) => setLoadError(e instanceof ApiError ? e.message : 'Could not load your settings.'));
  }, []);
  return (
    <div className="page">
      <PageHeader title="Settings" subtitle="How your documents are classified. These settings are yours alone." />
      {loadError ? (
        <p className="inline-error" role="alert">
          {loadError}
        </p>
      ) : settings ? (
        <SettingsForm settings={settings} onSaved={setSettings} />
      ) : (
        <LoadingBlock />
      )}
    </div>
  );
}

function SettingsForm(props: { settings: ClassifierSettings; onSaved: (s: ClassifierSettings) => void }) {
  const { settings } = props;
  const toast = useToast();
  const [provider, setProvider] = useState<Provider>(settings.provider);
  const [error, setError] = useState<string | null>(null);
  // A refused base URL is shown beside its field, not at the top of the form.
  const [baseUrlError, setBaseUrlError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [replacingKey, setReplacingKey] = useState(!settings.api_key_set);
  const remote = provider === 'openai' || provider === 'anthropic';

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (name: string) => {
      const v = String(data.get(name) ?? '').trim();
      return v === '' ? null : v;
    };
    const body: ClassifierSettingsUpdate = {
      provider,
      model: remote ? text('model') : settings.model,
      base_url: remote ? text('base_url') : settings.base_url,
      auto_classify: data.get('auto_classify') === 'on',
    };
    const key = text('api_key');
    // Write-only: sent only when a new key was typed; otherwise the stored one stays.
    if (remote && key) body.api_key = key;
    setBusy(true);
    setError(null);
    setBaseUrlError(null);
    try {
      const saved = await settingsApi.put(body);
      props.onSaved(saved);
      setReplacingKey(!saved.api_key_set);
      toast('Settings saved', 'success');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'base_url_refused') setBaseUrlError(refusalText(err));
      else setError(err instanceof ApiError ? err.message : 'Could not save. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const removeKey = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await settingsApi.put({
        provider: settings.provider,
        model: settings.model,
        base_url: settings.base_url,
        auto_classify: settings.auto_classify,
        api_key: null,
      });
      props.onSaved(saved);
      setReplacingKey(true);
      toast('API key removed', 'success');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not remove the key. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card card-padded stack settings-form" onSubmit={submit}>
      <FormError message={error} />
      <fieldset className="radio-cards">
        <legend className="section-title">Classifier</legend>
        {PROVIDERS.map((p) => (
          <label key={p.value} className={`radio-card ${provider === p.value ? 'radio-card-checked' : ''}`}>
            <input
              type="radio"
              name="provider"
              value={p.value}
              checked={provider === p.value}
              onChange={() => setProvider(p.value)}
            />
            <span className="radio-card-text">
              <span className="radio-card-label">{p.label}</span>
              <span className="muted radio-card-hint">{p.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {remote ? (
        <div className="stack">
          <div className="form-row">
            <Field
              label="Model"
              name="model"
              defaultValue={settings.model ?? ''}
              placeholder={provider === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4o-mini or llama3.1'}
              autoComplete="off"
              spellCheck={false}
            />
            <Field
              label={provider === 'openai' ? 'Base URL' : 'Base URL (optional)'}
              name="base_url"
              type="url"
              defaultValue={settings.base_url ?? ''}
              placeholder={provider === 'anthropic' ? 'https://api.anthropic.com' : 'https://api.openai.com/v1'}
              autoComplete="off"
              spellCheck={false}
              error={baseUrlError}
              hint={
                provider === 'openai'
                  ? 'For a model running on this server or your own network, such as Ollama at http://localhost:11434/v1, ' +
                    'your administrator must first allow private addresses (AI_ALLOW_PRIVATE_URLS=true). ' +
                    'Without that, only addresses on the public internet are accepted.'
                  : undefined
              }
            />
          </div>
          {replacingKey ? (
            <Field
              label="API key"
              name="api_key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              hint={
                settings.api_key_set
                  ? 'Enter a new key to replace the saved one.'
                  : 'Stored encrypted. It is never shown again, not even to you.'
              }
            />
          ) : (
            <div className="field">
              <span className="field-label">API key</span>
              <div className="key-set">
                <span className="badge badge-classified" data-testid="key-set">
                  Key set
                </span>
                <span className="muted">Saved and encrypted; it is never shown again.</span>
                <button type="button" className="button button-secondary button-small" onClick={() => setReplacingKey(true)}>
                  Replace key
                </button>
                <button
                  type="button"
                  className="button button-ghost button-small button-ghost-danger"
                  onClick={removeKey}
                  disabled={busy}
                >
                  Remove key
                </button>
              </div>
            </div>
          )}
        </div>
      ) : null}

      <label className="check-row">
        <input type="checkbox" name="auto_classify" defaultChecked={settings.auto_classify} />
        <span>Classify new uploads automatically</span>
      </label>

      <div className="dialog-actions">
        <TestConnectionButton />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}

/** Sends one tiny request to the saved provider and says what came back. */
function TestConnectionButton() {
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <p className={result ? (result.ok ? 'test-result test-ok' : 'test-result test-failed') : 'visually-hidden'} role="status">
        {result?.text ?? ''}
      </p>
      <button
        type="button"
        className="button button-secondary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const r = await settingsApi.test();
            setResult({ ok: r.ok, text: r.ok ? `${r.detail}${r.latency_ms !== null ? ` (${r.latency_ms} ms)` : ''}` : `Failed: ${r.detail}` });
          } catch (e) {
            setResult({ ok: false, text: e instanceof ApiError ? e.message : 'The test could not run.' });
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Testing…' : 'Test saved settings'}
      </button>
    </>
  );
}

/** The server's refusal without its "base_url refused:" prefix: the field already names it. */
function refusalText(err: ApiError): string {
  const detail = typeof err.detail === 'string' ? err.detail.replace(/^base_url refused:\s*/i, '').trim() : '';
  if (!detail) return 'This address is not allowed.';
  const text = detail.charAt(0).toUpperCase() + detail.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
