// PDPA requests through the admin API: list and close them, export and erase one person's data.
import { pseudonym } from '../domain/admin/admin-actor';
import { PrivacyError, type PrivacyService } from '../domain/privacy/privacy-service';
import type { AdminAuditRepository } from '../store/repositories/admin-audit-repository';
import type { PrivacyRequestRepository } from '../store/repositories/privacy-request-repository';
import type { Clock } from '../util/clock';
import { recordChange, requireStation, stationScope } from './admin-auth';
import { route, type AdminRequest, type AnyRoute } from './admin-http';
import {
  closeRequestInput,
  eraseInput,
  erasureSchema,
  exportSchema,
  idParams,
  privacyQuery,
  privacyRequestSchema,
  userIdParams,
} from './admin-schemas';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from './http-errors';
import { z } from 'zod';

export interface PrivacyAdminDeps {
  privacy: PrivacyService;
  requests: PrivacyRequestRepository;
  audit: AdminAuditRepository;
  clock: Clock;
}

function asHttp(err: unknown): never {
  if (err instanceof PrivacyError) {
    if (err.why === 'unknown-request') throw new NotFoundError(err.message);
    if (err.why === 'other-person') throw new BadRequestError(`requestId: ${err.message}`);
    throw new ConflictError(err.message);
  }
  throw err;
}

/**
 * The super-admin may act for anyone. A station admin only for a person who asked through their
 * station (an open request assigned to it): a person's data spans stations, and nobody else's
 * records should be reachable by guessing a LINE id.
 */
async function mayActFor(deps: PrivacyAdminDeps, admin: AdminRequest, userId: string): Promise<void> {
  if (admin.actor.kind === 'super') return;
  const { stationCode } = admin.actor;
  const asked = (await deps.requests.byUser(userId)).some((r) => r.status === 'open' && r.stationCode === stationCode);
  if (!asked)
    throw new ForbiddenError(
      'a station admin may export or erase only for a person with an open request at their station',
    );
}

export function privacyRoutes(deps: PrivacyAdminDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/privacy/requests',
      tag: 'privacy',
      summary: 'Requests people made about their personal data (from LINE: “my data”, “delete my data”)',
      query: privacyQuery,
      response: z.array(privacyRequestSchema),
      async handle({ query, admin }) {
        return deps.requests.list({
          status: query.status,
          stationCode: stationScope(admin, query.station),
          limit: query.limit,
        });
      },
    }),
    route({
      method: 'post',
      path: '/privacy/requests/:id/close',
      tag: 'privacy',
      summary: 'Close a request (exported, refused or withdrawn); the person is told in their language',
      description: 'Erasure closes its request itself: POST /privacy/users/{userId}/erase with requestId.',
      params: idParams,
      body: closeRequestInput,
      response: privacyRequestSchema,
      async handle({ params, body, admin, res }) {
        const request = await deps.requests.get(params.id);
        if (!request) throw new NotFoundError('no such privacy request');
        requireStation(admin, request.stationCode);
        const closed = await deps.privacy
          .close(request._id, body.outcome, { by: admin.actor.name, ...(body.note ? { note: body.note } : {}) })
          .catch(asHttp);
        await recordChange(deps, res, {
          action: 'privacy.close',
          target: { type: 'privacyRequest', id: request._id },
          ...(request.stationCode ? { stationCode: request.stationCode } : {}),
          before: { status: request.status },
          after: { status: closed.status, outcome: closed.outcome, note: closed.note },
        });
        return closed;
      },
    }),
    route({
      method: 'get',
      path: '/privacy/users/:userId/export',
      tag: 'privacy',
      summary: 'Everything the hub holds about one LINE user, as JSON',
      description: 'Photos and media are listed with their /media paths. The export is recorded in the audit.',
      params: userIdParams,
      response: exportSchema,
      async handle({ params, admin, res }) {
        await mayActFor(deps, admin, params.userId);
        const data = await deps.privacy.export(params.userId);
        await recordChange(deps, res, {
          action: 'privacy.export',
          target: { type: 'person', id: pseudonym(params.userId) },
          ...(admin.actor.kind === 'station' ? { stationCode: admin.actor.stationCode } : {}),
        });
        const media = (data.media as Array<{ token: string }>).map((m) => ({ ...m, url: `/media/${m.token}` }));
        res.set('content-disposition', `attachment; filename="personal-data-${params.userId}.json"`);
        return { ...data, media };
      },
    }),
    route({
      method: 'post',
      path: '/privacy/users/:userId/erase',
      tag: 'privacy',
      summary: 'Erase one LINE user’s personal data; says what was removed and what is kept, and why',
      description:
        'Refused (409) while an SOS of theirs is open. With requestId, the request is closed as erased and the person told first.',
      params: userIdParams,
      body: eraseInput,
      response: erasureSchema,
      async handle({ params, body, admin, res }) {
        await mayActFor(deps, admin, params.userId);
        const report = await deps.privacy
          .erase(params.userId, { by: admin.actor.name, ...(body.requestId ? { requestId: body.requestId } : {}) })
          .catch(asHttp);
        await recordChange(deps, res, {
          action: 'privacy.erase',
          target: { type: 'person', id: pseudonym(params.userId) },
          ...(admin.actor.kind === 'station' ? { stationCode: admin.actor.stationCode } : {}),
          after: { removed: report.removed, ...(body.requestId ? { requestId: body.requestId } : {}) },
        });
        return report;
      },
    }),
  ];
}
