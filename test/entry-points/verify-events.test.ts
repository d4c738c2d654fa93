// The LINE console's "Verify" button sends sample events from a dummy user with dummy reply tokens:
// all zeros for the first, all f's for the second. Neither is a person: nothing is stored, nothing
// is sent (a push to a user who does not exist would spend quota).
import { startHub, uid, type HubFixture } from '../support/hub-fixture';

const DUMMY = 'Udeadbeefdeadbeefdeadbeefdeadbeef';
const JOHN = uid('b');

describe('verify events from the LINE console', () => {
  let f: HubFixture;
  let template: Record<string, any>;
  beforeEach(async () => {
    f = await startHub();
    f.emulator.users.add({ userId: JOHN, displayName: 'John', language: 'en' });
    // A real event's shape, to copy with the console's dummy values.
    template = (await f.emulator.driver.text({ userId: JOHN }, 'hello')).events[0];
    await f.settle();
  });
  afterEach(async () => {
    await f.close();
  });

  const copy = (n: string, userId: string, replyToken: string) => ({
    ...template,
    // Never the template's own id (replacing its last characters could give it back, 1 run in 1,024).
    webhookEventId: `${template.webhookEventId}-${n}`,
    source: { type: 'user', userId },
    replyToken,
    message: { ...template.message, id: `99900011122233${n.slice(-1)}`, text: 'Hello, world' },
  });

  it.each([
    ['all f', 'f'.repeat(32)],
    ['all F', 'F'.repeat(32)],
    ['all zeros', '0'.repeat(32)],
  ])(
    'when an event carries the %s verify reply token, then it is ignored: not stored, not answered',
    async (_, token) => {
      const before = await f.hub.repos.inbox.count();
      const result = await f.emulator.driver.send([copy('V1', DUMMY, token)]);
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
      await f.settle();
      expect(await f.hub.repos.inbox.count()).toBe(before);
      expect(f.emulator.delivered(DUMMY)).toHaveLength(0);
      expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(0);
    },
  );

  it("when a real reply token begins with f's, then the event is handled and answered", async () => {
    const result = await f.emulator.driver.send([copy('R1', JOHN, 'f'.repeat(31) + 'a')]);
    expect(JSON.parse(result.body)).toEqual({ accepted: 1, duplicates: 0 });
    await f.settle();
    expect(f.seen(JOHN)).toHaveLength(2);
  });
});
