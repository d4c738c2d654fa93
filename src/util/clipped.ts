/**
 * The first `max` characters of `text`, as a string of their own.
 *
 * V8 makes `text.slice(0, max)` of a long string a view that keeps the whole of it alive. A resident's
 * 300,000-character message cut to the 5,000 an SOS alert keeps held all 300,000 in memory for as long
 * as the alert was open: after 12,000 hostile webhooks, 96 MB of the hub's 172 MB of live heap
 * (bench/faults/fuzz.ts --heap-snapshot). The copy through a Buffer holds only what is kept. A cut
 * that would split a surrogate pair (an emoji) ends before it.
 */
export function clipped(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return Buffer.from(text.slice(0, end), 'utf8').toString('utf8');
}
