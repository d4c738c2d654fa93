import { text } from '../../../flex-templates/common';
import {
  askAnonymous,
  askCategory,
  askDescription,
  askLocation,
  askPhotos,
  confirmCard,
  photoFailed,
  submittedMessage,
} from '../../../flex-templates/report-flow';
import { placeOf } from '../../../flex-templates/report-card';
import type { CaseLocation, CasePhoto } from '../../domain/reports/case';
import { NoStationError, type CaseService } from '../../domain/reports/case-service';
import type { Geocoder } from '../../geo/geocoder';
import { normalizeText } from '../../i18n/i18n';
import type { LineMessage } from '../../messaging/line-gateway';
import type { MediaStore } from '../../media/media-store';
import type { PinRepository } from '../../store/repositories/pin-repository';
import type { BotContext } from '../context';
import type { FlowDefinition, StepInput, StepResult, StepRun } from './flow-engine';

export type ReportStep = 'category' | 'description' | 'photos' | 'location' | 'anonymous' | 'confirm';

export interface ReportDraft {
  category?: string;
  description?: string;
  photos: CasePhoto[];
  location?: CaseLocation;
  /** A typed place as the reporter reads it, when their language is not Thai (officers get Thai). */
  shownPlace?: string;
  anonymous?: boolean;
}

export const MAX_PHOTOS = 3;
export const LAST_PIN_MAX_AGE_MS = 10 * 60_000;
export const REPORT_TTL_MS = 30 * 60_000;

export interface ReportFlowDeps {
  categories: string[];
  cases: CaseService;
  pins: PinRepository;
  media: MediaStore;
  geocoder: Geocoder;
}

type Result = StepResult<ReportStep, ReportDraft>;

/**
 * The report conversation: category -> description -> photos (optional) -> location -> name shown
 * or hidden -> confirm. A photo or a pin sent early is kept, not refused; "cancel" works at every step.
 */
export function reportFlow(deps: ReportFlowDeps): FlowDefinition<ReportStep, ReportDraft> {
  const stay = (step: ReportStep, data: ReportDraft, replies: LineMessage[]): Result => ({ next: step, data, replies });

  async function keepPhoto(ctx: BotContext, data: ReportDraft, messageId: string): Promise<boolean> {
    if (data.photos.length >= MAX_PHOTOS) return true;
    try {
      const bytes = await ctx.deps.line.getMessageContent(messageId);
      const stored = await deps.media.save(bytes, { messageId });
      data.photos.push({ messageId, ...stored });
      return true;
    } catch (err) {
      ctx.log.warn({ err, messageId }, 'could not download a report photo');
      return false;
    }
  }

  function pinOf(input: Extract<StepInput, { kind: 'location' }>): CaseLocation {
    return {
      lat: input.latitude,
      lng: input.longitude,
      ...(input.address ? { address: input.address } : {}),
      source: 'pin',
    };
  }

  async function rememberPin(ctx: BotContext, location: CaseLocation): Promise<void> {
    if (ctx.userId)
      await deps.pins.save(ctx.userId, {
        lat: location.lat,
        lng: location.lng,
        address: location.address,
        at: ctx.now,
      });
  }

  /** After photos: ask where, unless a pin already came with the words. */
  async function afterPhotos(ctx: BotContext, data: ReportDraft, prefix?: string): Promise<Result> {
    if (data.location) return stay('anonymous', data, [...(prefix ? [text(prefix)] : []), askAnonymous(ctx.t)]);
    const recent = ctx.userId ? await deps.pins.recent(ctx.userId, ctx.now, LAST_PIN_MAX_AGE_MS) : null;
    return stay('location', data, [
      askLocation(ctx.t, { canReuseLastPin: Boolean(recent), canType: deps.geocoder.enabled, prefix }),
    ]);
  }

  function confirm(ctx: BotContext, data: ReportDraft): LineMessage {
    return confirmCard(ctx.t, {
      category: data.category!,
      description: data.description ?? '',
      photoCount: data.photos.length,
      place: data.shownPlace ?? (data.location ? placeOf({ location: data.location }) : ''),
      anonymous: Boolean(data.anonymous),
      at: ctx.now,
      lang: ctx.lang,
    });
  }

  const steps: FlowDefinition<ReportStep, ReportDraft>['steps'] = {
    async category(ctx, data, input) {
      let chosen: string | undefined;
      if (input.kind === 'postback' && input.data.a === 'cat') chosen = input.data.v;
      if (input.kind === 'text') {
        const typed = normalizeText(input.text);
        chosen = deps.categories.find((c) => normalizeText(ctx.t(`report:categories.${c}`)) === typed || c === typed);
      }
      if (chosen && deps.categories.includes(chosen)) {
        return stay('description', { ...data, category: chosen }, [askDescription(ctx.t)]);
      }
      if (input.kind === 'image' && (await keepPhoto(ctx, data, input.messageId))) {
        return stay('category', data, [askCategory(ctx.t, deps.categories, true)]);
      }
      if (input.kind === 'location') {
        const location = pinOf(input);
        await rememberPin(ctx, location);
        return stay('category', { ...data, location }, [askCategory(ctx.t, deps.categories, true)]);
      }
      return stay('category', data, [askCategory(ctx.t, deps.categories, true)]);
    },

    async description(ctx, data, input) {
      if (input.kind === 'text' && input.text.trim()) {
        return stay('photos', { ...data, description: input.text.trim() }, [
          askPhotos(ctx.t, data.photos.length, MAX_PHOTOS),
        ]);
      }
      if (input.kind === 'image') {
        const ok = await keepPhoto(ctx, data, input.messageId);
        return stay('description', data, [ok ? askDescription(ctx.t, 'photo') : photoFailed(ctx.t)]);
      }
      if (input.kind === 'location') {
        const location = pinOf(input);
        await rememberPin(ctx, location);
        return stay('description', { ...data, location }, [askDescription(ctx.t, 'pin')]);
      }
      return stay('description', data, [askDescription(ctx.t)]);
    },

    async photos(ctx, data, input) {
      if (input.kind === 'image') {
        if (!(await keepPhoto(ctx, data, input.messageId))) return stay('photos', data, [photoFailed(ctx.t)]);
        if (data.photos.length >= MAX_PHOTOS) return afterPhotos(ctx, data, ctx.t('report:flow.photosFull'));
        return stay('photos', data, [askPhotos(ctx.t, data.photos.length, MAX_PHOTOS)]);
      }
      if (input.kind === 'postback' && input.data.a === 'photos-done') return afterPhotos(ctx, data);
      if (input.kind === 'location') {
        const location = pinOf(input);
        await rememberPin(ctx, location);
        return afterPhotos(ctx, { ...data, location });
      }
      if (input.kind === 'text' && input.text.trim()) {
        // More words while we wait for photos: add them to the description rather than lose them.
        const description = `${data.description ?? ''}\n${input.text.trim()}`.trim();
        return stay('photos', { ...data, description }, [askPhotos(ctx.t, data.photos.length, MAX_PHOTOS)]);
      }
      return stay('photos', data, [askPhotos(ctx.t, data.photos.length, MAX_PHOTOS)]);
    },

    async location(ctx, data, input) {
      const canType = deps.geocoder.enabled;
      if (input.kind === 'location') {
        const location = pinOf(input);
        await rememberPin(ctx, location);
        return stay('anonymous', { ...data, location }, [askAnonymous(ctx.t)]);
      }
      if (input.kind === 'postback' && input.data.a === 'last-pin' && ctx.userId) {
        const pin = await deps.pins.recent(ctx.userId, ctx.now, LAST_PIN_MAX_AGE_MS);
        if (pin) {
          const location: CaseLocation = {
            lat: pin.lat,
            lng: pin.lng,
            ...(pin.address ? { address: pin.address } : {}),
            source: 'last-pin',
          };
          return stay('anonymous', { ...data, location }, [askAnonymous(ctx.t)]);
        }
        return stay('location', data, [askLocation(ctx.t, { canReuseLastPin: false, canType })]);
      }
      if (input.kind === 'text' && input.text.trim()) {
        const typed = input.text.trim();
        if (!deps.geocoder.enabled) {
          return stay('location', data, [
            askLocation(ctx.t, { canReuseLastPin: false, canType, prefix: ctx.t('report:flow.addressNeedsPin') }),
          ]);
        }
        const place = await deps.geocoder.geocode(typed, { language: 'th' });
        if (!place) {
          return stay('location', data, [
            askLocation(ctx.t, {
              canReuseLastPin: false,
              canType,
              prefix: ctx.t('report:flow.addressNotFound', { address: typed }),
            }),
          ]);
        }
        const location: CaseLocation = {
          lat: place.lat,
          lng: place.lng,
          address: place.formattedAddress,
          source: 'typed',
          typed,
        };
        // Officers read the Thai address; the reporter checks the place on the confirm card in theirs.
        const shown = ctx.lang === 'th' ? undefined : await deps.geocoder.geocode(typed, { language: ctx.lang });
        const next = { ...data, location, ...(shown ? { shownPlace: shown.formattedAddress } : {}) };
        return stay('anonymous', next, [askAnonymous(ctx.t)]);
      }
      if (input.kind === 'image') {
        const ok = await keepPhoto(ctx, data, input.messageId);
        return stay('location', data, [
          ok ? askLocation(ctx.t, { canReuseLastPin: false, canType }) : photoFailed(ctx.t),
        ]);
      }
      return stay('location', data, [askLocation(ctx.t, { canReuseLastPin: false, canType })]);
    },

    async anonymous(ctx, data, input) {
      if (input.kind === 'postback' && input.data.a === 'anon') {
        const next = { ...data, anonymous: input.data.v === 'yes' };
        return stay('confirm', next, [confirm(ctx, next)]);
      }
      return stay('anonymous', data, [askAnonymous(ctx.t)]);
    },

    async confirm(ctx, data, input, step) {
      if (!(input.kind === 'postback' && input.data.a === 'report-confirm')) {
        return stay('confirm', data, [text(ctx.t('report:flow.pressConfirm')), confirm(ctx, data)]);
      }
      try {
        const { c, station, inZone, route } = await deps.cases.submit({
          submissionKey: step.key,
          reporterId: ctx.userId!,
          reporterName: ctx.user?.displayName,
          reporterLanguage: ctx.lang,
          category: data.category!,
          description: data.description ?? '',
          photos: data.photos,
          location: data.location!,
          anonymous: Boolean(data.anonymous),
        });
        return {
          done: true,
          replies: [submittedMessage(ctx.t, { caseId: c._id, station, inZone, route, lang: ctx.lang })],
        };
      } catch (err) {
        if (err instanceof NoStationError) return { done: true, replies: [text(ctx.t('report:zone.noStation'))] };
        throw err;
      }
    },
  };

  // "cancel" (typed in any language, or the quick reply) ends the flow from any step.
  const withCancel = Object.fromEntries(
    Object.entries(steps).map(([name, handler]) => [
      name,
      async (ctx: BotContext, data: ReportDraft, input: StepInput, step: StepRun): Promise<Result> => {
        const cancelled =
          (input.kind === 'postback' && input.data.a === 'report-cancel') ||
          (input.kind === 'text' && ctx.deps.texts.keywords('keywords.cancel').includes(normalizeText(input.text)));
        // The photos go with the draft (FlowDefinition.heldMedia).
        if (cancelled) return { done: true, discard: true, replies: [text(ctx.t('report:flow.cancelled'))] };
        return handler(ctx, data, input, step);
      },
    ]),
  ) as FlowDefinition<ReportStep, ReportDraft>['steps'];

  return {
    name: 'report',
    version: 1,
    ttlMs: REPORT_TTL_MS,
    steps: withCancel,
    expiredMessages: (ctx) => [text(ctx.t('report:flow.expired'))],
    heldMedia: (data) => data.photos.map((p) => p.token),
  };
}
