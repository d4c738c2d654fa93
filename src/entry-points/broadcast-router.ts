import express, { type Router } from 'express';
import { z } from 'zod';
import { parseBangkokTime, parseClock } from '../domain/bangkok-time';
import type { Broadcast, BroadcastSchedule } from '../domain/broadcasts/broadcast';
import { BroadcastInputError, type BroadcastService, type NewBroadcast } from '../domain/broadcasts/broadcast-service';
import type { NoticeStatus } from '../domain/broadcasts/notice';
import type { PatrolService } from '../domain/patrols/patrol-service';
import { LANGUAGES, languageOf } from '../domain/people';
import type { Logger } from '../logger';
import type { ZoneNewsRenderer } from '../messaging/zone-news';
import type { NoticeRepository } from '../store/repositories/notice-repository';
import type { PatrolRepository } from '../store/repositories/patrol-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { UserRepository } from '../store/repositories/user-repository';
import type { Clock } from '../util/clock';
import { bearer, parse } from './admin-router';
import { BadRequestError, NotFoundError } from './http-errors';

export interface BroadcastAdminDeps {
  adminToken: string;
  broadcasts: BroadcastService;
  renderer: ZoneNewsRenderer;
  notices: NoticeRepository;
  patrols: PatrolService;
  patrolRecords: Pick<PatrolRepository, 'digestsOf'>;
  stations: Pick<StationRepository, 'get'>;
  users: Pick<UserRepository, 'get' | 'removeOfficer'>;
  /** The person's menu after a change of role (the officer menu goes, the resident one comes). */
  menus: { follow(userId: string, lang: 'th' | 'en' | 'ms'): Promise<void> };
  /** Tells a removed officer, in their language, that they no longer are one. */
  tellRemoved(userId: string, stationCode: string): Promise<void>;
  clock: Clock;
  logger: Logger;
}

const words = z.string().trim().min(1).max(2000);
const https = z.url({ protocol: /^https$/ });

const broadcastRequest = z
  .object({
    zones: z.array(z.string().min(1)).min(1).max(200).optional(),
    allFollowers: z.literal(true).optional(),
    text: z.object({ th: words, en: words.optional(), ms: words.optional() }).strict(),
    image: z.object({ url: https, previewUrl: https.optional() }).strict().optional(),
    at: z.string().optional(),
    cron: z.string().optional(),
  })
  .strict()
  .refine((b) => Boolean(b.zones) !== Boolean(b.allFollowers), {
    message: 'give either zones or allFollowers: true',
    path: ['zones'],
  })
  .refine((b) => !(b.at && b.cron), { message: 'give at or cron, not both', path: ['at'] });

const patrolSettingsRequest = z
  .object({
    periodMinutes: z
      .number()
      .int()
      .min(15)
      .max(24 * 60),
    quietHours: z
      .object({ from: z.string(), to: z.string() })
      .strict()
      .refine((q) => parseClock(q.from) !== undefined && parseClock(q.to) !== undefined, {
        message: 'from and to are HH:mm (Bangkok time)',
      })
      .nullable(),
  })
  .strict();

function toInput(body: z.infer<typeof broadcastRequest>): NewBroadcast {
  let schedule: BroadcastSchedule = { kind: 'now' };
  if (body.at) {
    const at = parseBangkokTime(body.at);
    if (at === undefined)
      throw new BadRequestError('at: a date and time such as 2026-12-24T18:00 (Bangkok) or with an offset');
    schedule = { kind: 'at', at };
  } else if (body.cron) {
    schedule = { kind: 'cron', cron: body.cron };
  }
  return {
    audience: body.zones ? { kind: 'zones', zoneIds: body.zones } : { kind: 'all' },
    text: body.text,
    ...(body.image ? { image: body.image } : {}),
    schedule,
    origin: { kind: 'admin' },
  };
}

/** A broadcast as the admin API shows it, with its times in ISO 8601. */
function shown(b: Broadcast): Record<string, unknown> {
  return {
    ...b,
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
    ...(b.nextRunAt !== undefined ? { nextRunAt: new Date(b.nextRunAt).toISOString() } : {}),
    ...(b.lastSentAt !== undefined ? { lastSentAt: new Date(b.lastSentAt).toISOString() } : {}),
    ...(b.schedule.kind === 'at' ? { schedule: { kind: 'at', at: new Date(b.schedule.at).toISOString() } } : {}),
  };
}

/**
 * The admin API of zone news: broadcasts (now, at a time, or on a cron schedule in Bangkok time;
 * list, record, cancel, retry), community notices, patrol digest settings, and removing an officer.
 */
export function broadcastAdminRouter(deps: BroadcastAdminDeps): Router {
  const router = express.Router();
  router.use(bearer(deps.adminToken, deps.logger));
  router.use(express.json({ limit: '1mb' }));

  const checked = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BroadcastInputError) throw new BadRequestError(err.message);
      throw err;
    }
  };

  router.post('/broadcasts/preview', async (req, res) => {
    const input = toInput(parse(broadcastRequest, req.body));
    const draft = await checked(() => deps.broadcasts.draft(input));
    const reach = await deps.broadcasts.estimate(draft.audience);
    const messages: Record<string, unknown> = {};
    for (const lang of LANGUAGES) messages[lang] = await deps.renderer.render(draft, lang);
    messages.groups = await deps.renderer.render(draft, 'multi');
    res.json({ recipients: reach, messages, broadcast: shown(draft) });
  });

  router.post('/broadcasts', async (req, res) => {
    const input = toInput(parse(broadcastRequest, req.body));
    const { broadcast, run } = await checked(() => deps.broadcasts.create(input));
    res.status(201).json({ broadcast: shown(broadcast), ...(run ? { run } : {}) });
  });

  router.get('/broadcasts', async (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status.split(',') : undefined;
    const zone = typeof req.query.zone === 'string' ? req.query.zone : undefined;
    const list = await deps.broadcasts.list({
      ...(status ? { status: status as Broadcast['status'][] } : {}),
      ...(zone ? { zoneId: zone } : {}),
    });
    res.json(list.map(shown));
  });

  router.get('/broadcasts/:id', async (req, res) => {
    const record = await deps.broadcasts.record(String(req.params.id));
    if (!record) throw new NotFoundError('no such broadcast');
    res.json({ broadcast: shown(record.broadcast), runs: record.runs, lastRunBatches: record.batches });
  });

  router.post('/broadcasts/:id/cancel', async (req, res) => {
    const result = await deps.broadcasts.cancel(String(req.params.id));
    if (result === null) throw new NotFoundError('no such broadcast');
    if (result === 'too-late') {
      res
        .status(409)
        .json({ message: 'already sent or going out: only scheduled, recurring or held broadcasts can be cancelled' });
      return;
    }
    res.json(shown(result));
  });

  router.post('/broadcasts/:id/retry', async (req, res) => {
    const run = await deps.broadcasts.retry(String(req.params.id));
    if (run === null) throw new NotFoundError('no such broadcast');
    if (run === 'not-held') {
      res.status(409).json({ message: 'only a held broadcast can be tried again' });
      return;
    }
    res.json({ run });
  });

  router.get('/notices', async (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status : undefined;
    if (status && !['pending', 'approved', 'rejected'].includes(status)) throw new BadRequestError('unknown status');
    const station = typeof req.query.station === 'string' ? req.query.station : undefined;
    res.json(
      await deps.notices.list({
        ...(status ? { status: status as NoticeStatus } : {}),
        ...(station ? { stationCode: station } : {}),
      }),
    );
  });

  router.get('/stations/:code/patrol-settings', async (req, res) => {
    const code = String(req.params.code);
    if (!(await deps.stations.get(code))) throw new NotFoundError('no such station');
    res.json(await deps.patrols.settingsOf(code));
  });

  router.put('/stations/:code/patrol-settings', async (req, res) => {
    const code = String(req.params.code);
    if (!(await deps.stations.get(code))) throw new NotFoundError('no such station');
    const body = parse(patrolSettingsRequest, req.body);
    res.json(await deps.patrols.saveSettings(code, body));
  });

  router.get('/zones/:id/patrol-digests', async (req, res) => {
    res.json(await deps.patrolRecords.digestsOf(String(req.params.id)));
  });

  router.delete('/officers/:userId', async (req, res) => {
    const userId = String(req.params.userId);
    const before = await deps.users.get(userId);
    const removed = await deps.users.removeOfficer(userId, deps.clock.now());
    if (!removed || !before?.stationCode) throw new NotFoundError('no such officer');
    deps.logger.info({ userId, station: before.stationCode }, 'officer removed');
    await deps.menus.follow(userId, languageOf(removed));
    await deps.tellRemoved(userId, before.stationCode);
    res.json({ userId, role: removed.role });
  });

  return router;
}
