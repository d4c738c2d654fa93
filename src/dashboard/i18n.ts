// The dashboard's words: locales/<lang>/dashboard.json, plus the category, status and button names
// residents and officers already read in LINE (report.json, sos.json), so the same step has the same
// name on a card and on the screen. Bundled at build time; Thai first, English and Malay complete.
import i18next, { type TFunction } from 'i18next';
import thDashboard from '../../locales/th/dashboard.json';
import enDashboard from '../../locales/en/dashboard.json';
import msDashboard from '../../locales/ms/dashboard.json';
import thReport from '../../locales/th/report.json';
import enReport from '../../locales/en/report.json';
import msReport from '../../locales/ms/report.json';
import thSos from '../../locales/th/sos.json';
import enSos from '../../locales/en/sos.json';
import msSos from '../../locales/ms/sos.json';

export const LANGS = ['th', 'en', 'ms'] as const;
export type Lang = (typeof LANGS)[number];
export type T = TFunction;

void i18next.init({
  resources: {
    th: { dashboard: thDashboard, report: thReport, sos: thSos },
    en: { dashboard: enDashboard, report: enReport, sos: enSos },
    ms: { dashboard: msDashboard, report: msReport, sos: msSos },
  },
  lng: 'th',
  fallbackLng: 'th',
  ns: ['dashboard', 'report', 'sos'],
  defaultNS: 'dashboard',
  // Preact escapes what it renders: i18next escaping too would show "&amp;".
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

export function translator(lang: Lang): T {
  return i18next.getFixedT(lang);
}

/** BCP 47 tags for dates and numbers: Thai dates in the Buddhist era, as people in Thailand read them. */
export const LOCALE_TAG: Record<Lang, string> = { th: 'th-TH-u-ca-buddhist', en: 'en-GB', ms: 'ms-MY' };
