import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import type { AdminActor } from '../domain/admin/admin-actor';
import { ForbiddenError, ValidationError } from './http-errors';

/** What the admin guard (admin-auth.ts) leaves on `res.locals.admin` for every route behind it. */
export interface AdminRequest {
  actor: AdminActor;
  /** How the caller proved who they are: an Authorization header, or the dashboard's session cookie. */
  via: 'bearer' | 'session';
  /** The dashboard session, when signed in with the cookie. */
  sessionId?: string;
  csrfToken?: string;
  expiresAt?: number;
}

export function adminOf(res: Response): AdminRequest {
  const admin = res.locals.admin as AdminRequest | undefined;
  if (!admin) throw new Error('admin route reached without the admin guard in front of it');
  return admin;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One admin API route, declared once: express mounts it with these schemas (every input parsed with
 * zod, every refusal naming the field) and /admin/openapi.json describes it from the same schemas.
 */
export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express style, relative to /admin: `/cases/:id`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Only the super-admin (ADMIN_TOKEN or a session opened with it); a station admin gets 403. */
  superOnly?: boolean;
  /** Reachable without a token (the API description itself). */
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** The status of a successful answer; 200 by default. */
  status?: number;
  /** The JSON a successful answer carries (undefined: no body, or `produces`). */
  response?: Schema;
  /** A successful answer that is not JSON (CSV, an event stream). */
  produces?: { contentType: string; description: string };
  /** The answer: returned values are sent as JSON with `status`; undefined means the handler answered. */
  handle(input: {
    params: Out<P>;
    query: Out<Q>;
    body: Out<B>;
    admin: AdminRequest;
    req: Request;
    res: Response;
  }): Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/** Declares a route with its input types inferred from its schemas. */
export function route<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

/** A status other than the route's usual one for this answer (PUT that created: 201). */
export function answerWith(res: Response, status: number): void {
  res.locals.status = status;
}

/** Parses one part of the request; every issue names its field (`location.lat`), and where it was. */
export function parseInput<S extends Schema>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ in: where, path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

/** Mounts the routes on an express router (behind the admin guard: `res.locals.admin` is set). */
export function mountRoutes(router: Router, routes: readonly AnyRoute[]): void {
  for (const spec of routes) {
    router[spec.method](spec.path, async (req: Request, res: Response) => {
      const admin = res.locals.admin as AdminRequest | undefined;
      if (!spec.public && !admin) throw new Error(`admin route ${spec.path} is not behind the admin guard`);
      if (spec.superOnly && admin?.actor.kind !== 'super')
        throw new ForbiddenError('only the super-admin (ADMIN_TOKEN) may do this');
      const input = {
        params: spec.params ? parseInput(spec.params, req.params, 'path') : undefined,
        query: spec.query ? parseInput(spec.query, { ...req.query }, 'query') : undefined,
        body: spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined,
        admin: admin!,
        req,
        res,
      };
      const result = await spec.handle(input);
      if (result === undefined) {
        if (!res.headersSent) res.status(spec.status ?? 204).end();
        return;
      }
      res.status((res.locals.status as number | undefined) ?? spec.status ?? 200).json(result);
    });
  }
}

/** An error answer: the message names the field; `issues` lists every field refused. */
export const errorSchema = z
  .object({
    message: z.string(),
    issues: z
      .array(z.object({ in: z.enum(['body', 'query', 'path']), path: z.string(), message: z.string() }))
      .optional(),
  })
  .meta({ id: 'Error' });

const ERRORS: Record<number, string> = {
  400: 'Bad input: `message` and `issues` name each refused field',
  401: 'Missing or wrong token (or an expired session)',
  403: 'Another station’s data, a super-admin-only call, or a change without the X-CSRF-Token header of the session',
  404: 'Not found',
  409: 'The change conflicts with the current state',
};

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** The OpenAPI 3.1 description of the routes, generated from the very schemas the routes parse with. */
export function openApiDocument(
  routes: readonly AnyRoute[],
  info: { title: string; version: string; description: string },
  prefix: string,
): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of routes) {
    const status = String(spec.status ?? (spec.response || spec.produces ? 200 : 204));
    const responses: Record<string, ZodOpenApiResponseObject> = {
      [status]: spec.produces
        ? { description: spec.produces.description, content: { [spec.produces.contentType]: {} } }
        : spec.response
          ? { description: spec.summary, content: { 'application/json': { schema: spec.response } } }
          : { description: spec.summary },
    };
    const errors = spec.public ? [] : [400, 401, 403, 404];
    if (spec.method !== 'get') errors.push(409);
    for (const code of errors)
      responses[String(code)] = {
        description: ERRORS[code]!,
        content: { 'application/json': { schema: errorSchema } },
      };
    const operation: ZodOpenApiOperationObject = {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      ...(spec.public ? { security: [] } : {}),
      ...(spec.params || spec.query
        ? {
            requestParams: {
              ...(spec.params ? { path: spec.params as z.ZodObject } : {}),
              ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
            },
          }
        : {}),
      ...(spec.body ? { requestBody: { content: { 'application/json': { schema: spec.body } } } } : {}),
      responses: responses as ZodOpenApiOperationObject['responses'],
    };
    const path = `${prefix}${openApiPath(spec.path)}`;
    paths[path] = { ...paths[path], [spec.method]: operation };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info,
      paths,
      security: [{ bearer: [] }, { session: [] }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'ADMIN_TOKEN (super-admin) or a station admin token (`ssz_<id>_<secret>`)',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'ssz_admin',
            description:
              'The dashboard session from POST /admin/session. Changes (POST, PUT, PATCH, DELETE) must also send the X-CSRF-Token header it gave.',
          },
        },
      },
    },
    { reused: 'ref' },
  );
}
