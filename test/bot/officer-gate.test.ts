// Who may act on an SOS card: a registered officer of the alert's station; any registered officer
// while no station has taken it (the command centre holds it); never a resident, whoever they are.
import type { ManualClock } from '../../src/util/clock';
import { HYI_GROUP, OFFICER_A, SOMCHAI, issueCode, setUpCity } from '../support/city';
import { PLACES, gid, startHub, uid, type HubFixture } from '../support/hub-fixture';

const COMMAND_CENTRE = gid('9');
const KHH_OFFICER = uid('9');
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const reAlerts = (f: HubFixture, chat: string) =>
  f.seen(chat).filter((m) => m.type === 'flex' && m.altText?.includes('SOS ยังไม่มีผู้รับเรื่อง'));

describe('the officer gate on SOS cards', () => {
  let f: HubFixture;
  let clock: ManualClock;
  beforeEach(async () => {
    f = await startHub({ seed: true, commandCentreGroupId: COMMAND_CENTRE, clock: 'manual' });
    clock = f.clock as ManualClock;
    f.emulator.groups.add({
      groupId: COMMAND_CENTRE,
      groupName: 'ศูนย์วิทยุ 191 สงขลา',
      memberIds: [OFFICER_A, SOMCHAI, KHH_OFFICER],
    });
    await setUpCity(f);
    f.emulator.users.add({ userId: KHH_OFFICER, displayName: 'ส.ต.อ. คลองแห', language: 'th' });
    await f.emulator.driver.text(
      { userId: KHH_OFFICER },
      `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'KHH' })}`,
    );
    await f.settle();
    expect(await f.hub.repos.users.get(KHH_OFFICER)).toMatchObject({ role: 'officer', stationCode: 'KHH' });
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a resident who follows the OA taps Acknowledge on an SOS the command centre holds, then it is refused and the alert stays open', async () => {
    const person = uid('7');
    f.emulator.users.add({ userId: person, displayName: 'Nok', language: 'th' });
    await f.emulator.driver.postback({ userId: person }, 'a=sos');
    await f.settle();
    const alert = (await f.hub.repos.alerts.openFor(person))!;
    expect(alert).toMatchObject({ stationCode: 'CC', groupId: COMMAND_CENTRE });
    // Somchai is a known resident (consented, a user record, in the group): still not an officer.
    expect(await f.hub.repos.users.get(SOMCHAI)).toMatchObject({ role: 'resident', consent: 'accepted' });
    await f.emulator.driver.postback(
      { groupId: COMMAND_CENTRE, userId: SOMCHAI },
      `a=sos-act&id=${alert._id}&to=acknowledged`,
    );
    await f.settle();
    expect(last(f, COMMAND_CENTRE).text).toContain('ปุ่มนี้สำหรับเจ้าหน้าที่');
    expect(await f.hub.repos.alerts.get(alert._id)).toMatchObject({ status: 'new', audit: [] });
    expect(f.seen(person).some((m) => m.text?.startsWith('👮'))).toBe(false);
  });

  it("when an officer of another station taps Acknowledge on a station's SOS, then it is refused and the alert keeps escalating", async () => {
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.settle();
    const alert = (await f.hub.repos.alerts.openFor(SOMCHAI))!;
    expect(alert).toMatchObject({ stationCode: 'HYI', groupId: HYI_GROUP });
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: KHH_OFFICER },
      `a=sos-act&id=${alert._id}&to=acknowledged`,
    );
    await f.settle();
    expect(last(f, HYI_GROUP).text).toBe('ขออภัยค่ะ ปุ่มนี้สำหรับเจ้าหน้าที่ของ สถานีตำรวจภูธรหาดใหญ่ ที่ลงทะเบียนแล้วเท่านั้น');
    expect(await f.hub.repos.alerts.get(alert._id)).toMatchObject({ status: 'new', audit: [] });
    // Nobody has it: two minutes on, the group is alerted again.
    clock.advance(2 * 60_000 + 1_000);
    await f.hub.scheduler.escalationTick();
    await f.settle();
    expect(reAlerts(f, HYI_GROUP)).toHaveLength(1);
  });
});
