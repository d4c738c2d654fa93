import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling the admin API: the super-admin (ADMIN_TOKEN, every station) or a station admin
 * (a named token the super-admin created, one station only). Every change is recorded under this.
 */
export type AdminActor =
  { kind: 'super'; name: string } | { kind: 'station'; tokenId: string; name: string; stationCode: string };

export const SUPER_ADMIN_NAME = 'super-admin';

/** How an actor is written into a case's or alert's audit (`by`): never a LINE user id. */
export function actorKey(actor: AdminActor): string {
  return actor.kind === 'super' ? 'admin:super' : `admin:${actor.tokenId}`;
}

/** A station admin reaches only their own station; the super-admin reaches every station. */
export function mayReach(actor: AdminActor, stationCode: string | undefined): boolean {
  return actor.kind === 'super' || (stationCode !== undefined && actor.stationCode === stationCode);
}

/** A station admin token as stored: only a hash of its secret, so a copy of the store leaks no token. */
export interface AdminToken {
  /** The public part of the token (`ssz_<id>_<secret>`), also its key. */
  _id: string;
  name: string;
  stationCode: string;
  /** SHA-256 of the secret, hex. The secret has 256 random bits, so no slow hash is needed. */
  secretHash: string;
  createdAt: number;
  createdBy: string;
  revokedAt?: number;
  revokedBy?: string;
  lastUsedAt?: number;
}

const TOKEN_SHAPE = /^ssz_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A new station token: the full text (shown once) and what is stored. */
export function newTokenSecret(): { id: string; secret: string; token: string; secretHash: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `ssz_${id}_${secret}`, secretHash: sha256(secret).toString('hex') };
}

/** The id and secret of a presented station token, or undefined when it is not shaped like one. */
export function splitToken(presented: string): { id: string; secret: string } | undefined {
  const m = TOKEN_SHAPE.exec(presented);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/**
 * Compares in constant time: both sides are hashed first, so neither the length nor the first
 * differing byte of the presented value changes how long the comparison takes.
 */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/** The stored hash against a presented secret, in constant time. */
export function secretMatches(presentedSecret: string, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const given = sha256(presentedSecret);
  return stored.length === given.length && timingSafeEqual(stored, given);
}

/** A person's LINE id in the admin audit after an erasure: lets one check "was X erased" without listing X. */
export function pseudonym(userId: string): string {
  return `sha256:${sha256(userId).toString('hex').slice(0, 16)}`;
}
