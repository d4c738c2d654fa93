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
import { Outbox, defaultOutboxOptions, type OutboxOptions } from './messaging/outbox';
import { sharedLineBudget } from './messaging/shared-rate-budget';
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
import { OPENAPI_PATH, adminRouter } from './entry-points/admin-router';
import { adminGuard } from './entry-points/admin-auth';
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
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { ChatLeaseRepository } from './store/repositories/chat-lease-repository';
import { BroadcastService } from './domain/broadcasts/broadcast-service';
import { NoticeService } from './domain/broadcasts/notice-service';
import { PatrolService } from './domain/patrols/patrol-service';
import { SubscriptionService } from './domain/subscriptions/subscription-service';
import { zoneNewsPersonalData } from './domain/subscriptions/zone-news-privacy';
import { broadcastsFeature } from './bot/features/broadcasts-feature';
import { officerMenuFeature } from './bot/features/officer-menu-feature';
import { patrolsFeature } from './bot/features/patrols-feature';
import { broadcastRoutes } from './entry-points/broadcast-router';
import { haversineM } from './geo/zone-index';
import { OfficerMenus } from './messaging/officer-menus';
import { lineQuotaSource, outboxBatchSender, ZoneNewsRenderer } from './messaging/zone-news';
import { BroadcastRepository } from './store/repositories/broadcast-repository';
import { NoticeRepository } from './store/repositories/notice-repository';
import { PatrolRepository } from './store/repositories/patrol-repository';
import { SubscriptionRepository } from './store/repositories/subscription-repository';
import { SosDeliveryWatch, alertIdOf } from './messaging/sos-delivery-watch';
import { isOpenAlert } from './domain/sos/alert';
import { MessengerNotifier, VIDEO_PREVIEW_PATH } from './messaging/notifier';
import { projectRoot } from './util/project-root';
import fs from 'node:fs';
import path from 'node:path';
import { VersionRepository } from './store/repositories/version-repository';
import { AdminAuditRepository } from './store/repositories/admin-audit-repository';
import { AdminSessionRepository } from './store/repositories/admin-session-repository';
import { AdminTokenRepository } from './store/repositories/admin-token-repository';
import { PrivacyRequestRepository } from './store/repositories/privacy-request-repository';
import { StationTargetRepository } from './store/repositories/station-target-repository';
import { PrivacyService } from './domain/privacy/privacy-service';
import { privacyRequestsFeature } from './bot/features/privacy-requests-feature';
import { dashboardFeed } from './entry-points/admin-cases';
import type { ChangeFeed, Ticker } from './entry-points/admin-events';
import { open311Router } from './entry-points/open311-router';
import { DEFAULT_OPEN311_CATEGORIES } from './config';
import { languageOf } from './domain/people';
import { dashboardRouter, type DashboardOptions } from './entry-points/dashboard-router';
import { patrolRoutes } from './entry-points/admin-patrols';

const DAY_MS = 24 * 60 * 60_000;
/** Start-up work under a lease: the demo seed is quick; the rich menus may wait on LINE's batch control. */
const SEED_LEASE_MS = 60_000;
const RICH_MENU_LEASE_MS = 5 * 60_000;
/** Several instances: how long a chat's lease waits for this instance's answers to that chat to leave. */
const CHAT_RELEASE_WAIT_MS = 2_000;

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

/**
 * What an operator should know about the configuration: said in the start-up banner and in /readyz.
 * With a real LINE channel and no command centre, SOS without a pin and the last rung of the ladder
 * can reach only station groups.
 */
export function configWarnings(config: Pick<Config, 'line' | 'commandCentreGroupId'>): string[] {
  if (config.line.emulated || config.commandCentreGroupId) return [];
  return [
    'COMMAND_CENTRE_GROUP_ID is not set: an SOS without a pin goes to the first bound station group, reports for a station without a group wait until it is bound, and the SOS ladder has no command centre to escalate to',
  ];
}

/**
 * How this instance shares the store with others (docs/architecture.md, "Several instances").
 * 'store': events and messages are claimed in the store, a chat's events go to the holder of its
 * lease, a sweeper hands over what a dead or hung instance left, and LINE's rate budget is shared:
 * several instances on one MongoDB. 'process': this process alone owns the store, which the
 * embedded store is by definition (one process holds its files), so all of that stays in memory.
 */
export interface Coordination {
  mode: 'process' | 'store';
  /** How long a claim or lease holds unrenewed: the longest a dead instance's work waits (plus a sweep). */
  claimTtlMs: number;
  /** Rows read at a time by a sweep, and pending events of one chat. */
  pageSize: number;
  /** An event handled for longer than this stops being renewed, and its chat goes to another instance. */
  maxHoldMs: number;
  /** How often the sweeper looks for expired claims (a cron pattern with seconds). */
  sweepCron: string;
}

export const defaultCoordination: Omit<Coordination, 'mode'> = {
  claimTtlMs: 10_000,
  pageSize: 500,
  maxHoldMs: 60_000,
  sweepCron: '*/2 * * * * *',
};

/** Every side effect the hub has, created by the caller (server.ts, a test, a bench) and handed in. */
export interface AppDeps {
  config: Pick<Config, 'line' | 'adminToken' | 'commandCentreGroupId'> &
    Partial<Pick<Config, 'publicBaseUrl' | 'adminSessionHours' | 'open311Categories'>>;
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
  /** Drives the dashboard feed's once-a-second read of the store; tests tick it by hand. */
  adminFeedTicker?: Ticker;
  /** The built dashboard front end, served at /dashboard (server.ts: dist/dashboard). */
  dashboard?: DashboardOptions;
  /** This instance's name in metrics and logs (INSTANCE_ID; default the host name). */
  instanceId?: string;
  /** Default: 'store' on MongoDB, 'process' on the embedded store. */
  coordination?: Partial<Coordination>;
}

export interface Hub {
  app: Express;
  /** This process among the instances: `<instance id>/<random>`, as written in claims and leases. */
  holder: string;
  coordination: Coordination;
  inbox: Inbox;
  outbox: Outbox;
  repos: {
    users: UserRepository;
    groups: GroupRepository;
    sessions: SessionRepository;
    inbox: InboxRepository;
    outbox: OutboxRepository;
    leases: LeaseRepository;
    chatLeases: ChatLeaseRepository;
    stations: StationRepository;
    zones: ZoneRepository;
    cases: CaseRepository;
    bindCodes: BindCodeRepository;
    bindAttempts: BindAttemptRepository;
    pins: PinRepository;
    alerts: AlertRepository;
    subscriptions: SubscriptionRepository;
    broadcasts: BroadcastRepository;
    notices: NoticeRepository;
    patrols: PatrolRepository;
    versions: VersionRepository;
    adminTokens: AdminTokenRepository;
    adminAudit: AdminAuditRepository;
    adminSessions: AdminSessionRepository;
    privacyRequests: PrivacyRequestRepository;
    stationTargets: StationTargetRepository;
  };
  metrics: Metrics;
  /** PDPA requests, export and erasure. */
  privacy: PrivacyService;
  /** The dashboard's live feed (GET /admin/events): reads the store once a second while a dashboard is open. */
  adminFeed: ChangeFeed;
  sos: SosService;
  /** Cron jobs (SOS ladder, retention) under store leases; server.ts starts it, tests tick it by hand. */
  scheduler: Scheduler;
  directory: ZoneDirectory;
  cases: CaseService;
  binding: BindService;
  ledger: QuotaLedger;
  /** The resident rich menus: server.ts installs them after start (tests that need them do too). */
  richMenus: ResidentMenus;
  /** The officers' rich menus, installed after the resident ones; also decides which menu a person sees. */
  officerMenus: OfficerMenus;
  broadcasts: BroadcastService;
  patrols: PatrolService;
  subscriptions: SubscriptionService;
  /**
   * Installs the resident and officer rich menus if no other instance is doing it (a store lease); otherwise
   * waits until it is done and uses its menus.
   */
  installRichMenus(): Promise<void>;
  handleEvent: ReturnType<typeof createBot>['handleEvent'];
  /** Creates indexes and resumes what a previous process left pending. Call once before serving. */
  start(): Promise<{ resumedEvents: number; resumedMessages: number }>;
  /** Resolves when every accepted event is handled and every queued message sent (tests, shutdown). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the hub without listening or connecting (STYLE 2): tests call supertest(hub.app). */
export function createApp(deps: AppDeps): Hub {
  const instanceId = deps.instanceId ?? os.hostname();
  // A new name each start: claims left by an earlier life of this instance are not mistaken for its own.
  const holder = `${instanceId}/${randomUUID().slice(0, 8)}`;
  const coordination: Coordination = {
    mode: deps.store.kind === 'mongo' ? 'store' : 'process',
    ...defaultCoordination,
    ...deps.coordination,
  };
  const shared = coordination.mode === 'store';
  const metrics = deps.metrics ?? createMetrics(deps.instanceId ? { instance: deps.instanceId } : {});
  const texts = deps.texts ?? loadTexts();
  const media = deps.media ?? new MemoryMediaStore();
  const repos = {
    users: new UserRepository(deps.store),
    groups: new GroupRepository(deps.store),
    // A conversation left unfinished takes the photos it held with it.
    sessions: new SessionRepository(deps.store, {
      remove: (token) =>
        media.remove(token).catch((err: unknown) => {
          deps.logger.warn({ err, token }, 'could not remove a photo of an unfinished conversation');
          return false;
        }),
    }),
    inbox: new InboxRepository(deps.store, { claims: shared }),
    outbox: new OutboxRepository(deps.store, { claims: shared }),
    leases: new LeaseRepository(deps.store),
    chatLeases: new ChatLeaseRepository(deps.store),
    stations: new StationRepository(deps.store),
    zones: new ZoneRepository(deps.store),
    cases: new CaseRepository(deps.store),
    bindCodes: new BindCodeRepository(deps.store),
    bindAttempts: new BindAttemptRepository(deps.store),
    pins: new PinRepository(deps.store),
    alerts: new AlertRepository(deps.store),
    subscriptions: new SubscriptionRepository(deps.store),
    broadcasts: new BroadcastRepository(deps.store),
    notices: new NoticeRepository(deps.store),
    patrols: new PatrolRepository(deps.store),
    versions: new VersionRepository(deps.store),
    adminTokens: new AdminTokenRepository(deps.store),
    adminAudit: new AdminAuditRepository(deps.store),
    adminSessions: new AdminSessionRepository(deps.store),
    privacyRequests: new PrivacyRequestRepository(deps.store),
    stationTargets: new StationTargetRepository(deps.store),
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
          : // LINE's broadcast reaches every friend: only LINE knows how many (GET /admin/quota shows its count).
            row.kind === 'broadcast'
            ? Promise.resolve()
            : ledger.recordPush(row.to as string),
      // An SOS alert card is tried for as long as its alert is open.
      stillWanted: async (row) => {
        const alertId = alertIdOf(row);
        const alert = alertId ? await repos.alerts.get(alertId) : null;
        return !alert || isOpenAlert(alert.status);
      },
      ...(shared
        ? {
            coordination: { holder, claimTtlMs: coordination.claimTtlMs, pageSize: coordination.pageSize },
            sharedRate: sharedLineBudget(deps.store, deps.clock, deps.logger, {
              ...defaultOutboxOptions.ratePerSecond,
              ...deps.outboxOptions?.ratePerSecond,
            }),
          }
        : {}),
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
  const officerMenus = new OfficerMenus({
    line: deps.line.richMenus,
    texts,
    logger: deps.logger,
    users: repos.users,
    residents: richMenus,
  });
  const subscriptions = new SubscriptionService({
    subscriptions: repos.subscriptions,
    users: repos.users,
    zones: repos.zones,
    logger: deps.logger,
  });
  const botDeps: BotDeps = {
    menus: officerMenus,
    onUnfollow: (userId, now) => subscriptions.unfollowed(userId, now).then(() => undefined),
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
  const directory = new ZoneDirectory({ zones: repos.zones, stations: repos.stations, versions: repos.versions });
  const geocoder = deps.geocoder ?? disabledGeocoder;
  const publicBase = deps.config.publicBaseUrl?.startsWith('https://')
    ? deps.config.publicBaseUrl.replace(/\/$/, '')
    : undefined;
  const officers = new OfficerGate({
    users: repos.users,
    logger: deps.logger,
    memberName: async (groupId, userId) =>
      (await deps.line.getGroupMemberProfile(groupId, userId).catch(() => null))?.displayName,
  });
  // Domain services say what happened; this renders it in each recipient's language and queues it.
  // LINE shows images only from https URLs; without a public base URL media are described, not sent.
  const notifier = new MessengerNotifier({
    messenger: botDeps.messenger,
    texts,
    users: repos.users,
    publicBaseUrl: publicBase,
  });
  const cases = new CaseService({
    cases: repos.cases,
    stations: repos.stations,
    groups: repos.groups,
    zones: directory,
    geocoder,
    notifier,
    clock: deps.clock,
    logger: deps.logger,
    commandCentreGroupId: deps.config.commandCentreGroupId,
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
    notifier,
    clock: deps.clock,
    logger: deps.logger,
    commandCentreGroupId: deps.config.commandCentreGroupId,
    metrics: { timeToAck: metrics.sosTimeToAck, raised: metrics.sosRaised, escalations: metrics.sosEscalations },
    zoneStation: async (zoneId) => (await repos.zones.get(zoneId))?.stationCode,
    officers,
    // What a person sends during an SOS is kept with the alert (and served from /media/<token>).
    keepMedia: async (messageId) => {
      try {
        return await media.save(await deps.line.getMessageContent(messageId), { messageId });
      } catch (err) {
        deps.logger.warn({ err, messageId }, 'could not fetch what the person sent during an SOS');
        return undefined;
      }
    },
  });
  // Zone news: broadcasts, community notices and patrol digests, rendered at the messaging edge.
  const renderer = new ZoneNewsRenderer({ stations: repos.stations, zones: repos.zones, texts, clock: deps.clock });
  const sender = outboxBatchSender(outbox, repos.outbox);
  const quota = lineQuotaSource(deps.line, deps.clock, deps.logger);
  const broadcasts = new BroadcastService({
    broadcasts: repos.broadcasts,
    subscriptions: repos.subscriptions,
    users: repos.users,
    groups: repos.groups,
    zones: repos.zones,
    leases: repos.leases,
    sender,
    quota,
    renderer,
    notifier,
    stations: repos.stations,
    clock: deps.clock,
    logger: deps.logger,
    holder,
  });
  const notices = new NoticeService({
    notices: repos.notices,
    groups: repos.groups,
    users: repos.users,
    zones: repos.zones,
    broadcasts,
    officers,
    notifier,
    stations: repos.stations,
    clock: deps.clock,
    logger: deps.logger,
  });
  const patrols = new PatrolService({
    patrols: repos.patrols,
    subscriptions: repos.subscriptions,
    users: repos.users,
    groups: repos.groups,
    zones: { lookup: (point) => directory.lookup(point), get: (id) => repos.zones.get(id) },
    sender,
    quota,
    renderer: renderer.digest,
    haversineM,
    clock: deps.clock,
    logger: deps.logger,
  });
  const privacy = new PrivacyService({
    requests: repos.privacyRequests,
    users: repos.users,
    cases: repos.cases,
    alerts: repos.alerts,
    pins: repos.pins,
    sessions: repos.sessions,
    inbox: repos.inbox,
    outbox: repos.outbox,
    stations: repos.stations,
    media,
    zoneStation: async (zoneId) => (await repos.zones.get(zoneId))?.stationCode,
    notifier,
    clock: deps.clock,
    logger: deps.logger,
    holders: [
      zoneNewsPersonalData({
        subscriptions: repos.subscriptions,
        notices: repos.notices,
        broadcasts: repos.broadcasts,
      }),
    ],
  });
  const categories = deps.categories ?? DEFAULT_CATEGORIES;
  const adminFeed = dashboardFeed(
    {
      cases: repos.cases,
      alerts: repos.alerts,
      targets: repos.stationTargets,
      categories,
      clock: deps.clock,
      logger: deps.logger,
    },
    { ...(deps.adminFeedTicker ? { ticker: deps.adminFeedTicker } : {}) },
  );
  const scheduler = new Scheduler({
    holder,
    leases: repos.leases,
    sos,
    quota: outbox,
    clock: deps.clock,
    logger: deps.logger,
    retention: [
      { name: 'inbox', purge: (now) => repos.inbox.purgeDone(now - 7 * DAY_MS) },
      // A failed event is kept for diagnosis a week, then without what the person wrote for a month.
      { name: 'inbox failed events', purge: (now) => repos.inbox.dropFailedEvents(now - 7 * DAY_MS) },
      { name: 'inbox failed', purge: (now) => repos.inbox.purgeFailed(now - 30 * DAY_MS) },
      { name: 'outbox', purge: (now) => repos.outbox.purgeSent(now - 7 * DAY_MS) },
      { name: 'outbox failed', purge: (now) => repos.outbox.purgeUnsent('failed', now - 30 * DAY_MS) },
      // Held for the monthly quota: past a month and a half nobody is waiting for it any more.
      { name: 'outbox held', purge: (now) => repos.outbox.purgeUnsent('held', now - 45 * DAY_MS) },
      { name: 'pins', purge: (now) => repos.pins.purgeOlderThan(now - DAY_MS) },
      { name: 'sessions', purge: (now) => repos.sessions.purgeExpired(now) },
      { name: 'bindCodes', purge: (now) => repos.bindCodes.purgeExpired(now - 7 * DAY_MS) },
      { name: 'bindAttempts', purge: (now) => repos.bindAttempts.purgeOlderThan(now - DAY_MS) },
      { name: 'adminSessions', purge: (now) => repos.adminSessions.purgeExpired(now) },
      { name: 'subscriptions', purge: (now) => repos.subscriptions.purgeEnded(now - 90 * DAY_MS) },
      { name: 'broadcastBatches', purge: (now) => repos.broadcasts.purgeBatches(now - 30 * DAY_MS) },
      { name: 'patrolCheckIns', purge: (now) => repos.patrols.purgeCheckIns(now - 30 * DAY_MS) },
      { name: 'patrolDigests', purge: (now) => repos.patrols.purgeDigests(now - 90 * DAY_MS) },
      { name: 'chatLeases', purge: (now) => repos.chatLeases.purgeExpired(now - DAY_MS) },
    ],
    jobs: [
      // Due broadcasts start within 15 s of their minute; a restart resumes unfinished runs at once.
      { name: 'broadcasts', cron: '*/15 * * * * *', ttlMs: 30_000, atStart: true, run: () => broadcasts.tick() },
      { name: 'patrol-digests', cron: '30 * * * * *', ttlMs: 60_000, run: () => patrols.digestTick() },
      // Several instances: what a dead or hung instance left (its claims expired) goes to this one.
      ...(shared
        ? [
            {
              name: 'sweeper',
              cron: coordination.sweepCron,
              ttlMs: coordination.claimTtlMs,
              run: async () => (await inbox.sweep()) + (await outbox.sweep()),
            },
          ]
        : []),
    ],
    refresh: [
      {
        name: 'zone index',
        run: async () => {
          if (!(await directory.refreshIfChanged())) return;
          const { zoneCount, stationCount } = directory.index;
          deps.logger.info(
            { zones: zoneCount, stations: stationCount },
            'zones or stations changed: zone index rebuilt',
          );
        },
      },
    ],
  });
  const features: BotFeature[] = [
    // SOS first: its pre-emption and its group buttons must win over everything else.
    sosFeature({ sos, pins: repos.pins, stations: repos.stations }),
    privacyRequestsFeature({ privacy }),
    reportsFeature({
      categories,
      cases,
      pins: repos.pins,
      media,
      geocoder,
      binding,
      stations: repos.stations,
      zones: repos.zones,
      flows: () => bot.flows,
      zoneNews: subscriptions,
    }),
    broadcastsFeature({
      subscriptions,
      notices,
      broadcasts,
      stations: repos.stations,
      zones: repos.zones,
      renderer,
      media,
      mediaUrl: publicBase ? (token) => `${publicBase}/media/${token}` : undefined,
      flows: () => bot.flows,
    }),
    patrolsFeature({ patrols, pins: repos.pins, flows: () => bot.flows }),
    officerMenuFeature({ cases: repos.cases, alerts: repos.alerts, stations: repos.stations, menus: officerMenus }),
  ];
  const bot = createBot(botDeps, features);
  const inbox = new Inbox({
    repo: repos.inbox,
    handle: bot.handleEvent,
    clock: deps.clock,
    logger: deps.logger,
    metrics,
    ...(shared
      ? {
          coordination: {
            holder,
            chatLeases: repos.chatLeases,
            claimTtlMs: coordination.claimTtlMs,
            pageSize: coordination.pageSize,
            maxHoldMs: coordination.maxHoldMs,
            // The chat's answers leave before its lease does (a chat's sourceKey is `user:<id>`, `group:<id>`...).
            beforeRelease: (sourceKey) =>
              outbox.settled(sourceKey.slice(sourceKey.indexOf(':') + 1), CHAT_RELEASE_WAIT_MS),
            // A chat taken from an instance that stopped answering: what it had queued goes first.
            afterTakeOver: (sourceKey) =>
              outbox.takeOverChat(sourceKey.slice(sourceKey.indexOf(':') + 1), CHAT_RELEASE_WAIT_MS),
          },
        }
      : {}),
  });

  const app = express();
  app.disable('x-powered-by');
  app.post('/webhook', ...webhookHandlers({ channelSecret: deps.config.line.channelSecret, inbox, metrics }));
  app.use(healthRouter({ store: deps.store, metrics, line: deps.line, warnings: () => configWarnings(deps.config) }));
  const adminAuth = {
    adminToken: deps.config.adminToken,
    tokens: repos.adminTokens,
    sessions: repos.adminSessions,
    audit: repos.adminAudit,
    clock: deps.clock,
    logger: deps.logger,
    secureCookies: Boolean(publicBase),
    sessionHours: deps.config.adminSessionHours ?? 12,
  };
  // One guard for every admin router mounted here (tokens, station scope, CSRF for the cookie, audit).
  app.use(
    '/admin',
    ...adminGuard(adminAuth, { publicPaths: [OPENAPI_PATH] }),
    adminRouter({
      auth: adminAuth,
      binding,
      bindCodes: repos.bindCodes,
      stations: repos.stations,
      zones: repos.zones,
      directory,
      users: repos.users,
      cases: repos.cases,
      alerts: repos.alerts,
      caseService: cases,
      sos,
      privacy,
      privacyRequests: repos.privacyRequests,
      targets: repos.stationTargets,
      feed: adminFeed,
      categories,
      ledger,
      outbox,
      line: deps.line,
      // The removed officer's chat shows the resident menu again, and they are told.
      officerRemoved: async (user) => {
        await officerMenus.follow(user._id, languageOf(user));
        await notifier.notify(
          { kind: 'person', userId: user._id },
          { kind: 'officer-removed' },
          { purpose: 'officer-removed' },
        );
      },
      extraRoutes: [
        ...broadcastRoutes({
          broadcasts,
          renderer,
          notices: repos.notices,
          patrols,
          patrolRecords: repos.patrols,
          stations: repos.stations,
          zones: repos.zones,
        }),
        // Where patrols checked in, for the dashboard's map.
        ...patrolRoutes({ patrols: repos.patrols, clock: deps.clock }),
      ],
    }),
  );
  // Cases for city platforms, without personal data (GeoReport v2, read-only).
  app.use(
    '/open311/v2',
    open311Router({
      cases: repos.cases,
      stations: repos.stations,
      zones: repos.zones,
      texts,
      categories: deps.config.open311Categories ?? DEFAULT_OPEN311_CATEGORIES,
      clock: deps.clock,
    }),
  );
  // The station dashboard (src/dashboard/, built by Vite): it signs in and reads /admin like any client.
  if (deps.dashboard) app.use('/dashboard', dashboardRouter(deps.dashboard));
  // The still image LINE shows for a forwarded video until it is played.
  const videoPreview = fs.readFileSync(path.join(projectRoot(), 'flex-templates', 'sos-video-preview.png'));
  app.get(VIDEO_PREVIEW_PATH, (_req, res) => {
    res.type('image/png').set('cache-control', 'public, max-age=86400').send(videoPreview);
  });
  // Report photos, by an unguessable token (the card's hero image needs a public https URL).
  app.get('/media/:token', async (req, res) => {
    res.set('x-content-type-options', 'nosniff');
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
    holder,
    coordination,
    inbox,
    outbox,
    repos,
    metrics,
    directory,
    cases,
    binding,
    ledger,
    sos,
    privacy,
    adminFeed,
    scheduler,
    richMenus,
    officerMenus,
    broadcasts,
    patrols,
    subscriptions,
    async installRichMenus() {
      const installing = await repos.leases.exclusively(
        'rich-menus',
        holder,
        deps.clock.now(),
        RICH_MENU_LEASE_MS,
        async () => {
          await richMenus.install();
          await officerMenus.install();
        },
      );
      if (installing.ran) return;
      // Another instance is reconciling them with LINE: once it is done, use what it made.
      for (let waited = 0; waited < RICH_MENU_LEASE_MS; waited += 500) {
        if (await repos.leases.isFree('rich-menus', deps.clock.now())) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await richMenus.adopt();
      await officerMenus.adopt();
    },
    handleEvent: bot.handleEvent,
    async start() {
      await Promise.all(Object.values(repos).map((r) => r.init()));
      if (deps.seedDemoData) {
        // One instance seeds; another starting at the same time finds the zones on its next tick.
        const seeding = await repos.leases.exclusively('demo-seed', holder, deps.clock.now(), SEED_LEASE_MS, () =>
          seedIfEmpty({ stations: repos.stations, zones: repos.zones, clock: deps.clock }),
        );
        if (seeding.ran && seeding.result.seeded)
          deps.logger.info(seeding.result, 'empty store: loaded the illustrative Hat Yai stations and zones');
      }
      await directory.rebuild();
      const resumedMessages = await outbox.resume();
      const resumedEvents = await inbox.resume();
      // Cases filed while no group could take them: to a group bound meanwhile, or to the command centre.
      const waitingPosted = await cases.routeWaiting().catch((err: unknown) => {
        deps.logger.error({ err }, 'could not post the cases waiting for a group; they stay listed as unrouted');
        return 0;
      });
      if (waitingPosted > 0) deps.logger.info({ waitingPosted }, 'waiting cases posted at start');
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
      adminFeed.close();
      await scheduler.stop();
      sosWatch.stop();
      inbox.stop();
      // Several instances: events stored here and not yet handled go to a live instance at once.
      await inbox
        .handOver()
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not hand back the events not yet handled'));
      await outbox.stop();
    },
  };
}
