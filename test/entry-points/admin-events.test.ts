// The dashboard's live feed (GET /admin/events): changes in the store reach a signed-in dashboard
// on the next read (the hub reads once a second), only for the token's station, from any hub
// instance sharing the store. The reads are ticked by hand: no sleeps, no timed assertions.
import http from 'node:http';
import request from 'supertest';
import type { Ticker } from '../../src/entry-points/admin-events';
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, startHub, testHub, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';
import { SUPER, numbered, stationToken } from '../support/admin';

class HandTicker implements Ticker {
  period?: number;
  private task?: () => void;
  every(ms: number, task: () => void): () => void {
    this.period = ms;
    this.task = task;
    return () => (this.task = undefined);
  }
  get running(): boolean {
    return this.task !== undefined;
  }
}

interface Stream {
  events: Array<{ event: string; data: any }>;
  /** Resolves with the next event of that name not yet taken (fails the test after 5 s, never hangs it). */
  next(name: string): Promise<{ event: string; data: any }>;
  ended: Promise<void>;
  close(): void;
}

/** An EventSource as a dashboard opens one, with the session cookie. */
function openStream(base: string, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/admin/events`, { headers }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      const events: Stream['events'] = [];
      const taken = new Set<number>();
      const waiters: Array<() => void> = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: data ? JSON.parse(data) : undefined });
        }
        waiters.splice(0).forEach((w) => w());
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({
        events,
        ended,
        close: () => req.destroy(),
        next(name) {
          return new Promise((found, fail) => {
            const guard = setTimeout(() => fail(new Error(`no ${name} event came`)), 5000);
            const look = () => {
              const i = events.findIndex((e, n) => e.event === name && !taken.has(n));
              if (i < 0) return void waiters.push(look);
              taken.add(i);
              clearTimeout(guard);
              found(events[i]!);
            };
            look();
          });
        },
      });
    });
    req.on('error', reject);
  });
}

describe('GET /admin/events', () => {
  let f: HubFixture;
  const ticker = new HandTicker();
  let base: string;
  beforeAll(async () => {
    f = await startHub({ seed: true, adminFeedTicker: ticker });
    await setUpCity(f);
    base = f.webhookUrl.replace(/\/webhook$/, '');
  });
  afterAll(async () => {
    await f.close();
  });

  async function signIn(token: string): Promise<Record<string, string>> {
    const res = await request(f.hub.app).post('/admin/session').set('authorization', `Bearer ${token}`);
    return { cookie: String(res.headers['set-cookie']![0]).split(';')[0]! };
  }

  it('when a report is filed, moved, and an SOS raised, then the station’s dashboard hears each on the next read of the store, and the other station’s hears nothing', async () => {
    const hyi = await openStream(base, await signIn(await stationToken(f, 'HYI', 'จอ สภ.หาดใหญ่')));
    const khh = await openStream(base, await signIn(await stationToken(f, 'KHH', 'จอ สภ.คลองแห')));
    await hyi.next('ready');
    await khh.next('ready');
    // One read a second: a change is sent within that second plus one read (under 2 s).
    expect(ticker.period).toBe(1000);
    expect(f.hub.adminFeed.pollMs).toBe(1000);

    await fileReport(f, SOMCHAI, { words: 'ไฟถนนดับทั้งซอย', category: 'infrastructure' });
    await f.hub.adminFeed.poll();
    const filed = await hyi.next('case');
    expect(filed.data).toEqual(
      expect.objectContaining({
        _id: numbered(f, 'HYI', 1),
        status: 'new',
        category: 'infrastructure',
        due: expect.any(Object),
      }),
    );

    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      `a=case&id=${numbered(f, 'HYI', 1)}&to=acknowledged`,
    );
    await f.settle();
    await f.hub.adminFeed.poll();
    expect((await hyi.next('case')).data.status).toBe('acknowledged');

    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.settle();
    await f.hub.adminFeed.poll();
    expect((await hyi.next('alert')).data).toEqual(
      expect.objectContaining({ _id: numbered(f, 'HYI', 1, 'sos'), status: 'new' }),
    );

    // A read with nothing new sends nothing again.
    await f.hub.adminFeed.poll();
    expect(hyi.events.map((e) => e.event)).toEqual(['ready', 'case', 'case', 'alert']);
    expect(khh.events.map((e) => e.event)).toEqual(['ready']);
    hyi.close();
    khh.close();
    await Promise.all([hyi.ended, khh.ended]);
  });

  it('when another hub instance on the same store changes a case, then this instance’s dashboard hears it too', async () => {
    const stream = await openStream(base, { authorization: SUPER });
    await stream.next('ready');
    const other = testHub(f.emulatorUrl, f.store, { seed: true });
    try {
      const res = await request(other.hub.app)
        .post(`/admin/cases/${numbered(f, 'HYI', 1)}/status`)
        .set('authorization', SUPER)
        .send({ to: 'en_route' });
      expect(res.status).toBe(200);
      await f.hub.adminFeed.poll();
      expect((await stream.next('case')).data).toEqual(
        expect.objectContaining({ _id: numbered(f, 'HYI', 1), status: 'en_route' }),
      );
    } finally {
      stream.close();
      await other.hub.drain();
      await other.hub.stop();
      await other.line.close();
    }
  });

  it('when the token behind an open dashboard is revoked, then the stream says bye and closes, and the reads stop with the last dashboard', async () => {
    const token = await stationToken(f, 'HYI', 'จอชั่วคราว');
    const stream = await openStream(base, await signIn(token));
    await stream.next('ready');
    expect(ticker.running).toBe(true);
    const [made] = (await f.hub.repos.adminTokens.list('HYI')).filter((t) => t.name === 'จอชั่วคราว');
    await request(f.hub.app).delete(`/admin/tokens/${made!._id}`).set('authorization', SUPER).expect(200);
    await f.hub.adminFeed.poll();
    expect((await stream.next('bye')).data).toEqual({ reason: 'signed out or token revoked' });
    await stream.ended;
    expect(f.hub.adminFeed.open).toBe(0);
    expect(ticker.running).toBe(false);
  });

  it('when events are asked for without a token, then the answer is 401', async () => {
    await expect(openStream(base, {})).rejects.toThrow('events answered 401');
  });
});
