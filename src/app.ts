import express, { type Express } from 'express';
import { createBot, type BotFeature } from './bot/bot';
import type { BotDeps } from './bot/context';
import { Inbox } from './bot/inbox';
import type { Config } from './config';
import { errorHandler } from './entry-points/http-errors';
import { healthRouter } from './entry-points/health-router';
import { webhookHandlers } from './entry-points/webhook-router';
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
import { BindService } from './domain/binding/bind-service';
import { CaseService } from './domain/reports/case-service';
import { OfficerGate } from './domain/officer-gate';
import { reportsFeature } from './bot/features/reports-feature';
import { adminRouter } from './entry-points/admin-router';
import { disabledGeocoder, type Geocoder } from './geo/geocoder';
import { seedIfEmpty } from './geo/seed';
import { ZoneDirectory } from './geo/zone-index';
import { MemoryMediaStore, type MediaStore } from './media/media-store';
import { QuotaLedger } from './messaging/quota-ledger';
import { BindCodeRepository } from './store/repositories/bind-code-repository';
import { BindAttemptRepository } from './store/repositories/bind-attempt-repository';
import { CaseRepository } from './store/repositories/case-repository';
import { PinRepository } from './store/repositories/pin-repository';
import { StationRepository } from './store/repositories/station-repository';
import { ZoneRepository } from './store/repositories/zone-repository';
import { AlertRepository } from './store/repositories/alert-repository';
import { SosService } from './domain/sos/sos-service';
import { sosFeature } from './bot/features/sos-feature';
import { Scheduler } from './entry-points/scheduler';
import { ResidentMenus } from './messaging/rich-menus';
import { SosDeliveryWatch, alertIdOf } from './messaging/sos-delivery-watch';
import { isOpenAlert } from './domain/sos/alert';

const DAY_MS = 24 * 60 * 60_000;

/** Report categories offered as quick replies (names in locales/<lang>/report.json). */
export const DEFAULT_CATEGORIES = [
  'theft',
  'suspicious',
  'assault',
  'drugs',
  'accident',
  'noise',
  'infrastructure',
  'other',
];

/** Every side effect the hub has, created by the caller (server.ts, a test, a bench) and handed in. */
export interface AppDeps {
  config: Pick<Config, 'line' | 'adminToken' | 'commandCentreGroupId'> & Partial<Pick<Config, 'publicBaseUrl'>>;
  store: Store;
  line: LineGateway;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  texts?: Texts;
  outboxOptions?: Partial<OutboxOptions>;
  /** How long an SOS alert may take to reach anybody before the person is told to call 191 (10 s). */
  sosNotReachedAfterMs?: number;
  /** Google Maps, or disabledGeocoder when no key is set. */
  geocoder?: Geocoder;
  /** Where report photos go; tests default to memory. */
  media?: MediaStore;
  /** Load the illustrative Hat Yai stations and zones into an empty store at start (quick start). */
  seedDemoData?: boolean;
  categories?: string[];
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
    stations: StationRepository;
    zones: ZoneRepository;
    cases: CaseRepository;
    bindCodes: BindCodeRepository;
    bindAttempts: BindAttemptRepository;
    pins: PinRepository;
    alerts: AlertRepository;
  };
  metrics: Metrics;
  sos: SosService;
  /** Cron jobs (SOS ladder, retention) under store leases; server.ts starts it, tests tick it by hand. */
  scheduler: Scheduler;
  directory: ZoneDirectory;
  cases: CaseService;
  binding: BindService;
  ledger: QuotaLedger;
  /** The resident rich menus: server.ts installs them after start (tests that need them do too). */
  richMenus: ResidentMenus;
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
    stations: new StationRepository(deps.store),
    zones: new ZoneRepository(deps.store),
    cases: new CaseRepository(deps.store),
    bindCodes: new BindCodeRepository(deps.store),
    bindAttempts: new BindAttemptRepository(deps.store),
    pins: new PinRepository(deps.store),
    alerts: new AlertRepository(deps.store),
  };
  const ledger = new QuotaLedger(deps.store, {
    clock: deps.clock,
    logger: deps.logger,
    groupMemberCount: (groupId) => deps.line.getGroupMemberCount(groupId),
  });
  const outbox = new Outbox(
    {
      repo: repos.outbox,
      gateway: deps.line,
      clock: deps.clock,
      logger: deps.logger,
      metrics,
      onSent: (row) =>
        row.kind === 'multicast'
          ? ledger.recordMulticast((row.to as string[]).length)
          : ledger.recordPush(row.to as string),
      // An SOS alert card is tried for as long as its alert is open.
      stillWanted: async (row) => {
        const alertId = alertIdOf(row);
        const alert = alertId ? await repos.alerts.get(alertId) : null;
        return !alert || isOpenAlert(alert.status);
      },
    },
    deps.outboxOptions,
  );
  const sosWatch = new SosDeliveryWatch({
    outbox,
    alert: async (alertId) => {
      const alert = await repos.alerts.get(alertId);
      return alert ? { userId: alert.userId, lang: alert.lang, open: isOpenAlert(alert.status) } : null;
    },
    texts,
    clock: deps.clock,
    logger: deps.logger,
    lateAfterMs: deps.sosNotReachedAfterMs,
  });
  const richMenus = new ResidentMenus({ line: deps.line.richMenus, texts, logger: deps.logger });
  const botDeps: BotDeps = {
    menus: richMenus,
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
  const directory = new ZoneDirectory({ zones: repos.zones, stations: repos.stations });
  const geocoder = deps.geocoder ?? disabledGeocoder;
  const media = deps.media ?? new MemoryMediaStore();
  const publicBase = deps.config.publicBaseUrl?.startsWith('https://')
    ? deps.config.publicBaseUrl.replace(/\/$/, '')
    : undefined;
  const officers = new OfficerGate({
    users: repos.users,
    logger: deps.logger,
    memberName: async (groupId, userId) =>
      (await deps.line.getGroupMemberProfile(groupId, userId).catch(() => null))?.displayName,
  });
  const cases = new CaseService({
    cases: repos.cases,
    stations: repos.stations,
    groups: repos.groups,
    zones: directory,
    geocoder,
    messenger: botDeps.messenger,
    texts,
    clock: deps.clock,
    logger: deps.logger,
    commandCentreGroupId: deps.config.commandCentreGroupId,
    // LINE shows images only from https URLs; without a public base URL the card shows a photo count.
    mediaUrl: publicBase ? (token) => `${publicBase}/media/${token}` : undefined,
    officers,
  });
  const binding = new BindService({
    codes: repos.bindCodes,
    attempts: repos.bindAttempts,
    stationExists: async (code) => (await repos.stations.get(code)) !== null,
    zoneStation: async (zoneId) => (await repos.zones.get(zoneId))?.stationCode,
  });
  const sos = new SosService({
    alerts: repos.alerts,
    users: repos.users,
    groups: repos.groups,
    stations: repos.stations,
    pins: repos.pins,
    zones: directory,
    messenger: botDeps.messenger,
    texts,
    clock: deps.clock,
    logger: deps.logger,
    commandCentreGroupId: deps.config.commandCentreGroupId,
    metrics: { timeToAck: metrics.sosTimeToAck, raised: metrics.sosRaised, escalations: metrics.sosEscalations },
    zoneStation: async (zoneId) => (await repos.zones.get(zoneId))?.stationCode,
    officers,
  });
  const scheduler = new Scheduler({
    leases: repos.leases,
    sos,
    quota: outbox,
    clock: deps.clock,
    logger: deps.logger,
    retention: [
      { name: 'inbox', purge: (now) => repos.inbox.purgeDone(now - 7 * DAY_MS) },
      { name: 'outbox', purge: (now) => repos.outbox.purgeSent(now - 7 * DAY_MS) },
      { name: 'pins', purge: (now) => repos.pins.purgeOlderThan(now - DAY_MS) },
      { name: 'sessions', purge: (now) => repos.sessions.purgeExpired(now) },
      { name: 'bindCodes', purge: (now) => repos.bindCodes.purgeExpired(now - 7 * DAY_MS) },
      { name: 'bindAttempts', purge: (now) => repos.bindAttempts.purgeOlderThan(now - DAY_MS) },
    ],
  });
  const features: BotFeature[] = [
    // SOS first: its pre-emption and its group buttons must win over everything else.
    sosFeature({ sos, pins: repos.pins }),
    reportsFeature({
      categories: deps.categories ?? DEFAULT_CATEGORIES,
      cases,
      pins: repos.pins,
      media,
      geocoder,
      binding,
      stations: repos.stations,
      zones: repos.zones,
      flows: () => bot.flows,
    }),
  ];
  const bot = createBot(botDeps, features);
  const inbox = new Inbox({
    repo: repos.inbox,
    handle: bot.handleEvent,
    clock: deps.clock,
    logger: deps.logger,
    metrics,
  });

  const app = express();
  app.disable('x-powered-by');
  app.post('/webhook', ...webhookHandlers({ channelSecret: deps.config.line.channelSecret, inbox, metrics }));
  app.use(healthRouter({ store: deps.store, metrics, line: deps.line }));
  app.use(
    '/admin',
    adminRouter({
      adminToken: deps.config.adminToken,
      binding,
      stations: repos.stations,
      zones: repos.zones,
      directory,
      cases: repos.cases,
      ledger,
      outbox,
      line: deps.line,
      clock: deps.clock,
      logger: deps.logger,
    }),
  );
  // Report photos, by an unguessable token (the card's hero image needs a public https URL).
  app.get('/media/:token', async (req, res) => {
    const file = await media.read(String(req.params.token));
    if (!file) {
      res.status(404).json({ message: 'not found' });
      return;
    }
    res.type(file.contentType).set('cache-control', 'private, max-age=86400').send(file.data);
  });
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
    directory,
    cases,
    binding,
    ledger,
    sos,
    scheduler,
    richMenus,
    handleEvent: bot.handleEvent,
    async start() {
      await Promise.all(Object.values(repos).map((r) => r.init()));
      if (deps.seedDemoData) {
        const seeded = await seedIfEmpty({ stations: repos.stations, zones: repos.zones, clock: deps.clock });
        if (seeded.seeded) deps.logger.info(seeded, 'empty store: loaded the illustrative Hat Yai stations and zones');
      }
      await directory.rebuild();
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
      await scheduler.stop();
      sosWatch.stop();
      inbox.stop();
      await outbox.stop();
    },
  };
}
