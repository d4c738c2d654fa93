// The small city of city.ts with zone news around it: a Malay-speaking resident, and the Santisuk
// community's LINE group bound to its zone with a community code.
import request from 'supertest';
import { issueCode, setUpCity } from './city';
import type { Language } from '../../src/domain/people';
import type { Store } from '../../src/store/store-port';
import { ADMIN_TOKEN, TEST_EPOCH, gid, startHub, uid, type FixtureOptions, type HubFixture } from './hub-fixture';

export const SANTISUK = 'HYI-santisuk';
export const KHLONG_HAE = 'KHH-khlong-hae';
export const AMINAH = uid('7');
export const COMMUNITY = gid('5');
export const LEADER = uid('8');
export const NEIGHBOUR = uid('9');

export async function newsCity(options: FixtureOptions = {}): Promise<HubFixture> {
  const f = await startHub({ seed: true, ...options });
  await setUpCity(f);
  f.emulator.users.add({ userId: AMINAH, displayName: 'Aminah', language: 'ms' });
  await f.emulator.driver.follow(AMINAH);
  await f.emulator.driver.postback({ userId: AMINAH }, 'a=consent&v=accept');
  f.emulator.users.add({ userId: LEADER, displayName: 'ผู้ใหญ่สมศักดิ์', language: 'th' });
  f.emulator.users.add({ userId: NEIGHBOUR, displayName: 'ป้าแดง', language: 'th' });
  f.emulator.groups.add({ groupId: COMMUNITY, groupName: 'ชุมชนสันติสุข', memberIds: [LEADER, NEIGHBOUR] });
  await f.emulator.driver.join(COMMUNITY);
  const code = await issueCode(f, { kind: 'community', stationCode: 'HYI', zoneId: SANTISUK });
  await f.emulator.driver.text({ groupId: COMMUNITY, userId: LEADER }, `/bind ${code}`);
  await f.settle();
  return f;
}

/** The person taps "get this zone's news" for a zone (as offered under a pin). */
export async function follows(f: HubFixture, userId: string, zoneId = SANTISUK): Promise<void> {
  await f.emulator.driver.postback({ userId }, `a=follow&z=${zoneId}&s=pin`);
  await f.settle();
}

export function admin(f: HubFixture) {
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    post: (path: string, body?: object) => request(f.hub.app).post(path).set(auth).send(body),
    get: (path: string) => request(f.hub.app).get(path).set(auth),
    put: (path: string, body: object) => request(f.hub.app).put(path).set(auth).send(body),
    delete: (path: string) => request(f.hub.app).delete(path).set(auth),
  };
}

/** The flex messages a chat received whose alt text starts like a broadcast. */
export function broadcastsSeen(f: HubFixture, chatId: string): Array<{ altText?: string; message: any }> {
  return f.seen(chatId).filter((m) => m.type === 'flex' && m.altText?.startsWith('📢'));
}

/** Every LINE send call of one kind that the emulator accepted. */
export function accepted(f: HubFixture, endpoint: 'multicast' | 'push' | 'broadcast') {
  return f.emulator.calls({ endpoint }).filter((c) => c.status === 200);
}

export const MARKET = 'HYI-market';

/** A second Hat Yai zone (around the market, north of Santisuk), so an officer has zones to choose from. */
export async function addMarketZone(f: HubFixture): Promise<void> {
  const [lng, lat, size] = [100.474, 7.0095, 0.003];
  const res = await admin(f).post('/admin/zones', {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: {
          id: MARKET,
          stationCode: 'HYI',
          name_th: 'ย่านตลาดกิมหยง',
          name_en: 'Kim Yong Market',
          name_ms: 'Pasar Kim Yong',
        },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [lng, lat],
              [lng + size, lat],
              [lng + size, lat + size],
              [lng, lat + size],
              [lng, lat],
            ],
          ],
        },
      },
    ],
  });
  if (res.status !== 200) throw new Error(`zone import refused: ${JSON.stringify(res.body)}`);
}

/**
 * `n` people who follow `zoneId` (reading `lang`, or with no language stored), written straight to the
 * store: a city's worth of followers without a webhook each. Ids are `U<tag><hex>`, 33 characters.
 */
export async function seedFollowers(
  store: Store,
  n: number,
  zoneId: string,
  options: { lang?: Language; tag?: string } = {},
): Promise<string[]> {
  const tag = options.tag ?? '';
  const ids = Array.from({ length: n }, (_, i) => `U${tag}${i.toString(16).padStart(32 - tag.length, '0')}`);
  const at = { createdAt: TEST_EPOCH, updatedAt: TEST_EPOCH };
  await store.collection('users').insertNew(
    ids.map((_id) => ({
      _id,
      consent: 'accepted',
      role: 'resident',
      following: true,
      ...(options.lang ? { chosenLanguage: options.lang } : {}),
      ...at,
    })),
  );
  await store
    .collection('subscriptions')
    .insertNew(
      ids.map((id) => ({ _id: `${id}|${zoneId}`, userId: id, zoneId, patrolNews: false, source: 'pin', ...at })),
    );
  return ids;
}
