// The entry point: read config, build the real adapters, listen, resume, and drain on SIGTERM.
import type { Server } from 'node:http';
import { configWarnings, createApp } from './app';
import { listenHttp } from './entry-points/http-server';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { SdkLineGateway } from './messaging/line-gateway';
import { defaultOutboxOptions } from './messaging/outbox';
import { createMetrics } from './metrics';
import { EmbeddedStore } from './store/embedded/nedb-store';
import type { Store } from './store/store-port';
import { systemClock } from './util/clock';
import { disabledGeocoder } from './geo/geocoder';
import { GoogleGeocoder } from './geo/google-geocoder';
import { FileMediaStore, type MediaStore } from './media/media-store';
import path from 'node:path';
import { projectRoot } from './util/project-root';

const COLLECTIONS = [
  'users',
  'groups',
  'sessions',
  'inbox',
  'outbox',
  'leases',
  'stations',
  'zones',
  'cases',
  'counters',
  'bindCodes',
  'bindAttempts',
  'pins',
  'quotaLedger',
  'alerts',
  'versions',
  'subscriptions',
  'broadcasts',
  'broadcastRuns',
  'broadcastBatches',
  'notices',
  'patrolCheckIns',
  'patrolDigests',
  'patrolSettings',
  'adminTokens',
  'adminAudit',
  'adminSessions',
  'privacyRequests',
  'stationTargets',
];

/** The store, and where report photos go: a GridFS bucket every instance reads, or DATA_DIR/media. */
async function openStore(config: Config, logger: Logger): Promise<{ store: Store; media: MediaStore }> {
  if (config.mongodbUri) {
    const { MongoStore } = await import('./store/mongo/mongo-store');
    const { GridFsMediaStore } = await import('./media/gridfs-media-store');
    // A refused server (MongoDB before 5.0, FerretDB) stops start-up with one line naming it.
    const store = await MongoStore.connect(config.mongodbUri, {
      onWarning: (message) => {
        logger.warn(message);
        process.stderr.write(`WARNING: ${message}\n`);
      },
    });
    return { store, media: new GridFsMediaStore(store.gridFsBucket('media')) };
  }
  const store = new EmbeddedStore({ dir: config.dataDir });
  await store.open(COLLECTIONS);
  return { store, media: new FileMediaStore(path.join(config.dataDir, 'media')) };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);

  let emulatorServer: { url: string; close(): Promise<void> } | undefined;
  let emulator: import('./emulator').Emulator | undefined;
  if (config.line.emulated) {
    // No LINE credentials: run the LINE platform emulator in this process so the hub works out of the box.
    // Its simulated users, groups and chats are kept beside the hub's data, so a restart keeps both.
    const { createEmulator } = await import('./emulator');
    emulator = createEmulator({
      channelSecret: config.line.channelSecret,
      webhookUrl: `http://127.0.0.1:${config.port}/webhook`,
      stateFile: path.join(config.dataDir, 'line-emulator.json'),
    });
    emulatorServer = await emulator.listen(config.emulatorPort, '127.0.0.1');
  }

  const { store, media } = await openStore(config, logger);
  const line = new SdkLineGateway({
    channelAccessToken: config.line.channelAccessToken,
    baseUrl: config.line.apiBaseUrl,
  });
  const hub = createApp({
    config,
    store,
    line,
    clock: systemClock,
    logger,
    metrics: createMetrics({ defaultMetrics: true, instance: config.instanceId }),
    instanceId: config.instanceId,
    geocoder: config.googleMapsApiKey
      ? new GoogleGeocoder({ apiKey: config.googleMapsApiKey, baseUrl: config.googleMapsBaseUrl, logger })
      : disabledGeocoder,
    media,
    seedDemoData: config.demoData,
    ...(config.lineMulticastPerSecond
      ? {
          outboxOptions: {
            ratePerSecond: { ...defaultOutboxOptions.ratePerSecond, multicast: config.lineMulticastPerSecond },
          },
        }
      : {}),
    dashboard: {
      dir: path.join(projectRoot(), 'dist', 'dashboard'),
      tileUrl: config.dashboardTileUrl,
      tileAttribution: config.dashboardTileAttribution,
    },
  });
  const resumed = await hub.start();
  if (emulator) {
    // The simulator's map picker draws the zones and stations as they are at start.
    const { simulatorMapOf } = await import('./emulator');
    emulator.setMap(simulatorMapOf(await hub.repos.zones.all(), await hub.repos.stations.all()));
  }
  hub.scheduler.start();
  // In the background: LINE (or the emulator) gets the current resident and officer menus; serving does not wait.
  void hub.installRichMenus();
  const server: Server = await listenHttp(
    hub.app,
    { port: config.port, host: config.host },
    { maxConnections: config.maxConnections },
  );

  const shownHost = !config.host || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${config.port}`;
  logger.info(
    {
      webhook: `${base}/webhook`,
      emulator: emulatorServer ? `${emulatorServer.url}/` : undefined,
      listening: config.host ?? 'all interfaces',
      line: config.line.emulated ? 'emulator (no LINE credentials set)' : (config.line.apiBaseUrl ?? 'LINE'),
      store: store.kind === 'mongo' ? 'MongoDB' : `embedded, files in ${config.dataDir}`,
      ...resumed,
    },
    'hub listening',
  );
  for (const warning of configWarnings(config)) logger.warn({ alert: 'config_warning' }, warning);
  // A plain summary for the person who just typed `npm start`.
  process.stdout.write(
    [
      '',
      `  Smart Safety Zone hub is up`,
      `  webhook URL : ${base}/webhook`,
      emulatorServer
        ? `  LINE        : emulator at ${emulatorServer.url} (chat simulator: open ${emulatorServer.url}/ in a browser)`
        : `  LINE        : ${config.line.apiBaseUrl ?? 'api.line.me'}`,
      `  data        : ${store.kind === 'mongo' ? 'MongoDB' : config.dataDir}`,
      `  dashboard   : ${base}/dashboard/`,
      `  health      : ${base}/healthz  ${base}/readyz  ${base}/metrics`,
      ...configWarnings(config).map((w) => `  WARNING     : ${w}`),
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new webhooks, finishing what was accepted');
    server.close();
    const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([hub.drain(), deadline]);
    await hub.stop();
    await line.close();
    await store.close();
    await emulatorServer?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`hub failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
