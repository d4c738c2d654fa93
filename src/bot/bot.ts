import type { webhook } from '@line/bot-sdk';
import { errorMessage } from '../../flex-templates/common';
import type { LineMessage } from '../messaging/line-gateway';
import type { BotContext, BotDeps, Middleware } from './context';
import { compose, replyTokenOf } from './context';
import { FlowEngine, stepInputOf, type AnyFlow } from './flows/flow-engine';
import { groupFallback, oneToOneFallback } from './handlers/fallback-handlers';
import { lifecycleHandlers } from './handlers/lifecycle-handlers';
import { preferenceHandlers } from './handlers/preference-handlers';
import { loadSender } from './handlers/sender';
import { text } from '../../flex-templates/common';

/**
 * A feature (reports, SOS, broadcasts...) plugs into fixed places of the pipeline:
 * - `preempt` runs before any open flow (SOS must win over a half-finished report),
 * - `group` handles events from group chats (commands, officer buttons),
 * - `commands` handles 1:1 events that no open flow took,
 * - `flows` are the conversations it runs.
 */
export interface BotFeature {
  preempt?: Middleware[];
  group?: Middleware[];
  commands?: Middleware[];
  flows?: AnyFlow[];
}

export type EventHandler = (event: webhook.Event) => Promise<void>;

/** Builds the transport-free seam `handleEvent(event)` (STYLE 5), one error boundary around it. */
export function createBot(
  deps: BotDeps,
  features: BotFeature[] = [],
): { handleEvent: EventHandler; flows: FlowEngine } {
  const flows = new FlowEngine();
  for (const f of features) for (const flow of f.flows ?? []) flows.register(flow);
  const sender = loadSender();

  const byChat: Middleware = async (ctx, next) => {
    if (ctx.event.source?.type === 'user') return next();
    await groupPipeline(ctx);
  };
  const groupPipeline = compose([...features.flatMap((f) => f.group ?? []), groupFallback]);

  const pipeline = compose([
    sender,
    lifecycleHandlers(sender),
    ...features.flatMap((f) => f.preempt ?? []),
    byChat,
    preferenceHandlers(sender),
    flowRoute(flows),
    ...features.flatMap((f) => f.commands ?? []),
    oneToOneFallback,
  ]);

  async function handleEvent(event: webhook.Event): Promise<void> {
    const ctx = contextFor(event, deps);
    try {
      await pipeline(ctx);
    } catch (err) {
      // Tell the person something went wrong (they must never be left without an answer), then let
      // the inbox record the failure with the event id.
      if (ctx.chatId && (event.type === 'message' || event.type === 'postback') && event.source?.type === 'user') {
        await ctx.reply([errorMessage(ctx.t)], 'error').catch(() => undefined);
      }
      throw err;
    }
  }

  return { handleEvent, flows };
}

/** An open conversation gets the person's next input; an expired one is closed with a kind word. */
function flowRoute(flows: FlowEngine): Middleware {
  return async (ctx, next) => {
    const key = ctx.userId;
    const input = stepInputOf(ctx.event);
    if (!key || !input) return next();
    const session = await flows.active(ctx, key);
    if (session.state === 'none') return next();
    if (session.state !== 'active') {
      await flows.end(ctx, key);
      const said = flows.expiredMessages(ctx, session.record) ?? [text(ctx.t('errors.sessionExpired'))];
      await ctx.reply(said, 'flow-expired');
      return;
    }
    await flows.continue(ctx, key, session, input);
  };
}

function contextFor(event: webhook.Event, deps: BotDeps): BotContext {
  const source = event.source;
  const userId = source?.userId;
  const groupId = source?.type === 'group' ? source.groupId : undefined;
  const chatId = source?.type === 'group' ? source.groupId : source?.type === 'room' ? source.roomId : userId;
  // A reply token is single-use: the first answer rides on it, later ones in the same event are pushes.
  let replyToken = replyTokenOf(event);
  // Answers are named after the event and their order in it: if the event is handled again (the
  // process died before its done mark was written), what the first run queued is not queued twice.
  let answers = 0;
  const log = deps.logger.child({ webhookEventId: event.webhookEventId, type: event.type });
  const ctx: BotContext = {
    event,
    deps,
    now: deps.clock.now(),
    userId,
    groupId,
    chatId,
    user: null,
    lang: 'th',
    t: deps.texts.t('th'),
    log,
    async reply(messages: LineMessage[], purpose: string) {
      if (!chatId) {
        log.warn({ purpose }, 'nowhere to answer this event');
        return;
      }
      const token = replyToken;
      replyToken = undefined;
      const id = event.webhookEventId ? `${event.webhookEventId}:${answers++}` : undefined;
      await deps.messenger.reply({ replyToken: token, issuedAt: event.timestamp, chatId }, messages, purpose, { id });
    },
  };
  return ctx;
}
