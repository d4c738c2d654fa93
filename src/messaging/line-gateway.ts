import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { Readable } from 'node:stream';
import { PooledLineTransport, type LineHealth } from './line-transport';

export type LineMessage = messagingApi.Message;

export interface LineProfile {
  userId: string;
  displayName: string;
  language?: string;
}

/**
 * The LINE Messaging API as the hub uses it. Only the outbox sends; flows read profiles and content
 * through it. Every call has a timeout: the SDK's fetch has none (line-api.md 1.2).
 */
export interface LineGateway {
  reply(replyToken: string, messages: LineMessage[]): Promise<SendResult>;
  push(to: string, messages: LineMessage[], retryKey: string): Promise<SendResult>;
  multicast(to: string[], messages: LineMessage[], retryKey: string): Promise<SendResult>;
  /** Every friend of the OA (LINE allows 60 of these an hour). */
  broadcast(messages: LineMessage[], retryKey: string): Promise<SendResult>;
  getProfile(userId: string): Promise<LineProfile | null>;
  getGroupMemberProfile(groupId: string, userId: string): Promise<LineProfile | null>;
  getGroupMemberCount(groupId: string): Promise<number>;
  getMessageContent(messageId: string): Promise<Buffer>;
  showLoadingAnimation(chatId: string, seconds: number): Promise<void>;
  getQuota(): Promise<{ type: 'none' | 'limited'; value?: number }>;
  getQuotaConsumption(): Promise<number>;
  /** Closes kept-alive connections (shutdown, test teardown). */
  close(): Promise<void>;
  /** Whether LINE has been answering lately (for /readyz); absent when the transport cannot tell. */
  health?(): LineHealth | undefined;
  richMenus: RichMenuApi;
}

/** The rich-menu calls (set up at start, and a menu linked per person's language). */
export interface RichMenuApi {
  create(menu: messagingApi.RichMenuRequest): Promise<string>;
  setImage(richMenuId: string, image: Buffer, contentType: 'image/png' | 'image/jpeg'): Promise<void>;
  /** The menu's name, or null when LINE does not know the id. */
  nameOf(richMenuId: string): Promise<string | null>;
  delete(richMenuId: string): Promise<void>;
  /** The menu an alias points to, or null when there is no such alias. */
  aliasTarget(aliasId: string): Promise<string | null>;
  setAlias(aliasId: string, richMenuId: string, exists: boolean): Promise<void>;
  setDefault(richMenuId: string): Promise<void>;
  linkToUser(userId: string, richMenuId: string): Promise<void>;
  unlinkFromUser(userId: string): Promise<void>;
  /**
   * Everyone linked to `from` is linked to `to` instead (LINE's batch control). LINE does it after
   * answering: the returned request id is for batchPhase().
   */
  moveLinks(from: string, to: string): Promise<string>;
  batchPhase(requestId: string): Promise<'ongoing' | 'succeeded' | 'failed'>;
}

export interface SendResult {
  requestId?: string;
  /** True when LINE answered 409: a request with this retry key was already accepted. */
  alreadyAccepted?: boolean;
}

/** A LINE API failure with what LINE said, classified for the outbox. */
export class LineApiError extends Error {
  constructor(
    readonly status: number,
    readonly lineMessage: string,
    readonly requestId?: string,
  ) {
    super(`LINE API ${status}: ${lineMessage}`);
    this.name = 'LineApiError';
  }
}

export class LineTimeoutError extends LineApiError {
  constructor(what: string, ms: number) {
    super(0, `${what} timed out after ${ms} ms`);
    this.name = 'LineTimeoutError';
  }
}

export interface SdkGatewayOptions {
  channelAccessToken: string;
  /** Both the messaging and the data API; undefined = LINE's own hosts. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Profile and other lookups (their own connection pool); default the smaller of timeoutMs and 5 s. */
  lookupTimeoutMs?: number;
  /**
   * 'pooled' (default): JSON calls go through an undici keep-alive pool (line-transport.ts);
   * 'fetch': the SDK's own fetch for everything.
   */
  transport?: 'pooled' | 'fetch';
}

/** Where the SDK's messaging client goes when no base URL is given. */
const LINE_API_ORIGIN = 'https://api.line.me';

/** The real thing: @line/bot-sdk clients, pointed at LINE or at the emulator by base URL. */
export class SdkLineGateway implements LineGateway {
  private readonly api: messagingApi.MessagingApiClient;
  private readonly blob: messagingApi.MessagingApiBlobClient;
  private readonly timeoutMs: number;
  private readonly transport?: PooledLineTransport;

  constructor(options: SdkGatewayOptions) {
    const base = { channelAccessToken: options.channelAccessToken };
    this.api = new messagingApi.MessagingApiClient(options.baseUrl ? { ...base, baseURL: options.baseUrl } : base);
    this.blob = new messagingApi.MessagingApiBlobClient(options.baseUrl ? { ...base, baseURL: options.baseUrl } : base);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    if (options.transport !== 'fetch') {
      this.transport = new PooledLineTransport(options.baseUrl ?? LINE_API_ORIGIN, {
        timeoutMs: this.timeoutMs,
        lookupTimeoutMs: options.lookupTimeoutMs,
      });
      this.transport.attach(this.api);
    }
  }

  async close(): Promise<void> {
    await this.transport?.close();
  }

  health(): LineHealth | undefined {
    return this.transport?.health();
  }

  readonly richMenus: RichMenuApi = {
    create: async (menu) => (await this.call('richMenuCreate', () => this.api.createRichMenu(menu))).richMenuId,
    setImage: async (richMenuId, image, contentType) => {
      await this.call('richMenuImage', () =>
        this.blob.setRichMenuImage(part(richMenuId), new Blob([image], { type: contentType })),
      );
    },
    nameOf: async (richMenuId) =>
      this.orNull(async () => (await this.call('richMenuGet', () => this.api.getRichMenu(part(richMenuId)))).name),
    delete: async (richMenuId) => {
      await this.call('richMenuDelete', () => this.api.deleteRichMenu(part(richMenuId)));
    },
    aliasTarget: async (aliasId) =>
      this.orNull(
        async () => (await this.call('richMenuAlias', () => this.api.getRichMenuAlias(part(aliasId)))).richMenuId,
      ),
    setAlias: async (aliasId, richMenuId, exists) => {
      await this.call('richMenuAliasSet', () =>
        exists
          ? this.api.updateRichMenuAlias(part(aliasId), { richMenuId })
          : this.api.createRichMenuAlias({ richMenuAliasId: aliasId, richMenuId }),
      );
    },
    setDefault: async (richMenuId) => {
      await this.call('richMenuDefault', () => this.api.setDefaultRichMenu(part(richMenuId)));
    },
    linkToUser: async (userId, richMenuId) => {
      await this.call('richMenuLink', () => this.api.linkRichMenuIdToUser(part(userId), part(richMenuId)));
    },
    unlinkFromUser: async (userId) => {
      await this.call('richMenuUnlink', () => this.api.unlinkRichMenuIdFromUser(part(userId)));
    },
    moveLinks: async (from, to) => {
      const res = await this.call('richMenuBatch', () =>
        this.api.richMenuBatchWithHttpInfo({ operations: [{ type: 'link', from, to }] }),
      );
      return res.httpResponse.headers.get('x-line-request-id') ?? '';
    },
    batchPhase: async (requestId) =>
      (await this.call('richMenuBatchProgress', () => this.api.getRichMenuBatchProgress(requestId))).phase,
  };

  /** A 404 from LINE as null: "no such menu or alias". */
  private async orNull<R>(fn: () => Promise<R>): Promise<R | null> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof LineApiError && err.status === 404) return null;
      throw err;
    }
  }

  async reply(replyToken: string, messages: LineMessage[]): Promise<SendResult> {
    const res = await this.call('reply', () => this.api.replyMessageWithHttpInfo({ replyToken, messages }));
    return { requestId: res.httpResponse.headers.get('x-line-request-id') ?? undefined };
  }

  async push(to: string, messages: LineMessage[], retryKey: string): Promise<SendResult> {
    return this.retryable('push', () => this.api.pushMessageWithHttpInfo({ to, messages }, retryKey));
  }

  async multicast(to: string[], messages: LineMessage[], retryKey: string): Promise<SendResult> {
    return this.retryable('multicast', () => this.api.multicastWithHttpInfo({ to, messages }, retryKey));
  }

  async broadcast(messages: LineMessage[], retryKey: string): Promise<SendResult> {
    return this.retryable('broadcast', () => this.api.broadcastWithHttpInfo({ messages }, retryKey));
  }

  async getProfile(userId: string): Promise<LineProfile | null> {
    try {
      const p = await this.call('profile', () => this.api.getProfile(part(userId)));
      return { userId: p.userId, displayName: p.displayName, language: p.language };
    } catch (err) {
      if (err instanceof LineApiError && err.status === 404) return null;
      throw err;
    }
  }

  async getGroupMemberProfile(groupId: string, userId: string): Promise<LineProfile | null> {
    try {
      const p = await this.call('groupMemberProfile', () =>
        this.api.getGroupMemberProfile(part(groupId), part(userId)),
      );
      return { userId: p.userId, displayName: p.displayName };
    } catch (err) {
      if (err instanceof LineApiError && err.status === 404) return null;
      throw err;
    }
  }

  async getGroupMemberCount(groupId: string): Promise<number> {
    return (await this.call('groupMemberCount', () => this.api.getGroupMemberCount(part(groupId)))).count;
  }

  async getMessageContent(messageId: string): Promise<Buffer> {
    return this.call('content', async () => readAll(await this.blob.getMessageContent(part(messageId))));
  }

  async showLoadingAnimation(chatId: string, seconds: number): Promise<void> {
    await this.call('loading', () => this.api.showLoadingAnimation({ chatId, loadingSeconds: seconds }));
  }

  async getQuota(): Promise<{ type: 'none' | 'limited'; value?: number }> {
    const q = await this.call('quota', () => this.api.getMessageQuota());
    return { type: q.type as 'none' | 'limited', value: q.value };
  }

  async getQuotaConsumption(): Promise<number> {
    return (await this.call('quotaConsumption', () => this.api.getMessageQuotaConsumption())).totalUsage;
  }

  /** Push and multicast: a 409 means this retry key was already accepted, which is success. */
  private async retryable(what: string, send: () => Promise<{ httpResponse: Response }>): Promise<SendResult> {
    try {
      const res = await this.call(what, send);
      return { requestId: res.httpResponse.headers.get('x-line-request-id') ?? undefined };
    } catch (err) {
      if (err instanceof LineApiError && err.status === 409) return { requestId: err.requestId, alreadyAccepted: true };
      throw err;
    }
  }

  private async call<R>(what: string, fn: () => Promise<R>): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LineTimeoutError(what, this.timeoutMs)), this.timeoutMs);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (err) {
      throw toLineError(err);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * An id as one URL path segment. The SDK puts ids into paths as they are; a LINE id is hex and comes
 * out unchanged, anything else (a space, Thai, CR LF, a slash) is escaped instead of reaching LINE,
 * or the connection pool, as part of the URL.
 */
function part(id: string): string {
  return encodeURIComponent(id);
}

function toLineError(err: unknown): unknown {
  if (err instanceof LineApiError) return err;
  if (err instanceof HTTPFetchError) {
    let message = err.body;
    try {
      message = (JSON.parse(err.body) as { message?: string }).message ?? err.body;
    } catch {
      // LINE's body is JSON; keep the raw text when it is not.
    }
    const requestId =
      err.headers.get('x-line-accepted-request-id') ?? err.headers.get('x-line-request-id') ?? undefined;
    return new LineApiError(err.status, message, requestId);
  }
  // fetch failures (connection refused, reset) are TypeErrors: retryable like a timeout.
  if (err instanceof TypeError) return new LineApiError(0, `network: ${err.message}`);
  return err;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
