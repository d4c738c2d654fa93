import { text } from '../../../flex-templates/common';
import { checkedIn, checkInPrompt, nearPatrolMessage, askNearPin } from '../../../flex-templates/patrol';
import { CHECK_IN_PIN_MAX_AGE_MS } from '../../domain/patrols/patrol';
import type { PatrolService } from '../../domain/patrols/patrol-service';
import type { LatLng } from '../../domain/places';
import type { LineMessage } from '../../messaging/line-gateway';
import type { PinRepository } from '../../store/repositories/pin-repository';
import type { BotContext } from '../context';
import { cancellable } from './broadcast-flow';
import type { FlowDefinition, StepInput } from './flow-engine';

type Empty = Record<string, never>;

const WAIT_MS = 10 * 60_000;

export interface PatrolFlowDeps {
  patrols: PatrolService;
  pins: PinRepository;
}

function pinOf(input: StepInput): (LatLng & { place?: string }) | undefined {
  if (input.kind !== 'location') return undefined;
  const place = input.title || input.address;
  return { lat: input.latitude, lng: input.longitude, ...(place ? { place } : {}) };
}

/** The officer's check-in and what they are told (stored with the event's id: a replay checks in once). */
export async function recordCheckIn(
  ctx: BotContext,
  deps: PatrolFlowDeps,
  where: LatLng & { place?: string },
  source: 'pin' | 'last-pin',
): Promise<LineMessage> {
  const { checkIn, zone } = await deps.patrols.checkIn(`PC-${ctx.event.webhookEventId}`, ctx.user!, where, source);
  return checkedIn(ctx.t, {
    ...(checkIn.place ? { place: checkIn.place } : {}),
    zone: zone?.name,
    at: checkIn.at,
    lang: ctx.lang,
  });
}

/**
 * A one-step flow waiting for a pin: `where` gets each input (the pin, kept as the person's last one
 * unless they declined the privacy notice, or anything else), and "cancel" ends it with `cancelledKey`.
 */
function pinFlow(
  deps: PatrolFlowDeps,
  spec: {
    name: string;
    cancelledKey: string;
    expiredKey: string;
    onPin(ctx: BotContext, pin: LatLng & { place?: string }): Promise<LineMessage>;
    otherwise(ctx: BotContext, input: StepInput): Promise<{ done: true; reply: LineMessage } | { reply: LineMessage }>;
  },
): FlowDefinition<'where', Empty> {
  return {
    name: spec.name,
    version: 1,
    ttlMs: WAIT_MS,
    steps: cancellable<'where', Empty>(
      {
        async where(ctx, data, input) {
          const pin = pinOf(input);
          if (!pin) {
            const answer = await spec.otherwise(ctx, input);
            return 'done' in answer
              ? { done: true, replies: [answer.reply] }
              : { next: 'where', data, replies: [answer.reply] };
          }
          if (ctx.user?.consent !== 'declined')
            await deps.pins.save(ctx.userId!, { lat: pin.lat, lng: pin.lng, address: pin.place, at: ctx.now });
          return { done: true, replies: [await spec.onPin(ctx, pin)] };
        },
      },
      'patrol-cancel',
      (ctx) => [text(ctx.t(spec.cancelledKey))],
    ),
    expiredMessages: (ctx) => [text(ctx.t(spec.expiredKey))],
  };
}

/** Patrol check-in: a pin, or the officer's last pin if it is fresh. */
export function checkInFlow(deps: PatrolFlowDeps): FlowDefinition<'where', Empty> {
  return pinFlow(deps, {
    name: 'patrol-check-in',
    cancelledKey: 'patrol:checkIn.cancelled',
    expiredKey: 'patrol:checkIn.expired',
    onPin: (ctx, pin) => recordCheckIn(ctx, deps, pin, 'pin'),
    async otherwise(ctx, input) {
      if (!(input.kind === 'postback' && input.data.a === 'patrol-last'))
        return { reply: checkInPrompt(ctx.t, 'needPin') };
      const last = await deps.pins.recent(ctx.userId!, ctx.now, CHECK_IN_PIN_MAX_AGE_MS);
      if (!last) return { reply: checkInPrompt(ctx.t, 'lastTooOld') };
      const where = { lat: last.lat, lng: last.lng, ...(last.address ? { place: last.address } : {}) };
      return { done: true, reply: await recordCheckIn(ctx, deps, where, 'last-pin') };
    },
  });
}

/** "Last patrol near me", for someone with no recent pin: waits for one. */
export function nearPatrolFlow(deps: PatrolFlowDeps): FlowDefinition<'where', Empty> {
  return pinFlow(deps, {
    name: 'near-patrol',
    cancelledKey: 'patrol:near.cancelled',
    expiredKey: 'patrol:near.expired',
    onPin: (ctx, pin) => nearAnswer(ctx, deps, pin),
    otherwise: async (ctx) => ({ reply: askNearPin(ctx.t) }),
  });
}

export async function nearAnswer(ctx: BotContext, deps: PatrolFlowDeps, point: LatLng): Promise<LineMessage> {
  const found = await deps.patrols.lastNear(point);
  return nearPatrolMessage(
    ctx.t,
    found && {
      ...(found.checkIn.place ? { place: found.checkIn.place } : {}),
      ...(found.zone ? { zone: found.zone.name } : {}),
      distanceM: found.distanceM,
      agoMs: ctx.now - found.checkIn.at,
    },
    ctx.lang,
  );
}
