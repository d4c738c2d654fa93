import type { webhook } from '@line/bot-sdk';
import type { Config } from '../config';
import type { Language, User } from '../domain/people';
import type { T, Texts } from '../i18n/i18n';
import type { Logger } from '../logger';
import type { LineGateway, LineMessage } from '../messaging/line-gateway';
import type { Messenger } from '../messaging/messenger';
import type { GroupRepository } from '../store/repositories/group-repository';
import type { SessionRepository } from '../store/repositories/session-repository';
import type { UserRepository } from '../store/repositories/user-repository';
import type { Clock } from '../util/clock';

/** Everything a handler may touch, built once in the app factory and handed in (STYLE 9). */
export interface BotDeps {
  users: UserRepository;
  groups: GroupRepository;
  sessions: SessionRepository;
  messenger: Messenger;
  /** Reads only (profiles, content). Sending goes through `messenger`, that is, the outbox. */
  line: Pick<LineGateway, 'getProfile' | 'getGroupMemberProfile' | 'getMessageContent' | 'getGroupMemberCount'>;
  texts: Texts;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'commandCentreGroupId'>;
  /** The resident rich menu follows the person's language (nothing happens until menus are installed). */
  menus?: { follow(userId: string, lang: Language): Promise<void> };
  /** The person blocked the OA: what they subscribed to stops, recorded as stopped by the block. */
  onUnfollow?(userId: string, now: number): Promise<void>;
}

/** One per event: who sent it, in which chat, in which language, and how to answer. */
export interface BotContext {
  readonly event: webhook.Event;
  readonly deps: BotDeps;
  readonly now: number;
  /** The person behind the event; missing for some group members (LINE for PC, no consent). */
  readonly userId?: string;
  readonly groupId?: string;
  /** Where answers go: the group or room, else the user. */
  readonly chatId?: string;
  /** The sender's record (1:1 chats, and group members we know). */
  user: User | null;
  lang: Language;
  /** The language is Thai only for want of any other: no choice saved, and LINE's profile did not come. */
  languageGuessed?: boolean;
  t: T;
  log: Logger;
  reply(messages: LineMessage[], purpose: string): Promise<void>;
}

export type Next = () => Promise<void>;
export type Middleware = (ctx: BotContext, next: Next) => Promise<void>;

/** grammY-style composition: each middleware decides whether the rest runs. */
export function compose(middlewares: Middleware[]): (ctx: BotContext) => Promise<void> {
  return (ctx) => {
    const dispatch = async (i: number): Promise<void> => {
      const mw = middlewares[i];
      if (mw) await mw(ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}

export function textOf(event: webhook.Event): string | undefined {
  if (event.type !== 'message') return undefined;
  const message = (event as webhook.MessageEvent).message;
  return message.type === 'text' ? (message as webhook.TextMessageContent).text : undefined;
}

export function postbackOf(event: webhook.Event): string | undefined {
  return event.type === 'postback' ? (event as webhook.PostbackEvent).postback.data : undefined;
}

export function replyTokenOf(event: webhook.Event): string | undefined {
  const token = (event as { replyToken?: string }).replyToken;
  // Verify events from the LINE console carry an all-zero token that cannot be used (line-api.md).
  return token && !/^0+$/.test(token) ? token : undefined;
}
