import express, { type Request, type Response, type Router } from 'express';
import { toLanguage, type Language } from '../domain/people';
import type { Zone } from '../domain/places';
import { isOpen, type Case } from '../domain/reports/case';
import type { T, Texts } from '../i18n/i18n';
import type { CaseRepository } from '../store/repositories/case-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import type { Clock } from '../util/clock';
import { noStoreHeaders } from './admin-auth';
import { parseMoment } from './admin-schemas';
import { nameIn } from '../../flex-templates/format';

export interface Open311Deps {
  cases: CaseRepository;
  stations: StationRepository;
  zones: ZoneRepository;
  texts: Texts;
  /** The report categories published (OPEN311_CATEGORIES); the others are never served. */
  categories: readonly string[];
  clock: Clock;
}

/** Locations are rounded to 3 decimals (about 110 m): a neighbourhood, not a doorstep. */
export const OPEN311_DECIMALS = 3;
const DAY_MS = 24 * 60 * 60_000;
/** GeoReport v2: a date range may not span more than 90 days, and 90 days is the default. */
const MAX_SPAN_MS = 90 * DAY_MS;
const MAX_REQUESTS = 1000;

class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const rounded = (x: number) => Number(x.toFixed(OPEN311_DECIMALS));

/** W3C date-time in Bangkok time (+07:00), as GeoReport v2 asks. */
function w3(at: number): string {
  return new Date(at + 7 * 60 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+07:00');
}

const STATUS_NOTES: Record<Case['status'], string> = {
  new: 'reported',
  acknowledged: 'acknowledged by the police',
  en_route: 'officers on their way',
  on_scene: 'officers on scene',
  resolved: 'resolved',
  referred: 'referred to another agency',
  rejected: 'closed',
};

/**
 * Cases as GeoReport v2 service requests, for city platforms (Traffy Fondue, FixMyStreet) to read.
 * Nothing personal goes out: no reporter name or LINE id, no description (residents wrote to the
 * police, not to the public, and free text names people, plates and phone numbers), no photos, no
 * street address (the zone's name instead), the location rounded to about 110 m. Only the published
 * categories; rejected reports (false or duplicate) never. Read-only: no POST, no API key.
 */
export function open311Router(deps: Open311Deps): Router {
  const router = express.Router();
  router.use(noStoreHeaders);
  const published = new Set(deps.categories);

  const localeOf = (req: Request): Language => toLanguage(String(req.query.locale ?? '')) ?? 'th';
  const serviceName = (t: T, code: string) => t(`report:categories.${code}`);

  const answer = async (res: Response, work: () => Promise<unknown>) => {
    try {
      res.type('application/json; charset=utf-8').json(await work());
    } catch (err) {
      if (!(err instanceof Open311Error)) throw err;
      res.status(err.status).json([{ code: err.status, description: err.message }]);
    }
  };

  async function present(cases: Case[], lang: Language) {
    const t = deps.texts.t(lang);
    const stations = new Map((await deps.stations.all()).map((s) => [s._id, s]));
    const zones = new Map<string, Zone>((await deps.zones.all()).map((z) => [z._id, z]));
    return cases.map((c) => {
      const zone = c.zoneId ? zones.get(c.zoneId) : undefined;
      const station = stations.get(c.stationCode);
      return {
        service_request_id: c._id,
        status: isOpen(c.status) ? 'open' : 'closed',
        status_notes: STATUS_NOTES[c.status],
        service_name: serviceName(t, c.category),
        service_code: c.category,
        agency_responsible: station ? nameIn(station.name, lang) : c.stationCode,
        requested_datetime: w3(c.createdAt),
        updated_datetime: w3(c.closedAt ?? c.updatedAt),
        ...(zone ? { address: nameIn(zone.name, lang) } : {}),
        lat: rounded(c.location.lat),
        long: rounded(c.location.lng),
      };
    });
  }

  const visible = (c: Case) => published.has(c.category) && c.status !== 'rejected';

  router.get('/services.json', (req, res) =>
    answer(res, async () => {
      const lang = localeOf(req);
      const t = deps.texts.t(lang);
      return [...published].map((code) => ({
        service_code: code,
        service_name: serviceName(t, code),
        description: serviceName(t, code),
        metadata: false,
        type: 'realtime',
        keywords: '',
        group: 'police',
      }));
    }),
  );

  router.get('/requests.json', (req, res) =>
    answer(res, async () => {
      const q = req.query as Record<string, string | undefined>;
      const lang = localeOf(req);
      const list = (v: string | undefined) =>
        v
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined;
      const ids = list(q.service_request_id);
      if (ids) {
        const found = await Promise.all(ids.slice(0, MAX_REQUESTS).map((id) => deps.cases.get(id)));
        return present(
          found.filter((c): c is Case => c !== null && visible(c)),
          lang,
        );
      }
      const moment = (name: 'start_date' | 'end_date') => {
        const text = q[name];
        if (text === undefined) return undefined;
        const at = parseMoment(text, name === 'end_date');
        if (at === undefined) throw new Open311Error(400, `${name}: a w3 date-time such as 2026-11-01T00:00:00+07:00`);
        return at;
      };
      const end = moment('end_date') ?? deps.clock.now();
      const start = moment('start_date') ?? end - MAX_SPAN_MS;
      if (start >= end) throw new Open311Error(400, 'start_date: must come before end_date');
      if (end - start > MAX_SPAN_MS) throw new Open311Error(400, 'start_date: the range may span at most 90 days');
      const codes = list(q.service_code);
      const unknown = codes?.find((c) => !published.has(c));
      if (unknown) throw new Open311Error(404, `service_code: ${unknown} is not a service here`);
      const statuses = list(q.status);
      if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
        throw new Open311Error(400, 'status: open or closed (comma-separated)');
      const found = await deps.cases.search({
        category: codes ?? [...published],
        from: start,
        to: end,
        limit: MAX_REQUESTS,
      });
      return present(
        found.filter((c) => visible(c) && (!statuses || statuses.includes(isOpen(c.status) ? 'open' : 'closed'))),
        lang,
      );
    }),
  );

  router.get('/requests/:file', (req, res) =>
    answer(res, async () => {
      const id = /^(.+)\.json$/.exec(String(req.params.file))?.[1];
      if (!id) throw new Open311Error(400, 'format: only .json is served');
      const c = await deps.cases.get(id);
      if (!c || !visible(c)) throw new Open311Error(404, `service_request_id: ${id} not found`);
      return present([c], localeOf(req));
    }),
  );

  router.use((_req, res) => {
    res.status(404).json([{ code: 404, description: 'not found: services.json, requests.json, requests/<id>.json' }]);
  });
  return router;
}
