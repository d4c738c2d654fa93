// What this browser remembers between visits: language, light or dark, sound. Never the token.
import { LANGS, type Lang } from './i18n';

export type Theme = 'auto' | 'light' | 'dark';

const KEY = 'ssz.dashboard.prefs';

export interface Prefs {
  lang: Lang;
  theme: Theme;
  sound: boolean;
}

export function loadPrefs(): Prefs {
  const fallback: Prefs = { lang: 'th', theme: 'auto', sound: true };
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Prefs>;
    return {
      lang: LANGS.includes(saved.lang as Lang) ? (saved.lang as Lang) : fallback.lang,
      theme: saved.theme === 'light' || saved.theme === 'dark' ? saved.theme : 'auto',
      sound: saved.sound !== false,
    };
  } catch {
    return fallback;
  }
}

export function savePrefs(prefs: Prefs): void {
  localStorage.setItem(KEY, JSON.stringify(prefs));
}

/** Sets <html data-theme> to light or dark: the chosen one, or the system's for auto (and follows it). */
export function applyTheme(theme: Theme): () => void {
  const media = matchMedia('(prefers-color-scheme: dark)');
  const set = () => {
    document.documentElement.dataset.theme = theme === 'auto' ? (media.matches ? 'dark' : 'light') : theme;
  };
  set();
  media.addEventListener('change', set);
  return () => media.removeEventListener('change', set);
}
