import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { BindCodeError, type BindService } from '../domain/binding/bind-service';
import type { CaseStatus } from '../domain/reports/case';
import { CASE_STATUSES } from '../domain/reports/case';
import type { Station } from '../domain/places';
import { importZonesFromGeoJson } from '../geo/zone-importer';
import type { ZoneDirectory } from '../geo/zone-index';
import type { Logger } from '../logger';
import type { LineGateway } from '../messaging/line-gateway';
import type { QuotaLedger } from '../messaging/quota-ledger';
import type { Outbox } from '../messaging/outbox';
import type { CaseRepository } from '../store/repositories/case-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import type { Clock } from '../util/clock';
import { BadRequestError, NotFoundError, UnauthorizedError } from './http-errors';

export interface AdminDeps {
  adminToken: string;
  binding: BindService;
  stations: StationRepository;
  zones: ZoneRepository;
  directory: ZoneDirectory;
  cases: CaseRepository;
  ledger: QuotaLedger;
  outbox: Pick<Outbox, 'releaseHeld'>;
  line: Pick<LineGateway, 'getQuota' | 'getQuotaConsumption'>;
  clock: Clock;
  logger: Logger;
}

const bindCodeRequest = z.object({
  kind: z.enum(['station', 'community', 'officer']),
  stationCode: z.string().min(1),
  zoneId: z.string().min(1).optional(),
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
});

const stationRequest = z.object({
  name: z.object({ th: z.string().min(1), en: z.string().min(1), ms: z.string().min(1) }),
  phone: z.string().min(1),
  location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
  escalationGroupId: z
    .string()
    .regex(/^C[0-9a-f]{32}$/)
    .optional(),
  sosLadderMinutes: z.array(z.number().positive()).min(1).max(5).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BadRequestError(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

function bearer(token: string, logger: Logger): RequestHandler {
  const expected = Buffer.from(token);
  return (req, _res, next) => {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      logger.warn({ security: 'admin_auth_failed', path: req.path, ip: req.ip }, 'admin request without a valid token');
      throw new UnauthorizedError('admin token required (Authorization: Bearer <ADMIN_TOKEN>)');
    }
    next();
  };
}

/** The station admin's HTTP API: stations, zones, bind codes, cases and quota. */
export function adminRouter(deps: AdminDeps): Router {
  const router = express.Router();
  router.use(bearer(deps.adminToken, deps.logger));
  router.use(express.json({ limit: '10mb' }));

  router.post('/bind-codes', async (req, res) => {
    const body = parse(bindCodeRequest, req.body);
    try {
      const code = await deps.binding.issue(
        {
          kind: body.kind,
          stationCode: body.stationCode,
          zoneId: body.zoneId,
          ttlMs: body.ttlMinutes ? body.ttlMinutes * 60_000 : undefined,
        },
        deps.clock.now(),
      );
      deps.logger.info({ kind: code.kind, station: code.stationCode, zone: code.zoneId }, 'bind code issued');
      res.status(201).json({
        code: code._id,
        kind: code.kind,
        stationCode: code.stationCode,
        zoneId: code.zoneId,
        expiresAt: new Date(code.expiresAt).toISOString(),
      });
    } catch (err) {
      if (err instanceof BindCodeError) throw new BadRequestError(err.message);
      throw err;
    }
  });

  router.get('/stations', async (_req, res) => {
    res.json(await deps.stations.all());
  });

  router.put('/stations/:code', async (req, res) => {
    const code = String(req.params.code);
    if (!/^[A-Z0-9]{2,8}$/.test(code)) throw new BadRequestError('station code: 2-8 capital letters or digits');
    const body = parse(stationRequest, req.body);
    const now = deps.clock.now();
    const existing = await deps.stations.get(code);
    const station: Station = { _id: code, ...body, createdAt: existing?.createdAt ?? now, updatedAt: now };
    const saved = await deps.stations.upsert(station);
    await deps.directory.rebuild();
    res.status(existing ? 200 : 201).json(saved);
  });

  router.get('/zones', async (_req, res) => {
    res.json((await deps.zones.all()).map(({ geometry: _g, ...z }) => z));
  });

  // A GeoJSON FeatureCollection; all or nothing, with one message per bad feature.
  router.post('/zones', async (req, res) => {
    const result = await importZonesFromGeoJson((req.body as object | undefined) ?? null, deps);
    if (result.errors.length > 0) {
      res.status(422).json({ imported: 0, errors: result.errors });
      return;
    }
    await deps.directory.rebuild();
    res.json({ imported: result.imported });
  });

  router.get('/cases', async (req, res) => {
    const station = typeof req.query.station === 'string' ? req.query.station : undefined;
    if (!station) throw new BadRequestError('station query parameter is required');
    const status = typeof req.query.status === 'string' ? req.query.status.split(',') : undefined;
    if (status && !status.every((s) => (CASE_STATUSES as readonly string[]).includes(s)))
      throw new BadRequestError('unknown status');
    res.json(await deps.cases.byStation(station, { status: status as CaseStatus[] | undefined }));
  });

  router.get('/cases/:id', async (req, res) => {
    const c = await deps.cases.get(String(req.params.id));
    if (!c) throw new NotFoundError('no such case');
    res.json(c);
  });

  // After LINE's quota was raised: what was held for it goes now (a new month releases it by itself).
  router.post('/outbox/release-held', async (_req, res) => {
    const released = await deps.outbox.releaseHeld('released by an admin');
    deps.logger.info({ released }, 'held messages released by an admin');
    res.json({ released });
  });

  router.get('/quota', async (_req, res) => {
    const now = deps.clock.now();
    const [counted, quota, consumption] = await Promise.all([
      deps.ledger.month(now),
      deps.line.getQuota().catch(() => undefined),
      deps.line.getQuotaConsumption().catch(() => undefined),
    ]);
    res.json({ counted, line: { quota, consumption } });
  });

  return router;
}
