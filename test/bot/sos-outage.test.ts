// An SOS while LINE will not take the alert card: the hub keeps trying for as long as the alert is
// open, tells the person to call 191 when nobody has been reached, and tells them when it got through.
import { loadTexts } from '../../src/i18n/i18n';
import { JOHN, OFFICER_A, SOMCHAI, setUpCity } from '../support/city';
import { gid, startHub, type HubFixture } from '../support/hub-fixture';

const COMMAND_CENTRE = gid('9');
const texts = loadTexts();
const NOT_REACHED = texts.t('th')('delivery:sos.notReachedYet');
const NOT_REACHED_EN = texts.t('en')('delivery:sos.notReachedYet');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sosCards = (f: HubFixture, chat: string) =>
  f.seen(chat).filter((m) => m.type === 'flex' && m.altText?.includes('SOS'));

async function city(): Promise<HubFixture> {
  const f = await startHub({
    seed: true,
    commandCentreGroupId: COMMAND_CENTRE,
    sosNotReachedAfterMs: 300,
    // Quick urgent retries: twelve of them (where the hub used to give up) take a fraction of a second.
    outboxOptions: { urgentBackoffBaseMs: 5, urgentBackoffMaxMs: 20 },
  });
  f.emulator.groups.add({ groupId: COMMAND_CENTRE, groupName: 'ศูนย์วิทยุ 191 สงขลา', memberIds: [OFFICER_A] });
  await setUpCity(f);
  return f;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !check() && waited < ms; waited += 10) await sleep(10);
}

describe('SOS while LINE refuses the alert', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await city();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when the alert card cannot reach the group for a while, then the person is told to call 191, the card keeps being retried, and when it arrives (once) the person is told so', async () => {
    f.emulator.faults.inject({ status: 503, endpoint: 'push', to: COMMAND_CENTRE, count: 100_000 });
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    const refused = () => f.emulator.calls({ endpoint: 'push', to: COMMAND_CENTRE }).filter((c) => c.status === 503);
    await until(() => f.seen(SOMCHAI).some((m) => m.text === NOT_REACHED) && refused().length > 12);
    // Told while the group still has nothing.
    expect(f.seen(SOMCHAI).some((m) => m.text === NOT_REACHED)).toBe(true);
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(0);
    f.emulator.faults.clear(); // LINE takes the group's messages again
    await f.settle();
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
    const pushes = f.emulator.calls({ endpoint: 'push', to: COMMAND_CENTRE });
    expect(pushes.filter((c) => c.status === 503).length).toBeGreaterThan(12); // past the old limit of 12 tries
    expect(new Set(pushes.map((c) => c.retryKey)).size).toBe(1);
    const said = f.seen(SOMCHAI).map((m) => m.text ?? '');
    const notReached = said.indexOf(NOT_REACHED);
    expect(said.slice(notReached + 1)).toEqual([expect.stringMatching(/^✅ แจ้งเหตุฉุกเฉินของคุณส่งถึงเจ้าหน้าที่ตำรวจแล้วค่ะ/)]);
    // Both come with the call-191 button.
    const notice = f.seen(SOMCHAI).at(-1)!;
    expect(notice.message.quickReply.items.map((i: { action: { uri?: string } }) => i.action.uri)).toContain('tel:191');
  });

  it('when the alert reaches the group within the grace time, then the person is told nothing more', async () => {
    f.emulator.faults.inject({ count: 3, status: 500, endpoint: 'push', to: COMMAND_CENTRE });
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.settle();
    await sleep(400);
    await f.settle();
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
    expect(f.seen(JOHN).some((m) => m.text === NOT_REACHED_EN)).toBe(false);
    expect(f.seen(JOHN).some((m) => m.text?.startsWith('✅'))).toBe(false);
  });

  it('when the alert is closed while LINE still refuses its card, then the hub stops sending it and records why', async () => {
    f.emulator.faults.inject({ status: 503, endpoint: 'push', to: COMMAND_CENTRE, forMs: 20_000 });
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await until(() => f.seen(SOMCHAI).some((m) => m.text === NOT_REACHED));
    const [alert] = await f.store.collection<{ _id: string }>('alerts').find({});
    // An officer who heard of it another way (a 191 call) closes it.
    await f.emulator.driver.postback({ userId: OFFICER_A }, `a=sos-act&id=${alert!._id}&to=acknowledged`);
    await f.emulator.driver.postback(
      { groupId: gid('1'), userId: OFFICER_A },
      `a=sos-act&id=${alert!._id}&to=false_alarm`,
    );
    // The card's next retry finds the alert closed; then LINE takes the group's messages again
    // (the officers' updates, which wait like any case update, go through).
    const cardRow = async () => (await f.hub.repos.outbox.find({ purpose: 'sos-alert' }))[0];
    for (let i = 0; i < 500 && (await cardRow())?.status !== 'failed'; i++) await sleep(10);
    f.emulator.faults.clear();
    await f.settle();
    const card = await cardRow();
    expect(card).toMatchObject({ status: 'failed' });
    expect(card!.lastError).toMatch(/^no longer wanted \(its SOS alert was closed\); last error 503/);
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(0);
  });
});
