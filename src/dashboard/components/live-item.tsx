// One case or SOS as a detail page holds it: read once, read again whenever the live feed says it
// changed (a tap in LINE, another screen), with the answers for "not found" and "could not load".
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { useApp } from '../app-context';
import { ApiError } from '../api';
import { Loading } from './bits';

export interface LiveItem<T> {
  /** undefined while loading, null when there is no such item (or another station's). */
  item: T | null | undefined;
  set(item: T): void;
  /** Reads it again; the fresh item, or undefined when that failed. */
  load(): Promise<T | undefined>;
  /** What to show instead of the page while there is no item, or undefined once there is. */
  placeholder: ComponentChildren | undefined;
}

export function useLiveItem<T>(
  id: string,
  event: 'case' | 'alert',
  read: (id: string) => Promise<T>,
  notFound: string,
): LiveItem<T> {
  const { t, live } = useApp();
  const [item, setItem] = useState<T | null | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const load = async (): Promise<T | undefined> => {
    try {
      const found = await read(id);
      setItem(found);
      setFailed(false);
      return found;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setItem(null);
      else setFailed(true);
      return undefined;
    }
  };
  useEffect(() => {
    setItem(undefined);
    void load();
    return live.on(event, (changed: { _id: string }) => {
      if (changed._id === id) void load();
    });
  }, [id]);

  const placeholder =
    item === undefined ? (
      failed ? (
        <p class="error">{t('common.loadFailed')}</p>
      ) : (
        <Loading />
      )
    ) : item === null ? (
      <section class="card">
        <h1>{notFound}</h1>
        <Link href="/">{t('notFound.back')}</Link>
      </section>
    ) : undefined;
  return { item, set: setItem, load, placeholder };
}
