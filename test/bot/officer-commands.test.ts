// Officer commands typed where they do not apply, or wrongly: a resident going "on duty" or setting
// a public name, a name too long, a tap on a case or an alert that does not exist.
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI } from '../support/city';
import { cityForEachTest } from '../support/city-per-test';
import type { HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';

const lastText = (f: HubFixture, chat: string) => f.seen(chat).at(-1)?.text;

describe('officer commands out of place', () => {
  const city = cityForEachTest();

  it('when a resident types /duty on or /name, then they are told these are for officers and nothing is stored', async () => {
    const f = city();
    await f.emulator.driver.text({ userId: JOHN }, '/duty on');
    await f.settle();
    expect(lastText(f, JOHN)).toBe('This command is for registered officers only.');
    await f.emulator.driver.text({ userId: JOHN }, '/name Captain John');
    await f.settle();
    expect(lastText(f, JOHN)).toBe('This command is for registered officers only.');
    const john = await f.hub.repos.users.get(JOHN);
    expect(john).toMatchObject({ role: 'resident' });
    expect(john).not.toHaveProperty('onDuty');
    expect(john).not.toHaveProperty('publicName');
  });

  it('when an officer types a name of more than 40 characters, then they get the usage; a name with extra spaces is tidied and used', async () => {
    const f = city();
    await f.emulator.driver.text({ userId: OFFICER_A }, `/name ${'ร.ต.อ. '.repeat(8)}`);
    await f.settle();
    expect(lastText(f, OFFICER_A)).toMatch(/^พิมพ์ \/name ตามด้วยยศและชื่อ/);
    await f.emulator.driver.text({ userId: OFFICER_A }, '/name   ร.ต.อ.    อนันต์   ใจดี  ');
    await f.settle();
    expect(await f.hub.repos.users.get(OFFICER_A)).toMatchObject({ publicName: 'ร.ต.อ. อนันต์ ใจดี' });
    await fileReport(f, SOMCHAI, { words: 'ไฟถนนดับทั้งซอย' });
    const c = (await f.hub.repos.cases.byReporter(SOMCHAI))[0]!;
    await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, `a=case&id=${c._id}&to=acknowledged`);
    await f.settle();
    expect(lastText(f, HYI_GROUP)).toBe(`✅ ${c._id} · รับเรื่องแล้ว โดย ร.ต.อ. อนันต์ ใจดี`);
  });

  it('when an officer taps a card of a case or an alert that does not exist, then the group hears there is no such case', async () => {
    const f = city();
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=case&id=HYI-00-999999&to=acknowledged',
    );
    await f.settle();
    expect(lastText(f, HYI_GROUP)).toBe('ไม่พบเรื่องเลขที่นี้ค่ะ');
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=sos-act&id=SOS-HYI-00-999999&to=acknowledged',
    );
    await f.settle();
    expect(lastText(f, HYI_GROUP)).toBe('ไม่พบเรื่องเลขที่นี้ค่ะ');
  });

  it('when a case is rejected without a reason, then it is recorded as a false report', async () => {
    const f = city();
    await fileReport(f, SOMCHAI, { words: 'มีคนแปลกหน้า' });
    const c = (await f.hub.repos.cases.byReporter(SOMCHAI))[0]!;
    await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, `a=case&id=${c._id}&to=rejected`);
    await f.settle();
    expect(await f.hub.repos.cases.get(c._id)).toMatchObject({ status: 'rejected', rejectReason: 'false_report' });
  });
});
