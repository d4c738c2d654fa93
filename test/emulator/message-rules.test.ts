// The emulator's copy of LINE's message-object rules: the oracle every template test trusts.
// Each row is a message a bot might send and what LINE answers for it (an empty list: accepted).
// Limits: /work/shared/reference/line-api.md 2.5 and LINE's message-object reference.
import { validateMessages } from '../../src/emulator/message-validation';

const https = 'https://example.invalid/a.png';
const box = (contents: unknown[], layout = 'vertical') => ({ type: 'box', layout, contents });
const bubble = (body: unknown, extra: object = {}) => ({ type: 'bubble', body, ...extra });
const flex = (contents: unknown) => ({ type: 'flex', altText: 'card', contents });
const quick = (...actions: unknown[]) => ({
  type: 'text',
  text: 'pick',
  quickReply: { items: actions.map((action) => ({ type: 'action', action })) },
});
const problems = (message: unknown) => validateMessages([message]).map((d) => `${d.property}: ${d.message}`);

describe('LINE message rules (emulator)', () => {
  it.each([
    ['a request without messages', undefined, ['messages: must be specified']],
    [
      'six messages in one call',
      Array(6).fill({ type: 'text', text: 'x' }),
      ['messages: Size must be between 1 and 5'],
    ],
    ['no messages', [], ['messages: Size must be between 1 and 5']],
  ])('when %s is sent, then LINE answers %j', (_, messages, expected) => {
    expect(validateMessages(messages).map((d) => `${d.property}: ${d.message}`)).toEqual(expected);
  });

  it.each([
    ['a plain text', { type: 'text', text: 'สวัสดีค่ะ' }, []],
    ['a string instead of a message', 'hello', ['messages[0]: must be an object']],
    ['an unknown type', { type: 'html' }, [expect.stringMatching(/^messages\[0\]\.type: Must be one of/)]],
    ['an empty text', { type: 'text', text: '' }, ['messages[0].text: must be specified']],
    [
      'a text of 5001 characters',
      { type: 'text', text: 'ก'.repeat(5001) },
      ['messages[0].text: Length must be between 1 and 5000'],
    ],
    [
      'a sticker without ids',
      { type: 'sticker' },
      ['messages[0].packageId: must be specified', 'messages[0].stickerId: must be specified'],
    ],
    [
      'an image over http',
      { type: 'image', originalContentUrl: 'http://x/a.png', previewImageUrl: https },
      ['messages[0].originalContentUrl: must be a valid HTTPS URL'],
    ],
    [
      'a video without a preview',
      { type: 'video', originalContentUrl: https },
      ['messages[0].previewImageUrl: must be specified'],
    ],
    [
      'an image URL of 2001 characters',
      { type: 'image', originalContentUrl: https + 'a'.repeat(1975), previewImageUrl: https },
      ['messages[0].originalContentUrl: Length must be between 1 and 2000'],
    ],
    [
      'an audio without duration',
      { type: 'audio', originalContentUrl: https },
      ['messages[0].duration: must be specified'],
    ],
    [
      'a location with a NaN latitude',
      { type: 'location', title: 'ที่นี่', address: 'หาดใหญ่', latitude: Number.NaN, longitude: 100 },
      ['messages[0].latitude: must be specified'],
    ],
    [
      'a location with a title of 101 characters',
      { type: 'location', title: 'x'.repeat(101), address: 'a', latitude: 7, longitude: 100 },
      ['messages[0].title: Length must be between 1 and 100'],
    ],
    [
      'an imagemap without size or actions',
      { type: 'imagemap', baseUrl: https, altText: 'map' },
      ['messages[0].baseSize: must be specified', 'messages[0].actions: must be specified'],
    ],
    [
      'a template of an unknown type',
      { type: 'template', altText: 't', template: { type: 'list' } },
      ['messages[0].template.type: Must be one of the following values: [buttons, confirm, carousel, image_carousel]'],
    ],
    [
      'a template without its template',
      { type: 'template', altText: 't' },
      ['messages[0].template: must be specified'],
    ],
    [
      'a template button of a quick-reply-only kind',
      { type: 'template', altText: 't', template: { type: 'buttons', actions: [{ type: 'camera', label: 'c' }] } },
      [expect.stringMatching(/^messages\[0\]\.template\.actions\[0\]\.type: Must be one of/)],
    ],
    [
      'a sender name of 21 characters',
      { type: 'text', text: 'x', sender: { name: 'n'.repeat(21) } },
      ['messages[0].sender.name: Length must be between 1 and 20'],
    ],
  ])('when a message is %s, then LINE answers %j', (_, message, expected) => {
    expect(problems(message)).toEqual(expected);
  });

  it.each([
    [
      'a postback, a location and a call button',
      [
        { type: 'postback', label: 'ok', data: 'a=1', displayText: 'OK' },
        { type: 'location', label: 'ส่งตำแหน่ง' },
        { type: 'uri', label: 'โทร 191', uri: 'tel:191' },
      ],
      [],
    ],
    [
      'a quick reply item that is not an action',
      'not-an-item',
      ["messages[0].quickReply.items[0].type: Must be 'action'"],
    ],
    [
      'an action without a label',
      [{ type: 'message', text: 'hi' }],
      ['messages[0].quickReply.items[0].action.label: must be specified'],
    ],
    [
      'a Thai label of 20 grapheme clusters but more code units',
      [{ type: 'message', label: 'ที่'.repeat(20), text: 'x' }],
      [],
    ],
    [
      'a label of 21 characters',
      [{ type: 'message', label: 'x'.repeat(21), text: 'x' }],
      ['messages[0].quickReply.items[0].action.label: Length must be between 1 and 20'],
    ],
    [
      'a datetime picker without a mode',
      [{ type: 'datetimepicker', label: 'when', data: 'd' }],
      ['messages[0].quickReply.items[0].action.mode: Must be one of the following values: [date, time, datetime]'],
    ],
    [
      'a clipboard action without text',
      [{ type: 'clipboard', label: 'copy' }],
      ['messages[0].quickReply.items[0].action.clipboardText: must be specified'],
    ],
    [
      'a postback with data of 301 characters',
      [{ type: 'postback', label: 'x', data: 'd'.repeat(301) }],
      ['messages[0].quickReply.items[0].action.data: Length must be between 0 and 300'],
    ],
    [
      'a rich menu switch in a quick reply',
      [{ type: 'richmenuswitch', label: 'x', richMenuAliasId: 'a', data: '' }],
      [expect.stringMatching(/action\.type: Must be one of/)],
    ],
    ['an action that is not an object', [null], ['messages[0].quickReply.items[0].action: must be specified']],
  ])('when a quick reply holds %s, then LINE answers %j', (_, actions, expected) => {
    const message =
      actions === 'not-an-item'
        ? { type: 'text', text: 'pick', quickReply: { items: ['x'] } }
        : quick(...(actions as unknown[]));
    expect(problems(message)).toEqual(expected);
  });

  it('when a quick reply has 14 items or no item list, then LINE refuses it', () => {
    const many = quick(...Array(14).fill({ type: 'message', label: 'x', text: 'x' }));
    expect(problems(many)).toEqual(['messages[0].quickReply.items: Size must be between 0 and 13']);
    expect(problems({ type: 'text', text: 'x', quickReply: {} })).toEqual([
      'messages[0].quickReply.items: must be specified',
    ]);
  });

  it.each([
    [
      'a bubble with a text, an image and a button',
      bubble(
        box([
          { type: 'text', text: 'HYI-69-000001' },
          { type: 'image', url: https },
          { type: 'button', action: { type: 'postback', label: 'รับเรื่อง', data: 'a=case' } },
        ]),
      ),
      [],
    ],
    [
      'a bubble whose body is not a box',
      bubble({ type: 'text', text: 'x' }),
      ["messages[0].contents.body.type: Must be 'box'"],
    ],
    [
      'a box without a layout or contents',
      bubble({ type: 'box' }),
      [
        'messages[0].contents.body.layout: Must be one of the following values: [horizontal, vertical, baseline]',
        'messages[0].contents.body.contents: must be specified',
      ],
    ],
    [
      'an unknown component',
      bubble(box([{ type: 'table' }])),
      [expect.stringMatching(/^messages\[0\]\.contents\.body\.contents\[0\]\.type: Must be one of/)],
    ],
    [
      'a text component without text',
      bubble(box([{ type: 'text' }])),
      ['messages[0].contents.body.contents[0].text: must be specified'],
    ],
    ['a text made of spans', bubble(box([{ type: 'text', contents: [{ type: 'span', text: 'a' }] }])), []],
    [
      'an icon over http',
      bubble(box([{ type: 'icon', url: 'http://x/i.png' }], 'baseline')),
      ['messages[0].contents.body.contents[0].url: must be a valid HTTPS URL'],
    ],
    [
      'a tappable box with a camera action',
      bubble(box([], 'vertical'), { action: { type: 'camera', label: 'c' } }),
      [expect.stringMatching(/^messages\[0\]\.contents\.action\.type: Must be one of/)],
    ],
    [
      'a component with a bad action',
      bubble(box([{ type: 'text', text: 'x', action: { type: 'uri', label: 'x' } }])),
      ['messages[0].contents.body.contents[0].action.uri: must be specified'],
    ],
    ['a hero that is a bare image', { type: 'bubble', hero: { type: 'image', url: https } }, []],
    [
      'a container of an unknown type',
      { type: 'list' },
      ['messages[0].contents.type: Must be one of the following values: [bubble, carousel]'],
    ],
    ['no container', undefined, ['messages[0].contents: must be specified']],
    [
      'a carousel of 13 bubbles',
      { type: 'carousel', contents: Array(13).fill(bubble(box([]))) },
      ['messages[0].contents.contents: Size must be between 1 and 12'],
    ],
    [
      'a carousel holding a box',
      { type: 'carousel', contents: [box([])] },
      ["messages[0].contents.contents[0].type: Must be 'bubble'"],
    ],
    [
      'a carousel over 50,000 bytes',
      { type: 'carousel', contents: Array(3).fill(bubble(box([{ type: 'text', text: 'x'.repeat(20_000) }]))) },
      ['messages[0].contents: The size of the carousel must be 50000 bytes or less'],
    ],
    [
      'a bubble over 30,000 bytes',
      bubble(box([{ type: 'text', text: 'x'.repeat(30_000) }])),
      ['messages[0].contents: The size of the bubble must be 30000 bytes or less'],
    ],
  ])('when a flex message is %s, then LINE answers %j', (_, contents, expected) => {
    expect(problems(flex(contents))).toEqual(expected);
  });

  it('when boxes are nested more than 20 deep, then LINE refuses it', () => {
    let inner: unknown = { type: 'text', text: 'deep' };
    for (let i = 0; i < 23; i++) inner = box([inner]);
    expect(problems(flex(bubble(inner)))).toContainEqual(expect.stringMatching(/: nested too deeply$/));
  });

  it('when a flex message has no alt text, then LINE refuses it', () => {
    expect(problems({ type: 'flex', contents: bubble(box([])) })).toEqual(['messages[0].altText: must be specified']);
  });
});
