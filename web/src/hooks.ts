import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  isLoading: boolean;
  /** The server has no such route yet: pages show 暂无数据 instead of an error. */
  isMissing: boolean;
  reload(): void;
}

/** Loads data for a page; re-runs when `key` changes. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [isLoading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's key decides when to reload
  useEffect(() => {
    let isCurrent = true;
    setLoading(true);
    loadRef
      .current()
      .then((value) => {
        if (!isCurrent) return;
        setData(value);
        setError(undefined);
      })
      .catch((caught: unknown) => {
        if (!isCurrent) return;
        setError(caught);
        setData(undefined);
      })
      .finally(() => {
        if (isCurrent) setLoading(false);
      });
    return () => {
      isCurrent = false;
    };
  }, [version, ...key]);
  const reload = useCallback(() => setVersion((value) => value + 1), []);
  const isMissing = error instanceof ApiError && (error.isMissingRoute || error.status === 404);
  return { data, error, isLoading, isMissing, reload };
}
