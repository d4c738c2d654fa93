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
const lines = (s: string) => s.split('\n').map(escape).join('<br>');

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
  return `<div class="tile ${sos ? 'sos' : `plain ${area.look}`}" style="left:${x}px;top:${y}px;width:${width}px;height:${height}px">
    ${sos ? '' : '<div class="bar"></div>'}
    <div class="word">${escape(t(area.word))}</div>
    <div class="hint">${lines(t(area.hint))}</div>
  </div>`;
}

function page(t: T, tiles: Drawn[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    html,body{margin:0;padding:0;width:${RICH_MENU_SIZE.width}px;height:${RICH_MENU_SIZE.height}px;overflow:hidden;
      font-family:'Loma','Garuda','Sawasdee',sans-serif;background:#fff}
    .tile{position:absolute;box-sizing:border-box;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center}
    .plain{background:#F4F6FA;border:6px solid #fff}
    .plain .bar{width:180px;height:18px;border-radius:9px;background:#1F6FEB;margin-bottom:56px}
    .plain .word{font-size:104px;font-weight:bold;color:#12263F;line-height:1.25;padding:0 30px}
    .plain .hint{font-size:54px;color:#4A5B70;margin-top:28px;line-height:1.35;padding:0 30px}
    .sos{background:#C8102E;color:#fff;border:6px solid #fff}
    .sos .word{font-size:400px;font-weight:bold;letter-spacing:20px;line-height:1}
    .sos .hint{font-size:92px;margin-top:60px;line-height:1.35;font-weight:bold}
    .alert .bar{background:#C8102E}
    .on{background:#E6F4EA}.on .bar{background:#0B8A5F}
    .off{background:#ECEFF3}.off .bar{background:#8A96A3}
    .switch{background:#12263F}.switch .word{color:#fff}.switch .hint{color:#C9D4E3}.switch .bar{background:#F2C94C}
  </style></head><body>${tiles.map((a) => tile(t, a)).join('')}</body></html>`;
}

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
