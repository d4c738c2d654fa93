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

/** Patrol check-in: a pin, or the officer's last pin if it is fresh. */
export function checkInFlow(deps: PatrolFlowDeps): FlowDefinition<'where', Empty> {
  return {
    name: 'patrol-check-in',
    version: 1,
    ttlMs: WAIT_MS,
    steps: cancellable<'where', Empty>(
      {
        async where(ctx, data, input) {
          const pin = pinOf(input);
          if (pin) {
            await deps.pins.save(ctx.userId!, { lat: pin.lat, lng: pin.lng, address: pin.place, at: ctx.now });
            return { done: true, replies: [await recordCheckIn(ctx, deps, pin, 'pin')] };
          }
          if (input.kind === 'postback' && input.data.a === 'patrol-last') {
            const last = await deps.pins.recent(ctx.userId!, ctx.now, CHECK_IN_PIN_MAX_AGE_MS);
            if (last) {
              const where = { lat: last.lat, lng: last.lng, ...(last.address ? { place: last.address } : {}) };
              return { done: true, replies: [await recordCheckIn(ctx, deps, where, 'last-pin')] };
            }
            return { next: 'where', data, replies: [checkInPrompt(ctx.t, 'lastTooOld')] };
          }
          return { next: 'where', data, replies: [checkInPrompt(ctx.t, 'needPin')] };
        },
      },
      'patrol-cancel',
      (ctx) => [text(ctx.t('patrol:checkIn.cancelled'))],
    ),
    expiredMessages: (ctx) => [text(ctx.t('patrol:checkIn.expired'))],
  };
}

/** "Last patrol near me", for someone with no recent pin: waits for one. */
export function nearPatrolFlow(deps: PatrolFlowDeps): FlowDefinition<'where', Empty> {
  return {
    name: 'near-patrol',
    version: 1,
    ttlMs: WAIT_MS,
    steps: cancellable<'where', Empty>(
      {
        async where(ctx, data, input) {
          const pin = pinOf(input);
          if (!pin) return { next: 'where', data, replies: [askNearPin(ctx.t)] };
          // Kept for "report here" and a next SOS, as any pin; not for a person who declined the privacy notice.
          if (ctx.user?.consent !== 'declined')
            await deps.pins.save(ctx.userId!, { lat: pin.lat, lng: pin.lng, address: pin.place, at: ctx.now });
          return { done: true, replies: [await nearAnswer(ctx, deps, pin)] };
        },
      },
      'patrol-cancel',
      (ctx) => [text(ctx.t('patrol:near.cancelled'))],
    ),
    expiredMessages: (ctx) => [text(ctx.t('patrol:near.expired'))],
  };
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
