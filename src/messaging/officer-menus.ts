import fs from 'node:fs';
import path from 'node:path';
import {
  officerMenuAlias,
  officerMenuImage,
  officerRichMenu,
  tilesFor,
  type OfficerView,
} from '../../flex-templates/officer-menu';
import { LANGUAGES, languageOf, type Language } from '../domain/people';
import type { Texts } from '../i18n/i18n';
import type { Logger } from '../logger';
import type { UserRepository } from '../store/repositories/user-repository';
import type { RichMenuApi } from './line-gateway';
import { defaultImagesDir, ensureMenu, ignoreNotFound, type ResidentMenus } from './rich-menus';

const VIEWS: OfficerView[] = ['officer', 'resident'];

export interface OfficerMenusResult {
  created: string[];
  reused: string[];
}

/**
 * The officers' rich menus: per language, the officer menu on duty and off duty (its duty tile shows
 * which), and the resident menu as an officer sees it (with a bar back), switched through rich menu
 * aliases. Like the resident menus they are found by alias and version at start and only replaced
 * when they changed; officers are then relinked one by one (there are few) and the old menus deleted.
 * `follow` is the one place that decides which menu a person sees: an officer's, or the resident one.
 */
export class OfficerMenus {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly deps: {
      line: RichMenuApi;
      texts: Texts;
      logger: Logger;
      users: Pick<UserRepository, 'get' | 'officers'>;
      residents: Pick<ResidentMenus, 'follow'>;
      imagesDir?: string;
    },
  ) {}

  async install(): Promise<OfficerMenusResult | undefined> {
    const { line } = this.deps;
    const result: OfficerMenusResult = { created: [], reused: [] };
    const replaced: string[] = [];
    try {
      for (const lang of LANGUAGES) {
        const t = this.deps.texts.t(lang);
        for (const view of VIEWS) {
          for (const onDuty of [true, false]) {
            const alias = officerMenuAlias(view, onDuty, lang);
            const tiles = tilesFor(view, onDuty, lang);
            const image = fs.readFileSync(
              path.join(this.deps.imagesDir ?? defaultImagesDir(), officerMenuImage(view, onDuty, lang)),
            );
            const { id, created, previous } = await ensureMenu(line, {
              alias,
              build: (name) => officerRichMenu(t, name, tiles),
              image,
            });
            this.ids.set(alias, id);
            (created ? result.created : result.reused).push(alias);
            if (previous) replaced.push(previous);
          }
        }
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not set up the officer rich menus; officers keep the resident menu');
      return undefined;
    }
    if (replaced.length > 0) {
      // Officers linked to a replaced menu move to its new version before the old one goes.
      for (const officer of await this.deps.users.officers()) await this.follow(officer._id, languageOf(officer));
      for (const old of replaced) await line.delete(old).catch((err: unknown) => ignoreNotFound(err));
    }
    this.deps.logger.info(result, 'officer rich menus ready');
    return result;
  }

  /** Uses the officer menus another hub instance installed, found by their aliases, creating nothing. */
  async adopt(): Promise<string[]> {
    const found: string[] = [];
    try {
      for (const lang of LANGUAGES)
        for (const view of VIEWS)
          for (const onDuty of [true, false]) {
            const alias = officerMenuAlias(view, onDuty, lang);
            const id = await this.deps.line.aliasTarget(alias);
            if (!id) continue;
            this.ids.set(alias, id);
            found.push(alias);
          }
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not look up the officer rich menus; officers keep the resident menu');
    }
    return found;
  }

  /** The menu a person sees: an officer's (on or off duty), else the resident one in their language. */
  async follow(userId: string, lang: Language): Promise<void> {
    const user = await this.deps.users.get(userId);
    if (user?.role === 'officer' && this.ids.size > 0) return this.show(userId, 'officer', user.onDuty === true, lang);
    return this.deps.residents.follow(userId, lang);
  }

  /** Links one of the officer's menus (a switch between views, or the duty state changed). */
  async show(userId: string, view: OfficerView, onDuty: boolean, lang: Language): Promise<void> {
    const id = this.ids.get(officerMenuAlias(view, onDuty, lang));
    if (!id) return;
    try {
      await this.deps.line.linkToUser(userId, id);
    } catch (err) {
      this.deps.logger.warn({ err, userId, view, onDuty, lang }, 'could not link the officer rich menu');
    }
  }
}
