// Which language a person is answered in: their own choice first, then their LINE profile's, else Thai.
import { languageOf, toLanguage } from '../../src/domain/people';

describe('languageOf', () => {
  it.each([
    [{ chosenLanguage: 'en', profileLanguage: 'th' }, 'en'],
    [{ chosenLanguage: 'ms', profileLanguage: 'en' }, 'ms'],
    [{ profileLanguage: 'en' }, 'en'],
    [{}, 'th'],
    [null, 'th'],
    [undefined, 'th'],
  ] as const)('when the person is %j, then they are answered in %s', (user, lang) => {
    expect(languageOf(user)).toBe(lang);
  });
});

describe('toLanguage', () => {
  it.each([
    ['th', 'th'],
    ['en-US', 'en'],
    ['EN_gb', 'en'],
    ['ms-MY', 'ms'],
    ['ja', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('when a LINE profile says %s, then the hub reads it as %s', (raw, lang) => {
    expect(toLanguage(raw)).toBe(lang);
  });
});
