import { randomInt } from 'node:crypto';
import type { BindCode, BindCodeRepository, BindKind } from '../../store/repositories/bind-code-repository';
import { DuplicateKeyError } from '../../store/store-port';

export const DEFAULT_BIND_CODE_TTL_MS = 24 * 60 * 60_000;

export class BindCodeError extends Error {
  constructor(
    readonly code: 'unknown-station' | 'unknown-zone' | 'zone-station-mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'BindCodeError';
  }
}

/** Issues six-digit one-time codes; redeeming checks the place (group or 1:1) before using the code up. */
export class BindService {
  constructor(
    private readonly deps: {
      codes: BindCodeRepository;
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
        _id: String(randomInt(100_000, 1_000_000)),
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
   * Uses a code typed in `place`. A code meant for the other place is not used up, so the person
   * can take it where it belongs.
   */
  async redeem(
    typed: string,
    place: 'group' | 'chat',
    by: string,
    now: number,
  ): Promise<
    { ok: true; code: BindCode } | { ok: false; why: 'invalid' | 'wrong-place'; expected?: 'group' | 'chat' }
  > {
    const candidate = await this.deps.codes.get(typed);
    if (!candidate) return { ok: false, why: 'invalid' };
    const expected = candidate.kind === 'officer' ? 'chat' : 'group';
    if (expected !== place) return { ok: false, why: 'wrong-place', expected };
    const used = await this.deps.codes.consume(typed, by, now);
    return used ? { ok: true, code: used } : { ok: false, why: 'invalid' };
  }
}

/** `/bind 483920` (spaces and full-width digits tolerated). */
export function parseBindCommand(text: string): { code?: string } | undefined {
  const normalized = text.normalize('NFKC').trim();
  const match = /^\/bind(?:\s+(\S+))?$/i.exec(normalized);
  if (!match) return undefined;
  const code = match[1]?.replace(/\D/g, '');
  return { code: code && code.length === 6 ? code : undefined };
}
