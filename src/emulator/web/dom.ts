// Small DOM helpers. Everything that came from the bot or the person reaches the page through
// textContent or a checked attribute, never as markup.

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- LINE JSON as received

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string | number | null,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** Colours come from the bot: only LINE's own hex formats reach a style property. */
export function safeColor(value: unknown): string | undefined {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(value) ? value : undefined;
}

/** Links and images the bot sends: web addresses only (no javascript:, no data:). */
export function safeUrl(value: unknown, schemes = /^https?:/i): string | undefined {
  return typeof value === 'string' && schemes.test(value) ? value : undefined;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
