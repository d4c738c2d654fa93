import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Typed configuration, parsed once at boot from the environment (STYLE 12). */
export interface Config {
  port: number;
  /**
   * The address the hub listens on. Without LINE credentials (the emulator stands in, with a public
   * admin token) it is loopback unless HOST says otherwise; with them, all interfaces.
   */
  host?: string;
  /** Connections the HTTP server keeps at once; more are refused (file descriptors are finite). */
  maxConnections: number;
  line: {
    channelSecret: string;
    channelAccessToken: string;
    /** Base URL for both the messaging and the data (blob) API; undefined = the real LINE hosts. */
    apiBaseUrl?: string;
    /** True when no credentials were given and the in-process emulator stands in for LINE. */
    emulated: boolean;
  };
  emulatorPort: number;
  dataDir: string;
  mongodbUri?: string;
  googleMapsApiKey?: string;
  googleMapsBaseUrl?: string;
  adminToken: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicBaseUrl?: string;
  commandCentreGroupId?: string;
  /**
   * Load the illustrative Hat Yai stations and zones into an empty store: only when LINE is the
   * emulator (in-process, or one on this machine via LINE_API_BASE_URL), never for a real OA.
   */
  demoData: boolean;
  /** Multicast calls a second the hub allows itself; undefined = the outbox's default (LINE's ~200 less 10%). */
  lineMulticastPerSecond?: number;
  /** How long a dashboard session lasts after sign-in. */
  adminSessionHours: number;
  /** Report categories served to city platforms over Open311 (none: the Open311 endpoints serve nothing). */
  open311Categories: string[];
  /** A `{z}/{x}/{y}` tile server for the dashboard's maps; unset: zones on a plain background. */
  dashboardTileUrl?: string;
  dashboardTileAttribution?: string;
  /** This instance's name: the `hub_instance` label of every metric, and the start of its holder id in leases and claims. */
  instanceId: string;
}

/** Published over Open311 when OPEN311_CATEGORIES is not set: not assault or drugs (people at risk). */
export const DEFAULT_OPEN311_CATEGORIES = ['theft', 'suspicious', 'accident', 'noise', 'infrastructure', 'other'];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`config: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalUrl = z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional());
const portNumber = z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional());

const envSchema = z.object({
  PORT: portNumber,
  HOST: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[0-9A-Za-z.:_-]+$/, 'must be an address such as 127.0.0.1, 0.0.0.0 or ::')
      .optional(),
  ),
  HTTP_MAX_CONNECTIONS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(16).max(1_000_000).optional()),
  EMULATOR_PORT: portNumber,
  LINE_CHANNEL_SECRET: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  LINE_CHANNEL_ACCESS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  LINE_API_BASE_URL: optionalUrl,
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  MONGODB_URI: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  GOOGLE_MAPS_API_KEY: z.preprocess(emptyToUndefined, z.string().min(10).optional()),
  GOOGLE_MAPS_BASE_URL: optionalUrl,
  ADMIN_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  ),
  PUBLIC_BASE_URL: optionalUrl,
  COMMAND_CENTRE_GROUP_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^C[0-9a-f]{32}$/, 'must be a LINE group id (C + 32 hex)')
      .optional(),
  ),
  LINE_MULTICAST_PER_SECOND: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(2000).optional()),
  ADMIN_SESSION_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(168).optional()),
  OPEN311_CATEGORIES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(none|[a-z_]+(,[a-z_]+)*)$/, 'must be category codes separated by commas, or none')
      .optional(),
  ),
  DASHBOARD_TILE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^https?:\/\/[^/\s]+\/\S*\{z\}\S*\{x\}\S*\{y\}/, 'must be an http(s) URL with {z}, {x} and {y}')
      .optional(),
  ),
  DASHBOARD_TILE_ATTRIBUTION: z.preprocess(emptyToUndefined, z.string().max(300).optional()),
  INSTANCE_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[0-9A-Za-z._-]{1,63}$/, 'must be 1 to 63 letters, digits, dots, dashes or underscores')
      .optional(),
  ),
  NODE_ENV: z.string().optional(),
});

/** An address this machine only answers on (HOST). */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * Reads the environment. LINE credentials come as a pair: both set means a real OA (or, with
 * LINE_API_BASE_URL, an external emulator); neither set means the in-process emulator. ADMIN_TOKEN
 * is required whenever real LINE credentials are set, so an exposed hub never runs an open admin API.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, `is malformed: ${issue.message} (see .env.example)`);
  }
  const e = parsed.data;
  const hasSecret = e.LINE_CHANNEL_SECRET !== undefined;
  const hasToken = e.LINE_CHANNEL_ACCESS_TOKEN !== undefined;
  if (hasSecret !== hasToken) {
    const missing = hasSecret ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET';
    throw new ConfigError(
      missing,
      'is required when the other LINE credential is set (set both, or neither to use the emulator)',
    );
  }
  const emulated = !hasSecret;
  if (!emulated && e.ADMIN_TOKEN === undefined) {
    throw new ConfigError('ADMIN_TOKEN', 'is required when LINE credentials are set (at least 16 characters)');
  }
  const host = e.HOST ?? (emulated ? '127.0.0.1' : undefined);
  if (emulated && e.ADMIN_TOKEN === undefined && host !== undefined && !isLoopbackHost(host)) {
    throw new ConfigError(
      'ADMIN_TOKEN',
      `is required when HOST (${host}) is not loopback: without LINE credentials the admin token would be the public default`,
    );
  }
  const emulatorPort = e.EMULATOR_PORT ?? 3100;
  return {
    port: e.PORT ?? 3000,
    ...(host !== undefined ? { host } : {}),
    maxConnections: e.HTTP_MAX_CONNECTIONS ?? 1_000,
    line: {
      channelSecret: e.LINE_CHANNEL_SECRET ?? 'emulator-channel-secret',
      channelAccessToken: e.LINE_CHANNEL_ACCESS_TOKEN ?? 'emulator-channel-access-token',
      apiBaseUrl: e.LINE_API_BASE_URL ?? (emulated ? `http://127.0.0.1:${emulatorPort}` : undefined),
      emulated,
    },
    emulatorPort,
    dataDir: path.resolve(e.DATA_DIR ?? './data'),
    mongodbUri: e.MONGODB_URI,
    googleMapsApiKey: e.GOOGLE_MAPS_API_KEY,
    googleMapsBaseUrl: e.GOOGLE_MAPS_BASE_URL,
    adminToken: e.ADMIN_TOKEN ?? 'local-admin-token-emulator-only',
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    publicBaseUrl: e.PUBLIC_BASE_URL,
    commandCentreGroupId: e.COMMAND_CENTRE_GROUP_ID,
    demoData: emulated || isLoopback(e.LINE_API_BASE_URL),
    lineMulticastPerSecond: e.LINE_MULTICAST_PER_SECOND,
    adminSessionHours: e.ADMIN_SESSION_HOURS ?? 12,
    open311Categories:
      e.OPEN311_CATEGORIES === 'none' ? [] : (e.OPEN311_CATEGORIES?.split(',') ?? DEFAULT_OPEN311_CATEGORIES),
    dashboardTileUrl: e.DASHBOARD_TILE_URL,
    dashboardTileAttribution: e.DASHBOARD_TILE_ATTRIBUTION,
    // A container's host name is its pod or container name: unique among the instances, stable for its life.
    instanceId: e.INSTANCE_ID ?? os.hostname(),
  };
}

/** An emulator started with `npm run emulator` listens on this machine; LINE and proxies to it do not. */
function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
