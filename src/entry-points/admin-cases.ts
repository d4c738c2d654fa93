// Cases, SOS alerts, their figures and targets, the CSV export and the live feed, for the admin API.
import { stringify } from 'csv-stringify/sync';
import { actorKey } from '../domain/admin/admin-actor';
import { weeklyFigures } from '../domain/admin/figures';
import { alertDue, caseDue, effectiveTargets, type StationTargets, type Targets } from '../domain/admin/targets';
import type { Case } from '../domain/reports/case';
import type { ActResult, CaseService } from '../domain/reports/case-service';
import type { SosAlert } from '../domain/sos/alert';
import type { SosActResult, SosService } from '../domain/sos/sos-service';
import type { Logger } from '../logger';
import type { AdminAuditRepository } from '../store/repositories/admin-audit-repository';
import type { AlertRepository } from '../store/repositories/alert-repository';
import type { CaseRepository } from '../store/repositories/case-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { StationTargetRepository } from '../store/repositories/station-target-repository';
import type { Clock } from '../util/clock';
import { recordChange, requireStation, stationScope } from './admin-auth';
import { ChangeFeed, type ChangeSource, type Ticker } from './admin-events';
import { route, type AnyRoute } from './admin-http';
import {
  alertPageSchema,
  alertQuery,
  alertSchema,
  alertStatusInput,
  caseDetailSchema,
  casePageSchema,
  caseQuery,
  caseSchema,
  caseStatusInput,
  csvQuery,
  figuresQuery,
  figuresSchema,
  idParams,
  stationParams,
  targetsInput,
  targetsSchema,
} from './admin-schemas';
import { BadRequestError, ConflictError, NotFoundError } from './http-errors';

const DAY_MS = 24 * 60 * 60_000;
/** The longest period one export or one figures request may cover. */
const MAX_PERIOD_MS = 366 * DAY_MS;
/** More than any station files in a year; an export beyond it is refused rather than cut short. */
const MAX_EXPORT_ROWS = 100_000;

export interface CaseAdminDeps {
  cases: CaseRepository;
  alerts: AlertRepository;
  stations: StationRepository;
  targets: StationTargetRepository;
  caseService: CaseService;
  sos: SosService;
  audit: AdminAuditRepository;
  categories: readonly string[];
  clock: Clock;
  logger: Logger;
}

/** Items with their due times, reading each station's targets once. */
class Presenter {
  private readonly known = new Map<string, Promise<Targets>>();
  constructor(
    private readonly deps: Pick<CaseAdminDeps, 'targets' | 'categories' | 'clock'>,
    private readonly stored?: Map<string, StationTargets>,
  ) {}

  private targets(stationCode: string): Promise<Targets> {
    let t = this.known.get(stationCode);
    if (!t) {
      t = (
        this.stored ? Promise.resolve(this.stored.get(stationCode) ?? null) : this.deps.targets.get(stationCode)
      ).then((own) => effectiveTargets(own, this.deps.categories));
      this.known.set(stationCode, t);
    }
    return t;
  }

  async case(c: Case): Promise<Case & { due: ReturnType<typeof caseDue> }> {
    return { ...c, due: caseDue(c, await this.targets(c.stationCode), this.deps.clock.now()) };
  }

  async alert(a: SosAlert): Promise<SosAlert & { due: ReturnType<typeof alertDue> }> {
    return { ...a, due: alertDue(a, await this.targets(a.stationCode), this.deps.clock.now()) };
  }
}

function period(from: number | undefined, to: number | undefined, now: number, defaultDays: number) {
  const end = to ?? now;
  const start = from ?? end - defaultDays * DAY_MS;
  if (start >= end) throw new BadRequestError('from: must come before to');
  if (end - start > MAX_PERIOD_MS) throw new BadRequestError('from: the period may cover at most 366 days');
  return { start, end };
}

/** The dashboard's live sources: cases and SOS alerts as the lists show them. */
export function dashboardFeed(
  deps: Pick<CaseAdminDeps, 'cases' | 'alerts' | 'targets' | 'categories' | 'clock' | 'logger'>,
  options: { ticker?: Ticker; extraSources?: ChangeSource[] } = {},
): ChangeFeed {
  /** Records of one kind changed since a moment, each as its list shows it (with its station's targets). */
  const source = <T extends { _id: string; stationCode: string; updatedAt: number }>(
    event: string,
    read: (since: number, limit: number) => Promise<T[]>,
    present: (p: Presenter, item: T) => Promise<unknown>,
    at: (item: T) => number = (item) => item.updatedAt,
  ): ChangeSource => ({
    event,
    async changedSince(since, limit) {
      const p = new Presenter(deps, await deps.targets.all());
      return Promise.all(
        (await read(since, limit)).map(async (item) => ({
          id: item._id,
          stationCode: item.stationCode,
          at: at(item),
          data: await present(p, item),
        })),
      );
    },
  });
  const cases = source(
    'case',
    (since, limit) => deps.cases.changedSince(since, limit),
    (p, c) => p.case(c),
    (c) => Math.max(c.updatedAt, c.routedAt ?? 0),
  );
  const alerts = source(
    'alert',
    (since, limit) => deps.alerts.changedSince(since, limit),
    (p, a) => p.alert(a),
  );
  return new ChangeFeed({
    sources: [cases, alerts, ...(options.extraSources ?? [])],
    clock: deps.clock,
    logger: deps.logger,
    ...(options.ticker ? { ticker: options.ticker } : {}),
  });
}

/** A refused move, as HTTP: 409 with what stood in the way. */
function refused(result: Exclude<ActResult, { ok: true }> | Exclude<SosActResult, { ok: true }>, to: string): never {
  if (result.why === 'unknown-case' || result.why === 'unknown') throw new NotFoundError('no such case or alert');
  const item = 'c' in result ? result.c : 'alert' in result ? result.alert : undefined;
  if (result.why === 'already-owned')
    throw new ConflictError(`already acknowledged by ${item?.ownerName ?? 'someone else'}: the first acknowledge wins`);
  throw new ConflictError(`cannot move from ${item?.status ?? '?'} to ${to}`);
}

const CSV_COLUMNS = [
  'case',
  'created (Bangkok)',
  'station',
  'zone',
  'in zone',
  'category',
  'status',
  'acknowledged (Bangkok)',
  'closed (Bangkok)',
  'minutes to acknowledge',
  'minutes to close',
  'officer',
  'latitude',
  'longitude',
  'address',
  'description',
  'photos',
];

const bangkok = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Bangkok',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const local = (at: number | undefined) => (at === undefined ? '' : bangkok.format(at));
const minutesBetween = (a: number, b: number | undefined) => (b === undefined ? '' : ((b - a) / 60_000).toFixed(1));

/**
 * Cases as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads Thai as mojibake),
 * times in Bangkok, and no reporter name or LINE id (a file travels further than the dashboard).
 * Cells a spreadsheet would run as a formula (starting with = + - @) are escaped.
 */
export function casesCsv(cases: readonly Case[]): string {
  const rows = cases.map((c) => [
    c._id,
    local(c.createdAt),
    c.stationCode,
    c.zoneId ?? '',
    c.inZone ? 'yes' : 'no',
    c.category,
    c.status,
    local(c.acknowledgedAt),
    local(c.closedAt),
    minutesBetween(c.createdAt, c.acknowledgedAt),
    minutesBetween(c.createdAt, c.closedAt),
    c.ownerName ?? '',
    c.location.lat.toFixed(6),
    c.location.lng.toFixed(6),
    c.location.geocodedAddress ?? c.location.address ?? '',
    c.description,
    String(c.photos.length),
  ]);
  return '\uFEFF' + stringify([CSV_COLUMNS, ...rows], { escape_formulas: true, record_delimiter: 'windows' });
}

export function caseRoutes(deps: CaseAdminDeps): AnyRoute[] {
  const present = () => new Presenter(deps);
  return [
    route({
      method: 'get',
      path: '/cases',
      tag: 'cases',
      summary: 'Cases, newest first, filtered by station, status, category, zone and time',
      description:
        'A station admin sees only their station. `routed=false` lists the cases that reached no group yet (oldest first).',
      query: caseQuery,
      response: casePageSchema,
      async handle({ query, admin }) {
        const stationCode = stationScope(admin, query.station);
        const p = present();
        if (query.routed === 'false') {
          const waiting = await deps.cases.unrouted({ stationCode });
          return { items: await Promise.all(waiting.map((c) => p.case(c))) };
        }
        const found = await deps.cases.search({
          stationCode,
          status: query.status,
          category: query.category,
          zoneId: query.zone,
          from: query.from,
          to: query.to,
          before: query.before,
          limit: query.limit,
        });
        const items = await Promise.all(found.map((c) => p.case(c)));
        return { items, ...(found.length === query.limit ? { next: found[found.length - 1]!.createdAt } : {}) };
      },
    }),
    route({
      method: 'get',
      path: '/cases.csv',
      tag: 'cases',
      summary: 'Cases created in a period, as CSV (UTF-8 with BOM, for Excel)',
      description: 'No reporter name or LINE id. At most 366 days.',
      query: csvQuery,
      produces: { contentType: 'text/csv; charset=utf-8', description: 'one row per case, oldest first' },
      async handle({ query, admin, res }) {
        const stationCode = stationScope(admin, query.station);
        const { start, end } = period(query.from, query.to, deps.clock.now(), 30);
        const found = await deps.cases.search({ stationCode, from: start, to: end, limit: MAX_EXPORT_ROWS + 1 });
        if (found.length > MAX_EXPORT_ROWS)
          throw new BadRequestError(`from: more than ${MAX_EXPORT_ROWS} cases in the period; export a shorter one`);
        const name = `cases-${stationCode ?? 'all'}-${local(start).slice(0, 10)}-${local(end - 1).slice(0, 10)}.csv`;
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .set('content-disposition', `attachment; filename="${name}"`)
          .send(casesCsv(found.reverse()));
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/cases/:id',
      tag: 'cases',
      summary: 'One case: what was reported, its audit (officers and admins), photos',
      params: idParams,
      response: caseDetailSchema,
      async handle({ params, admin }) {
        const c = await deps.cases.get(params.id);
        if (!c) throw new NotFoundError('no such case');
        requireStation(admin, c.stationCode);
        const adminAudit = await deps.audit.list({ targetId: c._id, limit: 200 });
        return {
          ...(await present().case(c)),
          photoUrls: c.photos.map((p) => `/media/${p.token}`),
          adminAudit,
        };
      },
    }),
    route({
      method: 'post',
      path: '/cases/:id/status',
      tag: 'cases',
      summary: 'Move a case, as an officer’s tap would (valid steps only, the first acknowledge wins)',
      description:
        'Recorded in the case’s audit under the token’s name (via: web); the reporter is told exactly as after a tap, and the case’s group sees the change.',
      params: idParams,
      body: caseStatusInput,
      response: caseSchema,
      async handle({ params, body, admin, res }) {
        const c = await deps.cases.get(params.id);
        if (!c) throw new NotFoundError('no such case');
        requireStation(admin, c.stationCode);
        const result = await deps.caseService.actFromWeb(
          c._id,
          body.to,
          { by: actorKey(admin.actor), name: admin.actor.name },
          body.reason,
        );
        if (!result.ok) refused(result, body.to);
        await recordChange(deps, res, {
          action: 'case.status',
          target: { type: 'case', id: c._id },
          stationCode: c.stationCode,
          before: { status: c.status, ownerName: c.ownerName },
          after: { status: result.c.status, ownerName: result.c.ownerName, rejectReason: result.c.rejectReason },
        });
        return present().case(result.c);
      },
    }),
    route({
      method: 'get',
      path: '/alerts',
      tag: 'sos',
      summary: 'SOS alerts, newest first, filtered by station, status and time',
      description: 'Station "CC" holds alerts no station has taken yet (super-admin only).',
      query: alertQuery,
      response: alertPageSchema,
      async handle({ query, admin }) {
        const found = await deps.alerts.search({
          stationCode: stationScope(admin, query.station),
          status: query.status,
          from: query.from,
          to: query.to,
          before: query.before,
          limit: query.limit,
        });
        const p = present();
        const items = await Promise.all(found.map((a) => p.alert(a)));
        return { items, ...(found.length === query.limit ? { next: found[found.length - 1]!.createdAt } : {}) };
      },
    }),
    route({
      method: 'get',
      path: '/alerts/:id',
      tag: 'sos',
      summary: 'One SOS alert with its positions, audit and what the person sent while it was open',
      params: idParams,
      response: alertSchema,
      async handle({ params, admin }) {
        const alert = await deps.alerts.get(params.id);
        if (!alert) throw new NotFoundError('no such alert');
        requireStation(admin, alert.stationCode);
        return present().alert(alert);
      },
    }),
    route({
      method: 'post',
      path: '/alerts/:id/status',
      tag: 'sos',
      summary: 'Move an SOS alert, as an officer’s tap would (the first acknowledge wins)',
      description: 'The person and every group holding the alert are told as after a tap.',
      params: idParams,
      body: alertStatusInput,
      response: alertSchema,
      async handle({ params, body, admin, res }) {
        const alert = await deps.alerts.get(params.id);
        if (!alert) throw new NotFoundError('no such alert');
        requireStation(admin, alert.stationCode);
        const result = await deps.sos.actFromWeb(alert._id, body.to, {
          by: actorKey(admin.actor),
          name: admin.actor.name,
        });
        if (!result.ok) refused(result, body.to);
        await recordChange(deps, res, {
          action: 'alert.status',
          target: { type: 'alert', id: alert._id },
          stationCode: alert.stationCode,
          before: { status: alert.status, ownerName: alert.ownerName },
          after: { status: result.alert.status, ownerName: result.alert.ownerName },
        });
        return present().alert(result.alert);
      },
    }),
    route({
      method: 'get',
      path: '/figures',
      tag: 'figures',
      summary: 'Weekly response times: acknowledge and resolve (p50, p90) by station and category; SOS acknowledge',
      description: 'Computed from stored cases and alerts, each in the week it was raised. Default: the last 8 weeks.',
      query: figuresQuery,
      response: figuresSchema,
      async handle({ query, admin }) {
        const stationCode = stationScope(admin, query.station);
        const { start, end } = period(query.from, query.to, deps.clock.now(), 56);
        const range = { stationCode, from: start, to: end, limit: MAX_EXPORT_ROWS };
        const [cases, alerts] = await Promise.all([deps.cases.search(range), deps.alerts.search(range)]);
        return { from: start, to: end, weeks: weeklyFigures(cases, alerts) };
      },
    }),
    route({
      method: 'get',
      path: '/stations/:code/targets',
      tag: 'stations',
      summary: 'The station’s targets for overdue highlighting (minutes), over the defaults',
      params: stationParams,
      response: targetsSchema,
      async handle({ params, admin }) {
        requireStation(admin, params.code);
        if (!(await deps.stations.get(params.code))) throw new NotFoundError('no such station');
        return targetsView(params.code, await deps.targets.get(params.code), deps.categories);
      },
    }),
    route({
      method: 'put',
      path: '/stations/:code/targets',
      tag: 'stations',
      summary: 'Set the station’s own targets (what is left out returns to the default)',
      params: stationParams,
      body: targetsInput,
      response: targetsSchema,
      async handle({ params, body, admin, res }) {
        requireStation(admin, params.code);
        if (!(await deps.stations.get(params.code))) throw new NotFoundError('no such station');
        const before = await deps.targets.get(params.code);
        const saved = await deps.targets.save({ _id: params.code, ...body, updatedAt: deps.clock.now() });
        await recordChange(deps, res, {
          action: 'targets.update',
          target: { type: 'station', id: params.code },
          stationCode: params.code,
          before,
          after: saved,
        });
        return targetsView(params.code, saved, deps.categories);
      },
    }),
  ];
}

function targetsView(stationCode: string, own: StationTargets | null, categories: readonly string[]) {
  const { _id: _code, updatedAt: _at, ...set } = own ?? { _id: stationCode, updatedAt: 0 };
  return { stationCode, ...effectiveTargets(own, categories), own: set };
}
