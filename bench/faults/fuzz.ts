// bench/faults/fuzz: 12,000 hostile webhook bodies (signed and unsigned; malformed JSON, wrong
// types in every field, ids that are not LINE ids, query objects, nesting 100,000 deep, huge
// strings, hundreds of events per body), then 50 ordinary events. Figures: answers by status (no
// 5xx), whether the hub lives and still answers, and its memory before, after, and after a rest.
//
//   npx tsx bench/faults/fuzz.ts                     # 12,000 bodies, seed 7
//   npx tsx bench/faults/fuzz.ts --bodies 3000 --seed 8
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { parseArgs, reproduceCommand } from '../lib/args';
import { hubBuild } from '../lib/build';
import { KeepAliveClient } from '../lib/http-client';
import { UlidIds, benchUserId, messageIds, newReplyToken, seededRandom, textMessageEvent } from '../lib/line-webhook';
import { sleep } from '../lib/processes';
import { DESTINATION, SECRET, deliveredTo, hubMetric, loadAverage, startLab } from './lib';

const USAGE =
  'usage: npx tsx bench/faults/fuzz.ts [--bodies 12000] [--rounds 1] [--seed 7] [--concurrency 8] [--ordinary 3000] [--rest 10] [--heap-snapshot DIR] [--hub-node-options "--max-old-space-size=256"] [--build private|dist|DIR]';

type Json = unknown;

function fuzzer(seed: number) {
  const random = seededRandom(seed);
  const ids = new UlidIds();
  const nextMessageId = messageIds();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const int = (n: number) => Math.floor(random() * n);
  const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const oddValues: readonly Json[] = [
    null,
    0,
    -1,
    1e308,
    true,
    '',
    ' ',
    'U a b',
    'Uกขค',
    'U\r\nX-Injected: 1',
    '../../v2/bot/message/push',
    '%2e%2e%2f',
    '\u0000',
    'x'.repeat(70_000),
    [],
    [1, 2],
    {},
    { $gt: 'U' },
    { $ne: null },
    { __proto__: { polluted: true } },
    'U' + 'g'.repeat(32),
    'C' + 'f'.repeat(32),
  ];
  const lineId = (prefix: string) => prefix + Array.from({ length: 32 }, () => '0123456789abcdef'[int(16)]).join('');
  const validEvent = (): Record<string, Json> =>
    textMessageEvent({
      userId: benchUserId(int(200)),
      text: pick(['สวัสดี', 'hello', 'help', 'ภาษา', 'sos?', 'terima kasih', '🆘', 'report']),
      webhookEventId: ids.next(),
      messageId: nextMessageId(),
      timestamp: Date.now(),
      replyToken: newReplyToken(),
    });
  const mutate = (event: Record<string, Json>): Record<string, Json> => {
    const paths: Array<(e: Record<string, Json>) => void> = [
      (e) => (e.type = pick(['message', 'postback', 'follow', 'join', 'memberJoined', 'unknownType', 42, null])),
      (e) =>
        (e.source = pick([
          null,
          'user',
          { type: 'user' },
          { type: 'group', groupId: pick(oddValues) },
          { type: 'room' },
          { type: 'user', userId: pick(oddValues) },
        ])),
      (e) => (e.source = { type: pick(['user', 'group', 'room']), userId: pick(oddValues), groupId: lineId('C') }),
      (e) =>
        (e.message = pick([
          null,
          [],
          'text',
          { type: 'text' },
          { type: 'text', id: '1', text: pick(oddValues) },
          { type: 'location', id: '2', latitude: 'x', longitude: 100 },
          { type: 'image', id: pick(oddValues) },
        ])),
      (e) => (e.webhookEventId = pick([...oddValues, undefined])),
      (e) => (e.timestamp = pick(['now', null, -1, 1e20])),
      (e) => (e.replyToken = pick(oddValues)),
      (e) => {
        e.type = 'postback';
        e.postback = pick([
          null,
          { data: pick(oddValues) },
          { data: 'a=sos-act&id=SOS-HYI-69-000001&to=resolved' },
          { data: 'a=case&id=x&to=__proto__' },
        ]);
      },
      (e) => {
        e.type = 'memberJoined';
        e.source = { type: 'group', groupId: lineId('C') };
        e.joined = { members: pick([null, [{ userId: pick(oddValues) }], 'x']) };
      },
      (e) => (e.deliveryContext = pick(oddValues)),
      (e) => (e.extra = JSON.parse(nested(1 + int(60)))),
    ];
    const n = 1 + int(3);
    for (let i = 0; i < n; i++) pick(paths)(event);
    return event;
  };
  return (): { body: string; sign: 'good' | 'none' | 'bad' } => {
    const r = random();
    const sign = r < 0.08 ? 'none' : r < 0.15 ? 'bad' : 'good';
    const kind = random();
    if (kind < 0.1) return { body: JSON.stringify({ destination: DESTINATION, events: [validEvent()] }), sign };
    if (kind < 0.55) {
      const events = Array.from({ length: 1 + int(4) }, () => (random() < 0.3 ? validEvent() : mutate(validEvent())));
      return { body: JSON.stringify({ destination: DESTINATION, events }), sign };
    }
    if (kind < 0.62) {
      // Nesting inside an event, or beside the events.
      const depth = pick([1_000, 3_000, 5_000, 20_000, 100_000]);
      const id = ids.next();
      return random() < 0.7
        ? {
            body: `{"destination":"${DESTINATION}","events":[{"type":"message","webhookEventId":"${id}","timestamp":1,"x":${nested(depth)}}]}`,
            sign,
          }
        : { body: `{"destination":"${DESTINATION}","x":${nested(depth)},"events":[]}`, sign };
    }
    if (kind < 0.67) {
      const many = Array.from({ length: 100 + int(400) }, () => mutate(validEvent()));
      return { body: JSON.stringify({ destination: DESTINATION, events: many }), sign };
    }
    if (kind < 0.7) {
      const e = validEvent();
      (e.message as Record<string, Json>).text = 'ก'.repeat(100_000 + int(200_000));
      return { body: JSON.stringify({ destination: DESTINATION, events: [e] }), sign };
    }
    if (kind < 0.8) {
      const junk = pick([
        '',
        'null',
        '[]',
        '42',
        '"events"',
        '{"events":null}',
        '{"events":{}}',
        '{"events":[null,1,"x",[]]}',
        '{"events":[{}]}',
        '{"destination":1,"events":[]}',
        '{"__proto__":{"events":[]},"events":[]}',
        '{"events":[{"type":"message","webhookEventId":"\\ud800","timestamp":1}]}',
        '{"events":[',
        '\u0000\u0001\u0002',
        '{"events":[]}'.repeat(3),
      ]);
      return { body: junk, sign };
    }
    // Random bytes as text.
    return { body: Array.from({ length: int(2000) }, () => String.fromCharCode(int(0x3000))).join(''), sign };
  };
}

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    {
      bodies: 12_000,
      rounds: 1,
      seed: 7,
      concurrency: 8,
      ordinary: 3_000,
      rest: 10,
      'heap-snapshot': '',
      'hub-node-options': '',
      build: 'private',
    },
    USAGE,
  );
  const root = path.resolve(__dirname, '../..');
  const snapshots = args['heap-snapshot'] ? path.resolve(args['heap-snapshot']) : undefined;
  // A heap cap as in production (the Procfile), and/or heap snapshots at the start and end (SIGUSR2).
  const nodeOptions = [
    args['hub-node-options'],
    snapshots ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshots}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const lab = await startLab({
    root,
    build: hubBuild(root, args.build),
    name: 'fuzz',
    logLevel: 'warn',
    // Where the memory went: the hub writes a heap snapshot there at the start and at the end (SIGUSR2).
    ...(nodeOptions ? { env: { NODE_OPTIONS: nodeOptions } } : {}),
  });
  try {
    const client = new KeepAliveClient(lab.hubUrl, { maxSockets: args.concurrency, timeoutMs: 30_000 });
    const next = fuzzer(args.seed);
    const statuses = new Map<string, number>();
    const bump = (k: string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
    const ids = new UlidIds();
    const nextMessageId = messageIds();
    /** One signed text event from an ordinary person. */
    const postOrdinary = async (userId: string, text: string) => {
      const event = textMessageEvent({
        userId,
        text,
        webhookEventId: ids.next(),
        messageId: nextMessageId(),
        timestamp: Date.now(),
      });
      const body = JSON.stringify({ destination: DESTINATION, events: [event] });
      await client.request('POST', '/webhook', body, {
        'content-type': 'application/json',
        'x-line-signature': createHmac('sha256', SECRET).update(body).digest('base64'),
      });
    };
    const ordinaryTraffic = async () => {
      for (let i = 0; i < args.ordinary; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) => postOrdinary(benchUserId(60_000 + ((i + j) % 200)), 'hello again')),
        );
        await sleep(100);
      }
      await sleep(args.rest * 1000);
    };
    // Warm up with ordinary traffic (a hub that has been serving), then take the starting memory.
    await ordinaryTraffic();
    const rssStart = await hubMetric(lab.hubUrl, 'process_resident_memory_bytes');
    const heapStart = await hubMetric(lab.hubUrl, 'nodejs_heap_size_used_bytes');
    if (snapshots) {
      // One at the start too, to compare with the one at the end (writing it grows RSS: diagnosis only).
      lab.hub().child.kill('SIGUSR2');
      await sleep(20_000);
    }
    let sent = 0;
    let target = 0;
    const worker = async () => {
      while (sent < target) {
        sent++;
        const { body, sign } = next();
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (sign === 'good') headers['x-line-signature'] = createHmac('sha256', SECRET).update(body).digest('base64');
        if (sign === 'bad') headers['x-line-signature'] = createHmac('sha256', 'wrong').update(body).digest('base64');
        try {
          const res = await client.request('POST', '/webhook', body, headers);
          bump(String(res.status));
        } catch (err) {
          bump(`error ${(err as Error).message.slice(0, 40)}`);
        }
      }
    };
    const t0 = Date.now();
    // More than one round shows whether memory keeps growing with every round (a leak) or levels off.
    const perRound: string[] = [];
    let rssAfter = 0;
    for (let round = 1; round <= args.rounds; round++) {
      target += args.bodies;
      await Promise.all(Array.from({ length: args.concurrency }, worker));
      rssAfter = await hubMetric(lab.hubUrl, 'process_resident_memory_bytes');
      perRound.push(`${Math.round(rssAfter / 1e6)} MB`);
    }
    const fuzzSeconds = (Date.now() - t0) / 1000;
    const loadDuring = loadAverage();

    // Fifty ordinary events from fifty people afterwards: each must be answered.
    const probes = Array.from({ length: 50 }, (_, i) => benchUserId(50_000 + i));
    for (const u of probes) await postOrdinary(u, 'hello');
    let answered = 0;
    for (let i = 0; i < 100; i++) {
      answered = 0;
      for (const u of probes) if ((await deliveredTo(lab.line, u)).length > 0) answered++;
      if (answered === probes.length) break;
      await sleep(200);
    }
    // The same ordinary traffic again (V8 collects its garbage when it allocates, not while idle),
    // then a rest, then memory again.
    await ordinaryTraffic();
    const rssRested = await hubMetric(lab.hubUrl, 'process_resident_memory_bytes');
    const heapTotalRested = await hubMetric(lab.hubUrl, 'nodejs_heap_size_total_bytes');
    const heapRested = await hubMetric(lab.hubUrl, 'nodejs_heap_size_used_bytes');
    const externalRested = await hubMetric(lab.hubUrl, 'nodejs_external_memory_bytes');
    if (snapshots) {
      lab.hub().child.kill('SIGUSR2');
      await sleep(20_000);
    }
    const ready = await fetch(`${lab.hubUrl}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    const hub = lab.hub().child;
    const alive = hub.exitCode === null && hub.signalCode === null;
    const fivexx = [...statuses].filter(([s]) => /^5/.test(s)).reduce((n, [, c]) => n + c, 0);
    const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
    process.stdout.write(
      [
        '',
        `webhook fuzz: ${args.rounds} × ${args.bodies} bodies (seed ${args.seed}) in ${fuzzSeconds.toFixed(0)} s; hub RSS after each round: ${perRound.join(', ')}`,
        `  answers: ${[...statuses]
          .sort()
          .map(([s, c]) => `${s}×${c}`)
          .join(' ')}`,
        `  5xx: ${fivexx}; hub alive: ${alive ? 'yes' : 'NO'}; /readyz ${ready}; ordinary events answered afterwards: ${answered}/${probes.length}`,
        `  hub RSS: ${mb(rssStart)} after ${args.ordinary} ordinary events (start), ${mb(rssAfter)} after the fuzz, ${mb(rssRested)} after ${args.ordinary} ordinary events again and ${args.rest} s at rest (${rssRested - rssStart >= 0 ? '+' : ''}${mb(rssRested - rssStart)})`,
        `  hub V8 heap used: ${mb(heapStart)} at the start, ${mb(heapRested)} at rest (of ${mb(heapTotalRested)} allocated); external ${mb(externalRested)}`,
        `  load average during: ${loadDuring}`,
        `  reproduce: ${reproduceCommand('bench/faults/fuzz.ts', args)}`,
        '',
      ].join('\n'),
    );
    process.exit(fivexx === 0 && alive && answered === probes.length ? 0 : 1);
  } finally {
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
