// Each malformed event a signed webhook body might carry, and why it is kept aside instead of handled.
import { checkEvent } from '../../src/entry-points/webhook-event-check';

const U = 'U' + 'a'.repeat(32);
const C = 'C' + 'b'.repeat(32);
const R = 'R' + 'c'.repeat(32);
const good = {
  type: 'message',
  webhookEventId: '01JD0000000000000000000000',
  timestamp: 1_764_075_600_000,
  replyToken: 'r'.repeat(32),
  mode: 'active',
  source: { type: 'user', userId: U },
  message: { type: 'text', id: '1', text: 'hello' },
};
const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));

describe('checkEvent', () => {
  it.each<[string, unknown]>([
    ['a text message from a user', good],
    [
      'a postback in a group',
      {
        ...good,
        type: 'postback',
        source: { type: 'group', groupId: C, userId: U },
        postback: { data: 'a=1' },
        message: undefined,
      },
    ],
    ['a join in a room', { ...without('message'), type: 'join', source: { type: 'room', roomId: R } }],
    ['a location', { ...good, message: { type: 'location', id: '2', latitude: 7, longitude: 100 } }],
    [
      'members joining',
      {
        ...without('message'),
        type: 'memberJoined',
        source: { type: 'group', groupId: C },
        joined: { members: [{ type: 'user', userId: U }] },
      },
    ],
    ['an event without a source', without('source')],
  ])('when the event is %s, then it is handled', (_, event) => {
    expect(checkEvent(event)).toEqual({ ok: true, event });
  });

  it.each<[string, unknown, string]>([
    ['a string', 'hello', 'not an object'],
    ['without an id', without('webhookEventId'), 'webhookEventId is missing or not an event id'],
    ['with an id of spaces', { ...good, webhookEventId: 'a b' }, 'webhookEventId is missing or not an event id'],
    ['without a type', { ...good, type: '' }, 'type is not a string'],
    ['with a 41-character type', { ...good, type: 'x'.repeat(41) }, 'type is not a string'],
    ['with a timestamp in words', { ...good, timestamp: 'now' }, 'timestamp is not a number'],
    ['with a reply token of 257 characters', { ...good, replyToken: 'r'.repeat(257) }, 'replyToken is not a string'],
    ['with a source that is a list', { ...good, source: [U] }, 'source is not an object'],
    ['from a bot source', { ...good, source: { type: 'bot', userId: U } }, 'source.type is not user, group or room'],
    ['from a user without an id', { ...good, source: { type: 'user' } }, 'source.userId is missing'],
    [
      'from a user with a made-up id',
      { ...good, source: { type: 'user', userId: 'U../../admin' } },
      'source user id is not a LINE user id',
    ],
    ['from a group without its id', { ...good, source: { type: 'group', userId: U } }, 'source.groupId is missing'],
    ['from a room without its id', { ...good, source: { type: 'room' } }, 'source.roomId is missing'],
    [
      'from a room with a bad id',
      { ...good, source: { type: 'room', roomId: 'R1' } },
      'source room id is not a LINE room id',
    ],
    ['with members that are not a list', { ...good, joined: { members: U } }, 'joined.members is not a list'],
    ['with a member that is a string', { ...good, left: { members: [U] } }, 'left.members: member is not an object'],
    [
      'with a member of a bad id',
      { ...good, joined: { members: [{ userId: 'x' }] } },
      'joined.members: user id is not a LINE user id',
    ],
    ['a message without an id', { ...good, message: { type: 'text', text: 'x' } }, 'message has no type and id'],
    [
      'a photo whose id is a path',
      { ...good, message: { type: 'image', id: '../../v2/bot/message/push' } },
      'message id is not a message id',
    ],
    [
      'a photo whose id is 70,000 characters',
      { ...good, message: { type: 'image', id: '1'.repeat(70_000) } },
      'message id is not a message id',
    ],
    ['a text without text', { ...good, message: { type: 'text', id: '1' } }, 'text message has no text'],
    [
      'a location without latitude',
      { ...good, message: { type: 'location', id: '1', longitude: 100 } },
      'location message has no latitude and longitude',
    ],
    ['a postback without data', { ...good, type: 'postback', postback: {} }, 'postback has no data'],
  ])('when the event is %s, then it is kept aside: %s', (_, event, reason) => {
    const checked = checkEvent(event);
    expect(checked).toMatchObject({ ok: false, reason });
  });

  it('when an event nests deeper than 32 levels, then it is kept aside without walking all of it', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(checkEvent({ ...good, deep })).toMatchObject({ ok: false, reason: 'nested deeper than 32 levels' });
  });

  it('when an event without a usable id is kept aside, then its name is the same each time LINE sends it again', () => {
    const poison = { type: 'message', webhookEventId: 'bad id', timestamp: 'x' };
    const first = checkEvent(poison);
    const again = checkEvent(structuredClone(poison));
    expect(first).toMatchObject({ ok: false, type: 'message', id: expect.stringMatching(/^invalid-[0-9a-f]{32}$/) });
    expect(again).toEqual(first);
    expect(checkEvent({ ...poison, timestamp: 'y' })).not.toMatchObject({ id: (first as { id: string }).id });
    expect(checkEvent(42)).toMatchObject({ ok: false, type: 'unknown' });
  });
});
