import { clipped } from '../../src/util/clipped';

describe('clipped', () => {
  it('when a text is within the limit, then it is kept whole', () => {
    expect(clipped('ช่วยด้วย', 5000)).toBe('ช่วยด้วย');
    expect(clipped('x'.repeat(5000), 5000)).toHaveLength(5000);
  });

  it('when a text is longer, then the first characters are kept, as many as the limit', () => {
    const text = `${'ก'.repeat(4999)}ขค${'x'.repeat(300_000)}`;
    expect(clipped(text, 5000)).toBe(`${'ก'.repeat(4999)}ข`);
  });

  it('when the cut would split an emoji, then it ends before the emoji rather than keep half of it', () => {
    expect(clipped(`${'a'.repeat(4999)}🚨 after`, 5000)).toBe('a'.repeat(4999));
    expect(clipped(`${'a'.repeat(4998)}🚨 after`, 5000)).toBe(`${'a'.repeat(4998)}🚨`);
  });
});
