import {
  askLanguages,
  askPhoto,
  askZones,
  composePrompt,
  composeSummary,
  languageName,
  runFigures,
  runReport,
} from '../../../flex-templates/broadcast';
import { text } from '../../../flex-templates/common';
import { MAX_TEXT, type Broadcast, type BroadcastImage, type BroadcastText } from '../../domain/broadcasts/broadcast';
import type { BroadcastService } from '../../domain/broadcasts/broadcast-service';
import type { Language } from '../../domain/people';
import type { Zone } from '../../domain/places';
import { normalizeText } from '../../i18n/i18n';
import type { LineMessage } from '../../messaging/line-gateway';
import type { MediaStore } from '../../media/media-store';
import type { ZoneNewsRenderer } from '../../messaging/zone-news';
import type { BotContext } from '../context';
import type { FlowDefinition, StepInput, StepResult } from './flow-engine';

export type ComposeStep = 'zones' | 'text' | 'photo' | 'langs' | 'en' | 'ms' | 'preview';

export interface ComposeDraft {
  stationCode: string;
  zoneIds: string[];
  th?: string;
  en?: string;
  ms?: string;
  image?: BroadcastImage;
  /** The stored photo behind `image`: the broadcast refers to it once sent; unsent, it goes with the draft. */
  imageToken?: string;
}

export const COMPOSE_TTL_MS = 30 * 60_000;

export interface ComposeFlowDeps {
  broadcasts: BroadcastService;
  zones: { byStation(code: string): Promise<Zone[]>; get(id: string): Promise<Zone | null> };
  renderer: ZoneNewsRenderer;
  media: MediaStore;
  /** https base of /media/<token>; without it a photo cannot be shown to residents. */
  mediaUrl?: (token: string) => string;
}

type Result = StepResult<ComposeStep, ComposeDraft>;

/**
 * Wraps a flow's steps so that "cancel" (typed in any language, or the flow's cancel button) ends it
 * from any step with `cancelled`'s answer.
 */
export function cancellable<S extends string, D>(
  steps: FlowDefinition<S, D>['steps'],
  cancelAction: string,
  cancelled: (ctx: BotContext) => LineMessage[],
): FlowDefinition<S, D>['steps'] {
  const wrapped = {} as FlowDefinition<S, D>['steps'];
  for (const name of Object.keys(steps) as S[]) {
    wrapped[name] = async (ctx, data, input, step) => {
      const typed = input.kind === 'text' ? normalizeText(input.text) : undefined;
      if (
        (input.kind === 'postback' && input.data.a === cancelAction) ||
        (typed !== undefined && ctx.deps.texts.keywords('keywords.cancel').includes(typed))
      )
        return { done: true, discard: true, replies: cancelled(ctx) };
      return steps[name](ctx, data, input, step);
    };
  }
  return wrapped;
}

/** The officer's broadcast, step by step: zones, Thai text, a photo or not, languages, preview, send. */
export function composeFlow(deps: ComposeFlowDeps): FlowDefinition<ComposeStep, ComposeDraft> {
  const stay = (next: ComposeStep, data: ComposeDraft, replies: LineMessage[]): Result => ({ next, data, replies });

  async function zonePicker(ctx: BotContext, data: ComposeDraft): Promise<LineMessage> {
    const zones = await deps.zones.byStation(data.stationCode);
    return askZones(
      ctx.t,
      zones.map((z) => ({ id: z._id, name: z.name, chosen: data.zoneIds.includes(z._id) })),
      ctx.lang,
    );
  }

  /** Text for one language: the words, or why they cannot be taken. */
  function takeText(ctx: BotContext, input: StepInput): { ok: string } | { again: LineMessage } {
    if (input.kind !== 'text' || input.text.trim() === '') return { again: composePrompt(ctx.t, 'askTextAgain') };
    const words = input.text.trim();
    if (words.length > MAX_TEXT) return { again: composePrompt(ctx.t, 'textTooLong', { length: words.length }) };
    return { ok: words };
  }

  function draftBroadcast(data: ComposeDraft): Broadcast {
    const textOf: BroadcastText = { th: data.th ?? '', ...(data.en && data.ms ? { en: data.en, ms: data.ms } : {}) };
    return {
      _id: 'preview',
      audience: { kind: 'zones', zoneIds: data.zoneIds },
      zoneIds: data.zoneIds,
      stationCode: data.stationCode,
      text: textOf,
      ...(data.image ? { image: data.image } : {}),
      origin: { kind: 'admin' },
      schedule: { kind: 'now' },
      status: 'sending',
      createdAt: 0,
      updatedAt: 0,
    };
  }

  /** Each language's broadcast exactly as its readers will get it, then who it reaches and Send. */
  async function preview(ctx: BotContext, data: ComposeDraft): Promise<Result> {
    const draft = draftBroadcast(data);
    const languages: Language[] = draft.text.en ? ['th', 'en', 'ms'] : ['th'];
    const bubbles: LineMessage[] = [];
    for (const lang of languages) bubbles.push(...(await deps.renderer.render(draft, lang)));
    // Quick replies belong on the last message only; the preview bubbles carry none.
    for (const b of bubbles) delete (b as { quickReply?: unknown }).quickReply;
    const reach = await deps.broadcasts.estimate(draft.audience, data.stationCode);
    const zones: Zone[] = [];
    for (const id of data.zoneIds) {
      const zone = await deps.zones.get(id);
      if (zone) zones.push(zone);
    }
    return stay('preview', data, [
      ...bubbles,
      composeSummary(
        ctx.t,
        { people: reach.people, groups: reach.groups, zones: zones.map((z) => z.name), languages, lang: ctx.lang },
        languageName,
      ),
    ]);
  }

  const steps: FlowDefinition<ComposeStep, ComposeDraft>['steps'] = {
    async zones(ctx, data, input) {
      if (input.kind === 'postback' && input.data.a === 'bc-zone' && input.data.z) {
        if (input.data.z === '*') {
          const all = (await deps.zones.byStation(data.stationCode)).map((z) => z._id);
          return stay('text', { ...data, zoneIds: all }, [composePrompt(ctx.t, 'askText')]);
        }
        const zone = await deps.zones.get(input.data.z);
        if (zone && zone.stationCode === data.stationCode) {
          const zoneIds = data.zoneIds.includes(zone._id)
            ? data.zoneIds.filter((id) => id !== zone._id)
            : [...data.zoneIds, zone._id];
          const next = { ...data, zoneIds };
          return stay('zones', next, [await zonePicker(ctx, next)]);
        }
      }
      if (input.kind === 'postback' && input.data.a === 'bc-next' && data.zoneIds.length > 0)
        return stay('text', data, [composePrompt(ctx.t, 'askText')]);
      return stay('zones', data, [await zonePicker(ctx, data)]);
    },

    async text(ctx, data, input) {
      const taken = takeText(ctx, input);
      if ('again' in taken) return stay('text', data, [taken.again]);
      return stay('photo', { ...data, th: taken.ok }, [askPhoto(ctx.t)]);
    },

    async photo(ctx, data, input) {
      if (input.kind === 'postback' && input.data.a === 'bc-nophoto') return stay('langs', data, [askLanguages(ctx.t)]);
      if (input.kind !== 'image') return stay('photo', data, [askPhoto(ctx.t)]);
      if (!deps.mediaUrl)
        return stay('langs', data, [askLanguages(ctx.t, ctx.t('broadcast:compose.photoNoPublicUrl'))]);
      try {
        const bytes = await ctx.deps.line.getMessageContent(input.messageId);
        const stored = await deps.media.save(bytes, { messageId: input.messageId });
        if (stored.contentType !== 'image/png' && stored.contentType !== 'image/jpeg') {
          // Not kept: nothing will refer to it.
          await deps.media.remove(stored.token);
          return stay('photo', data, [askPhoto(ctx.t, ctx.t('broadcast:compose.photoFailed'))]);
        }
        const url = deps.mediaUrl(stored.token);
        return stay('langs', { ...data, image: { url, previewUrl: url }, imageToken: stored.token }, [
          askLanguages(ctx.t, ctx.t('broadcast:compose.photoReceived')),
        ]);
      } catch (err) {
        ctx.log.warn({ err, messageId: input.messageId }, 'could not download a broadcast photo');
        return stay('photo', data, [askPhoto(ctx.t, ctx.t('broadcast:compose.photoFailed'))]);
      }
    },

    async langs(ctx, data, input) {
      if (input.kind === 'postback' && input.data.a === 'bc-langs') {
        if (input.data.v === 'th') return preview(ctx, { ...data, en: undefined, ms: undefined });
        if (input.data.v === 'all') return stay('en', data, [composePrompt(ctx.t, 'askEnglish')]);
      }
      return stay('langs', data, [askLanguages(ctx.t)]);
    },

    async en(ctx, data, input) {
      const taken = takeText(ctx, input);
      if ('again' in taken) return stay('en', data, [taken.again]);
      return stay('ms', { ...data, en: taken.ok }, [composePrompt(ctx.t, 'askMalay')]);
    },

    async ms(ctx, data, input) {
      const taken = takeText(ctx, input);
      if ('again' in taken) return stay('ms', data, [taken.again]);
      return preview(ctx, { ...data, ms: taken.ok });
    },

    async preview(ctx, data, input) {
      if (!(input.kind === 'postback' && input.data.a === 'bc-send')) {
        const shown = await preview(ctx, data);
        return { ...shown, replies: [text(ctx.t('broadcast:compose.pressSend')), ...shown.replies].slice(-5) };
      }
      const { broadcast, run } = await deps.broadcasts.create({
        audience: { kind: 'zones', zoneIds: data.zoneIds },
        text: draftBroadcast(data).text,
        ...(data.image ? { image: data.image } : {}),
        schedule: { kind: 'now' },
        origin: {
          kind: 'officer',
          userId: ctx.userId!,
          ...(ctx.user?.displayName ? { name: ctx.user.displayName } : {}),
        },
        stationCode: data.stationCode,
      });
      return { done: true, replies: [runAnswer(ctx, broadcast, run)] };
    },
  };

  return {
    name: 'broadcast',
    version: 1,
    ttlMs: COMPOSE_TTL_MS,
    steps: cancellable(steps, 'bc-cancel', (ctx) => [text(ctx.t('broadcast:compose.cancelled'))]),
    expiredMessages: (ctx) => [text(ctx.t('broadcast:compose.expired'))],
    heldMedia: (data) => (data.imageToken ? [data.imageToken] : []),
  };
}

/** What the composer is told right after a send: going out, held with the numbers, or nobody to reach. */
export function runAnswer(
  ctx: BotContext,
  b: Broadcast,
  run: Parameters<typeof runFigures>[1] | undefined,
): LineMessage {
  if (!run) return text(ctx.t('broadcast:run.notHeld'));
  const figures = runFigures(b, run);
  if (run.state === 'held') return runReport(ctx.t, 'held', figures);
  if (run.recipients.people === 0 && run.recipients.groups === 0 && !run.recipients.everyone)
    return runReport(ctx.t, 'nobody', figures);
  return runReport(ctx.t, run.state === 'done' ? 'finished' : 'sending', figures);
}
