// Two officers tap Acknowledge at the same moment: the first write wins, the other hears who has it.
// The taps run truly at once: on two hub instances (a case's group is one queue per instance), or
// from two groups that hold the same SOS; a RaceStore gate holds each status write until both taps
// have read the case or alert, so neither can see the other's answer first.
import { HYI_GROUP, JOHN, OFFICER_A, OFFICER_B, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, gid, startHub, type HubFixture } from '../support/hub-fixture';
import { RaceStore, auditedUpdate } from '../support/race-store';
import { fileReport } from '../support/report';
import { secondInstance, type SecondInstance } from '../support/second-instance';

const NAMES: Record<string, string> = { [OFFICER_A]: 'ร.ต.อ. อนันต์', [OFFICER_B]: 'ด.ต. บุญมี' };
const COMMAND_CENTRE = gid('9');
const texts = (f: HubFixture, chat: string) => f.seen(chat).map((m) => m.text ?? '');

describe('when two officers tap Acknowledge on one case at the same moment', () => {
  let store: RaceStore;
  let f: HubFixture;
  let b: SecondInstance;
  beforeEach(async () => {
    store = new RaceStore();
    f = await startHub({ seed: true, store });
    b = await secondInstance(f);
    await setUpCity(f);
  });
  afterEach(async () => {
    await b.close();
    await f.close();
  });

  it('then exactly one owns it, the group hears one acknowledgement and the other officer who has it, and the reporter is told once', async () => {
    await fileReport(f, SOMCHAI, { words: 'มีคนงัดรถจักรยานยนต์' });
    const caseId = (await f.hub.repos.cases.byReporter(SOMCHAI))[0]!._id;
    const bothRead = store.hold('cases', 2, auditedUpdate);
    // The load balancer sends one tap to each instance (dispatch reads the URL before it awaits).
    const tap = (userId: string) =>
      f.emulator.driver.postback({ groupId: HYI_GROUP, userId }, `a=case&id=${caseId}&to=acknowledged`);
    f.emulator.setWebhookUrl(f.webhookUrl);
    const first = tap(OFFICER_A);
    f.emulator.setWebhookUrl(b.webhookUrl);
    const second = tap(OFFICER_B);
    await Promise.all([first, second, bothRead]);
    await Promise.all([f.settle(), b.hub.drain()]);

    const c = (await f.hub.repos.cases.get(caseId))!;
    expect(c.status).toBe('acknowledged');
    expect(c.audit.map((a) => `${a.from}>${a.to}`)).toEqual(['new>acknowledged']);
    const winner = c.ownerId!;
    expect([OFFICER_A, OFFICER_B]).toContain(winner);
    expect(c.audit[0]!.by).toBe(winner);
    const group = texts(f, HYI_GROUP);
    expect(group.filter((t) => t.includes('รับเรื่องแล้ว โดย'))).toEqual([`✅ ${caseId} · รับเรื่องแล้ว โดย ${NAMES[winner]}`]);
    expect(group.filter((t) => t.includes('ไปแล้วค่ะ'))).toEqual([`${NAMES[winner]} รับเรื่อง ${caseId} ไปแล้วค่ะ`]);
    expect(texts(f, SOMCHAI).filter((t) => t.includes('รับเรื่องแล้ว'))).toHaveLength(1);
  });
});

describe('when officers in two groups holding one SOS tap Acknowledge at the same moment', () => {
  let store: RaceStore;
  let f: HubFixture;
  beforeEach(async () => {
    store = new RaceStore();
    f = await startHub({ seed: true, store, commandCentreGroupId: COMMAND_CENTRE });
    f.emulator.groups.add({ groupId: COMMAND_CENTRE, groupName: 'ศูนย์วิทยุ 191 สงขลา', memberIds: [OFFICER_A] });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f.close();
  });

  it('then exactly one takes it, the person hears one officer, and the other group hears who has it', async () => {
    // No pin: the command centre holds it; the first pin brings in Hat Yai, and both groups hold it.
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.settle();
    const alert = (await f.hub.repos.alerts.openFor(JOHN))!;
    expect(alert).toMatchObject({ groupId: HYI_GROUP, alsoAlerted: [COMMAND_CENTRE] });

    const bothRead = store.hold('alerts', 2, auditedUpdate);
    await Promise.all([
      f.emulator.driver.postback(
        { groupId: COMMAND_CENTRE, userId: OFFICER_A },
        `a=sos-act&id=${alert._id}&to=acknowledged`,
      ),
      f.emulator.driver.postback(
        { groupId: HYI_GROUP, userId: OFFICER_B },
        `a=sos-act&id=${alert._id}&to=acknowledged`,
      ),
      bothRead,
    ]);
    await f.settle();

    const stored = (await f.hub.repos.alerts.get(alert._id))!;
    expect(stored.status).toBe('acknowledged');
    expect(stored.audit.map((a) => `${a.from}>${a.to}`)).toEqual(['new>acknowledged']);
    const winner = stored.ownerId!;
    expect([OFFICER_A, OFFICER_B]).toContain(winner);
    const [winnerGroup, loserGroup] = winner === OFFICER_A ? [COMMAND_CENTRE, HYI_GROUP] : [HYI_GROUP, COMMAND_CENTRE];
    expect(texts(f, winnerGroup).filter((t) => t.includes('ไปแล้วค่ะ'))).toEqual([]);
    expect(texts(f, loserGroup).filter((t) => t.includes('ไปแล้วค่ะ'))).toEqual([
      `${NAMES[winner]} รับเรื่อง ${alert._id} ไปแล้วค่ะ`,
    ]);
    // Each group hears once that it was taken, and by whom.
    for (const group of [COMMAND_CENTRE, HYI_GROUP])
      expect(texts(f, group).filter((t) => t.includes('รับเรื่องแล้ว โดย'))).toEqual([
        expect.stringContaining(`${alert._id} · รับเรื่องแล้ว โดย ${NAMES[winner]}`),
      ]);
    expect(texts(f, JOHN).filter((t) => t.startsWith('👮'))).toEqual([
      `👮 Officer ${NAMES[winner]} (Hat Yai Police Station) is responding to you.`,
    ]);
  });
});
