import type { webhook } from '@line/bot-sdk';
import { createHash, randomUUID } from 'node:crypto';
import type { LineMessage } from '../../messaging/line-gateway';
import type { SessionRecord } from '../../store/repositories/session-repository';
import type { BotContext } from '../context';
import { decodePostback, type PostbackData } from '../postback';

/** What a person sent, reduced to what a flow step needs. */
export type StepInput =
  | { kind: 'text'; text: string }
  | { kind: 'location'; latitude: number; longitude: number; address?: string; title?: string }
  | { kind: 'image'; messageId: string }
  | { kind: 'postback'; data: PostbackData }
  | { kind: 'other'; type: string };

export function stepInputOf(event: webhook.Event): StepInput | undefined {
  if (event.type === 'postback')
    return { kind: 'postback', data: decodePostback((event as webhook.PostbackEvent).postback.data) };
  if (event.type !== 'message') return undefined;
  const m = (event as webhook.MessageEvent).message;
  switch (m.type) {
    case 'text':
      return { kind: 'text', text: (m as webhook.TextMessageContent).text };
    case 'location': {
      const l = m as webhook.LocationMessageContent;
      return { kind: 'location', latitude: l.latitude, longitude: l.longitude, address: l.address, title: l.title };
    }
    case 'image':
      return { kind: 'image', messageId: m.id };
    default:
      return { kind: 'other', type: m.type };
  }
}

/**
 * A step's answer: the next step and data, or the end of the flow; and what to say. A flow that ends
 * finished hands the files it held on (a case refers to its photos); `discard` (cancelled) removes them.
 */
export type StepResult<S extends string, D> =
  { next: S; data: D; replies: LineMessage[] } | { done: true; replies: LineMessage[]; discard?: boolean };

/** Which step this is: `key` names it (session, run, revision), the same whatever instance or retry runs it. */
export interface StepRun {
  key: string;
}

function stepKey(sessionKey: string, record: SessionRecord): string {
  const named = `${sessionKey}:${record.runId ?? record.updatedAt}:${record.rev}`;
  return createHash('sha256').update(named).digest('base64url').slice(0, 27);
}

export type StepHandler<S extends string, D> = (
  ctx: BotContext,
  data: D,
  input: StepInput,
  step: StepRun,
) => Promise<StepResult<S, D>>;

/**
 * A conversation as an explicit state machine (STYLE 7): named steps, typed data, a version so a
 * deploy that changes the shape discards old state kindly instead of misreading it.
 */
export interface FlowDefinition<S extends string, D> {
  name: string;
  version: number;
  /** Idle time after which the flow expires with a gentle message. */
  ttlMs: number;
  steps: Record<S, StepHandler<S, D>>;
  /** What to say when the person comes back after the flow expired (default: errors.sessionExpired). */
  expiredMessages?(ctx: BotContext): LineMessage[];
  /** Stored files (media tokens) the draft holds: removed if the conversation ends unfinished. */
  heldMedia?(data: D): string[];
}

// Flows of different step names live in one registry; the engine only needs their common surface.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFlow = FlowDefinition<any, any>;

export type ActiveSession =
  | { state: 'none' }
  | { state: 'expired' | 'stale'; record: SessionRecord }
  | { state: 'active'; record: SessionRecord; flow: AnyFlow };

export class FlowEngine {
  private readonly flows = new Map<string, AnyFlow>();

  register(flow: AnyFlow): this {
    this.flows.set(flow.name, flow);
    return this;
  }

  async active(ctx: BotContext, key: string): Promise<ActiveSession> {
    const record = await ctx.deps.sessions.get(key);
    if (!record) return { state: 'none' };
    const flow = this.flows.get(record.flow);
    if (!flow || flow.version !== record.version || !(record.step in flow.steps)) return { state: 'stale', record };
    if (record.expiresAt <= ctx.now) return { state: 'expired', record };
    return { state: 'active', record, flow };
  }

  /** Starts (or restarts) a flow at `step`; the replies go out once the state is stored. */
  async start<S extends string, D>(
    ctx: BotContext,
    key: string,
    flow: FlowDefinition<S, D>,
    step: S,
    data: D,
    replies: LineMessage[],
  ): Promise<void> {
    const existing = await ctx.deps.sessions.get(key);
    await ctx.deps.sessions.put(
      key,
      { ...this.stateOf(ctx, flow, step, data), runId: randomUUID() },
      existing?.rev ?? 0,
    );
    await ctx.reply(replies, `${flow.name}:${step}`);
  }

  /** Runs the current step with the person's input; writes the state only when the step succeeded. */
  async continue(
    ctx: BotContext,
    key: string,
    session: Extract<ActiveSession, { state: 'active' }>,
    input: StepInput,
  ): Promise<void> {
    const { record, flow } = session;
    const handler = flow.steps[record.step]!;
    // Hashed: the key is stored with what the step makes (a case), and must not carry the person's id.
    const step = { key: stepKey(key, record) };
    const result = await handler(ctx, record.data, input, step);
    if ('done' in result) {
      // Only the conversation this step read: one begun since (on another instance, after this one
      // expired) stays. This step's own effects are keyed on `step`, so running it again is harmless.
      await ctx.deps.sessions.clear(key, record, !result.discard);
    } else {
      await ctx.deps.sessions.put(key, this.stateOf(ctx, flow, result.next, result.data), record.rev);
    }
    await ctx.reply(result.replies, `${flow.name}:${'done' in result ? 'done' : result.next}`);
  }

  /** Ends whatever flow is open, unfinished (expired, or from before a deploy changed it): what it held goes. */
  async end(ctx: BotContext, key: string): Promise<void> {
    await ctx.deps.sessions.clear(key);
  }

  expiredMessages(ctx: BotContext, record: SessionRecord): LineMessage[] | undefined {
    return this.flows.get(record.flow)?.expiredMessages?.(ctx);
  }

  private stateOf<S extends string, D>(ctx: BotContext, flow: FlowDefinition<S, D>, step: S, data: D) {
    return {
      flow: flow.name,
      version: flow.version,
      step,
      data: data as unknown as Record<string, unknown>,
      media: flow.heldMedia?.(data) ?? [],
      expiresAt: ctx.now + flow.ttlMs,
      updatedAt: ctx.now,
    };
  }
}
