import { LANGS, type Lang, type T } from '../i18n';

/** The language switch: each language named in itself. */
export function LanguageSelect({ t, lang, onChange }: { t: T; lang: Lang; onChange: (lang: Lang) => void }) {
  return (
    <label class="field">
      <span>{t('prefs.language')}</span>
      <select value={lang} onChange={(e) => onChange((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {t(`prefs.languages.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
