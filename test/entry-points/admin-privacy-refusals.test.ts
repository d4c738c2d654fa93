// Privacy requests handled wrongly through the admin API: a request that does not exist, another
// person's request, a request closed twice. Each answer says why, and nothing is erased.
import request from 'supertest';
import { JOHN, SOMCHAI, setUpCity } from '../support/city';
import { ADMIN_TOKEN, startHub, type HubFixture } from '../support/hub-fixture';

const SUPER = `Bearer ${ADMIN_TOKEN}`;

describe('privacy requests handled wrongly', () => {
  let f: HubFixture;
  const post = (path: string, body: object) => request(f.hub.app).post(path).set('authorization', SUPER).send(body);
  beforeEach(async () => {
    f = await startHub({ seed: true });
    await setUpCity(f);
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ข้อมูลของฉัน');
    await f.emulator.driver.text({ userId: JOHN }, 'delete my data');
    await f.settle();
  });
  afterEach(async () => {
    await f.close();
  });

  const requestOf = async (userId: string) => (await f.hub.repos.privacyRequests.byUser(userId))[0]!;

  it("when an erasure names another person's request, then it is refused with 400 and nothing of theirs is erased", async () => {
    const somchais = await requestOf(SOMCHAI);
    const res = await post(`/admin/privacy/users/${JOHN}/erase`, { requestId: somchais._id });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('requestId: the request is another person’s');
    expect(await f.hub.repos.users.get(JOHN)).toMatchObject({ displayName: 'John' });
    expect(await requestOf(JOHN)).toMatchObject({ status: 'open' });
  });

  it('when an erasure names a request that does not exist, then the answer is 404', async () => {
    const res = await post(`/admin/privacy/users/${JOHN}/erase`, { requestId: 'PR-nope' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no such privacy request');
    expect(await f.hub.repos.users.get(JOHN)).toMatchObject({ displayName: 'John' });
  });

  it('when a request is closed twice, then the second is refused with 409 and the person is told once', async () => {
    const somchais = await requestOf(SOMCHAI);
    const first = await post(`/admin/privacy/requests/${somchais._id}/close`, { outcome: 'exported' });
    expect(first.status).toBe(200);
    await f.settle();
    const told = f.seen(SOMCHAI).length;
    const again = await post(`/admin/privacy/requests/${somchais._id}/close`, { outcome: 'refused' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('the request is already closed');
    await f.settle();
    expect(f.seen(SOMCHAI)).toHaveLength(told);
    expect(await requestOf(SOMCHAI)).toMatchObject({ status: 'closed', outcome: 'exported' });
  });
});
