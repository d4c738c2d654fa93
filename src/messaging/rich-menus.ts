import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { residentRichMenu } from '../../flex-templates/rich-menu';
import { LANGUAGES, type Language } from '../domain/people';
import type { Texts } from '../i18n/i18n';
import type { Logger } from '../logger';
import { projectRoot } from '../util/project-root';
import { LineApiError, type RichMenuApi } from './line-gateway';

/** How long install waits for LINE to move people between menus: 60 polls a second apart. */
const BATCH_POLLS = 60;
const BATCH_POLL_MS = 1_000;

/** Thai residents get the default menu; others get theirs linked. */
const DEFAULT_LANGUAGE: Language = 'th';

export interface InstallResult {
  created: Language[];
  reused: Language[];
}

/**
 * The resident rich menu, one per language, with SOS always one tap away under the chat. At start
 * the hub makes LINE hold the current menus: each is found by its alias (`ssz-resident-<lang>`) and
 * kept when its name carries the same version (a hash of the menu and its image), else created anew,
 * the alias moved to it, the people of the old one moved over and the old one deleted; Thai is the
 * default menu. A person whose language
 * is not Thai gets theirs linked. Nothing here stops the hub: without menus, quick replies still
 * offer every action.
 */
export class ResidentMenus {
  private readonly ids = new Map<Language, string>();

  constructor(private readonly deps: { line: RichMenuApi; texts: Texts; logger: Logger; imagesDir?: string }) {}

  async install(): Promise<InstallResult | undefined> {
    const result: InstallResult = { created: [], reused: [] };
    try {
      for (const lang of LANGUAGES) {
        const created = await this.installOne(lang);
        (created ? result.created : result.reused).push(lang);
      }
      this.deps.logger.info(result, 'resident rich menus ready');
      return result;
    } catch (err) {
      this.deps.logger.warn(
        { err },
        'could not set up the resident rich menus; quick replies still offer every action',
      );
      return undefined;
    }
  }

  /**
   * Uses the menus another hub instance installed, found by their aliases, creating nothing: one
   * instance reconciles the menus with LINE (batch control is allowed three times an hour), the
   * others only need the ids to link people to their language's menu.
   */
  async adopt(): Promise<Language[]> {
    const found: Language[] = [];
    try {
      for (const lang of LANGUAGES) {
        const id = await this.deps.line.aliasTarget(aliasOf(lang));
        if (!id) continue;
        this.ids.set(lang, id);
        found.push(lang);
      }
    } catch (err) {
      this.deps.logger.warn(
        { err },
        'could not look up the resident rich menus; quick replies still offer every action',
      );
    }
    return found;
  }

  /** Makes the person's menu match their language. Failures are logged, never thrown. */
  async follow(userId: string, lang: Language): Promise<void> {
    const { line, logger } = this.deps;
    try {
      if (lang === DEFAULT_LANGUAGE) {
        if (this.ids.size > 0) await line.unlinkFromUser(userId).catch((err: unknown) => ignoreNotFound(err));
        return;
      }
      const id = this.ids.get(lang);
      if (id) await line.linkToUser(userId, id);
    } catch (err) {
      logger.warn({ err, userId, lang }, 'could not link the rich menu for this language');
    }
  }

  private async installOne(lang: Language): Promise<boolean> {
    const { line } = this.deps;
    const image = fs.readFileSync(path.join(this.deps.imagesDir ?? defaultImagesDir(), `resident-${lang}.png`));
    const t = this.deps.texts.t(lang);
    const version = createHash('sha256')
      .update(JSON.stringify(residentRichMenu(t, '')))
      .update(image)
      .digest('hex')
      .slice(0, 12);
    const name = `ssz-resident-${lang}-${version}`;
    const alias = aliasOf(lang);
    const current = await line.aliasTarget(alias);
    if (current && (await line.nameOf(current)) === name) {
      this.ids.set(lang, current);
      if (lang === DEFAULT_LANGUAGE) await line.setDefault(current);
      return false;
    }
    const id = await line.create(residentRichMenu(t, name));
    await line.setImage(id, image, 'image/png');
    await line.setAlias(alias, id, current !== null);
    if (lang === DEFAULT_LANGUAGE) await line.setDefault(id);
    this.ids.set(lang, id);
    if (current) await this.retire(current, id, lang);
    return true;
  }

  /**
   * The old menu of a language goes once nobody sees it: the Thai one as soon as the new one is the
   * default; another language's once its people are moved to the new one (one batch-control call,
   * which LINE allows three times an hour). If the move fails, the old menu stays: its people keep
   * a menu with old words until their language is set again, rather than drop to the Thai one.
   */
  private async retire(old: string, replacement: string, lang: Language): Promise<void> {
    const { line, logger } = this.deps;
    if (lang !== DEFAULT_LANGUAGE) {
      try {
        const requestId = await line.moveLinks(old, replacement);
        // LINE moves them after answering; deleting the old menu before it finished would unlink them.
        let phase = await line.batchPhase(requestId);
        for (let i = 0; phase === 'ongoing' && i < BATCH_POLLS; i++) {
          await new Promise((resolve) => setTimeout(resolve, BATCH_POLL_MS));
          phase = await line.batchPhase(requestId);
        }
        if (phase !== 'succeeded') throw new Error(`batch ${requestId} is ${phase}`);
      } catch (err) {
        logger.warn(
          { err, old, replacement, lang },
          'could not move people to the new rich menu; the old one stays for them',
        );
        return;
      }
    }
    await line.delete(old).catch((err: unknown) => ignoreNotFound(err));
  }
}

function aliasOf(lang: Language): string {
  return `ssz-resident-${lang}`;
}

function defaultImagesDir(): string {
  return path.join(projectRoot(), 'flex-templates', 'rich-menu');
}

function ignoreNotFound(err: unknown): void {
  if (err instanceof LineApiError && err.status === 404) return;
  throw err;
}
