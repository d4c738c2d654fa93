/**
 * Postback data is a short query string (`a=consent&v=accept`): readable in logs, under LINE's
 * 300-character limit, and tolerant of fields added later.
 */
export type PostbackData = Record<string, string>;

export function encodePostback(data: PostbackData): string {
  const encoded = new URLSearchParams(data).toString();
  if (encoded.length > 300) throw new Error(`postback data over LINE's 300 characters: ${encoded.slice(0, 40)}...`);
  return encoded;
}

export function decodePostback(raw: string): PostbackData {
  const out: PostbackData = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}
