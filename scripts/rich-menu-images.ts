// Draws the resident rich menu images (flex-templates/rich-menu/resident-<lang>.png) from the same
// areas and locale texts as the menu object, with Chromium from Debian:
//   apt-get install -y chromium fonts-thai-tlwg-otf && npm run rich-menu:images
// The images are committed: the hub only reads them. Run this again after changing the texts or areas.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { RESIDENT_AREAS, RICH_MENU_SIZE } from '../flex-templates/rich-menu';
import { officerMenuImage, tilesFor, type MenuTile } from '../flex-templates/officer-menu';
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

type Drawn = Pick<MenuTile, 'bounds' | 'word' | 'hint' | 'look'>;

const residentTiles: Drawn[] = RESIDENT_AREAS.map((area) => ({
  bounds: area.bounds,
  word: `richMenu.${area.key}`,
  hint: `richMenu.${area.key}Hint`,
  look: area.key === 'sos' ? 'sos' : 'plain',
}));

function tile(t: T, area: Drawn): string {
  const { x, y, width, height } = area.bounds;
  const sos = area.look === 'sos';
  const mark = area.word === 'richMenu.language' ? GLOBE : '<div class="bar"></div>';
  return `<div class="tile ${sos ? 'sos' : `plain ${area.look}`}" style="left:${x}px;top:${y}px;width:${width}px;height:${height}px${sos ? '' : `;padding-top:${Math.round(height * 0.225)}px`}">
    ${sos ? '' : `<div class="mark">${mark}</div>`}
    <div class="word">${lines(t(area.word))}</div>
    <div class="hint">${lines(t(area.hint))}</div>
  </div>`;
}

function page(t: T, tiles: Drawn[]): string {
  // Plain tiles are top-aligned at one offset, so marks and titles line up across tiles whatever
  // the length of the texts below them.
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    html,body{margin:0;padding:0;width:${RICH_MENU_SIZE.width}px;height:${RICH_MENU_SIZE.height}px;overflow:hidden;
      font-family:'Loma','Garuda','Sawasdee',sans-serif;background:#fff}
    .tile{position:absolute;box-sizing:border-box;display:flex;flex-direction:column;align-items:center;text-align:center}
    .sep{font-family:'DejaVu Sans','Liberation Sans',sans-serif}
    .plain{background:#F4F6FA;border:6px solid #fff;justify-content:flex-start;padding:0 40px}
    .plain .mark{height:110px;display:flex;align-items:center;justify-content:center;margin-bottom:36px}
    .plain .bar{width:180px;height:18px;border-radius:9px;background:#1F6FEB}
    .plain .icon{width:110px;height:110px}
    .plain .word{font-size:104px;font-weight:bold;color:#12263F;line-height:1.2;white-space:nowrap}
    .plain .hint{font-size:54px;color:#4A5B70;margin-top:28px;line-height:1.35;white-space:nowrap}
    .sos{background:#C8102E;color:#fff;border:6px solid #fff;justify-content:center}
    .sos .word{font-size:400px;font-weight:bold;letter-spacing:20px;line-height:1}
    .sos .hint{font-size:92px;margin-top:60px;line-height:1.35;font-weight:bold}
    .alert .bar{background:#C8102E}
    .on{background:#E6F4EA}.on .bar{background:#0B8A5F}
    .off{background:#ECEFF3}.off .bar{background:#8A96A3}
    .switch{background:#12263F}.switch .word{color:#fff}.switch .hint{color:#C9D4E3}.switch .bar{background:#F2C94C}
  </style></head><body>${tiles.map((a) => tile(t, a)).join('')}</body></html>`;
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
  }
  // A tile shorter than the resident menu's (the officers' resident view) keeps its last line inside.
  for (const tile of document.querySelectorAll('.plain')) {
    for (let i = 0; i < 80 && tile.scrollHeight > tile.clientHeight; i++) {
      for (const el of tile.querySelectorAll('.word, .hint')) {
        el.style.fontSize = parseFloat(getComputedStyle(el).fontSize) * 0.96 + 'px';
      }
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
    // The resident menus, then the officers' (on and off duty) and the resident view officers switch to.
    const drawings = LANGUAGES.flatMap((lang) => [
      { lang, file: `resident-${lang}.png`, tiles: residentTiles },
      { lang, file: officerMenuImage('officer', true, lang), tiles: tilesFor('officer', true, lang) },
      { lang, file: officerMenuImage('officer', false, lang), tiles: tilesFor('officer', false, lang) },
      { lang, file: officerMenuImage('resident', true, lang), tiles: tilesFor('resident', true, lang) },
    ]);
    for (const { lang, file, tiles } of drawings) {
      await tab.setContent(page(texts.t(lang), tiles), { waitUntil: 'load' });
      await tab.evaluate(SHRINK_TO_FIT);
      const png = await tab.screenshot({ type: 'png', clip: { x: 0, y: 0, ...RICH_MENU_SIZE } });
      if (png.length > MAX_BYTES) throw new Error(`${file} is ${png.length} bytes; LINE allows 1 MB`);
      fs.writeFileSync(path.join(outDir, file), png);
      process.stdout.write(`${file}: ${(png.length / 1024).toFixed(0)} KB\n`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`rich-menu-images: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
