// Who may call the admin API, and what each caller reaches: the super-admin, station admin tokens,
// dashboard sessions (cookie + CSRF), and the audit every change leaves.
import crypto from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { adminGuard } from '../../src/entry-points/admin-auth';
import { adminOf } from '../../src/entry-points/admin-http';
import { errorHandler } from '../../src/entry-points/http-errors';
import { silentLogger } from '../../src/logger';
import type { ManualClock } from '../../src/util/clock';
import { sameSecret } from '../../src/domain/admin/admin-actor';
import { sessionSchema, tokenSchema } from '../../src/entry-points/admin-schemas';
import { fileReport } from '../support/report';
import { SOMCHAI, setUpCity } from '../support/city';
import { ADMIN_TOKEN, startHub, type HubFixture } from '../support/hub-fixture';
import { SUPER, expectShape, numbered, stationToken } from '../support/admin';

describe('admin tokens: 401 and 403', () => {
  let f: HubFixture;
  let hyi: string;
  let khh: string;
  beforeAll(async () => {
    f = await startHub({ seed: true });
    await setUpCity(f);
    await fileReport(f, SOMCHAI, { words: 'มีคนขโมยจักรยานหน้าร้าน' });
    hyi = await stationToken(f, 'HYI', 'ศูนย์สั่งการ สภ.หาดใหญ่');
    khh = await stationToken(f, 'KHH', 'สภ.คลองแห');
  });
  afterAll(async () => {
    await f.close();
  });

  const get = (path: string, authorization?: string) => {
    const r = request(f.hub.app).get(path);
    return authorization === undefined ? r : r.set('authorization', authorization);
  };

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token of the same length as ADMIN_TOKEN', `Bearer ${'x'.repeat(ADMIN_TOKEN.length)}`],
    ['ADMIN_TOKEN with its last character changed', `Bearer ${ADMIN_TOKEN.slice(0, -1)}X`],
    ['a shorter token', 'Bearer short'],
    ['a station token with a wrong secret', 'Bearer ssz_0123456789ab_' + 'A'.repeat(43)],
    ['lowercase bearer', `bearer ${ADMIN_TOKEN}`],
    ['Basic auth', `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`],
  ])('when the caller sends %s, then the answer is 401 and says how to authenticate', async (_name, header) => {
    const res = await get('/admin/cases', header);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/Authorization: Bearer/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when a station token has its secret altered in the last character, then it is refused with 401', async () => {
    const altered = hyi.slice(0, -1) + (hyi.endsWith('A') ? 'B' : 'A');
    expect((await get('/admin/stations', `Bearer ${altered}`)).status).toBe(401);
    expect((await get('/admin/stations', `Bearer ${hyi}`)).status).toBe(200);
  });

  it('when a station admin asks for another station’s case, list, zone or station, then each answer is 403', async () => {
    const hyiCase = numbered(f, 'HYI', 1);
    expect((await get(`/admin/cases/${hyiCase}`, `Bearer ${hyi}`)).status).toBe(200);
    for (const path of [
      `/admin/cases/${hyiCase}`,
      '/admin/cases?station=HYI',
      '/admin/stations/HYI',
      '/admin/zones?station=HYI',
      '/admin/officers?station=HYI',
      '/admin/audit?station=HYI',
    ]) {
      const res = await get(path, `Bearer ${khh}`);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body.message).toMatch(/another station/);
    }
  });

  it('when a station admin lists without naming a station, then only their station comes back', async () => {
    const cases = await get('/admin/cases', `Bearer ${khh}`);
    expect(cases.status).toBe(200);
    expect(cases.body.items).toEqual([]);
    const stations = await get('/admin/stations', `Bearer ${khh}`);
    expect(stations.body.map((s: { _id: string }) => s._id)).toEqual(['KHH']);
    const all = await get('/admin/stations', SUPER);
    expect(all.body.map((s: { _id: string }) => s._id)).toEqual(['HYI', 'KHH']);
  });

  it('when a station admin tries a super-admin call (make a token, read the quota), then it is 403 and nothing is made', async () => {
    const made = await request(f.hub.app)
      .post('/admin/tokens')
      .set('authorization', `Bearer ${khh}`)
      .send({ stationCode: 'KHH', name: 'another' });
    expect(made.status).toBe(403);
    expect((await f.hub.repos.adminTokens.list('KHH')).map((t) => t.name)).toEqual(['สภ.คลองแห']);
    expect((await get('/admin/quota', `Bearer ${khh}`)).status).toBe(403);
  });

  it('when a station admin changes another station, then it is 403 and the station keeps its phone', async () => {
    const station = (await f.hub.repos.stations.get('HYI'))!;
    const res = await request(f.hub.app)
      .put('/admin/stations/HYI')
      .set('authorization', `Bearer ${khh}`)
      .send({ name: station.name, phone: '000', location: station.location });
    expect(res.status).toBe(403);
    expect((await f.hub.repos.stations.get('HYI'))!.phone).toBe(station.phone);
  });
});

describe('token comparison', () => {
  it('when tokens of different lengths are compared, then the comparison still runs in full over two equal-length digests', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(sameSecret('short', 'a-much-longer-secret-value')).toBe(false);
      expect(sameSecret('same-secret', 'same-secret')).toBe(true);
      expect(spy).toHaveBeenCalledTimes(2);
      for (const [a, b] of spy.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
    } finally {
      spy.mockRestore();
    }
  });
});

describe('station admin tokens', () => {
  let f: HubFixture;
  beforeAll(async () => {
    f = await startHub({ seed: true });
  });
  afterAll(async () => {
    await f.close();
  });

  it('when the super-admin makes a token, then it is shown once, stored only as a hash, listed without secrets, and revoking it locks it out', async () => {
    const made = await request(f.hub.app)
      .post('/admin/tokens')
      .set('authorization', SUPER)
      .send({ stationCode: 'HYI', name: 'ร.ต.อ. สมศักดิ์ (เวรสอบสวน)' });
    expect(made.status).toBe(201);
    const token: string = made.body.token;
    const [, , secret] = /^ssz_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token) ?? [];
    // The secret is base64url and may hold "_": split('_') cut it short, and to "" when it began with one.
    expect(secret).toHaveLength(43);
    const stored = (await f.hub.repos.adminTokens.get(made.body.id))!;
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);

    const list = await request(f.hub.app).get('/admin/tokens').set('authorization', SUPER);
    expect(list.body).toEqual([expect.objectContaining({ id: made.body.id, name: 'ร.ต.อ. สมศักดิ์ (เวรสอบสวน)' })]);
    expect(JSON.stringify(list.body)).not.toMatch(/secret|token"/i);
    list.body.forEach((t: unknown) => expectShape(tokenSchema, t));

    expect((await request(f.hub.app).get('/admin/cases').set('authorization', `Bearer ${token}`)).status).toBe(200);
    const revoked = await request(f.hub.app).delete(`/admin/tokens/${made.body.id}`).set('authorization', SUPER);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedBy).toBe('super-admin');
    expect((await request(f.hub.app).get('/admin/cases').set('authorization', `Bearer ${token}`)).status).toBe(401);
    expect((await request(f.hub.app).delete(`/admin/tokens/${made.body.id}`).set('authorization', SUPER)).status).toBe(
      409,
    );
  });

  it('when a token is asked for a station that does not exist, then it is refused naming stationCode', async () => {
    const res = await request(f.hub.app)
      .post('/admin/tokens')
      .set('authorization', SUPER)
      .send({ stationCode: 'NOPE', name: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('stationCode: no such station');
  });
});

describe('dashboard sessions', () => {
  const cookieOf = (res: request.Response) => String(res.headers['set-cookie']?.[0] ?? '');

  it('when a station admin signs in, then a Strict HttpOnly cookie (not Secure on http) stands for the token, changes need the CSRF header, and signing out ends it', async () => {
    const f = await startHub({ seed: true });
    try {
      const token = await stationToken(f, 'HYI', 'โต๊ะสายตรวจ');
      const signIn = await request(f.hub.app).post('/admin/session').set('authorization', `Bearer ${token}`);
      expect(signIn.status).toBe(201);
      expectShape(sessionSchema, signIn.body);
      const setCookie = cookieOf(signIn);
      expect(setCookie).toMatch(/^ssz_admin=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).not.toMatch(/Secure/);
      const cookie = setCookie.split(';')[0]!;
      // The cookie is not in the store: only its hash is.
      const [session] = await f.store.collection<{ _id: string }>('adminSessions').find({});
      expect(session!._id).not.toBe(cookie.split('=')[1]);

      const who = await request(f.hub.app).get('/admin/session').set('cookie', cookie);
      expect(who.body).toEqual({
        actor: { kind: 'station', name: 'โต๊ะสายตรวจ', stationCode: 'HYI' },
        via: 'session',
        csrfToken: signIn.body.csrfToken,
        expiresAt: signIn.body.expiresAt,
      });
      // Twelve hours from sign-in (ADMIN_SESSION_HOURS' default).
      const stored = (
        await f.store.collection<{ _id: string; createdAt: number; expiresAt: number }>('adminSessions').find({})
      )[0]!;
      expect(stored.expiresAt - stored.createdAt).toBe(12 * 60 * 60_000);
      expect(stored.expiresAt).toBe(signIn.body.expiresAt);

      const targets = { sosAcknowledgeMinutes: 3 };
      const forged = await request(f.hub.app).put('/admin/stations/HYI/targets').set('cookie', cookie).send(targets);
      expect(forged.status).toBe(403);
      expect(forged.body.message).toMatch(/X-CSRF-Token/);
      const wrong = await request(f.hub.app)
        .put('/admin/stations/HYI/targets')
        .set('cookie', cookie)
        .set('x-csrf-token', 'not-the-token')
        .send(targets);
      expect(wrong.status).toBe(403);
      expect(await f.hub.repos.stationTargets.get('HYI')).toBeNull();

      const ok = await request(f.hub.app)
        .put('/admin/stations/HYI/targets')
        .set('cookie', cookie)
        .set('x-csrf-token', signIn.body.csrfToken)
        .send(targets);
      expect(ok.status).toBe(200);
      expect((await f.hub.repos.stationTargets.get('HYI'))!.sosAcknowledgeMinutes).toBe(3);

      const out = await request(f.hub.app)
        .delete('/admin/session')
        .set('cookie', cookie)
        .set('x-csrf-token', signIn.body.csrfToken);
      expect(out.status).toBe(204);
      expect(cookieOf(out)).toMatch(/^ssz_admin=;/);
      expect((await request(f.hub.app).get('/admin/cases').set('cookie', cookie)).status).toBe(401);
    } finally {
      await f.close();
    }
  });

  it('when the hub’s public URL is https, then the session cookie is Secure; and revoking the token ends its sessions', async () => {
    const f = await startHub({ seed: true, publicBaseUrl: 'https://hub.example.org' });
    try {
      const token = await stationToken(f, 'KHH', 'สภ.คลองแห');
      const signIn = await request(f.hub.app).post('/admin/session').set('authorization', `Bearer ${token}`);
      expect(cookieOf(signIn)).toMatch(/; Secure/);
      const cookie = cookieOf(signIn).split(';')[0]!;
      expect((await request(f.hub.app).get('/admin/cases').set('cookie', cookie)).status).toBe(200);
      const [made] = await f.hub.repos.adminTokens.list('KHH');
      await request(f.hub.app).delete(`/admin/tokens/${made!._id}`).set('authorization', SUPER).expect(200);
      expect((await request(f.hub.app).get('/admin/cases').set('cookie', cookie)).status).toBe(401);
    } finally {
      await f.close();
    }
  });

  it('when a session is older than ADMIN_SESSION_HOURS, then its cookie no longer works', async () => {
    const f = await startHub({ seed: true, clock: 'manual' });
    try {
      const signIn = await request(f.hub.app).post('/admin/session').set('authorization', SUPER);
      const cookie = cookieOf(signIn).split(';')[0]!;
      (f.clock as ManualClock).advance(12 * 60 * 60_000 - 1);
      expect((await request(f.hub.app).get('/admin/session').set('cookie', cookie)).status).toBe(200);
      (f.clock as ManualClock).advance(1);
      expect((await request(f.hub.app).get('/admin/session').set('cookie', cookie)).status).toBe(401);
    } finally {
      await f.close();
    }
  });

  it('when someone posts to sign in without a bearer token (a form on another site carrying the cookie), then no session is made', async () => {
    const f = await startHub({ seed: true });
    try {
      const signIn = await request(f.hub.app).post('/admin/session').set('authorization', SUPER);
      const cookie = cookieOf(signIn).split(';')[0]!;
      const again = await request(f.hub.app)
        .post('/admin/session')
        .set('cookie', cookie)
        .set('x-csrf-token', signIn.body.csrfToken);
      expect(again.status).toBe(400);
      expect(await f.store.collection('adminSessions').count({})).toBe(1);
    } finally {
      await f.close();
    }
  });
});

describe('audit of changes, validation, headers and the API description', () => {
  let f: HubFixture;
  beforeAll(async () => {
    f = await startHub({ seed: true });
  });
  afterAll(async () => {
    await f.close();
  });

  it('when a station admin changes their station, then the audit says who, what, before, after and when, and another station cannot read it', async () => {
    const token = await stationToken(f, 'HYI', 'ผู้ดูแล สภ.หาดใหญ่');
    const before = (await f.hub.repos.stations.get('HYI'))!;
    const changedFrom = f.clock.now();
    await request(f.hub.app)
      .put('/admin/stations/HYI')
      .set('authorization', `Bearer ${token}`)
      .send({ name: before.name, phone: '074-000-111', location: before.location })
      .expect(200);
    const audit = await request(f.hub.app)
      .get('/admin/audit?type=station&target=HYI')
      .set('authorization', `Bearer ${token}`);
    expect(audit.status).toBe(200);
    expect(audit.body).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: 'station', name: 'ผู้ดูแล สภ.หาดใหญ่', stationCode: 'HYI' }),
        action: 'station.update',
        target: { type: 'station', id: 'HYI' },
        stationCode: 'HYI',
        before: expect.objectContaining({ phone: before.phone }),
        after: expect.objectContaining({ phone: '074-000-111' }),
      }),
    ]);
    expect(audit.body[0].at).toBeGreaterThanOrEqual(changedFrom);
    expect(audit.body[0].at).toBeLessThanOrEqual(f.clock.now());
    const khh = await stationToken(f, 'KHH', 'ผู้ดูแล สภ.คลองแห');
    const theirs = await request(f.hub.app).get('/admin/audit').set('authorization', `Bearer ${khh}`);
    // Only what touched KHH: its own token being made.
    expect(theirs.body.map((e: { action: string; stationCode: string }) => [e.action, e.stationCode])).toEqual([
      ['token.create', 'KHH'],
    ]);
    const everything = await request(f.hub.app).get('/admin/audit').set('authorization', SUPER);
    expect(everything.body.map((e: { action: string }) => e.action)).toEqual([
      'token.create',
      'station.update',
      'token.create',
    ]);
  });

  it.each([
    ['a latitude out of range', { location: { lat: 95, lng: 100 } }, 'location.lat'],
    ['a missing Thai name', { name: { en: 'x', ms: 'y' } }, 'name.th'],
    ['a phone that is not text', { phone: 74 }, 'phone'],
  ])('when a station is sent with %s, then the 400 names the field', async (_name, change, field) => {
    const station = (await f.hub.repos.stations.get('KHH'))!;
    const res = await request(f.hub.app)
      .put('/admin/stations/KHH')
      .set('authorization', SUPER)
      .send({ name: station.name, phone: station.phone, location: station.location, ...change });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
    expect(res.body.issues).toEqual([expect.objectContaining({ in: 'body', path: field })]);
  });

  it.each([
    ['/admin/cases?status=lost', 'status.0'],
    ['/admin/cases?from=yesterday', 'from'],
    ['/admin/cases?limit=5000', 'limit'],
    ['/admin/alerts?status=new,gone', 'status.1'],
  ])('when %s is asked, then the 400 names the query field', async (path, field) => {
    const res = await request(f.hub.app).get(path).set('authorization', SUPER);
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ in: 'query', path: field })]);
  });

  it('when any admin answer comes back, then it is not cached, not sniffed and carries no CORS header', async () => {
    for (const res of [
      await request(f.hub.app).get('/admin/stations').set('authorization', SUPER),
      await request(f.hub.app).get('/admin/stations'),
      await request(f.hub.app)
        .options('/admin/stations')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'GET'),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('when /admin/openapi.json is read (without a token), then it is OpenAPI 3.1 listing every admin route with its schemas', async () => {
    const res = await request(f.hub.app).get('/admin/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const routes = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    for (const expected of [
      'POST /admin/session',
      'GET /admin/events',
      'GET /admin/cases',
      'GET /admin/cases.csv',
      'POST /admin/cases/{id}/status',
      'POST /admin/alerts/{id}/status',
      'GET /admin/figures',
      'PUT /admin/stations/{code}/targets',
      'DELETE /admin/officers/{userId}',
      'POST /admin/privacy/users/{userId}/erase',
      'POST /admin/tokens',
      'GET /admin/audit',
    ])
      expect(routes).toContain(expected);
    const put = res.body.paths['/admin/stations/{code}'].put;
    expect(put.requestBody.content['application/json'].schema.properties.location.properties.lat).toEqual(
      expect.objectContaining({ type: 'number', minimum: -90, maximum: 90 }),
    );
    expect(res.body.components.schemas.Case.properties.due).toBeDefined();
    expect(res.body.components.securitySchemes.session).toEqual(
      expect.objectContaining({ in: 'cookie', name: 'ssz_admin' }),
    );
  });
});

describe('another feature’s router behind the same guard (how /admin/broadcasts is mounted)', () => {
  it('when a router with no auth or audit of its own is mounted after adminGuard, then it gets 401s, station scope, CSRF and an audit entry for each change', async () => {
    const f = await startHub({ seed: true });
    try {
      const auth = {
        adminToken: ADMIN_TOKEN,
        tokens: f.hub.repos.adminTokens,
        sessions: f.hub.repos.adminSessions,
        audit: f.hub.repos.adminAudit,
        clock: f.clock,
        logger: silentLogger,
        secureCookies: false,
        sessionHours: 12,
      };
      const feature = express.Router();
      feature.post('/broadcasts', (req, res) => {
        res.status(201).json({ id: 'B-1', text: req.body.text, station: adminOf(res).actor.name });
      });
      const app = express();
      app.use('/admin', ...adminGuard(auth), feature);
      app.use(errorHandler(silentLogger));

      expect((await request(app).post('/admin/broadcasts').send({ text: 'x' })).status).toBe(401);
      const token = await stationToken(f, 'HYI', 'ประชาสัมพันธ์ สภ.หาดใหญ่');
      const made = await request(app)
        .post('/admin/broadcasts')
        .set('authorization', `Bearer ${token}`)
        .send({ text: 'ระวังมิจฉาชีพหลอกโอนเงิน' });
      expect(made.status).toBe(201);
      expect(made.headers['cache-control']).toBe('no-store');
      const [entry] = await f.hub.repos.adminAudit.list({ targetType: 'http', limit: 5 });
      expect(entry).toEqual(
        expect.objectContaining({
          action: 'POST /admin/broadcasts',
          target: { type: 'http', id: '/admin/broadcasts' },
          stationCode: 'HYI',
          actor: expect.objectContaining({ name: 'ประชาสัมพันธ์ สภ.หาดใหญ่' }),
          after: {
            request: { text: 'ระวังมิจฉาชีพหลอกโอนเงิน' },
            answer: { id: 'B-1', text: 'ระวังมิจฉาชีพหลอกโอนเงิน', station: 'ประชาสัมพันธ์ สภ.หาดใหญ่' },
          },
        }),
      );

      const signIn = await request(f.hub.app).post('/admin/session').set('authorization', `Bearer ${token}`);
      const cookie = String(signIn.headers['set-cookie']![0]).split(';')[0]!;
      expect((await request(app).post('/admin/broadcasts').set('cookie', cookie).send({ text: 'y' })).status).toBe(403);
      expect(
        (
          await request(app)
            .post('/admin/broadcasts')
            .set('cookie', cookie)
            .set('x-csrf-token', signIn.body.csrfToken)
            .send({ text: 'y' })
        ).status,
      ).toBe(201);
    } finally {
      await f.close();
    }
  });
});
