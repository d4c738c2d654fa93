// What the browser tests and the screenshot script share: Debian's Chromium with no network of its
// own, and checks of what a person looking at the window can actually read.
import os from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  // Nothing but loopback: no update checks, no QUIC probes, no sync, no component downloads.
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
// A phone-sized window: where a cramped layout would push the newest message out of sight.
export const VIEWPORT = { width: 420, height: 820 };
export const STEP_MS = 5000;

// The few browser globals the in-page checks use. The project compiles without the DOM library
// (it is Node code), so the function handed to evaluate() reads them through these shapes.
interface PageElement {
  getBoundingClientRect(): { top: number; left: number; bottom: number; right: number; width: number; height: number };
  contains(other: PageElement): boolean;
  parentElement: PageElement | null;
}
interface PageWindow {
  innerHeight: number;
  innerWidth: number;
  document: { elementFromPoint(x: number, y: number): PageElement | null };
  getComputedStyle(node: PageElement): { color: string; backgroundColor: string };
}

/**
 * Whether a person looking at the window, without scrolling, can read the element: inside the
 * viewport, nothing drawn over its centre, and its text at least 3:1 against what is behind it
 * (WCAG's floor for large text; white text on a white card, say, is 1:1).
 */
export async function readable(locator: Locator): Promise<{ ok: boolean; why: string }> {
  if (!(await locator.isVisible())) return { ok: false, why: 'not visible' };
  return locator.evaluate((element) => {
    const win = globalThis as unknown as PageWindow;
    const node = element as unknown as PageElement;
    const r = node.getBoundingClientRect();
    if (
      r.width === 0 ||
      r.height === 0 ||
      r.top < 0 ||
      r.left < 0 ||
      r.bottom > win.innerHeight ||
      r.right > win.innerWidth
    ) {
      return { ok: false, why: `outside the viewport (top ${Math.round(r.top)}, bottom ${Math.round(r.bottom)})` };
    }
    const top = win.document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (top === null || (top !== node && !node.contains(top))) return { ok: false, why: 'covered by another element' };
    const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([red, green, blue]: number[]) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(red!) + 0.7152 * lin(green!) + 0.0722 * lin(blue!);
    };
    let behind = [255, 255, 255];
    for (let at: PageElement | null = node; at; at = at.parentElement) {
      const bg = rgba(win.getComputedStyle(at).backgroundColor);
      if (bg.length >= 3 && (bg.length === 3 || bg[3]! > 0)) {
        behind = bg;
        break;
      }
    }
    const [a, b] = [luminance(rgba(win.getComputedStyle(node).color)), luminance(behind)];
    const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    return contrast >= 3
      ? { ok: true, why: '' }
      : { ok: false, why: `contrast ${contrast.toFixed(2)}:1 against its background` };
  });
}

/** Waits until a person looking at the window would see and be able to read the element. */
export async function expectSeen(locator: Locator, what: string): Promise<void> {
  const deadline = Date.now() + STEP_MS;
  let last = { ok: false, why: 'never checked' };
  while (Date.now() < deadline) {
    last = await readable(locator);
    if (last.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not readable on screen within ${STEP_MS} ms (${last.why})`);
}

export function screenshotPath(name: string): string {
  return path.join(os.tmpdir(), `simulator-${name}.png`);
}

/** Polls `read` until it returns `want` (images load, fonts arrive); fails with the last value seen. */
export async function until<T>(read: () => Promise<T>, want: T, what: string): Promise<void> {
  const deadline = Date.now() + STEP_MS;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === want) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: wanted ${String(want)} within ${STEP_MS} ms, last saw ${String(last)}`);
}

/**
 * A photo as a person might pick one: a street scene of `width`×`height` drawn on a canvas by the
 * browser itself and encoded as JPEG or PNG, so no image file is needed.
 */
export async function drawPhoto(
  page: import('playwright-core').Page,
  width: number,
  height: number,
  type: 'image/jpeg' | 'image/png',
): Promise<Buffer> {
  const dataUrl = await page.evaluate(
    ([w, h, mime]) => {
      const doc = (globalThis as any).document;
      const canvas = doc.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d');
      const sky = g.createLinearGradient(0, 0, 0, h);
      sky.addColorStop(0, '#3b5b8c');
      sky.addColorStop(1, '#d9a86c');
      g.fillStyle = sky;
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#2b2b2b';
      g.fillRect(0, h * 0.7, w, h * 0.3);
      g.fillStyle = '#c0392b';
      g.fillRect(w * 0.6, h * 0.52, w * 0.27, h * 0.23);
      return canvas.toDataURL(mime, 0.85) as string;
    },
    [width, height, type] as const,
  );
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}
