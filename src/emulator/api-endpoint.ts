import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { newRequestId } from './ids';
import type { ErrorDetail } from './message-validation';
import type { PlatformState } from './platform-state';

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  binary?: { data: Buffer; contentType: string };
  /** Overrides the recorded recipient (e.g. the chat a reply token belonged to). */
  to?: string | string[];
}

export interface ApiCall {
  req: Request;
  requestId: string;
  now: number;
  body: unknown;
  retryKey: string | undefined;
}

export interface EndpointSpec {
  name: string;
  handler: (call: ApiCall) => ApiResult;
  body?: 'json' | 'binary';
  /** LINE accepts `X-Line-Retry-Key` only on push, multicast, narrowcast and broadcast. */
  allowsRetryKey?: boolean;
  /** Who the call is addressed to, recorded even when the call fails. */
  target?: (call: ApiCall) => string | string[] | undefined;
  /** Skips auth and injected faults (the catch-all 404). */
  bypassChecks?: boolean;
}

const jsonParser = express.json({ limit: '2mb' });
// Uploads above LINE's 1 MB image limit must still be read so the handler can answer like LINE does.
const binaryParser = express.raw({ type: () => true, limit: '10mb' });
const noParser: RequestHandler = (_req, _res, next) => next();

// LINE's answer when an endpoint's rate limit is exceeded (not the monthly quota's "monthly limit").
const RATE_LIMITED = { message: 'The API rate limit has been exceeded. Try again later.' };

const AUTH_MISSING = {
  message:
    'Authentication failed due to the following reason: no Authorization header. Confirm that the access token in the authorization header is valid.',
};
const AUTH_INVALID = {
  message:
    'Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization header is valid.',
};

export function lineError(message: string, details?: ErrorDetail[]): { message: string; details?: ErrorDetail[] } {
  return details && details.length > 0 ? { message, details } : { message };
}

/** LINE's shape for body validation failures (https://developers.line.biz/en/reference/messaging-api/#error-responses). */
export function invalidBody(details: ErrorDetail[]): ApiResult {
  return { status: 400, body: lineError(`The request body has ${details.length} error(s)`, details) };
}

export function notFound(): ApiResult {
  return { status: 404, body: { message: 'Not found' } };
}

/**
 * Wraps one LINE endpoint: request id, body parsing, auth, injected faults, the retry-key rule, then the
 * handler; the call is recorded before the answer is written so a client that awaits the SDK call always
 * finds it in the log.
 */
export function apiEndpoint(state: PlatformState, spec: EndpointSpec): RequestHandler {
  const parse = spec.body === 'binary' ? binaryParser : spec.body === 'json' ? jsonParser : noParser;
  if (!spec.bypassChecks) state.endpointNames.add(spec.name);
  return (req, res) => {
    const requestId = newRequestId();
    const now = state.now();
    res.setHeader('x-line-request-id', requestId);
    parse(req, res, (err?: unknown) => {
      const retryKey = req.get('x-line-retry-key');
      const call: ApiCall = { req, requestId, now, body: req.body, retryKey };
      if (err) {
        finish(state, spec, call, res, parseFailure(err));
        return;
      }
      const denied = spec.bypassChecks ? undefined : authenticate(state, req);
      if (denied) {
        finish(state, spec, call, res, denied);
        return;
      }
      if (!spec.bypassChecks && !state.rateLimits.take(spec.name)) {
        finish(state, spec, call, res, { status: 429, body: RATE_LIMITED });
        return;
      }
      const fault = spec.bypassChecks ? undefined : state.faults.take(spec.name, targetOf(spec, call));
      if (fault?.hang) {
        // Recorded now with status 0 (no answer); the connection stays open until the client gives up.
        finish(state, spec, call, res, { status: 0, body: { message: 'no answer (hanging fault)' } }, false);
        state.hold(res);
        return;
      }
      if (fault?.after) {
        // LINE did the work; only the answer the bot gets is the failure.
        try {
          spec.handler(call);
        } catch (error) {
          console.error(`[line-emulator] ${spec.name} handler failed`, error);
        }
      }
      if (fault) {
        const result: ApiResult = { status: fault.status, body: fault.body };
        if (fault.delayMs > 0) state.later(fault.delayMs, () => finish(state, spec, call, res, result));
        else finish(state, spec, call, res, result);
        return;
      }
      if (retryKey !== undefined && !spec.allowsRetryKey) {
        // LINE documents a 400 for the header on any other endpoint, not its message text.
        finish(state, spec, call, res, {
          status: 400,
          body: { message: 'X-Line-Retry-Key is not supported by this endpoint' },
        });
        return;
      }
      let result: ApiResult;
      try {
        result = spec.handler(call);
      } catch (error) {
        // A bug in the emulator must not look like a LINE answer a bot should trust.
        console.error(`[line-emulator] ${spec.name} handler failed`, error);
        result = { status: 500, body: { message: 'emulator error: ' + String(error) } };
      }
      finish(state, spec, call, res, result);
    });
  };
}

/** 404 for any path LINE does not serve, recorded so a mistyped URL shows up in the call log. */
export function unknownEndpoint(state: PlatformState): RequestHandler {
  return apiEndpoint(state, { name: 'unknown', bypassChecks: true, allowsRetryKey: true, handler: () => notFound() });
}

function authenticate(state: PlatformState, req: Request): ApiResult | undefined {
  const header = req.get('authorization');
  if (!header || !header.startsWith('Bearer ') || header.length <= 'Bearer '.length)
    return { status: 401, body: AUTH_MISSING };
  if (state.channelAccessToken !== undefined && header.slice('Bearer '.length) !== state.channelAccessToken) {
    return { status: 401, body: AUTH_INVALID };
  }
  return undefined;
}

function targetOf(spec: EndpointSpec, call: ApiCall): string | string[] | undefined {
  try {
    return spec.target?.(call);
  } catch {
    return undefined;
  }
}

function parseFailure(err: unknown): ApiResult {
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.large') return { status: 413, body: { message: 'Request entity too large' } };
  return { status: 400, body: { message: 'The request body could not be parsed as JSON' } };
}

function finish(
  state: PlatformState,
  spec: EndpointSpec,
  call: ApiCall,
  res: Response,
  result: ApiResult,
  answer = true,
): void {
  const { req } = call;
  const to = result.to ?? targetOf(spec, call);
  state.calls.record({
    at: call.now,
    method: req.method,
    path: req.path,
    endpoint: spec.name,
    status: result.status,
    body: recordedBody(call.body),
    headers: flatHeaders(req),
    ...(call.retryKey !== undefined ? { retryKey: call.retryKey } : {}),
    ...(to !== undefined ? { to } : {}),
    requestId: call.requestId,
    response: result.binary
      ? { contentType: result.binary.contentType, bytes: result.binary.data.length }
      : result.body,
  });
  if (!answer || res.writableEnded || res.destroyed) return; // the client gave up (a delayed fault outlived its timeout)
  if (result.headers) for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
  res.status(result.status);
  if (result.binary) res.type(result.binary.contentType).send(result.binary.data);
  else if (result.body === undefined) res.end();
  else res.json(result.body);
}

function recordedBody(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return { bytes: body.length };
  return body;
}

// Transport noise that every fetch adds; leaving it out keeps 200k recorded calls noticeably smaller.
const UNRECORDED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'accept',
  'accept-encoding',
  'accept-language',
  'sec-fetch-mode',
]);

function flatHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined || UNRECORDED_HEADERS.has(key)) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function param(call: ApiCall, name: string): string {
  return String((call.req.params as Record<string, string | undefined>)[name] ?? '');
}
