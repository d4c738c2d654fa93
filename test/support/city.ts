// A small city for flow tests: Hat Yai (HYI) and Khlong Hae (KHH) station groups bound, two HYI
// officers registered, and two residents (Thai, English) who accepted the PDPA notice.
import request from 'supertest';
import { ADMIN_TOKEN, PLACES, gid, uid, type HubFixture } from './hub-fixture';

export const HYI_GROUP = gid('1');
export const KHH_GROUP = gid('2');
export const SOMCHAI = uid('a');
export const JOHN = uid('b');
export const OFFICER_A = uid('c');
export const OFFICER_B = uid('d');
export const STRANGER = uid('e');

export async function issueCode(f: HubFixture, body: object): Promise<string> {
  const res = await request(f.hub.app)
    .post('/admin/bind-codes')
    .set('authorization', `Bearer ${ADMIN_TOKEN}`)
    .send(body);
  if (res.status !== 201) throw new Error(`bind code refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code;
}

export async function setUpCity(f: HubFixture): Promise<void> {
  f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'th' });
  f.emulator.users.add({ userId: JOHN, displayName: 'John', language: 'en' });
  f.emulator.users.add({ userId: OFFICER_A, displayName: 'ร.ต.อ. อนันต์', language: 'th' });
  f.emulator.users.add({ userId: OFFICER_B, displayName: 'ด.ต. บุญมี', language: 'th' });
  f.emulator.users.add({ userId: STRANGER, displayName: 'คนนอก', language: 'th' });
  f.emulator.groups.add({
    groupId: HYI_GROUP,
    groupName: 'สภ.หาดใหญ่ ศูนย์วิทยุ',
    memberIds: [OFFICER_A, OFFICER_B, STRANGER],
  });
  f.emulator.groups.add({ groupId: KHH_GROUP, groupName: 'สภ.คลองแห', memberIds: [OFFICER_B] });
  await f.emulator.driver.join(HYI_GROUP);
  await f.emulator.driver.join(KHH_GROUP);
  await f.emulator.driver.text(
    { groupId: HYI_GROUP, userId: OFFICER_A },
    `/bind ${await issueCode(f, { kind: 'station', stationCode: 'HYI' })}`,
  );
  await f.emulator.driver.text(
    { groupId: KHH_GROUP, userId: OFFICER_B },
    `/bind ${await issueCode(f, { kind: 'station', stationCode: 'KHH' })}`,
  );
  await f.emulator.driver.text(
    { userId: OFFICER_A },
    `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'HYI' })}`,
  );
  await f.emulator.driver.text(
    { userId: OFFICER_B },
    `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'HYI' })}`,
  );
  // New officers are off duty until they say so.
  await f.emulator.driver.text({ userId: OFFICER_A }, '/duty on');
  await f.emulator.driver.text({ userId: OFFICER_B }, '/duty on');
  for (const u of [SOMCHAI, JOHN]) {
    await f.emulator.driver.follow(u);
    await f.emulator.driver.postback({ userId: u }, 'a=consent&v=accept');
  }
  await f.settle();
}

/** Makes `groupId` the group a station's unanswered SOS escalates to, through the admin API. */
export async function escalateTo(f: HubFixture, stationCode: string, groupId: string): Promise<void> {
  const station = (await f.hub.repos.stations.get(stationCode))!;
  await request(f.hub.app)
    .put(`/admin/stations/${stationCode}`)
    .set('authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ name: station.name, phone: station.phone, location: station.location, escalationGroupId: groupId })
    .expect(200);
}

/** A resident shares a pin, then presses SOS: the alert goes to the pin's station. */
export async function sosWithPin(
  f: HubFixture,
  userId: string,
  place: { latitude: number; longitude: number } = PLACES.santisuk,
): Promise<void> {
  await f.emulator.driver.location({ userId }, place);
  await f.emulator.driver.postback({ userId }, 'a=sos');
  await f.settle();
}
