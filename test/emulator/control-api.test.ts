import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { ALICE, BOB, GROUP, startEmulator, startReceiver, text } from './emulator-fixture';
import type { EmulatorFixture, Receiver } from './emulator-fixture';

describe('LINE emulator control API and simulator page', () => {
  let fx: EmulatorFixture;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await startReceiver();
    fx = await startEmulator({ webhookUrl: receiver.url });
  });
  afterEach(async () => {
    await fx.close();
    await receiver.close();
  });

  it('when the simulator page is requested, then it and its script, stylesheet and Thai font come from the emulator itself', async () => {
    const app = fx.emulator.app;
    const page = await request(app).get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<script src="/simulator/app.js"');
    expect(page.text).toContain('<link rel="stylesheet" href="/simulator/app.css">');
    // Nothing from another host: the page works offline.
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);

    const script = await request(app).get('/simulator/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    // It parses as a script (test/browser runs it in Chromium).
    expect(() => new Function(script.text)).not.toThrow();

    const css = await request(app).get('/simulator/app.css');
    expect(css.status).toBe(200);
    expect(css.text).toContain('Noto Sans Thai');
    const fonts = [...css.text.matchAll(/url\(["']?\.?\/?([^)"']+\.woff2)["']?\)/g)].map((m) => m[1]!);
    expect(fonts.some((name) => name.includes('thai-400'))).toBe(true);
    for (const name of fonts) {
      const font = await request(app).get(`/simulator/${name}`);
      expect([name, font.status, font.headers['content-type']]).toEqual([name, 200, 'font/woff2']);
    }
    expect((await request(app).get('/simulator/nothing.js')).status).toBe(404);
  });

  it('when the simulator sources are read, then none of them writes markup (bot text only ever becomes text)', () => {
    const dir = path.join(__dirname, '..', '..', 'src', 'emulator', 'web');
    const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(sources).toEqual(expect.arrayContaining(['main.ts', 'flex.ts', 'messages.ts']));
    for (const file of sources) {
      expect([file, fs.readFileSync(path.join(dir, file), 'utf8')]).not.toEqual([
        file,
        expect.stringMatching(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/),
      ]);
    }
  });

  it('when users and groups are added through the control API, then the LINE API and the chat list know them', async () => {
    const app = fx.emulator.app;
    await request(app)
      .post('/_emulator/users')
      .send({ userId: ALICE, displayName: 'Alice', language: 'ms' })
      .expect(200);
    await request(app)
      .post('/_emulator/groups')
      .send({ groupId: GROUP, groupName: 'Patrol', memberIds: [ALICE, BOB] })
      .expect(200);

    expect(await fx.client.getProfile(ALICE)).toMatchObject({ displayName: 'Alice', language: 'ms' });
    const chats = await request(app).get('/_emulator/chats').expect(200);
    expect(chats.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ chatId: ALICE, kind: 'user', name: 'Alice', delivered: 0 }),
        expect.objectContaining({ chatId: GROUP, kind: 'group', name: 'Patrol', memberIds: [ALICE, BOB] }),
      ]),
    );
  });

  it('when a bench polls calls with since, then it gets only the new ones', async () => {
    await fx.client.pushMessage({ to: ALICE, messages: [text('1')] });
    const first = await request(fx.emulator.app).get('/_emulator/calls').expect(200);
    const lastId = first.body[first.body.length - 1].id as number;
    await fx.client.pushMessage({ to: BOB, messages: [text('2')] });

    const next = await request(fx.emulator.app).get(`/_emulator/calls?since=${lastId}`).expect(200);

    expect(next.body).toHaveLength(1);
    expect(next.body[0]).toMatchObject({ endpoint: 'push', to: BOB });
    const filtered = await request(fx.emulator.app).get(`/_emulator/calls?to=${ALICE}`).expect(200);
    expect(filtered.body).toHaveLength(1);
  });

  it('when a fault is injected through the control API, then the next call fails with it', async () => {
    await request(fx.emulator.app)
      .post('/_emulator/faults')
      .send({ count: 1, status: 500, endpoint: 'push' })
      .expect(200);

    const res = await request(fx.emulator.app)
      .post('/v2/bot/message/push')
      .set('authorization', 'Bearer t')
      .send({ to: ALICE, messages: [text('x')] });

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Internal Server Error' });
    expect(res.headers['x-line-request-id']).toBeTruthy();
  });

  it('when the page drives a text through the control API, then the bot receives it and the transcript shows it', async () => {
    const res = await request(fx.emulator.app)
      .post('/_emulator/drive')
      .send({ kind: 'text', source: { userId: ALICE }, text: 'help' })
      .expect(200);

    expect(res.body.status).toBe(200);
    expect(receiver.events[0].message.text).toBe('help');
    await fx.client.replyMessage({ replyToken: res.body.events[0].replyToken, messages: [text('how can we help?')] });
    const transcript = await request(fx.emulator.app).get(`/_emulator/chats/${ALICE}/transcript`).expect(200);
    expect(transcript.body.map((e: { kind: string }) => e.kind)).toEqual(['user', 'bot']);
    const delivered = await request(fx.emulator.app).get(`/_emulator/chats/${ALICE}`).expect(200);
    expect(delivered.body[0].message.text).toBe('how can we help?');
  });

  it('when the drive request is malformed, then the control API answers 400', async () => {
    await request(fx.emulator.app)
      .post('/_emulator/drive')
      .send({ kind: 'dance', source: { userId: ALICE } })
      .expect(400);
    await request(fx.emulator.app)
      .post('/_emulator/drive')
      .send({ kind: 'join', source: { userId: ALICE } })
      .expect(400);
  });

  it('when the calls are deleted, then the emulator is reset', async () => {
    await fx.client.pushMessage({ to: ALICE, messages: [text('x')] });
    await request(fx.emulator.app).delete('/_emulator/calls').expect(200);
    expect(fx.emulator.calls()).toEqual([]);
    expect(fx.emulator.delivered(ALICE)).toEqual([]);
  });

  it('when a page listens to the event stream, then deliveries arrive as they happen', async () => {
    const controller = new AbortController();
    const res = await fetch(`${fx.url}/_emulator/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();

    await fx.client.pushMessage({ to: ALICE, messages: [text('live')] });

    let seen = '';
    while (!seen.includes('event: entry')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value);
    }
    controller.abort();
    expect(seen).toContain('"text":"live"');
  });
});
