import { useCallback, useRef, useState } from 'react';
import { newIntentKey } from '../api/client';

/**
 * A write the user may have to retry. Each intent (what it acts on and what it sends, as a string) keeps one
 * Idempotency-Key until it succeeds, so a retry after a lost answer replays the first request instead of
 * acting twice; another intent gets its own key. `busy` names the intent running; `error` is the API's
 * (ApiFailure), cleared when the next write starts.
 */
export function useWrite() {
  const keys = useRef(new Map<string, string>());
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const run = useCallback(async <T,>(intent: string, call: (idempotencyKey: string) => Promise<T>): Promise<T | undefined> => {
    const key = keys.current.get(intent) ?? newIntentKey();
    keys.current.set(intent, key);
    setBusy(intent);
    setError(undefined);
    try {
      const out = await call(key);
      keys.current.delete(intent);
      return out;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(undefined);
    }
  }, []);
  return { run, busy, error, clearError: useCallback(() => setError(undefined), []) };
}
