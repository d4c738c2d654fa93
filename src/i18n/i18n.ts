import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction, type i18n } from 'i18next';
import { LANGUAGES, type Language } from '../domain/people';
import { projectRoot } from '../util/project-root';

export type T = TFunction;

/** Texts people read, loaded once from locales/<lang>/<namespace>.json. */
export interface Texts {
  t(lang: Language): T;
  /** Every phrasing of a keyword list across all languages (for example the words that mean SOS): "a|b|c" in the locale files. */
  keywords(key: string): string[];
}

export function loadTexts(localesDir = path.join(projectRoot(), 'locales')): Texts {
  const resources: Record<string, Record<string, unknown>> = {};
  const namespaces = new Set<string>();
  for (const lang of LANGUAGES) {
    resources[lang] = {};
    for (const file of fs.readdirSync(path.join(localesDir, lang)).filter((f) => f.endsWith('.json'))) {
      const ns = path.basename(file, '.json');
      namespaces.add(ns);
      resources[lang][ns] = JSON.parse(fs.readFileSync(path.join(localesDir, lang, file), 'utf8'));
    }
  }
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources: resources as never,
    lng: 'th',
    fallbackLng: 'th',
    supportedLngs: [...LANGUAGES],
    ns: [...namespaces],
    defaultNS: 'bot',
    // LINE renders plain text: HTML escaping would show "&amp;" to a resident.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  const fixed = new Map<Language, T>(LANGUAGES.map((l) => [l, remembered(instance.getFixedT(l))]));
  const keywordCache = new Map<string, string[]>();
  return {
    t: (lang) => fixed.get(lang) ?? fixed.get('th')!,
    keywords(key) {
      let words = keywordCache.get(key);
      if (!words) {
        words = LANGUAGES.flatMap((l) => {
          // Keyword lists are one string per language, alternatives separated by "|" (so every
          // language has the same keys however many words it needs).
          const value = instance.getFixedT(l)(key, { defaultValue: '' });
          return value
            ? value
                .split('|')
                .map((w) => normalizeText(w))
                .filter(Boolean)
            : [];
        });
        keywordCache.set(key, words);
      }
      return words;
    },
  };
}

/**
 * The texts never change after loading, so a key asked for without options (most of them: menus,
 * prompts, buttons) is looked up in i18next once per language and remembered. i18next's resolution
 * was a tenth of the hub's time per webhook (bench/webhook.ts --cpu-prof). Calls with options
 * (interpolation, counts, defaults) always go to i18next.
 */
function remembered(t: T): T {
  const known = new Map<string, string>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const lookup = (key: unknown, ...rest: unknown[]): unknown => {
    if (rest.length > 0 || typeof key !== 'string') return call(key, ...rest);
    let value = known.get(key);
    if (value === undefined) {
      const resolved = call(key);
      if (typeof resolved !== 'string') return resolved;
      value = resolved;
      known.set(key, value);
    }
    return value;
  };
  return lookup as unknown as T;
}

/**
 * Case, width and spacing do not change what a person meant. Thai is written without spaces between
 * words and people put them anywhere ("ช่วยด้วย ค่ะ"), so a space between two Thai letters is dropped.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/(?<=\p{Script=Thai}) (?=\p{Script=Thai})/gu, '');
}
