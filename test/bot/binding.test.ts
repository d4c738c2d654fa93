// Bind codes cannot be found by trying: long codes, one answer for every wrong code, and a lock-out
// with an alert after a few wrong tries. New officers receive no SOS until they go on duty.
import { issueCode } from '../support/city';
import { captureLog } from '../support/log-capture';
import { PLACES, gid, startHub, uid, type HubFixture } from '../support/hub-fixture';

const GUESSER = uid('6');
const OFFICER = uid('7');
const GROUP = gid('4');
const TOO_MANY = /^ลองรหัสผิดหลายครั้งเกินไปค่ะ/;

describe('bind codes', () => {
  let f: HubFixture;
  let lines: Array<Record<string, unknown>>;
  beforeEach(async () => {
    const captured = captureLog('warn');
    lines = captured.lines;
    f = await startHub({ seed: true, logger: captured.logger });
    f.emulator.users.add({ userId: GUESSER, displayName: 'Guesser', language: 'th' });
    f.emulator.users.add({ userId: OFFICER, displayName: 'ด.ต. สมศักดิ์', language: 'th' });
    f.emulator.groups.add({ groupId: GROUP, groupName: 'กลุ่มทดลอง', memberIds: [GUESSER, OFFICER] });
  });
  afterEach(async () => {
    await f.close();
  });

  const said = (chat: string) => f.seen(chat).map((m) => m.text ?? '');

  it('when an admin issues a code, then it has eight digits', async () => {
    expect(await issueCode(f, { kind: 'officer', stationCode: 'HYI' })).toMatch(/^\d{8}$/);
  });

  it('when someone types five wrong codes in a 1:1 chat, then even a right officer code is refused with "too many tries", they are not an officer, and an alert is logged once', async () => {
    const real = await issueCode(f, { kind: 'officer', stationCode: 'HYI' });
    for (let i = 0; i < 5; i++) await f.emulator.driver.text({ userId: GUESSER }, `/bind ${String(10_000_000 + i)}`);
    await f.emulator.driver.text({ userId: GUESSER }, `/bind ${real}`);
    await f.settle();
    const answers = said(GUESSER).filter((t) => t.startsWith('รหัสนี้') || TOO_MANY.test(t));
    expect(answers.slice(0, 4).every((t) => t.startsWith('รหัสนี้ใช้ที่นี่ไม่ได้ค่ะ'))).toBe(true);
    expect(answers.slice(4)).toEqual([expect.stringMatching(TOO_MANY), expect.stringMatching(TOO_MANY)]);
    expect(await f.hub.repos.users.get(GUESSER)).toMatchObject({ role: 'resident' });
    expect((await f.hub.repos.bindCodes.get(real))?.usedAt).toBeUndefined();
    const alerts = lines.filter((l) => l.alert === 'bind_code_guessing');
    expect(alerts).toEqual([expect.objectContaining({ userId: GUESSER, scope: 'user', level: 50 })]);
  });

  it('when members of a group type ten wrong codes between them, then the group is locked for a right code too', async () => {
    const real = await issueCode(f, { kind: 'station', stationCode: 'HYI' });
    const members = Array.from({ length: 10 }, (_, i) => uid(String(i)));
    for (const [i, m] of members.entries())
      await f.emulator.driver.text({ groupId: GROUP, userId: m }, `/bind ${String(20_000_000 + i)}`);
    await f.emulator.driver.text({ groupId: GROUP, userId: OFFICER }, `/bind ${real}`);
    await f.settle();
    expect(said(GROUP).at(-1)).toMatch(TOO_MANY);
    expect(await f.hub.repos.groups.stationGroup('HYI')).toBeNull();
    expect(lines.filter((l) => l.alert === 'bind_code_guessing')).toEqual([
      expect.objectContaining({ groupId: GROUP, scope: 'group' }),
    ]);
  });

  it('when a new officer registers, then they are off duty, get no SOS push until they say /duty on, and get them after', async () => {
    await f.emulator.driver.text(
      { groupId: GROUP, userId: OFFICER },
      `/bind ${await issueCode(f, { kind: 'station', stationCode: 'HYI' })}`,
    );
    await f.emulator.driver.text(
      { userId: OFFICER },
      `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'HYI' })}`,
    );
    await f.settle();
    expect(said(OFFICER).at(-1)).toContain('/duty on');
    expect(await f.hub.repos.users.get(OFFICER)).toMatchObject({ role: 'officer', onDuty: false });

    const resident = uid('8');
    f.emulator.users.add({ userId: resident, displayName: 'สมหญิง', language: 'th' });
    await f.emulator.driver.location({ userId: resident }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: resident }, 'a=sos');
    await f.settle();
    expect(f.seen(GROUP).filter((m) => m.altText?.includes('SOS'))).toHaveLength(1);
    expect(f.emulator.calls({ endpoint: 'multicast' })).toHaveLength(0);

    await f.emulator.driver.text({ userId: OFFICER }, '/duty on');
    const other = uid('9');
    f.emulator.users.add({ userId: other, displayName: 'สมปอง', language: 'th' });
    await f.emulator.driver.location({ userId: other }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: other }, 'a=sos');
    await f.settle();
    expect(f.emulator.calls({ endpoint: 'multicast' }).map((c) => c.to)).toEqual([[OFFICER]]);
  });
});
