// Thai is the source language; English and Malay must say the same things. i18next falls back to
// Thai for a missing key, so a gap in en/ms does not fail loudly at run time: it shows a Malaysian
// visitor a Thai sentence. These checks make the gap fail here instead.
import fs from 'node:fs';
import path from 'node:path';

const LOCALES_DIR = path.join(__dirname, '..', '..', 'locales');
const SOURCE = 'th';
const TRANSLATIONS = ['en', 'ms'];

/** `a.b.c` -> value; arrays (keyword lists) are leaves, since their length rightly differs by language. */
function flatten(node: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, node);
  }
  return out;
}

function read(lang: string, file: string): Map<string, unknown> {
  return flatten(JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lang, file), 'utf8')));
}

/** `{{name}}` and `{{ name }}` -> name, sorted and deduplicated, for comparing across languages. */
function variables(value: unknown): string[] {
  const found = new Set<string>();
  for (const s of Array.isArray(value) ? value : [value]) {
    if (typeof s !== 'string') continue;
    for (const m of s.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)) found.add(m[1]!);
  }
  return [...found].sort();
}

const sourceFiles = fs
  .readdirSync(path.join(LOCALES_DIR, SOURCE))
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('locale files', () => {
  it('when the locales folder is read, then Thai has namespaces and every language has exactly the same files', () => {
    expect(sourceFiles.length).toBeGreaterThan(0);
    for (const lang of TRANSLATIONS) {
      expect(
        fs
          .readdirSync(path.join(LOCALES_DIR, lang))
          .filter((f) => f.endsWith('.json'))
          .sort(),
      ).toEqual(sourceFiles);
    }
  });

  describe.each(sourceFiles)('%s', (file) => {
    const th = read(SOURCE, file);

    it.each(TRANSLATIONS)('when compared with Thai, then %s has every key and no extra ones', (lang) => {
      const other = read(lang, file);
      expect([...th.keys()].filter((k) => !other.has(k))).toEqual([]);
      expect([...other.keys()].filter((k) => !th.has(k))).toEqual([]);
    });

    it.each([SOURCE, ...TRANSLATIONS])(
      'when read in %s, then no text is empty and every value is a string or a list of strings',
      (lang) => {
        const problems: string[] = [];
        for (const [key, value] of read(lang, file)) {
          const list = Array.isArray(value) ? value : [value];
          if (Array.isArray(value) && value.length === 0) problems.push(`${key}: empty list`);
          for (const s of list) {
            if (typeof s !== 'string') problems.push(`${key}: ${JSON.stringify(s)} is not a string`);
            else if (s.trim() === '') problems.push(`${key}: empty`);
          }
        }
        expect(problems).toEqual([]);
      },
    );

    it.each(TRANSLATIONS)('when a Thai text has {{variables}}, then the %s text has exactly the same ones', (lang) => {
      const other = read(lang, file);
      const mismatched: string[] = [];
      for (const [key, value] of th) {
        if (!other.has(key)) continue; // reported by the key test above
        const want = variables(value);
        const got = variables(other.get(key));
        if (want.join(',') !== got.join(','))
          mismatched.push(`${key}: th {${want.join(', ')}} vs ${lang} {${got.join(', ')}}`);
      }
      expect(mismatched).toEqual([]);
    });

    it.each([SOURCE, ...TRANSLATIONS])('when read in %s, then every {{ is closed by }}', (lang) => {
      // A typo such as "{{name}" is not interpolated: the braces reach the resident as written.
      const broken = [...read(lang, file)]
        .filter(([, v]) =>
          (Array.isArray(v) ? v : [v]).some(
            (s) => typeof s === 'string' && s.split('{{').length !== s.split('}}').length,
          ),
        )
        .map(([k]) => k);
      expect(broken).toEqual([]);
    });
  });
});
