import { z } from 'zod';
import { parseBangkokTime, parseClock } from '../domain/bangkok-time';
import type { Broadcast, BroadcastSchedule } from '../domain/broadcasts/broadcast';
import { BroadcastInputError, type BroadcastService, type NewBroadcast } from '../domain/broadcasts/broadcast-service';
import type { PatrolService } from '../domain/patrols/patrol-service';
import { LANGUAGES } from '../domain/people';
import type { ZoneNewsRenderer } from '../messaging/zone-news';
import type { NoticeRepository } from '../store/repositories/notice-repository';
import type { PatrolRepository } from '../store/repositories/patrol-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import { requireStation, stationScope } from './admin-auth';
import { route, type AdminRequest, type AnyRoute } from './admin-http';
import { idParams, stationParams, stationQuery } from './admin-schemas';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from './http-errors';

export interface BroadcastRoutesDeps {
  broadcasts: BroadcastService;
  renderer: ZoneNewsRenderer;
  notices: NoticeRepository;
  patrols: PatrolService;
  patrolRecords: Pick<PatrolRepository, 'digestsOf'>;
  stations: Pick<StationRepository, 'get'>;
  zones: Pick<ZoneRepository, 'get'>;
}

const words = z.string().trim().min(1).max(2000);
const https = z.url({ protocol: /^https$/ });

const broadcastInput = z
  .object({
    zones: z.array(z.string().min(1)).min(1).max(200).optional().meta({ description: 'zone ids' }),
    allFollowers: z
      .literal(true)
      .optional()
      .meta({ description: "every friend of the OA (LINE's broadcast) and every community group; super-admin only" }),
    text: z
      .object({ th: words, en: words.optional(), ms: words.optional() })
      .strict()
      .meta({ description: 'Thai only, or Thai, English and Malay' }),
    image: z.object({ url: https, previewUrl: https.optional() }).strict().optional(),
    at: z
      .string()
      .optional()
      .meta({ description: 'when to send: 2026-12-24T18:00 is Bangkok time; or ISO 8601 with an offset' }),
    cron: z
      .string()
      .optional()
      .meta({ description: 'recurring: five cron fields in Bangkok time (0 18 * * *), at most hourly' }),
  })
  .strict()
  .refine((b) => Boolean(b.zones) !== Boolean(b.allFollowers), {
    message: 'give either zones or allFollowers: true',
    path: ['zones'],
  })
  .refine((b) => !(b.at && b.cron), { message: 'give at or cron, not both', path: ['at'] });

const broadcastQuery = z.object({
  station: stationQuery.shape.station,
  status: z
    .string()
    .regex(/^(scheduled|recurring|sending|held|sent|cancelled)(,(scheduled|recurring|sending|held|sent|cancelled))*$/)
    .optional(),
  zone: z.string().min(1).optional(),
});

const noticeQuery = z.object({
  station: stationQuery.shape.station,
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
});

const patrolSettingsInput = z
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

const broadcastSchema = z.looseObject({ _id: z.string(), status: z.string(), zoneIds: z.array(z.string()) });
const runSchema = z.looseObject({ _id: z.string(), state: z.enum(['sending', 'held', 'done']) });

function toInput(body: z.output<typeof broadcastInput>, admin: AdminRequest): NewBroadcast {
  let schedule: BroadcastSchedule = { kind: 'now' };
  if (body.at) {
    const at = parseBangkokTime(body.at);
    if (at === undefined)
      throw new BadRequestError('at: a date and time such as 2026-12-24T18:00 (Bangkok) or with an offset');
    schedule = { kind: 'at', at };
  } else if (body.cron) {
    schedule = { kind: 'cron', cron: body.cron };
  }
  if (body.allFollowers && admin.actor.kind !== 'super')
    throw new ForbiddenError('only the super-admin (ADMIN_TOKEN) may address every friend of the OA');
  return {
    audience: body.zones ? { kind: 'zones', zoneIds: body.zones } : { kind: 'all' },
    text: body.text,
    ...(body.image ? { image: body.image } : {}),
    schedule,
    origin: { kind: 'admin' },
    // A station admin names only their own station's zones.
    ...(admin.actor.kind === 'station' ? { stationCode: admin.actor.stationCode } : {}),
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

async function checked<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BroadcastInputError) throw new BadRequestError(err.message);
    throw err;
  }
}

/**
 * The admin API of zone news, mounted behind the admin guard with the other admin routes: broadcasts
 * (now, at a time, or on a cron schedule in Bangkok time; preview, list, record, cancel, retry),
 * community notices, and the patrol digest settings of a station. A station admin reaches their own
 * station's zones only; an announcement to every friend of the OA is the super-admin's.
 */
export function broadcastRoutes(deps: BroadcastRoutesDeps): AnyRoute[] {
  const reachable = async (admin: AdminRequest, id: string): Promise<Broadcast> => {
    const b = await deps.broadcasts.get(id);
    if (!b) throw new NotFoundError('no such broadcast');
    requireStation(admin, b.stationCode);
    return b;
  };
  return [
    route({
      method: 'post',
      path: '/broadcasts/preview',
      tag: 'broadcasts',
      summary: 'What each language and the community groups would get, and how many it would reach; nothing is sent',
      body: broadcastInput,
      response: z.looseObject({ recipients: z.object({ people: z.number(), groups: z.number() }) }),
      async handle({ body, admin }) {
        const input = toInput(body, admin);
        const draft = await checked(() => deps.broadcasts.draft(input));
        const reach = await deps.broadcasts.estimate(draft.audience, input.stationCode);
        const messages: Record<string, unknown> = {};
        for (const lang of LANGUAGES) messages[lang] = await deps.renderer.render(draft, lang);
        messages.groups = await deps.renderer.render(draft, 'multi');
        return { recipients: reach, messages, broadcast: shown(draft) };
      },
    }),
    route({
      method: 'post',
      path: '/broadcasts',
      tag: 'broadcasts',
      summary: 'A broadcast to zones (or to every friend): now, at a time, or recurring',
      description:
        'Sent now, the answer carries its run: `held` with `quota: {needed, remaining}` when the month’s LINE quota would not cover it (nothing is sent).',
      body: broadcastInput,
      status: 201,
      response: z.looseObject({ broadcast: broadcastSchema, run: runSchema.optional() }),
      async handle({ body, admin }) {
        const { broadcast, run } = await checked(() => deps.broadcasts.create(toInput(body, admin)));
        return { broadcast: shown(broadcast), ...(run ? { run } : {}) };
      },
    }),
    route({
      method: 'get',
      path: '/broadcasts',
      tag: 'broadcasts',
      summary: 'Broadcasts, newest first (a station admin sees their station’s)',
      query: broadcastQuery,
      response: z.array(broadcastSchema),
      async handle({ query, admin }) {
        const station = stationScope(admin, query.station);
        const list = await deps.broadcasts.list({
          ...(query.status ? { status: query.status.split(',') as Broadcast['status'][] } : {}),
          ...(query.zone ? { zoneId: query.zone } : {}),
        });
        return list.filter((b) => !station || b.stationCode === station).map(shown);
      },
    }),
    route({
      method: 'get',
      path: '/broadcasts/:id',
      tag: 'broadcasts',
      summary: 'A broadcast, its runs, and the delivery record of the last run',
      description:
        'Each run: recipients per language, community groups, people skipped because they blocked the OA, the quota check, and its batches accepted, failed (with LINE’s answer) or held.',
      params: idParams,
      response: z.looseObject({ broadcast: broadcastSchema, runs: z.array(runSchema) }),
      async handle({ params, admin }) {
        await reachable(admin, params.id);
        const record = (await deps.broadcasts.record(params.id))!;
        return { broadcast: shown(record.broadcast), runs: record.runs, lastRunBatches: record.batches };
      },
    }),
    route({
      method: 'post',
      path: '/broadcasts/:id/cancel',
      tag: 'broadcasts',
      summary: 'Stop a scheduled, recurring or held broadcast (409 once it went out)',
      params: idParams,
      response: broadcastSchema,
      async handle({ params, admin }) {
        await reachable(admin, params.id);
        const result = await deps.broadcasts.cancel(params.id);
        if (result === 'too-late' || result === null)
          throw new ConflictError(
            'already sent or going out: only scheduled, recurring or held broadcasts can be cancelled',
          );
        return shown(result);
      },
    }),
    route({
      method: 'post',
      path: '/broadcasts/:id/retry',
      tag: 'broadcasts',
      summary: 'Try a held broadcast again (the quota was raised, or a new month began)',
      params: idParams,
      response: z.object({ run: runSchema }),
      async handle({ params, admin }) {
        await reachable(admin, params.id);
        const run = await deps.broadcasts.retry(params.id);
        if (run === null || run === 'not-held') throw new ConflictError('only a held broadcast can be tried again');
        return { run };
      },
    }),
    route({
      method: 'get',
      path: '/notices',
      tag: 'broadcasts',
      summary: 'Community notices proposed from community groups, and their decisions',
      query: noticeQuery,
      response: z.array(z.looseObject({ _id: z.string(), status: z.string() })),
      async handle({ query, admin }) {
        const station = stationScope(admin, query.station);
        return deps.notices.list({
          ...(query.status ? { status: query.status } : {}),
          ...(station ? { stationCode: station } : {}),
        });
      },
    }),
    route({
      method: 'get',
      path: '/stations/:code/patrol-settings',
      tag: 'broadcasts',
      summary: 'A station’s patrol digest period and quiet hours (Bangkok time)',
      params: stationParams,
      response: z.looseObject({ periodMinutes: z.number() }),
      async handle({ params, admin }) {
        requireStation(admin, params.code);
        if (!(await deps.stations.get(params.code))) throw new NotFoundError('no such station');
        return deps.patrols.settingsOf(params.code);
      },
    }),
    route({
      method: 'put',
      path: '/stations/:code/patrol-settings',
      tag: 'broadcasts',
      summary: 'Set the patrol digest period (minutes) and quiet hours (null: digests at any hour)',
      params: stationParams,
      body: patrolSettingsInput,
      response: z.looseObject({ periodMinutes: z.number() }),
      async handle({ params, body, admin }) {
        requireStation(admin, params.code);
        if (!(await deps.stations.get(params.code))) throw new NotFoundError('no such station');
        return deps.patrols.saveSettings(params.code, body);
      },
    }),
    route({
      method: 'get',
      path: '/zones/:id/patrol-digests',
      tag: 'broadcasts',
      summary: 'The patrol digests a zone got, newest first',
      params: idParams,
      response: z.array(z.looseObject({ _id: z.string(), count: z.number() })),
      async handle({ params, admin }) {
        const zone = await deps.zones.get(params.id);
        if (!zone) throw new NotFoundError('no such zone');
        requireStation(admin, zone.stationCode);
        return deps.patrolRecords.digestsOf(params.id);
      },
    }),
  ];
}
