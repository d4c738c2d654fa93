// The admin API as tests use it: the super-admin, station admin tokens, and the case numbers the
// clock the test set gives (never a hard-coded Buddhist-era year).
import request from 'supertest';
import type { z } from 'zod';
import { buddhistYear } from '../../src/domain/reports/case';
import { ADMIN_TOKEN, type HubFixture } from './hub-fixture';

export const SUPER = `Bearer ${ADMIN_TOKEN}`;

/** A station admin token made through the API by the super-admin; the token text as shown once. */
export async function stationToken(f: HubFixture, stationCode: string, name: string): Promise<string> {
  const res = await request(f.hub.app).post('/admin/tokens').set('authorization', SUPER).send({ stationCode, name });
  if (res.status !== 201) throw new Error(`token refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** The number the n-th case (or SOS) of a station gets in the year of the hub's (or cluster's) clock. */
export function numbered(
  f: Pick<HubFixture, 'clock'>,
  station: string,
  n: number,
  kind: 'case' | 'sos' = 'case',
): string {
  const yy = String(buddhistYear(f.clock.now()) % 100).padStart(2, '0');
  const id = `${station}-${yy}-${String(n).padStart(6, '0')}`;
  return kind === 'sos' ? `SOS-${id}` : id;
}

/** Checks an answer against the schema /admin/openapi.json documents for it; throws naming the misfit. */
export function expectShape(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`answer off its documented schema: ${parsed.error.message}`);
}
