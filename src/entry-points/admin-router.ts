import express, { type Router } from 'express';
import { z } from 'zod';
import { newTokenSecret, type AdminToken } from '../domain/admin/admin-actor';
import { BindCodeError, type BindService } from '../domain/binding/bind-service';
import type { User } from '../domain/people';
import type { Station, Zone } from '../domain/places';
import type { PrivacyService } from '../domain/privacy/privacy-service';
import type { CaseService } from '../domain/reports/case-service';
import type { SosService } from '../domain/sos/sos-service';
import { importZonesFromGeoJson } from '../geo/zone-importer';
import type { ZoneDirectory } from '../geo/zone-index';
import type { LineGateway } from '../messaging/line-gateway';
import type { QuotaLedger } from '../messaging/quota-ledger';
import type { Outbox } from '../messaging/outbox';
import type { AlertRepository } from '../store/repositories/alert-repository';
import type { BindCode, BindCodeRepository } from '../store/repositories/bind-code-repository';
import type { CaseRepository } from '../store/repositories/case-repository';
import type { PrivacyRequestRepository } from '../store/repositories/privacy-request-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { StationTargetRepository } from '../store/repositories/station-target-repository';
import type { UserRepository } from '../store/repositories/user-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import {
  closeSession,
  identify,
  openSession,
  recordChange,
  requireStation,
  stationScope,
  type AdminAuthDeps,
} from './admin-auth';
import { caseRoutes } from './admin-cases';
import type { ChangeFeed } from './admin-events';
import { answerWith, mountRoutes, openApiDocument, route, type AdminRequest, type AnyRoute } from './admin-http';
import { privacyRoutes } from './admin-privacy';
import {
  auditEntrySchema,
  auditQuery,
  bindCodeInput,
  bindCodeSchema,
  dutyInput,
  idParams,
  newTokenSchema,
  officerSchema,
  sessionSchema,
  stationInput,
  stationParams,
  stationQuery,
  stationSchema,
  tokenInput,
  tokenSchema,
  userIdParams,
  zoneCollectionSchema,
  zoneFeatureSchema,
  zoneImportInput,
} from './admin-schemas';
import { BadRequestError, ConflictError, NotFoundError } from './http-errors';

export interface AdminDeps {
  auth: AdminAuthDeps;
  binding: BindService;
  bindCodes: BindCodeRepository;
  stations: StationRepository;
  zones: ZoneRepository;
  directory: ZoneDirectory;
  users: UserRepository;
  cases: CaseRepository;
  alerts: AlertRepository;
  caseService: CaseService;
  sos: SosService;
  privacy: PrivacyService;
  privacyRequests: PrivacyRequestRepository;
  targets: StationTargetRepository;
  feed: ChangeFeed;
  categories: readonly string[];
  ledger: QuotaLedger;
  outbox: Pick<Outbox, 'releaseHeld'>;
  line: Pick<LineGateway, 'getQuota' | 'getQuotaConsumption'>;
  /** After an officer is removed: the person's menu and what they are told (wired in app.ts). */
  officerRemoved(user: User): Promise<void>;
  /** Routes of other features declared with route(): mounted and described with these. */
  extraRoutes?: AnyRoute[];
}

/** Served without a token: the adminGuard's `publicPaths`. */
export const OPENAPI_PATH = '/openapi.json';

function tokenView({ secretHash: _hash, _id, ...rest }: AdminToken) {
  return { id: _id, ...rest };
}

function zoneFeature(zone: Zone) {
  return {
    type: 'Feature' as const,
    id: zone._id,
    geometry: zone.geometry,
    properties: {
      id: zone._id,
      stationCode: zone.stationCode,
      name_th: zone.name.th,
      name_en: zone.name.en,
      name_ms: zone.name.ms,
      ...(zone.illustrative !== undefined ? { illustrative: zone.illustrative } : {}),
      createdAt: zone.createdAt,
      updatedAt: zone.updatedAt,
    },
  };
}

function bindCodeView(code: BindCode) {
  return {
    code: code._id,
    kind: code.kind,
    stationCode: code.stationCode,
    ...(code.zoneId ? { zoneId: code.zoneId } : {}),
    expiresAt: new Date(code.expiresAt).toISOString(),
  };
}

function officerView(u: User) {
  return {
    userId: u._id,
    stationCode: u.stationCode ?? '',
    name: u.publicName ?? u.displayName ?? u._id.slice(0, 8),
    ...(u.publicName ? { publicName: u.publicName } : {}),
    ...(u.displayName ? { displayName: u.displayName } : {}),
    onDuty: Boolean(u.onDuty),
    updatedAt: u.updatedAt,
  };
}

function sessionView(admin: AdminRequest) {
  const { actor } = admin;
  return {
    actor: {
      kind: actor.kind,
      name: actor.name,
      ...(actor.kind === 'station' ? { stationCode: actor.stationCode } : {}),
    },
    via: admin.via,
    ...(admin.csrfToken ? { csrfToken: admin.csrfToken } : {}),
    ...(admin.expiresAt ? { expiresAt: admin.expiresAt } : {}),
  };
}

function sessionRoutes(deps: AdminDeps): AnyRoute[] {
  const { auth } = deps;
  return [
    route({
      method: 'get',
      path: '/session',
      tag: 'session',
      summary: 'Who is signed in (or whose token this is), the session’s CSRF token and expiry',
      response: sessionSchema,
      async handle({ admin }) {
        return sessionView(admin);
      },
    }),
    route({
      method: 'post',
      path: '/session',
      tag: 'session',
      summary: 'Sign the dashboard in: exchanges the bearer token for a session cookie',
      description:
        'Send the token as `Authorization: Bearer`; the answer sets an HttpOnly, SameSite=Strict cookie (Secure when PUBLIC_BASE_URL is https) and gives the CSRF token to send as X-CSRF-Token with every change.',
      status: 201,
      response: sessionSchema,
      async handle({ admin, res }) {
        if (admin.via !== 'bearer')
          throw new BadRequestError('authorization: sign in with Authorization: Bearer <token>');
        const { csrfToken, expiresAt } = await openSession(auth, res, admin.actor);
        await recordChange(auth, res, {
          action: 'session.open',
          target: { type: 'session', id: admin.actor.kind === 'super' ? 'super' : admin.actor.tokenId },
          ...(admin.actor.kind === 'station' ? { stationCode: admin.actor.stationCode } : {}),
        });
        return sessionView({ ...admin, via: 'session', csrfToken, expiresAt });
      },
    }),
    route({
      method: 'delete',
      path: '/session',
      tag: 'session',
      summary: 'Sign out: the session ends and the cookie is cleared',
      async handle({ admin, res }) {
        await closeSession(auth, res, admin);
        res.locals.audited = true;
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/events',
      tag: 'session',
      summary: 'Live changes for the dashboard (server-sent events), for the caller’s station',
      description:
        'Events: `ready` on connect (refresh your lists then), `case` and `alert` (the item as the lists show it, with `due`), `bye` when the session ends or the token is revoked. Changes arrive within about 2 s (the store is read every second).',
      produces: { contentType: 'text/event-stream', description: 'an event stream that stays open' },
      async handle({ admin, req, res }) {
        const authorization = req.get('authorization');
        const cookie = req.get('cookie');
        deps.feed.subscribe(admin.actor, res, async () => Boolean(await identify(auth, authorization, cookie)));
        return undefined;
      },
    }),
  ];
}

function tokenRoutes(deps: AdminDeps): AnyRoute[] {
  const { auth } = deps;
  return [
    route({
      method: 'get',
      path: '/tokens',
      tag: 'tokens',
      summary: 'Station admin tokens (never the secrets); a station admin sees their station’s',
      query: stationQuery,
      response: z.array(tokenSchema),
      async handle({ query, admin }) {
        return (await auth.tokens.list(stationScope(admin, query.station))).map(tokenView);
      },
    }),
    route({
      method: 'post',
      path: '/tokens',
      tag: 'tokens',
      summary: 'Create a station admin token (super-admin only); the token is shown in this answer only',
      superOnly: true,
      body: tokenInput,
      status: 201,
      response: newTokenSchema,
      async handle({ body, admin, res }) {
        if (!(await deps.stations.get(body.stationCode))) throw new BadRequestError('stationCode: no such station');
        const { id, token, secretHash } = newTokenSecret();
        const saved = await auth.tokens.create({
          _id: id,
          name: body.name,
          stationCode: body.stationCode,
          secretHash,
          createdAt: auth.clock.now(),
          createdBy: admin.actor.name,
        });
        await recordChange(auth, res, {
          action: 'token.create',
          target: { type: 'token', id },
          stationCode: body.stationCode,
          after: tokenView(saved),
        });
        return { ...tokenView(saved), token };
      },
    }),
    route({
      method: 'delete',
      path: '/tokens/:id',
      tag: 'tokens',
      summary: 'Revoke a station admin token (super-admin only); its sessions and event streams end',
      superOnly: true,
      params: idParams,
      response: tokenSchema,
      async handle({ params, admin, res }) {
        const before = await auth.tokens.get(params.id);
        if (!before) throw new NotFoundError('no such token');
        const revoked = await auth.tokens.revoke(params.id, admin.actor.name, auth.clock.now());
        if (!revoked) throw new ConflictError('the token is already revoked');
        await recordChange(auth, res, {
          action: 'token.revoke',
          target: { type: 'token', id: params.id },
          stationCode: before.stationCode,
          before: tokenView(before),
          after: tokenView(revoked),
        });
        return tokenView(revoked);
      },
    }),
    route({
      method: 'get',
      path: '/audit',
      tag: 'tokens',
      summary: 'The audit of changes made through the admin API, newest first',
      description:
        'Filter by `type` and `target` (`type=case&target=HYI-69-000001`). A station admin reads their station’s.',
      query: auditQuery,
      response: z.array(auditEntrySchema),
      async handle({ query, admin }) {
        return auth.audit.list({
          stationCode: stationScope(admin, query.station),
          targetType: query.type,
          targetId: query.target,
          from: query.from,
          to: query.to,
          before: query.before,
          limit: query.limit,
        });
      },
    }),
  ];
}

function placeRoutes(deps: AdminDeps): AnyRoute[] {
  const { auth } = deps;
  return [
    route({
      method: 'get',
      path: '/stations',
      tag: 'stations',
      summary: 'Stations (a station admin sees their own)',
      response: z.array(stationSchema),
      async handle({ admin }) {
        const all = await deps.stations.all();
        return admin.actor.kind === 'super' ? all : all.filter((s) => s._id === stationScope(admin, undefined));
      },
    }),
    route({
      method: 'get',
      path: '/stations/:code',
      tag: 'stations',
      summary: 'One station',
      params: stationParams,
      response: stationSchema,
      async handle({ params, admin }) {
        requireStation(admin, params.code);
        const station = await deps.stations.get(params.code);
        if (!station) throw new NotFoundError('no such station');
        return station;
      },
    }),
    route({
      method: 'put',
      path: '/stations/:code',
      tag: 'stations',
      summary: 'Create or update a station (a station admin may update their own)',
      description:
        'SOS ladder minutes: 1 to 5 rungs, each above 0, at most 60 and later than the one before. 201 when created.',
      params: stationParams,
      body: stationInput,
      response: stationSchema,
      async handle({ params, body, admin, res }) {
        requireStation(admin, params.code);
        const now = auth.clock.now();
        const existing = await deps.stations.get(params.code);
        const station: Station = { _id: params.code, ...body, createdAt: existing?.createdAt ?? now, updatedAt: now };
        const saved = await deps.stations.upsert(station);
        await deps.directory.rebuild();
        await recordChange(auth, res, {
          action: existing ? 'station.update' : 'station.create',
          target: { type: 'station', id: params.code },
          stationCode: params.code,
          before: existing,
          after: saved,
        });
        if (!existing) answerWith(res, 201);
        return saved;
      },
    }),
    route({
      method: 'get',
      path: '/zones',
      tag: 'zones',
      summary: 'Zones as a GeoJSON FeatureCollection (the shape POST /zones takes)',
      query: stationQuery,
      response: zoneCollectionSchema,
      async handle({ query, admin }) {
        const station = stationScope(admin, query.station);
        const zones = station ? await deps.zones.byStation(station) : await deps.zones.all();
        return { type: 'FeatureCollection', features: zones.map(zoneFeature) };
      },
    }),
    route({
      method: 'get',
      path: '/zones/:id',
      tag: 'zones',
      summary: 'One zone as a GeoJSON Feature',
      params: idParams,
      response: zoneFeatureSchema,
      async handle({ params, admin }) {
        const zone = await deps.zones.get(params.id);
        if (!zone) throw new NotFoundError('no such zone');
        requireStation(admin, zone.stationCode);
        return zoneFeature(zone);
      },
    }),
    route({
      method: 'post',
      path: '/zones',
      tag: 'zones',
      summary: 'Import zones from a GeoJSON FeatureCollection, all or nothing',
      description:
        'Existing zones with the same id are updated. 422 with one error per bad feature (geometry that crosses itself, unknown station...). A station admin may import only their station’s zones.',
      body: zoneImportInput,
      response: z.object({ imported: z.number() }),
      async handle({ body, req, admin, res }) {
        for (const feature of body.features) requireStation(admin, feature.properties?.stationCode);
        const ids = body.features.map((f) => String((f.properties as { id?: unknown } | null)?.id ?? f.id ?? ''));
        const before = (await Promise.all(ids.map((id) => deps.zones.get(id)))).filter((z) => z !== null);
        const result = await importZonesFromGeoJson(req.body as object, {
          zones: deps.zones,
          stations: deps.stations,
          clock: auth.clock,
        });
        if (result.errors.length > 0) {
          res.status(422).json({ imported: 0, errors: result.errors });
          return undefined;
        }
        await deps.directory.rebuild();
        await recordChange(auth, res, {
          action: 'zones.import',
          target: { type: 'zones', id: ids.join(',').slice(0, 200) },
          ...(admin.actor.kind === 'station' ? { stationCode: admin.actor.stationCode } : {}),
          before: before.map((z) => ({ id: z._id, stationCode: z.stationCode, name: z.name, updatedAt: z.updatedAt })),
          after: { imported: result.imported, ids },
        });
        return { imported: result.imported };
      },
    }),
  ];
}

function peopleRoutes(deps: AdminDeps): AnyRoute[] {
  const { auth } = deps;
  const officer = async (userId: string) => {
    const user = await deps.users.get(userId);
    if (!user || user.role !== 'officer') throw new NotFoundError('no such officer');
    return user;
  };
  return [
    route({
      method: 'get',
      path: '/officers',
      tag: 'officers',
      summary: 'Registered officers and whether each is on duty (gets SOS pushes)',
      query: stationQuery,
      response: z.array(officerSchema),
      async handle({ query, admin }) {
        return (await deps.users.officers(stationScope(admin, query.station))).map(officerView);
      },
    }),
    route({
      method: 'patch',
      path: '/officers/:userId',
      tag: 'officers',
      summary: 'Put an officer on or off duty',
      params: userIdParams,
      body: dutyInput,
      response: officerSchema,
      async handle({ params, body, admin, res }) {
        const before = await officer(params.userId);
        requireStation(admin, before.stationCode);
        const after = (await deps.users.setOnDuty(params.userId, body.onDuty, auth.clock.now()))!;
        await recordChange(auth, res, {
          action: 'officer.duty',
          target: { type: 'officer', id: params.userId },
          stationCode: before.stationCode,
          before: { onDuty: Boolean(before.onDuty) },
          after: { onDuty: Boolean(after.onDuty) },
        });
        return officerView(after);
      },
    }),
    route({
      method: 'delete',
      path: '/officers/:userId',
      tag: 'officers',
      summary: 'Remove an officer: back to a resident, no SOS pushes, no card buttons, the resident menu',
      params: userIdParams,
      response: z.object({ userId: z.string(), role: z.literal('resident') }),
      async handle({ params, admin, res }) {
        const before = await officer(params.userId);
        requireStation(admin, before.stationCode);
        const removed = await deps.users.removeOfficer(params.userId, auth.clock.now());
        if (!removed) throw new NotFoundError('no such officer');
        await deps.officerRemoved(removed);
        await recordChange(auth, res, {
          action: 'officer.remove',
          target: { type: 'officer', id: params.userId },
          stationCode: before.stationCode,
          before: officerView(before),
          after: { role: removed.role },
        });
        return { userId: removed._id, role: 'resident' as const };
      },
    }),
    route({
      method: 'get',
      path: '/bind-codes',
      tag: 'officers',
      summary: 'Bind codes not used yet and not expired',
      query: stationQuery,
      response: z.array(bindCodeSchema),
      async handle({ query, admin }) {
        const codes = await deps.bindCodes.outstanding(auth.clock.now(), stationScope(admin, query.station));
        return codes.map(bindCodeView);
      },
    }),
    route({
      method: 'post',
      path: '/bind-codes',
      tag: 'officers',
      summary: 'A one-time code that binds a group to a station or zone, or registers an officer',
      description: 'Single use, expiring (24 h by default).',
      body: bindCodeInput,
      status: 201,
      response: bindCodeSchema,
      async handle({ body, admin, res }) {
        requireStation(admin, body.stationCode);
        const code = await deps.binding
          .issue(
            {
              kind: body.kind,
              stationCode: body.stationCode,
              zoneId: body.zoneId,
              ttlMs: body.ttlMinutes ? body.ttlMinutes * 60_000 : undefined,
            },
            auth.clock.now(),
          )
          .catch((err: unknown) => {
            throw err instanceof BindCodeError ? new BadRequestError(err.message) : err;
          });
        auth.logger.info({ kind: code.kind, station: code.stationCode, zone: code.zoneId }, 'bind code issued');
        const view = bindCodeView(code);
        await recordChange(auth, res, {
          action: 'bindCode.issue',
          target: { type: 'bindCode', id: code._id },
          stationCode: code.stationCode,
          after: view,
        });
        return view;
      },
    }),
    route({
      method: 'delete',
      path: '/bind-codes/:id',
      tag: 'officers',
      summary: 'Withdraw a bind code that was not used yet',
      params: idParams,
      response: bindCodeSchema,
      async handle({ params, admin, res }) {
        const code = await deps.bindCodes.get(params.id);
        if (!code) throw new NotFoundError('no such code');
        requireStation(admin, code.stationCode);
        const revoked = await deps.bindCodes.revoke(params.id, auth.clock.now());
        if (!revoked) throw new ConflictError('the code was used or has expired');
        const view = bindCodeView(revoked);
        await recordChange(auth, res, {
          action: 'bindCode.revoke',
          target: { type: 'bindCode', id: code._id },
          stationCode: code.stationCode,
          after: view,
        });
        return view;
      },
    }),
    route({
      method: 'get',
      path: '/quota',
      tag: 'stations',
      summary: 'This month’s pushes as counted by the hub, and LINE’s own quota figures (super-admin only)',
      superOnly: true,
      response: z.looseObject({ counted: z.unknown(), line: z.unknown() }),
      async handle() {
        const now = auth.clock.now();
        const [counted, quota, consumption] = await Promise.all([
          deps.ledger.month(now),
          deps.line.getQuota().catch(() => undefined),
          deps.line.getQuotaConsumption().catch(() => undefined),
        ]);
        return { counted, line: { quota, consumption } };
      },
    }),
    route({
      method: 'post',
      path: '/outbox/release-held',
      tag: 'stations',
      summary: 'Send again what LINE’s spent monthly quota held, after the quota was raised (super-admin only)',
      description: 'A new Bangkok month, or a push LINE accepts again, releases them by itself.',
      superOnly: true,
      response: z.object({ released: z.number() }),
      async handle() {
        const released = await deps.outbox.releaseHeld('released by an admin');
        auth.logger.info({ released }, 'held messages released by an admin');
        return { released };
      },
    }),
  ];
}

/** Every route of the admin API, in one list: mounted by adminRouter, described by /admin/openapi.json. */
export function adminRoutes(deps: AdminDeps): AnyRoute[] {
  const routes: AnyRoute[] = [
    ...sessionRoutes(deps),
    ...tokenRoutes(deps),
    ...placeRoutes(deps),
    ...peopleRoutes(deps),
    ...caseRoutes({
      cases: deps.cases,
      alerts: deps.alerts,
      stations: deps.stations,
      targets: deps.targets,
      caseService: deps.caseService,
      sos: deps.sos,
      audit: deps.auth.audit,
      categories: deps.categories,
      clock: deps.auth.clock,
      logger: deps.auth.logger,
    }),
    ...privacyRoutes({
      privacy: deps.privacy,
      requests: deps.privacyRequests,
      audit: deps.auth.audit,
      clock: deps.auth.clock,
    }),
    ...(deps.extraRoutes ?? []),
  ];
  let document: unknown;
  routes.push(
    route({
      method: 'get',
      path: OPENAPI_PATH,
      tag: 'session',
      summary: 'This description (OpenAPI 3.1), generated from the schemas the routes validate with',
      public: true,
      response: z.looseObject({ openapi: z.string() }),
      async handle() {
        document ??= openApiDocument(
          routes,
          {
            title: 'Smart Safety Zone hub: admin API',
            version: '1',
            description:
              'Stations, zones, officers, cases, SOS alerts, PDPA requests and the dashboard session. Authenticate with `Authorization: Bearer <token>` (ADMIN_TOKEN, or a station admin token), or the dashboard session cookie plus X-CSRF-Token on changes.',
          },
          '/admin',
        );
        return document;
      },
    }),
  );
  return routes;
}

/**
 * The station admin's HTTP API. Mount it behind adminGuard() (app.ts does, under /admin, with any
 * other admin router after it); a route reached without the guard answers 500, never unprotected.
 */
export function adminRouter(deps: AdminDeps): Router {
  const router = express.Router();
  mountRoutes(router, adminRoutes(deps));
  return router;
}
