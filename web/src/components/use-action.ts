import { useState } from 'react';

/**
 * Busy and error state around a form's async action: `run` clears the error, marks the
 * form busy while the action runs, and shows `messageOf(error)` when it throws.
 */
export function useAction(messageOf: (e: unknown) => string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
