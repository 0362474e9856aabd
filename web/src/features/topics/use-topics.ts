import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { topicsApi } from '../../api/topics.api';
import type { Topic } from '../../api/types';

/** The signed-in user's topics, sorted by name. */
export function useTopics() {
  const [topics, setTopics] = useState<Topic[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const list = await topicsApi.list();
      setTopics([...list].sort((a, b) => a.name.localeCompare(b.name)));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not load topics.');
      setTopics((t) => t ?? []);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { topics, error, reload };
}
