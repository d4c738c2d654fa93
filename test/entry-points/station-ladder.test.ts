// A station's SOS ladder is what people are promised ("if nobody responds within 2 minutes..."), so
// the admin API accepts only ladders that can be kept and said; and the operator is warned when the
// ladder has no command centre to climb to.
import request from 'supertest';
import { configWarnings, createApp } from '../../src/app';
import { silentLogger } from '../../src/logger';
import { SdkLineGateway } from '../../src/messaging/line-gateway';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { AnchoredClock } from '../../src/util/clock';
import { ADMIN_TOKEN, TEST_EPOCH, startHub, type HubFixture } from '../support/hub-fixture';

describe('PUT /admin/stations/:code SOS ladder', () => {
  let f: HubFixture;
  beforeAll(async () => {
    f = await startHub({ seed: true });
  });
  afterAll(async () => {
    await f.close();
  });

  const put = async (sosLadderMinutes: unknown) => {
    const station = (await f.hub.repos.stations.get('HYI'))!;
    return request(f.hub.app)
      .put('/admin/stations/HYI')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: station.name, phone: station.phone, location: station.location, sosLadderMinutes });
  };

  it.each([
    ['a rung at 0 minutes', [0, 5], 'sosLadderMinutes: rung 1 must be above 0 minutes'],
    ['a negative rung', [2, -1], 'sosLadderMinutes: rung 2 must be above 0 minutes'],
    ['a rung over an hour', [2, 61], 'sosLadderMinutes: rung 2 must be at most 60 minutes'],
    ['rungs out of order', [5, 2], 'sosLadderMinutes: rung 2 must come later than rung 1'],
    ['two rungs at the same time', [2, 2], 'sosLadderMinutes: rung 2 must come later than rung 1'],
    ['no rung at all', [], 'sosLadderMinutes: between 1 and 5 rungs'],
    ['six rungs', [1, 2, 3, 4, 5, 6], 'sosLadderMinutes: between 1 and 5 rungs'],
  ])(
    'when the ladder has %s, then it is refused with a 400 naming the field, and the station keeps its ladder',
    async (_name, ladder, message) => {
      const res = await put(ladder);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(message);
      expect((await f.hub.repos.stations.get('HYI'))!.sosLadderMinutes).toBeUndefined();
    },
  );

  it('when the ladder climbs within an hour, then it is saved', async () => {
    const res = await put([0.5, 3, 60]);
    expect(res.status).toBe(200);
    expect((await f.hub.repos.stations.get('HYI'))!.sosLadderMinutes).toEqual([0.5, 3, 60]);
  });
});

describe('configuration warnings', () => {
  const line = { channelSecret: 's', channelAccessToken: 't', emulated: false };

  it('when LINE credentials are set and no command centre group is configured, then the operator is warned', () => {
    expect(configWarnings({ line, commandCentreGroupId: undefined })).toEqual([
      expect.stringContaining('COMMAND_CENTRE_GROUP_ID is not set'),
    ]);
  });

  it('when a command centre is configured, or the hub runs on the emulator, then there is nothing to warn about', () => {
    expect(configWarnings({ line, commandCentreGroupId: 'C' + '9'.repeat(32) })).toEqual([]);
    expect(configWarnings({ line: { ...line, emulated: true }, commandCentreGroupId: undefined })).toEqual([]);
  });

  it('when a real LINE channel has no command centre, then /readyz stays ready and lists the warning', async () => {
    const store = new EmbeddedStore();
    // Never called: /readyz asks only the store.
    const gateway = new SdkLineGateway({ channelAccessToken: 't', baseUrl: 'http://127.0.0.1:9' });
    const hub = createApp({
      config: { line: { ...line, apiBaseUrl: undefined }, adminToken: ADMIN_TOKEN, commandCentreGroupId: undefined },
      store,
      line: gateway,
      clock: new AnchoredClock(TEST_EPOCH),
      logger: silentLogger,
    });
    try {
      const res = await request(hub.app).get('/readyz').expect(200);
      expect(res.body).toMatchObject({
        status: 'ready',
        warnings: [expect.stringContaining('COMMAND_CENTRE_GROUP_ID')],
      });
    } finally {
      await hub.stop();
      await gateway.close();
      await store.close();
    }
  });
});
