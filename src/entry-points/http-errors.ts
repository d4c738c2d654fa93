import type { ErrorRequestHandler } from 'express';
import { JSONParseError, SignatureValidationFailed } from '@line/bot-sdk';
import type { Logger } from '../logger';

export class BadRequestError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

/** A field-by-field refusal of a request's input: each issue names the field (`location.lat`). */
export class ValidationError extends BadRequestError {
  constructor(readonly issues: Array<{ in: 'body' | 'query' | 'path'; path: string; message: string }>) {
    super(issues.map((i) => `${i.path || i.in}: ${i.message}`).join('; '));
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends Error {
  readonly status = 401;
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class ConflictError extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class NotFoundError extends Error {
  readonly status = 404;
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** One place maps failures to HTTP answers (STYLE 3); every answer is JSON with a message. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let message = 'internal error';
    if (err instanceof SignatureValidationFailed) {
      status = 401;
      message = err.message === 'no signature' ? 'missing x-line-signature' : 'signature validation failed';
    } else if (err instanceof JSONParseError) {
      status = 400;
      message = 'body is not JSON';
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      status = err.status;
      // body-parser errors (entity.too.large = 413) carry safe, short messages.
      message = err.type === 'entity.too.large' ? 'body too large' : String(err.message);
    }
    if (status >= 500) logger.error({ err, path: req.path }, 'request failed');
    else logger.warn({ status, path: req.path, reason: message }, 'request refused');
    if (res.headersSent) return;
    res.status(status).json(err instanceof ValidationError ? { message, issues: err.issues } : { message });
  };
}
