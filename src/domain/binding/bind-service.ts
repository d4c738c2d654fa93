import { randomInt } from 'node:crypto';
import type { BindAttemptRepository } from '../../store/repositories/bind-attempt-repository';
import type { BindCode, BindCodeRepository, BindKind } from '../../store/repositories/bind-code-repository';
import { DuplicateKeyError } from '../../store/store-port';

export const DEFAULT_BIND_CODE_TTL_MS = 24 * 60 * 60_000;
/** Eight digits: 90 million codes, so a handful of live ones cannot be found by trying. */
const CODE_MIN = 10_000_000;
const CODE_MAX = 100_000_000;
export const BIND_CODE_DIGITS = 8;
/** Wrong codes allowed per hour: from one person anywhere, and in one group from anyone. */
export const BIND_FAILURE_WINDOW_MS = 60 * 60_000;
export const BIND_FAILURES_PER_USER = 5;
export const BIND_FAILURES_PER_GROUP = 10;

export type RedeemResult =
  | { ok: true; code: BindCode }
  /**
   * `invalid` covers unknown, used, expired and wrong-place codes alike: the answer must not tell a
   * guesser which codes exist. `detail` says which, for the log only.
   */
  | { ok: false; why: 'invalid'; detail: 'unknown' | 'used-or-expired' | 'wrong-place' }
  /** Too many wrong codes lately; `justLocked` on the try that crossed the limit (raise an alert). */
  | { ok: false; why: 'locked'; justLocked: boolean; scope: 'user' | 'group' };

export class BindCodeError extends Error {
  constructor(
    readonly code: 'unknown-station' | 'unknown-zone' | 'zone-station-mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'BindCodeError';
  }
}

/**
 * Issues eight-digit one-time codes; redeeming checks the place (group or 1:1) before using the code
 * up. Wrong codes are counted per user and per group: past the limit nobody there can bind for an
 * hour, a correct code included, so codes cannot be found by trying.
 */
export class BindService {
  constructor(
    private readonly deps: {
      codes: BindCodeRepository;
      attempts: BindAttemptRepository;
      stationExists(code: string): Promise<boolean>;
      zoneStation(zoneId: string): Promise<string | undefined>;
    },
  ) {}

  async issue(
    request: { kind: BindKind; stationCode: string; zoneId?: string; ttlMs?: number },
    now: number,
  ): Promise<BindCode> {
    if (!(await this.deps.stationExists(request.stationCode))) {
      throw new BindCodeError('unknown-station', `unknown station ${request.stationCode}`);
    }
    if (request.kind === 'community') {
      if (!request.zoneId) throw new BindCodeError('unknown-zone', 'a community code needs a zoneId');
      const zoneStation = await this.deps.zoneStation(request.zoneId);
      if (!zoneStation) throw new BindCodeError('unknown-zone', `unknown zone ${request.zoneId}`);
      if (zoneStation !== request.stationCode) {
        throw new BindCodeError('zone-station-mismatch', `zone ${request.zoneId} belongs to ${zoneStation}`);
      }
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const code: BindCode = {
        _id: String(randomInt(CODE_MIN, CODE_MAX)),
        kind: request.kind,
        stationCode: request.stationCode,
        ...(request.kind === 'community' ? { zoneId: request.zoneId } : {}),
        createdAt: now,
        expiresAt: now + (request.ttlMs ?? DEFAULT_BIND_CODE_TTL_MS),
      };
      try {
        return await this.deps.codes.create(code);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
    }
    throw new Error('could not find a free bind code in 10 tries');
  }

  /**
   * Uses a code typed in `place` by a user (`by.userId`, absent for some group members) in a group
   * (`by.groupId`) or a 1:1 chat. A code meant for the other place is not used up, so the person can
   * take it where it belongs; the answer is the same as for a wrong code.
   */
  async redeem(
    typed: string,
    place: 'group' | 'chat',
    by: { userId?: string; groupId?: string },
    now: number,
  ): Promise<RedeemResult> {
    const keys: Array<{ key: string; scope: 'user' | 'group'; limit: number }> = [];
    if (by.userId) keys.push({ key: `user:${by.userId}`, scope: 'user', limit: BIND_FAILURES_PER_USER });
    if (by.groupId) keys.push({ key: `group:${by.groupId}`, scope: 'group', limit: BIND_FAILURES_PER_GROUP });
    for (const k of keys) {
      if ((await this.deps.attempts.failures(k.key, now, BIND_FAILURE_WINDOW_MS)) >= k.limit)
        return { ok: false, why: 'locked', justLocked: false, scope: k.scope };
    }
    const candidate = await this.deps.codes.get(typed);
    const expected = candidate ? (candidate.kind === 'officer' ? 'chat' : 'group') : undefined;
    const used =
      candidate && expected === place
        ? await this.deps.codes.consume(typed, by.userId ?? by.groupId ?? place, now)
        : null;
    if (used) return { ok: true, code: used };
    const detail = !candidate ? 'unknown' : expected !== place ? 'wrong-place' : 'used-or-expired';
    for (const k of keys) {
      if ((await this.deps.attempts.recordFailure(k.key, now, BIND_FAILURE_WINDOW_MS)) === k.limit)
        return { ok: false, why: 'locked', justLocked: true, scope: k.scope };
    }
    return { ok: false, why: 'invalid', detail };
  }
}

/** `/bind 48392017` (spaces, dashes and full-width digits tolerated: `/bind 4839 2017`). */
export function parseBindCommand(text: string): { code?: string } | undefined {
  const normalized = text.normalize('NFKC').trim();
  const match = /^\/bind(?:\s+(.+))?$/i.exec(normalized);
  if (!match) return undefined;
  const code = match[1]?.replace(/[\s-]/g, '');
  return { code: code && new RegExp(`^\\d{${BIND_CODE_DIGITS}}$`).test(code) ? code : undefined };
}
