// Which queue an event waits in (one per person, group or room), and which events are the LINE
// console's verify samples.
import type { webhook } from '@line/bot-sdk';
import { isVerifyEvent, sourceKeyOf } from '../../src/bot/inbox';

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
