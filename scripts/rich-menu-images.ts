// Draws the resident rich menu images (flex-templates/rich-menu/resident-<lang>.png) from the same
// areas and locale texts as the menu object, with Chromium from Debian:
//   apt-get install -y chromium fonts-thai-tlwg-otf && npm run rich-menu:images
// The images are committed: the hub only reads them. Run this again after changing the texts or areas.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { RESIDENT_AREAS, RICH_MENU_SIZE, type RichMenuArea } from '../flex-templates/rich-menu';
import { LANGUAGES } from '../src/domain/people';
import { loadTexts, type T } from '../src/i18n/i18n';
import { projectRoot } from '../src/util/project-root';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** LINE refuses rich menu images over 1 MB. */
const MAX_BYTES = 1024 * 1024;

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
// Thai faces draw "·" raised almost like "˙": separators are set in a Latin face.
const lines = (s: string) =>
  s
    .split('\n')
    .map((line) => escape(line).replace(/ · /g, ' <span class="sep">·</span> '))
    .join('<br>');

// A globe for the language tile (no colour emoji font here, and LINE shows the image as drawn).
const GLOBE = `<svg class="icon" viewBox="0 0 100 100" fill="none" stroke="#1F6FEB" stroke-width="7">
  <circle cx="50" cy="50" r="44"/><ellipse cx="50" cy="50" rx="19" ry="44"/>
  <path d="M6 50h88M13 28h74M13 72h74"/></svg>`;

function tile(t: T, area: RichMenuArea): string {
  const { x, y, width, height } = area.bounds;
  const sos = area.key === 'sos';
  const mark = area.key === 'language' ? GLOBE : '<div class="bar"></div>';
  return `<div class="tile ${sos ? 'sos' : 'plain'}" style="left:${x}px;top:${y}px;width:${width}px;height:${height}px">
    ${sos ? '' : `<div class="mark">${mark}</div>`}
    <div class="word">${lines(t(`richMenu.${area.key}`))}</div>
    <div class="hint">${lines(t(`richMenu.${area.key}Hint`))}</div>
  </div>`;
}

function page(t: T): string {
  // Plain tiles are top-aligned at one offset, so marks and titles line up across tiles whatever
  // the length of the texts below them.
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    html,body{margin:0;padding:0;width:${RICH_MENU_SIZE.width}px;height:${RICH_MENU_SIZE.height}px;overflow:hidden;
      font-family:'Loma','Garuda','Sawasdee',sans-serif;background:#fff}
    .tile{position:absolute;box-sizing:border-box;display:flex;flex-direction:column;align-items:center;text-align:center}
    .sep{font-family:'DejaVu Sans','Liberation Sans',sans-serif}
    .plain{background:#F4F6FA;border:6px solid #fff;justify-content:flex-start;padding:190px 40px 0}
    .plain .mark{height:110px;display:flex;align-items:center;justify-content:center;margin-bottom:36px}
    .plain .bar{width:180px;height:18px;border-radius:9px;background:#1F6FEB}
    .plain .icon{width:110px;height:110px}
    .plain .word{font-size:104px;font-weight:bold;color:#12263F;line-height:1.2;white-space:nowrap}
    .plain .hint{font-size:54px;color:#4A5B70;margin-top:28px;line-height:1.35;white-space:nowrap}
    .sos{background:#C8102E;color:#fff;border:6px solid #fff;justify-content:center}
    .sos .word{font-size:400px;font-weight:bold;letter-spacing:20px;line-height:1}
    .sos .hint{font-size:92px;margin-top:60px;line-height:1.35;font-weight:bold}
  </style></head><body>${RESIDENT_AREAS.map((a) => tile(t, a)).join('')}</body></html>`;
}

/**
 * Every line is drawn whole on one line: a word or hint wider than its tile is set smaller until
 * it fits, rather than wrapped into an orphan or run into the tile's edge. (Runs in the page; a
 * string, since this project's TypeScript has no DOM types.)
 */
const SHRINK_TO_FIT = `
  for (const el of document.querySelectorAll('.word, .hint')) {
    const room = el.parentElement.clientWidth - 140;
    let size = parseFloat(getComputedStyle(el).fontSize);
    while (el.scrollWidth > room && size > 20) {
      size -= 2;
      el.style.fontSize = size + 'px';
    }
  }`;

async function main(): Promise<void> {
  const texts = loadTexts();
  const outDir = path.join(projectRoot(), 'flex-templates', 'rich-menu');
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ viewport: { ...RICH_MENU_SIZE }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    for (const lang of LANGUAGES) {
      await tab.setContent(page(texts.t(lang)), { waitUntil: 'load' });
      await tab.evaluate(SHRINK_TO_FIT);
      const png = await tab.screenshot({ type: 'png', clip: { x: 0, y: 0, ...RICH_MENU_SIZE } });
      if (png.length > MAX_BYTES) throw new Error(`resident-${lang}.png is ${png.length} bytes; LINE allows 1 MB`);
      fs.writeFileSync(path.join(outDir, `resident-${lang}.png`), png);
      process.stdout.write(`resident-${lang}.png: ${(png.length / 1024).toFixed(0)} KB\n`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`rich-menu-images: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
