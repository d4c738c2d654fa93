// The in-process emulator (npm start without LINE credentials) keeps its simulated world in a file
// under DATA_DIR, so a hub restart no longer wipes every chat while the hub's own data stays.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ALICE, BOB, CAROL, GROUP, MENU, startEmulator, startReceiver, text } from './emulator-fixture';
import type { EmulatorFixture, Receiver } from './emulator-fixture';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(64, 7)]);

describe('LINE emulator state kept in a file across restarts', () => {
  let dir: string;
  let file: string;
  let receiver: Receiver;
  const running: EmulatorFixture[] = [];

  const start = async () => {
    const fx = await startEmulator({ stateFile: file, webhookUrl: receiver.url });
    running.push(fx);
    return fx;
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-state-'));
    file = path.join(dir, 'data', 'line-emulator.json');
    receiver = await startReceiver();
  });
  afterEach(async () => {
    for (const fx of running.splice(0)) await fx.close();
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the emulator restarts with the same state file, then users, groups, chats, rich menus and the webhook URL set in the page come back', async () => {
    const first = await start();
    first.emulator.users.add({ userId: ALICE, displayName: 'สมหญิง', language: 'th' });
    await request(first.emulator.app)
      .post('/_emulator/users')
      .send({ userId: CAROL, displayName: 'Carol', friend: false })
      .expect(200);
    first.emulator.groups.add({ groupId: GROUP, groupName: 'สภ.หาดใหญ่', memberIds: [ALICE] });
    await first.emulator.driver.text({ userId: ALICE }, 'สวัสดีค่ะ');
    await first.emulator.driver.postback({ userId: ALICE }, 'a=consent&v=accept', undefined, 'ยินยอม');
    await first.emulator.driver.memberJoined(GROUP, [BOB]);
    await first.emulator.driver.unfollow(ALICE);
    await first.emulator.driver.follow(ALICE);
    await first.client.pushMessage({ to: ALICE, messages: [text('ขอบคุณค่ะ')] });
    await first.client.pushMessage({ to: GROUP, messages: [text('group news')] });
    const { richMenuId } = await first.client.createRichMenu(MENU);
    await first.blob.setRichMenuImage(richMenuId, new Blob([PNG], { type: 'image/png' }));
    await first.client.linkRichMenuIdToUser(ALICE, richMenuId);
    await first.client.createRichMenuAlias({ richMenuAliasId: 'resident-th', richMenuId });
    await first.client.setDefaultRichMenu(richMenuId);
    await request(first.emulator.app)
      .put('/_emulator/webhook')
      .send({ url: `${receiver.url}?from=page` })
      .expect(200);
    const chatsBefore = (await request(first.emulator.app).get('/_emulator/chats')).body;
    const transcriptBefore = (await request(first.emulator.app).get(`/_emulator/chats/${ALICE}/transcript`)).body;
    const lastIdBefore = Math.max(...first.emulator.delivered(ALICE).map((d) => Number(d.messageId)));
    await first.close();
    running.splice(0);

    const second = await start();
    expect((await request(second.emulator.app).get('/_emulator/chats')).body).toEqual(chatsBefore);
    const transcript = (await request(second.emulator.app).get(`/_emulator/chats/${ALICE}/transcript`)).body;
    expect(transcript).toEqual(transcriptBefore);
    // The tap shows as its displayText after the restart too.
    expect(transcript.find((e: any) => e.event?.type === 'postback')?.display).toBe('ยินยอม');
    // The LINE API answers from the kept state: profiles, membership, the menu, its image and links.
    expect(await second.client.getProfile(ALICE)).toMatchObject({ displayName: 'สมหญิง', language: 'th' });
    expect((await second.client.getGroupMembersIds(GROUP)).memberIds).toEqual([ALICE, BOB]);
    expect(await second.client.getRichMenuIdOfUser(ALICE)).toEqual({ richMenuId });
    expect(await second.client.getDefaultRichMenuId()).toEqual({ richMenuId });
    expect(second.emulator.richMenus.aliases()).toEqual({ 'resident-th': richMenuId });
    expect(second.emulator.richMenus.shownTo(ALICE)).toMatchObject({ richMenuId, hasImage: true });
    const image = await request(second.emulator.app).get(`/_emulator/rich-menu/${ALICE}/image`).expect(200);
    expect(Buffer.from(image.body as Buffer)).toEqual(PNG);
    // Carol was added as a non-friend (a group member only): a broadcast still does not reach her.
    await second.client.broadcast({ messages: [text('all')] });
    expect(second.emulator.delivered(CAROL)).toEqual([]);
    expect(second.emulator.delivered(ALICE).at(-1)?.message.text).toBe('all');
    // New messages get ids after the old ones (the hub stores media by message id).
    await second.emulator.driver.text({ userId: ALICE }, 'again');
    const newId = Number(receiver.events.at(-1).message.id);
    expect(newId).toBeGreaterThan(lastIdBefore);
    // The webhook URL the person set in the page wins over the one the emulator was started with.
    expect(receiver.bodies.length).toBeGreaterThan(0);
    expect((await request(second.emulator.app).get('/_emulator/info')).body.webhookUrl).toBe(
      `${receiver.url}?from=page`,
    );
  });

  it('when a chat is longer than the file keeps, then its newest 200 entries come back', async () => {
    const first = await start();
    first.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
    for (let i = 0; i < 230; i += 1) await first.client.pushMessage({ to: ALICE, messages: [text(`n${i}`)] });
    await first.close();
    running.splice(0);

    const second = await start();
    const texts = second.emulator.delivered(ALICE).map((d) => d.message.text);
    expect(texts).toHaveLength(200);
    expect(texts[0]).toBe('n30');
    expect(texts.at(-1)).toBe('n229');
  });

  it('when the emulator was started with a webhook URL and nobody changed it in the page, then a restart uses the new start-up URL', async () => {
    const first = await start();
    first.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
    await first.close();
    running.splice(0);

    const other = await startReceiver();
    try {
      const second = await startEmulator({ stateFile: file, webhookUrl: other.url });
      running.push(second);
      await second.emulator.driver.text({ userId: ALICE }, 'hi');
      expect(other.events.map((e) => e.message?.text)).toEqual(['hi']);
    } finally {
      for (const fx of running.splice(0)) await fx.close();
      await other.close();
    }
  });

  it('when the state file is not a saved state, then it is set aside and the emulator starts empty', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"users": [tru');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const fx = await start();
      expect((await request(fx.emulator.app).get('/_emulator/chats')).body).toEqual([]);
      const aside = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('line-emulator.json.unreadable-'));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(path.dirname(file), aside[0]!), 'utf8')).toBe('{"users": [tru');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('moved it to'));
    } finally {
      warn.mockRestore();
    }
  });

  it('when the emulator has no state file, then it writes nothing and remembers nothing', async () => {
    const fx = await startEmulator({ webhookUrl: receiver.url });
    running.push(fx);
    fx.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
    await fx.emulator.driver.text({ userId: ALICE }, 'hi');
    await fx.close();
    running.splice(0);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });
});
