// The OA's relationship with people and groups: someone blocks and unblocks it, a group removes it,
// new members join a group.
import { HYI_GROUP, JOHN, SOMCHAI } from '../support/city';
import { cityForEachTest } from '../support/city-per-test';
import { uid } from '../support/hub-fixture';

describe('follow, unfollow, leave and new members', () => {
  const city = cityForEachTest();

  it('when a resident blocks the OA and unblocks it, then they are marked as not following, then welcomed back with the menu and no second notice', async () => {
    const f = city();
    await f.emulator.driver.unfollow(JOHN);
    await f.settle();
    expect(await f.hub.repos.users.get(JOHN)).toMatchObject({ following: false, consent: 'accepted' });
    const before = f.seen(JOHN).length;
    await f.emulator.driver.follow(JOHN, true);
    await f.settle();
    const said = f.seen(JOHN).slice(before);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ text: 'Welcome back 👋' });
    expect(said[0]!.quickReply).toEqual(expect.arrayContaining(['🆘 SOS']));
    expect(await f.hub.repos.users.get(JOHN)).toMatchObject({ following: true });
  });

  it('when someone who declined the notice adds the OA again, then they are welcomed back without their name being read', async () => {
    const f = city();
    const nok = uid('7');
    f.emulator.users.add({ userId: nok, displayName: 'Nok', language: 'en' });
    await f.emulator.driver.follow(nok);
    await f.emulator.driver.postback({ userId: nok }, 'a=consent&v=decline');
    await f.emulator.driver.unfollow(nok);
    await f.settle();
    const profileCalls = f.emulator.calls({ endpoint: 'profile' }).length;
    await f.emulator.driver.follow(nok, false);
    await f.settle();
    expect(f.seen(nok).at(-1)!.text).toBe('Welcome back 👋');
    expect(f.emulator.calls({ endpoint: 'profile' })).toHaveLength(profileCalls);
    expect(await f.hub.repos.users.get(nok)).not.toHaveProperty('displayName');
  });

  it("when a station's group removes the OA, then the group is marked gone and the station has no group any more", async () => {
    const f = city();
    expect(await f.hub.repos.groups.stationGroup('HYI')).toMatchObject({ _id: HYI_GROUP });
    await f.emulator.driver.leave(HYI_GROUP);
    await f.settle();
    expect(await f.hub.repos.groups.stationGroup('HYI')).toBeNull();
    expect(await f.hub.repos.groups.get(HYI_GROUP)).toMatchObject({ active: false });
  });

  it('when new members join a group, then the bot says nothing', async () => {
    const f = city();
    const before = f.seen(HYI_GROUP).length;
    await f.emulator.driver.memberJoined(HYI_GROUP, [SOMCHAI, uid('8')]);
    await f.settle();
    expect(f.seen(HYI_GROUP)).toHaveLength(before);
  });
});
