// Which queue an event waits in (one per person, group or room), where it falls in that queue (the
// order it happened by LINE's clock), and which events are the LINE console's verify samples.
import type { webhook } from '@line/bot-sdk';
import { isVerifyEvent, occurrenceOf, sourceKeyOf } from '../../src/bot/inbox';

const event = (extra: object) => ({ type: 'message', timestamp: 0, ...extra }) as unknown as webhook.Event;

describe('inbox queues', () => {
  it.each([
    [{ source: { type: 'user', userId: 'Ua' } }, 'user:Ua'],
    [{ source: { type: 'group', groupId: 'Cb', userId: 'Ua' } }, 'group:Cb'],
    [{ source: { type: 'room', roomId: 'Rc', userId: 'Ua' } }, 'room:Rc'],
    [{ source: { type: 'user' } }, 'user:unknown'],
    [{}, 'none'],
  ])('when an event comes from %j, then it waits in queue %s', (extra, key) => {
    expect(sourceKeyOf(event(extra))).toBe(key);
  });

  it.each([
    ['0'.repeat(32), true],
    ['f'.repeat(32), true],
    ['FFFFFFFF', true],
    ['0f'.repeat(16), false],
    ['a'.repeat(32), false],
    [undefined, false],
  ])('when the reply token is %s, then it is a verify sample: %s', (replyToken, verify) => {
    expect(isVerifyEvent(event({ replyToken }))).toBe(verify);
  });
});

describe('where an event falls in its chat', () => {
  const RECEIVED = 1_790_000_000_000;

  it('when LINE stamped an event before it arrived, then its place is that time, whatever the arrival', () => {
    expect(occurrenceOf(event({ timestamp: RECEIVED - 5_000 }), RECEIVED)).toBe((RECEIVED - 5_000) * 1000);
  });

  it('when photos of a set sent together share a millisecond, then each takes its place in the set', () => {
    const photo = (index: unknown) =>
      event({ timestamp: RECEIVED, message: { type: 'image', id: '1', imageSet: { id: 'S', index, total: 3 } } });
    expect([1, 2, 3].map((i) => occurrenceOf(photo(i), RECEIVED))).toEqual([1, 2, 3].map((i) => RECEIVED * 1000 + i));
    // Not a place in a set: nothing added.
    for (const odd of [0, -1, 1.5, '2', 1000, null]) expect(occurrenceOf(photo(odd), RECEIVED)).toBe(RECEIVED * 1000);
  });

  it.each([
    ['more than a minute ahead of the hub', RECEIVED + 60_001],
    ['negative', -1],
    ['not a whole number of ms', RECEIVED - 0.5],
    ['beyond exact numbers', 1e20],
  ])('when the timestamp is %s, then the event takes its place by arrival', (_, timestamp) => {
    expect(occurrenceOf(event({ timestamp }), RECEIVED)).toBe(RECEIVED * 1000);
  });

  it('when the timestamp is ahead of the hub by less than a minute (clocks differ), then it is taken as it is', () => {
    expect(occurrenceOf(event({ timestamp: RECEIVED + 60_000 }), RECEIVED)).toBe((RECEIVED + 60_000) * 1000);
  });
});
