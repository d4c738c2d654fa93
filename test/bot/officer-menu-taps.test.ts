// Taps on the officers' rich-menu tiles from people who are not (or no longer) officers, and the duty
// tile pressed without saying on or off.
import { JOHN, OFFICER_A } from '../support/city';
import { cityForEachTest } from '../support/city-per-test';

describe('officer menu tiles', () => {
  const f = cityForEachTest();

  it.each(['a=ocases', 'a=osos', 'a=duty&v=on'])(
    'when a resident sends the officer tile %s, then they are told it is for officers and nothing changes',
    async (data) => {
      await f().emulator.driver.postback({ userId: JOHN }, data);
      await f().settle();
      expect(f().seen(JOHN).at(-1)!.text).toBe('This menu is for registered police officers only.');
      expect(await f().hub.repos.users.get(JOHN)).not.toHaveProperty('onDuty');
    },
  );

  it('when a resident sends the menu switch, then nothing is said', async () => {
    const before = f().seen(JOHN).length;
    await f().emulator.driver.postback({ userId: JOHN }, 'a=view&v=officer');
    await f().settle();
    expect(f().seen(JOHN)).toHaveLength(before);
  });

  it('when an officer taps the duty tile without on or off, then it turns their duty over each time', async () => {
    const duty = async () => (await f().hub.repos.users.get(OFFICER_A))!.onDuty === true;
    const start = await duty();
    await f().emulator.driver.postback({ userId: OFFICER_A }, 'a=duty');
    await f().settle();
    expect(await duty()).toBe(!start);
    await f().emulator.driver.postback({ userId: OFFICER_A }, 'a=duty');
    await f().settle();
    expect(await duty()).toBe(start);
    expect(f().seen(OFFICER_A).at(-1)!.text).toMatch(start ? /^เข้าเวรแล้วค่ะ/ : /^ออกเวรแล้วค่ะ/);
  });
});
