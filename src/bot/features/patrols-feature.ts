import { text } from '../../../flex-templates/common';
import { askCheckInPin, askNearPin } from '../../../flex-templates/patrol';
import { CHECK_IN_PIN_MAX_AGE_MS } from '../../domain/patrols/patrol';
import type { BotFeature } from '../bot';
import type { Middleware } from '../context';
import { postbackOf } from '../context';
import type { FlowEngine } from '../flows/flow-engine';
import { checkInFlow, nearAnswer, nearPatrolFlow, type PatrolFlowDeps } from '../flows/patrol-flows';
import { decodePostback } from '../postback';

/** A pin this fresh answers "last patrol near me" at once; an older one is asked again. */
const NEAR_PIN_MAX_AGE_MS = 60 * 60_000;

/** Patrol check-ins from the officer menu, and "last patrol near me" for residents. */
export function patrolsFeature(deps: PatrolFlowDeps & { flows: () => FlowEngine }): BotFeature {
  const checkIn = checkInFlow(deps);
  const near = nearPatrolFlow(deps);

  const commands: Middleware = async (ctx, next) => {
    const userId = ctx.userId;
    const raw = postbackOf(ctx.event);
    const p = raw ? decodePostback(raw) : undefined;
    if (!userId || !p) return next();
    if (p.a === 'patrol') {
      if (ctx.user?.role !== 'officer') return ctx.reply([text(ctx.t('officer:notOfficer'))], 'patrol-refused');
      const last = await deps.pins.recent(userId, ctx.now, CHECK_IN_PIN_MAX_AGE_MS);
      return deps
        .flows()
        .start(ctx, userId, checkIn, 'where', {}, [askCheckInPin(ctx.t, last ? ctx.now - last.at : undefined)]);
    }
    if (p.a === 'near-patrol') {
      const pin = await deps.pins.recent(userId, ctx.now, NEAR_PIN_MAX_AGE_MS);
      if (pin) return ctx.reply([await nearAnswer(ctx, deps, pin)], 'near-patrol');
      return deps.flows().start(ctx, userId, near, 'where', {}, [askNearPin(ctx.t)]);
    }
    await next();
  };

  return { commands: [commands], flows: [checkIn, near] };
}
