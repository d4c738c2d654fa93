import { caseReached, groupUpdate, reportCard, reporterUpdate } from '../../flex-templates/report-card';
import { privacyRequestClosed } from '../../flex-templates/privacy';
import {
  forwardedMessage,
  officerPush,
  positionUpdate,
  sosCard,
  sosGroupUpdate,
  sosLadderStep,
  sosPersonUpdate,
} from '../../flex-templates/sos';
import type { Delivery, Notice, Notifier, Recipient } from '../domain/notices';
import { LANGUAGES, type Language, type User } from '../domain/people';
import type { Texts } from '../i18n/i18n';
import type { LineMessage } from './line-gateway';
import type { Messenger, SendOptions } from './messenger';

/** The still image shown for a forwarded video (LINE needs one; we have no frame of our own). */
export const VIDEO_PREVIEW_PATH = '/media/preview/video.png';

export interface NotifierDeps {
  messenger: Messenger;
  texts: Texts;
  users: { get(userId: string): Promise<User | null>; many(userIds: string[]): Promise<User[]> };
  /** The hub's public https base URL: media go out as real messages only with it (LINE fetches them). */
  publicBaseUrl?: string;
}

/**
 * The messaging edge of every notice: it reads the recipient's language when the notice is sent
 * (so a person who switched language gets every later message in the new one), renders the notice
 * with flex-templates/ and locales/, and hands the messages to the Messenger (the outbox). Groups read
 * Thai; each officer or resident in a multicast reads their own language (one multicast per language).
 */
export class MessengerNotifier implements Notifier {
  readonly showsMedia: boolean;

  constructor(private readonly deps: NotifierDeps) {
    this.showsMedia = Boolean(deps.publicBaseUrl);
  }

  async notify(to: Recipient, notice: Notice, delivery: Delivery): Promise<void> {
    const { messenger } = this.deps;
    const options: SendOptions = {
      ...(delivery.dedupeKey ? { dedupeKey: delivery.dedupeKey } : {}),
      ...(delivery.orderKey ? { orderKey: delivery.orderKey } : {}),
      ...(delivery.urgent ? { urgent: true } : {}),
    };
    switch (to.kind) {
      case 'group':
        return messenger.push(to.groupId, this.render(notice, 'th'), delivery.purpose, options);
      case 'person': {
        const user = await this.deps.users.get(to.userId);
        // The person's choice now, else what their profile said, else the language they filed in.
        const lang = user?.chosenLanguage ?? user?.profileLanguage ?? to.lang ?? 'th';
        return messenger.push(to.userId, this.render(notice, lang), delivery.purpose, options);
      }
      case 'people': {
        const known = new Map((await this.deps.users.many(to.userIds)).map((u) => [u._id, u]));
        const byLanguage = new Map<Language, string[]>();
        for (const id of to.userIds) {
          const u = known.get(id);
          const lang = u?.chosenLanguage ?? u?.profileLanguage ?? 'th';
          byLanguage.set(lang, [...(byLanguage.get(lang) ?? []), id]);
        }
        for (const lang of LANGUAGES) {
          const ids = byLanguage.get(lang);
          if (!ids) continue;
          // Thai keeps the plain key (the usual case, and the key a re-run computed before); every other
          // language is its own planned send with its own key, so each is still sent once.
          const dedupeKey = options.dedupeKey && lang !== 'th' ? `${options.dedupeKey}:${lang}` : options.dedupeKey;
          await messenger.multicast(ids, this.render(notice, lang), delivery.purpose, {
            ...options,
            ...(dedupeKey ? { dedupeKey } : {}),
          });
        }
        return;
      }
    }
  }

  private mediaUrl(token: string): string | undefined {
    return this.deps.publicBaseUrl ? `${this.deps.publicBaseUrl}/media/${token}` : undefined;
  }

  private render(notice: Notice, lang: Language): LineMessage[] {
    const t = this.deps.texts.t(lang);
    switch (notice.kind) {
      case 'case-card': {
        const photo = notice.c.photos[0];
        return [
          reportCard(t, {
            c: notice.c,
            station: notice.station,
            zone: notice.zone,
            lang,
            photoUrl: photo ? this.mediaUrl(photo.token) : undefined,
          }),
        ];
      }
      case 'case-reached':
        return [caseReached(t, notice.c, notice.station, notice.to, lang)];
      case 'case-update':
        return [reporterUpdate(t, notice.c, notice.officer, notice.station, lang)];
      case 'case-group-update':
        return [groupUpdate(t, notice.c, notice.officer)];
      case 'privacy-closed':
        return [privacyRequestClosed(t, notice.request, notice.station, lang)];
      case 'sos-card':
        return [sosCard(t, { ...notice, lang })];
      case 'sos-officer-alert':
        return [officerPush(t, notice.alert, notice.station, lang), sosCard(t, { ...notice, lang })];
      case 'sos-position':
        return positionUpdate(t, notice.alert, lang);
      case 'sos-forward': {
        const url = notice.asMedia && notice.message.media ? this.mediaUrl(notice.message.media.token) : undefined;
        const links = url ? { url, previewUrl: `${this.deps.publicBaseUrl}${VIDEO_PREVIEW_PATH}` } : undefined;
        return forwardedMessage(t, notice.alert, notice.message, lang, links);
      }
      case 'sos-group-update':
        return [sosGroupUpdate(t, notice.alert, notice.officer, notice.secondsToAck)];
      case 'sos-person-update':
        return [sosPersonUpdate(t, notice.alert, notice.officer, notice.officerStation, lang)];
      case 'sos-ladder':
        return [sosLadderStep(t, notice.did)];
    }
  }
}
