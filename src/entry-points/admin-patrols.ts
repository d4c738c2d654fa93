import { z } from 'zod';
import type { PatrolRepository } from '../store/repositories/patrol-repository';
import type { Clock } from '../util/clock';
import { stationScope } from './admin-auth';
import { route, type AnyRoute } from './admin-http';
import { fromParam, stationCode } from './admin-schemas';

/** The most check-ins one answer carries: the newest ones. */
const MAX_CHECK_INS = 1000;
const DAY_MS = 24 * 60 * 60_000;

const checkInSchema = z
  .looseObject({
    _id: z.string(),
    officerId: z.string(),
    officerName: z.string().optional(),
    stationCode: z.string(),
    zoneId: z.string().optional(),
    lat: z.number(),
    lng: z.number(),
    place: z.string().optional(),
    at: z.number().int().meta({ description: 'epoch milliseconds' }),
  })
  .meta({ id: 'PatrolCheckIn' });

/**
 * Patrol check-ins for the dashboard's map (read only): where officers said "I am here" inside the
 * zones, newest first, a station admin's own station only.
 */
export function patrolRoutes(deps: { patrols: Pick<PatrolRepository, 'since'>; clock: Clock }): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/patrols',
      tag: 'broadcasts',
      summary: 'Patrol check-ins inside the zones since a time (default: the last 7 days), newest first',
      description: `At most ${MAX_CHECK_INS}. Check-ins are kept 30 days.`,
      query: z.object({ from: fromParam.optional(), station: stationCode.optional() }),
      response: z.object({ items: z.array(checkInSchema) }),
      async handle({ query, admin }) {
        const station = stationScope(admin, query.station);
        const since = query.from ?? deps.clock.now() - 7 * DAY_MS;
        const found = await deps.patrols.since(since - 1);
        const items = found.filter((c) => !station || c.stationCode === station).reverse();
        return { items: items.slice(0, MAX_CHECK_INS) };
      },
    }),
  ];
}
