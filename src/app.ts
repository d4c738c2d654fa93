import express, { type Express } from 'express';
import { createBot, type BotFeature } from './bot/bot';
import type { BotDeps } from './bot/context';
import { Inbox } from './bot/inbox';
import type { Config } from './config';
import { errorHandler } from './entry-points/http-errors';
import { healthRouter } from './entry-points/health-router';
import { webhookRouter } from './entry-points/webhook-router';
import { loadTexts, type Texts } from './i18n/i18n';
import type { Logger } from './logger';
import type { LineGateway } from './messaging/line-gateway';
import { outboxMessenger } from './messaging/messenger';
import { Outbox, type OutboxOptions } from './messaging/outbox';
import { createMetrics, type Metrics } from './metrics';
import { GroupRepository } from './store/repositories/group-repository';
import { InboxRepository } from './store/repositories/inbox-repository';
import { LeaseRepository } from './store/repositories/lease-repository';
import { OutboxRepository } from './store/repositories/outbox-repository';
import { SessionRepository } from './store/repositories/session-repository';
import { UserRepository } from './store/repositories/user-repository';
import type { Store } from './store/store-port';
import type { Clock } from './util/clock';

/** Every side effect the hub has, created by the caller (server.ts, a test, a bench) and handed in. */
export interface AppDeps {
  config: Pick<Config, 'line' | 'adminToken' | 'commandCentreGroupId'>;
  store: Store;
  line: LineGateway;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  texts?: Texts;
  outboxOptions?: Partial<OutboxOptions>;
}

export interface Hub {
  app: Express;
  inbox: Inbox;
  outbox: Outbox;
  repos: {
    users: UserRepository;
    groups: GroupRepository;
    sessions: SessionRepository;
    inbox: InboxRepository;
    outbox: OutboxRepository;
    leases: LeaseRepository;
  };
  metrics: Metrics;
  handleEvent: ReturnType<typeof createBot>['handleEvent'];
  /** Creates indexes and resumes what a previous process left pending. Call once before serving. */
  start(): Promise<{ resumedEvents: number; resumedMessages: number }>;
  /** Resolves when every accepted event is handled and every queued message sent (tests, shutdown). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the hub without listening or connecting (STYLE 2): tests call supertest(hub.app). */
export function createApp(deps: AppDeps): Hub {
  const metrics = deps.metrics ?? createMetrics();
  const texts = deps.texts ?? loadTexts();
  const repos = {
    users: new UserRepository(deps.store),
    groups: new GroupRepository(deps.store),
    sessions: new SessionRepository(deps.store),
    inbox: new InboxRepository(deps.store),
    outbox: new OutboxRepository(deps.store),
    leases: new LeaseRepository(deps.store),
  };
  const outbox = new Outbox(
    { repo: repos.outbox, gateway: deps.line, clock: deps.clock, logger: deps.logger, metrics },
    deps.outboxOptions,
  );
  const botDeps: BotDeps = {
    users: repos.users,
    groups: repos.groups,
    sessions: repos.sessions,
    messenger: outboxMessenger(outbox),
    line: deps.line,
    texts,
    clock: deps.clock,
    logger: deps.logger,
    config: { commandCentreGroupId: deps.config.commandCentreGroupId },
  };
  const features: BotFeature[] = [];
  const bot = createBot(botDeps, features);
  const inbox = new Inbox({ repo: repos.inbox, handle: bot.handleEvent, clock: deps.clock, logger: deps.logger, metrics });

  const app = express();
  app.disable('x-powered-by');
  app.use('/webhook', (_req, res, next) => {
    res.on('finish', () => metrics.webhookRequests.inc({ status: String(res.statusCode) }));
    next();
  });
  app.use(webhookRouter({ channelSecret: deps.config.line.channelSecret, inbox }));
  app.use(healthRouter({ store: deps.store, metrics }));
  app.use((_req, res) => {
    res.status(404).json({ message: 'not found' });
  });
  app.use(errorHandler(deps.logger));

  return {
    app,
    inbox,
    outbox,
    repos,
    metrics,
    handleEvent: bot.handleEvent,
    async start() {
      await Promise.all(Object.values(repos).map((r) => ('init' in r ? r.init() : undefined)));
      const resumedMessages = await outbox.resume();
      const resumedEvents = await inbox.resume();
      return { resumedEvents, resumedMessages };
    },
    async drain() {
      // Handling an event queues messages, and a send never queues events: two passes settle both.
      await inbox.drain();
      await outbox.drain();
      await inbox.drain();
      await outbox.drain();
    },
    async stop() {
      inbox.stop();
      await outbox.stop();
    },
  };
}
