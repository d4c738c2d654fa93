// What every page reads: the words in the chosen language, who is signed in, the live feed and the
// board of open items, the map settings, and the browser's preferences.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session, Station, ZoneCollection } from './api';
import type { Board } from './board';
import type { Lang, T } from './i18n';
import type { LiveFeed } from './live';
import type { Prefs } from './prefs';

export interface AppContextValue {
  t: T;
  lang: Lang;
  session: Session;
  live: LiveFeed;
  board: Board;
  prefs: Prefs;
  setPrefs(change: Partial<Prefs>): void;
  mapConfig: { tileUrl?: string; tileAttribution?: string };
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}

/** Names in the reader's language, falling back to the code when a record is not known. */
export function namer(lang: Lang, t: T, stations: Station[], zones: ZoneCollection) {
  const stationsById = new Map(stations.map((s) => [s._id, s]));
  const zonesById = new Map(zones.features.map((f) => [f.id, f.properties]));
  return {
    station: (code: string) => (code === 'CC' ? t('names.noStation') : (stationsById.get(code)?.name[lang] ?? code)),
    zone: (id: string | undefined) => {
      if (!id) return t('names.outsideZones');
      const z = zonesById.get(id);
      return z ? z[`name_${lang}`] : id;
    },
    category: (code: string) => t(`report:categories.${code}`, { defaultValue: code }),
  };
}
