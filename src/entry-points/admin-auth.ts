import { createHash, randomBytes } from 'node:crypto';
import express, { type RequestHandler, type Response } from 'express';
import {
  SUPER_ADMIN_NAME,
  mayReach,
  sameSecret,
  secretMatches,
  splitToken,
  type AdminActor,
} from '../domain/admin/admin-actor';
import { auditActor, type AdminAuditEntry } from '../domain/admin/admin-audit';
import type { Logger } from '../logger';
import type { AdminAuditRepository } from '../store/repositories/admin-audit-repository';
import type { AdminSessionRepository } from '../store/repositories/admin-session-repository';
import type { AdminTokenRepository } from '../store/repositories/admin-token-repository';
import type { Clock } from '../util/clock';
import { adminOf, type AdminRequest } from './admin-http';
import { ForbiddenError, UnauthorizedError } from './http-errors';

export const SESSION_COOKIE = 'ssz_admin';
export const CSRF_HEADER = 'x-csrf-token';

export interface AdminAuthDeps {
  adminToken: string;
  tokens: AdminTokenRepository;
  sessions: AdminSessionRepository;
  audit: AdminAuditRepository;
  clock: Clock;
  logger: Logger;
  /** Secure cookies: set when the hub's public base URL is https. */
  secureCookies: boolean;
  sessionHours: number;
}

const hashId = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * Answers of the admin API (and media) are never cached, never sniffed as another type, never framed.
 * No CORS header is ever set: a browser on another origin cannot read them.
 */
export const noStoreHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  next();
};

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Who a presented token belongs to, or undefined. Both checks compare in constant time. */
export async function actorForToken(deps: AdminAuthDeps, presented: string): Promise<AdminActor | undefined> {
  if (sameSecret(presented, deps.adminToken)) return { kind: 'super', name: SUPER_ADMIN_NAME };
  return actorForTokenId(deps, splitToken(presented));
}

async function actorForTokenId(
  deps: AdminAuthDeps,
  parts: { id: string; secret?: string } | undefined,
): Promise<AdminActor | undefined> {
  if (!parts) return undefined;
  const token = await deps.tokens.get(parts.id);
  if (!token || token.revokedAt !== undefined) return undefined;
  if (parts.secret !== undefined && !secretMatches(parts.secret, token.secretHash)) return undefined;
  return { kind: 'station', tokenId: token._id, name: token.name, stationCode: token.stationCode };
}

/**
 * Who is calling, from an `Authorization: Bearer` header or the dashboard's session cookie; or
 * undefined. A session names its token, which is checked again here: revoking a token ends its
 * sessions at once.
 */
export async function identify(
  deps: AdminAuthDeps,
  authorization: string | undefined,
  cookieHeader: string | undefined,
): Promise<AdminRequest | undefined> {
  if (authorization !== undefined) {
    const presented = /^Bearer (.+)$/.exec(authorization)?.[1];
    const actor = presented ? await actorForToken(deps, presented) : undefined;
    return actor ? { actor, via: 'bearer' } : undefined;
  }
  const cookie = cookieValue(cookieHeader, SESSION_COOKIE);
  if (!cookie) return undefined;
  const session = await deps.sessions.live(hashId(cookie), deps.clock.now());
  if (!session) return undefined;
  const actor =
    session.tokenId === 'super'
      ? ({ kind: 'super', name: SUPER_ADMIN_NAME } as const)
      : await actorForTokenId(deps, { id: session.tokenId });
  return actor
    ? { actor, via: 'session', sessionId: session._id, csrfToken: session.csrfToken, expiresAt: session.expiresAt }
    : undefined;
}

/**
 * The guard in front of every admin route (this router's and any other mounted under /admin, such
 * as broadcasts): headers, the JSON body, who is calling (401 otherwise), CSRF for the cookie, and
 * an audit entry for any change a route did not record itself.
 */
export function adminGuard(deps: AdminAuthDeps, options: { publicPaths?: string[] } = {}): RequestHandler[] {
  const publicPaths = new Set(options.publicPaths ?? []);
  const authenticate: RequestHandler = async (req, res, next) => {
    const admin = await identify(deps, req.get('authorization'), req.get('cookie'));
    if (!admin) {
      if (publicPaths.has(req.path)) return next();
      deps.logger.warn(
        { security: 'admin_auth_failed', path: req.path, ip: req.ip },
        'admin request without a valid token',
      );
      throw new UnauthorizedError(
        'admin token required (Authorization: Bearer <token>, or sign in: POST /admin/session)',
      );
    }
    res.locals.admin = admin;
    if (admin.actor.kind === 'station') void deps.tokens.touch(admin.actor.tokenId, deps.clock.now()).catch(() => {});
    next();
  };
  // A page on another site can make the browser send the cookie, but not a custom header with the
  // session's own token (and no CORS answer lets it read one): changes through the cookie need it.
  const csrf: RequestHandler = (req, res, next) => {
    const admin = res.locals.admin as AdminRequest | undefined;
    if (!admin || admin.via !== 'session' || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const given = req.get(CSRF_HEADER) ?? '';
    if (!admin.csrfToken || !sameSecret(given, admin.csrfToken)) {
      deps.logger.warn(
        { security: 'admin_csrf_refused', path: req.path, ip: req.ip },
        'admin change without the CSRF token',
      );
      throw new ForbiddenError('X-CSRF-Token header missing or wrong (it comes with the session: GET /admin/session)');
    }
    next();
  };
  return [noStoreHeaders, authenticate, csrf, express.json({ limit: '10mb' }), auditMutations(deps)];
}

/**
 * Records a change through the admin API. Routes that know what changed call this with the record
 * before and after; for any other change (a router mounted behind the guard that records nothing
 * itself) auditMutations() writes `<METHOD> <route>` with the request body and the answer.
 */
export async function recordChange(
  deps: Pick<AdminAuthDeps, 'audit' | 'clock'>,
  res: Response,
  entry: Omit<AdminAuditEntry, '_id' | 'at' | 'actor'>,
): Promise<void> {
  res.locals.audited = true;
  await deps.audit.record({ at: deps.clock.now(), actor: auditActor(adminOf(res).actor), ...entry });
}

/** Any successful change a route did not record itself: the request and its answer (first 20,000 characters). */
function auditMutations(deps: AdminAuthDeps): RequestHandler {
  return (req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    let answer: unknown;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      answer = body;
      return json(body);
    };
    res.on('finish', () => {
      if (res.locals.audited || res.statusCode >= 400 || !res.locals.admin) return;
      const admin = res.locals.admin as AdminRequest;
      const route = `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
      deps.audit
        .record({
          at: deps.clock.now(),
          actor: auditActor(admin.actor),
          action: `${req.method} ${route}`,
          target: { type: 'http', id: req.originalUrl.split('?')[0]! },
          ...(admin.actor.kind === 'station' ? { stationCode: admin.actor.stationCode } : {}),
          ...(res.locals.auditBefore !== undefined ? { before: res.locals.auditBefore } : {}),
          after: clipped({ request: req.body, answer }),
        })
        .catch((err: unknown) => deps.logger.error({ err, route }, 'could not write the admin audit entry'));
    });
    next();
  };
}

function clipped(value: unknown): unknown {
  const json = JSON.stringify(value ?? null);
  return json.length <= 20_000 ? value : { clipped: json.slice(0, 20_000) };
}

/** 403 unless the caller may reach this station's data. */
export function requireStation(admin: AdminRequest, stationCode: string | undefined): void {
  if (!mayReach(admin.actor, stationCode))
    throw new ForbiddenError('this belongs to another station: a station admin sees and changes only their own');
}

/**
 * The station a list is limited to: a station admin's own (asking for another is 403); for the
 * super-admin, what was asked (undefined: every station).
 */
export function stationScope(admin: AdminRequest, asked: string | undefined): string | undefined {
  if (admin.actor.kind === 'super') return asked;
  if (asked !== undefined && asked !== admin.actor.stationCode) requireStation(admin, asked);
  return admin.actor.stationCode;
}

/** Opens a dashboard session for the caller: the cookie value (random), its stored hash and CSRF token. */
export async function openSession(
  deps: AdminAuthDeps,
  res: Response,
  actor: AdminActor,
): Promise<{ csrfToken: string; expiresAt: number }> {
  const cookie = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = now + deps.sessionHours * 60 * 60_000;
  const csrfToken = randomBytes(24).toString('base64url');
  await deps.sessions.create({
    _id: hashId(cookie),
    tokenId: actor.kind === 'super' ? 'super' : actor.tokenId,
    csrfToken,
    createdAt: now,
    expiresAt,
  });
  res.cookie(SESSION_COOKIE, cookie, {
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.secureCookies,
    path: '/',
    maxAge: deps.sessionHours * 60 * 60_000,
  });
  return { csrfToken, expiresAt };
}

export async function closeSession(deps: AdminAuthDeps, res: Response, admin: AdminRequest): Promise<void> {
  if (admin.sessionId) await deps.sessions.end(admin.sessionId);
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/' });
}
