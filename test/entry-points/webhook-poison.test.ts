// Signed bodies that LINE itself would never send (a bug, or someone holding the channel secret):
// one bad event is kept as invalid, the rest of its body is handled, nothing reaches a query or a URL.
import { SOMCHAI, OFFICER_A, setUpCity } from '../support/city';
import { TEST_EPOCH, gid, startHub, uid, type HubFixture } from '../support/hub-fixture';

const COMMAND_CENTRE = gid('9');
let n = 0;
const base = (overrides: Record<string, unknown>) => ({
  type: 'message',
  mode: 'active',
  timestamp: TEST_EPOCH,
  webhookEventId: `01JPOISON${String(++n).padStart(17, '0')}`,
  deliveryContext: { isRedelivery: false },
  replyToken: `${'ab'.repeat(15)}${String(n).padStart(2, '0')}`,
  source: { type: 'user', userId: uid('b') },
  message: { id: String(900_000_000_000 + n), type: 'text', quoteToken: 'q', text: 'hello' },
  ...overrides,
});

describe('webhook: poison events', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub({ seed: true, commandCentreGroupId: COMMAND_CENTRE });
    f.emulator.users.add({ userId: uid('b'), displayName: 'John', language: 'en' });
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a signed body holds an event nested 5,000 deep beside a good one, then it answers 200, the good one is answered, and the deep one is kept as invalid', async () => {
    const good = base({});
    const deepId = `01JPOISONDEEP${'0'.repeat(13)}`;
    const deep = `{"type":"message","webhookEventId":"${deepId}","timestamp":${TEST_EPOCH},"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const rawBody = `{"destination":"${f.emulator.botUserId}","events":[${JSON.stringify(good)},${deep}]}`;
    const result = await f.emulator.driver.send([], { rawBody });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 1, duplicates: 0, invalid: 1 });
    expect(await f.hub.repos.inbox.get(deepId)).toMatchObject({
      status: 'failed',
      error: 'invalid event: nested deeper than 32 levels',
      event: { type: 'message', invalid: true },
    });
    // LINE redelivers the same body: the same answer, nothing handled twice.
    const again = await f.emulator.driver.send([], { rawBody });
    expect(JSON.parse(again.body)).toEqual({ accepted: 0, duplicates: 2, invalid: 1 });
    await f.settle();
    expect(f.seen(uid('b'))).toHaveLength(1);
  });

  it.each([
    ['a user id with spaces', { source: { type: 'user', userId: 'U a b' } }, 'source user id is not a LINE user id'],
    ['a Thai user id', { source: { type: 'user', userId: 'Uกขค' } }, 'source user id is not a LINE user id'],
    ['a text that is not a string', { message: { id: '1', type: 'text', text: { x: 1 } } }, 'text message has no text'],
    ['no source.userId in a 1:1 chat', { source: { type: 'user' } }, 'source.userId is missing'],
  ])(
    'when an event carries %s, then it is kept as invalid and nothing is sent to LINE for it',
    async (_what, bad, reason) => {
      const event = base(bad);
      const result = await f.emulator.driver.send([event]);
      expect(result.status).toBe(200);
      expect(await f.hub.repos.inbox.get(event.webhookEventId)).toMatchObject({
        status: 'failed',
        error: `invalid event: ${reason}`,
      });
      await f.settle();
      expect(f.emulator.calls().filter((c) => c.endpoint !== 'profile')).toHaveLength(0);
    },
  );

  it('when a body holds 50 invalid events beside a good one, then the good one is answered and only the first 10 invalid ones are kept', async () => {
    const bad = Array.from({ length: 50 }, () => base({ source: { type: 'user', userId: 'not-a-line-id' } }));
    const result = await f.emulator.driver.send([...bad, base({})]);
    expect(JSON.parse(result.body)).toEqual({ accepted: 1, duplicates: 0, invalid: 50 });
    expect(await f.hub.repos.inbox.count('failed')).toBe(10);
    await f.settle();
    expect(f.seen(uid('b'))).toHaveLength(1);
  });

  it('when a signed group postback names its user with a query object ({"$gt": "U"}), then no officer action happens and the alert stays new', async () => {
    await setUpCity(f);
    f.emulator.groups.add({ groupId: COMMAND_CENTRE, groupName: 'ศูนย์วิทยุ', memberIds: [OFFICER_A] });
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.settle();
    const [alert] = await f.store.collection<{ _id: string; status: string }>('alerts').find({});
    const forged = base({
      type: 'postback',
      source: { type: 'group', groupId: COMMAND_CENTRE, userId: { $gt: 'U' } },
      postback: { data: `a=sos-act&id=${alert!._id}&to=resolved` },
    });
    delete (forged as Record<string, unknown>).message;
    const result = await f.emulator.driver.send([forged]);
    expect(JSON.parse(result.body)).toEqual({ accepted: 0, duplicates: 0, invalid: 1 });
    await f.settle();
    expect(
      (await f.store.collection<{ _id: string; status: string }>('alerts').findOne({ _id: alert!._id }))!.status,
    ).toBe('new');
    expect(await f.hub.repos.inbox.get(forged.webhookEventId)).toMatchObject({
      status: 'failed',
      error: 'invalid event: source user id is not a LINE user id',
    });
  });
});
