// One delivery run for the kill -9 and LINE-error benches: an open loop of text events from many
// residents, each asking for one answer; the hub killed and restarted mid-way and/or LINE failing as
// told; at the end, answers per event counted from what LINE (the emulator) delivered.
import { KeepAliveClient } from '../lib/http-client';
import { UlidIds, benchUserId, messageIds, newReplyToken, seededRandom, textMessageEvent } from '../lib/line-webhook';
import { sleep } from '../lib/processes';
import {
  countAnswers,
  deliverAsLine,
  lineAnswers,
  deliveredTo,
  issueReplyTokens,
  loadAverage,
  startLab,
  waitForQuiet,
  WebhookTally,
  type AnswerCount,
} from './lib';

// Small talk in the three languages that no handler takes for a command: one answer each.
const SMALL_TALK = ['ฝนตกไหมวันนี้', 'ขอบคุณนะ', 'what a hot day', 'see you later', 'panas betul hari ini', 'terima kasih'];

export interface DeliveryRunOptions {
  root: string;
  build: string;
  name: string;
  events: number;
  rate: number;
  users: number;
  seed: number;
  kills: number;
  /** Faults injected into the emulator before the load starts. */
  faults?: Array<Record<string, unknown>>;
}

export interface DeliveryRunResult {
  answers: AnswerCount;
  /** How LINE answered the hub's message calls, e.g. "reply 200×4000, reply 500×1000, reply 400×1000". */
  line: string;
  tally: WebhookTally;
  undelivered: number;
  restartsMs: number[];
  resumed: Array<{ resumedEvents?: number; resumedMessages?: number }>;
  probesAnswered: string;
  hubAlive: boolean;
  loadDuring: string;
  seconds: number;
}

export async function deliveryRun(o: DeliveryRunOptions): Promise<DeliveryRunResult> {
  const lab = await startLab({ root: o.root, build: o.build, name: o.name, logLevel: 'info' });
  try {
    const client = new KeepAliveClient(lab.hubUrl, { maxSockets: 64, timeoutMs: 15_000 });
    const users = Array.from({ length: o.users }, (_, i) => benchUserId(i));
    for (const u of users) await lab.line.json('POST', '/_emulator/users', { userId: u, displayName: u.slice(0, 9) });
    for (const f of o.faults ?? []) await lab.line.json('POST', '/_emulator/faults', f);

    const random = seededRandom(o.seed);
    const ids = new UlidIds();
    const nextMessageId = messageIds();
    const sent = new Map<string, Array<{ replyToken: string }>>();
    const tally = new WebhookTally();
    const deliveries: Array<Promise<boolean>> = [];
    const restartsMs: number[] = [];
    const start = Date.now();
    const sendMs = (o.events / o.rate) * 1000;
    const killAt = Array.from({ length: o.kills }, (_, k) => start + ((k + 1) * sendMs) / (o.kills + 1));
    let killing: Promise<void> = Promise.resolve();

    const batch = 50;
    for (let i = 0; i < o.events; i += batch) {
      const due = start + (i / o.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      while (killAt.length > 0 && Date.now() >= killAt[0]!) {
        killAt.shift();
        // kill -9 under load; the restart runs while the generator keeps sending (and LINE redelivers).
        killing = killing.then(async () => {
          await lab.kill();
          restartsMs.push(await lab.restart());
        });
      }
      const events = [];
      for (let j = i; j < Math.min(o.events, i + batch); j++) {
        const userId = users[Math.floor(random() * users.length)]!;
        const replyToken = newReplyToken();
        const event = textMessageEvent({
          userId,
          text: SMALL_TALK[Math.floor(random() * SMALL_TALK.length)]!,
          webhookEventId: ids.next(),
          messageId: nextMessageId(),
          timestamp: Date.now(),
          replyToken,
        });
        events.push({ event, userId, replyToken });
        const list = sent.get(userId) ?? [];
        list.push({ replyToken });
        sent.set(userId, list);
      }
      await issueReplyTokens(
        lab.line,
        events.map((e) => ({ replyToken: e.replyToken, chatId: e.userId })),
      );
      // One event per body, as LINE mostly sends them under load.
      for (const e of events) deliveries.push(deliverAsLine(client, [e.event], tally));
    }
    await killing;
    const outcomes = await Promise.all(deliveries);
    const loadDuring = loadAverage();
    await waitForQuiet(lab, users);
    const seconds = (Date.now() - start) / 1000;
    const answers = await countAnswers(lab.line, sent);
    const line = await lineAnswers(lab.line);

    // Does it still answer? Ten fresh events from ten people, each must get its one answer.
    const probeUsers = Array.from({ length: 10 }, (_, i) => benchUserId(100_000 + i));
    let probesAnswered = 0;
    for (const u of probeUsers) await lab.line.json('POST', '/_emulator/users', { userId: u, displayName: 'probe' });
    await lab.line.json('DELETE', '/_emulator/faults');
    for (const u of probeUsers) {
      const replyToken = newReplyToken();
      await issueReplyTokens(lab.line, [{ replyToken, chatId: u }]);
      const event = textMessageEvent({
        userId: u,
        text: 'still there?',
        webhookEventId: ids.next(),
        messageId: nextMessageId(),
        timestamp: Date.now(),
        replyToken,
      });
      await deliverAsLine(client, [event], new WebhookTally(), 30_000);
    }
    for (let i = 0; i < 100; i++) {
      probesAnswered = 0;
      for (const u of probeUsers) if ((await deliveredTo(lab.line, u)).length > 0) probesAnswered++;
      if (probesAnswered === probeUsers.length) break;
      await sleep(100);
    }
    const hub = lab.hub().child;
    return {
      answers,
      line,
      tally,
      undelivered: outcomes.filter((ok) => !ok).length,
      restartsMs,
      resumed: lab.startLines(),
      probesAnswered: `${probesAnswered}/${probeUsers.length}`,
      hubAlive: hub.exitCode === null && hub.signalCode === null,
      loadDuring,
      seconds,
    };
  } finally {
    await lab.stop();
  }
}

export function printDeliveryRun(title: string, r: DeliveryRunResult, reproduce: string): void {
  const statuses = [...r.tally.statuses].map(([s, n]) => `${s}×${n}`).join(' ');
  process.stdout.write(
    [
      '',
      title,
      `  events ${r.answers.events}: answered ${r.answers.answered}, lost ${r.answers.lost}, doubled ${r.answers.doubled} (${r.answers.extra} extra messages)`,
      `  LINE answered the hub's message calls: ${r.line}`,
      `  webhook POSTs ${r.tally.posts} (${statuses}; ${r.tally.networkErrors} refused or reset while the hub was down); 5xx: ${r.tally.fivexx()}; never accepted: ${r.undelivered}`,
      r.restartsMs.length > 0
        ? `  restarts after kill -9: ${r.restartsMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}; resumed per start: ${r.resumed.map((s) => `${s.resumedEvents ?? 0} events/${s.resumedMessages ?? 0} messages`).join(', ')}`
        : '  no restarts',
      `  afterwards: hub alive ${r.hubAlive ? 'yes' : 'NO'}, fresh events answered ${r.probesAnswered}; run took ${r.seconds.toFixed(0)} s`,
      `  load average (1, 5, 15 min) at the end of the load: ${r.loadDuring}`,
      `  reproduce: ${reproduce}`,
      '',
    ].join('\n'),
  );
}
