// Several hub instances on one store (test/support/cluster.ts): what went wrong when LINE spread one
// person's events over two instances, when a second instance started, and when an instance stopped
// handling what it had accepted (shared/reviews/scale-out.md, E1). Each store operation takes 2 ms,
// as a MongoDB round trip would, so the race windows are no wider than in production.
// (A zone imported through one instance, and a report photo served by another, are in instances.test.ts.)
import type { webhook } from '@line/bot-sdk';
import { randomUUID } from 'node:crypto';
import type { SosService } from '../../src/domain/sos/sos-service';
import { Scheduler, type ScheduledJob } from '../../src/entry-points/scheduler';
import { silentLogger } from '../../src/logger';
import { InboxRepository } from '../../src/store/repositories/inbox-repository';
import { LeaseRepository } from '../../src/store/repositories/lease-repository';
import { ManualClock } from '../../src/util/clock';
import { numbered } from '../support/admin';
import { Cluster, sleep, type Instance } from '../support/cluster';
import { HYI_GROUP, JOHN, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, TEST_EPOCH, uid } from '../support/hub-fixture';

const CLAIM_TTL_MS = 10_000;

let c: Cluster;
afterEach(async () => {
  await c?.close();
});

/** The city of test/support/city.ts, set up through the first instance alone; then the balancer again. */
async function city(cluster: Cluster): Promise<void> {
  cluster.pin(cluster.instances[0]);
  await setUpCity(cluster.fixture());
  await cluster.settle();
  cluster.pin();
}

/** A resident's report up to a step, one tap at a time (each answered before the next). */
async function reportUpTo(cluster: Cluster, userId: string, step: 'photos' | 'confirm'): Promise<void> {
  const d = cluster.emulator.driver;
  const u = { userId };
  const taps: Array<() => Promise<unknown>> = [
    () => d.postback(u, 'a=report'),
    () => d.postback(u, 'a=cat&v=theft'),
    () => d.text(u, 'Someone is breaking into motorbikes outside the 7-Eleven'),
  ];
  if (step === 'confirm')
    taps.push(
      () => d.postback(u, 'a=photos-done'),
      () => d.location(u, PLACES.santisuk),
      () => d.postback(u, 'a=anon&v=no'),
    );
  for (const tap of taps) {
    await tap();
    await cluster.settle();
  }
}

const caseCards = (cluster: Cluster) => cluster.said(HYI_GROUP).filter((s) => /HYI-\d\d-\d{6}/.test(s));
const sosCards = (cluster: Cluster) => cluster.said(HYI_GROUP).filter((s) => /SOS-HYI-\d\d-\d{6}/.test(s));
const failedEvents = (cluster: Cluster) => cluster.instances[0]!.hub.repos.inbox.count('failed');

describe('one person, two instances behind a round-robin balancer', () => {
  it('when a resident sends three photos at once and LINE spreads them over both instances, then all three are kept in order and nobody is told something went wrong', async () => {
    c = await Cluster.start(['A', 'B'], { each: { lineDelayMs: { getMessageContent: 150 } } });
    await city(c);
    await reportUpTo(c, JOHN, 'photos');
    const before = c.said(JOHN).length;
    const routedBefore = c.routed.length;

    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const drive = await c.emulator.driver.image({ userId: JOHN });
      sent.push((drive.events[0] as { message: { id: string } }).message.id);
    }
    await c.settle();

    expect(new Set(c.routed.slice(routedBefore))).toEqual(new Set(['A', 'B']));
    const draft = (await c.instances[0]!.hub.repos.sessions.get(JOHN))?.data as {
      photos: Array<{ messageId: string }>;
    };
    expect(draft.photos.map((p) => p.messageId)).toEqual(sent);
    const heard = c.said(JOHN).slice(before);
    expect(heard).toHaveLength(3);
    expect(heard[2]).toContain('All 3 photos received.');
    expect(heard.join('\n')).not.toMatch(/went wrong/i);
    expect(await failedEvents(c)).toBe(0);
  });

  it('when LINE delivers the photos of a set out of order and spreads them over both instances, then they are kept in the order the resident put them', async () => {
    c = await Cluster.start(['A', 'B'], { each: { lineDelayMs: { getMessageContent: 500 } } });
    await city(c);
    await reportUpTo(c, JOHN, 'photos');
    const before = c.said(JOHN).length;

    // Three photos sent together, as LINE describes them: one set, each with its place, one time.
    const at = c.clock.now();
    const photos = [1, 2, 3].map((index) => {
      const id = `88800011122233${index}`;
      c.emulator.content.put(id, Buffer.from(`photo ${index}`), 'image/jpeg');
      return {
        type: 'message',
        mode: 'active',
        timestamp: at,
        webhookEventId: `SET-${randomUUID()}`,
        deliveryContext: { isRedelivery: false },
        source: { type: 'user', userId: JOHN },
        replyToken: randomUUID().replaceAll('-', ''),
        message: { type: 'image', id, contentProvider: { type: 'line' }, imageSet: { id: 'SET1', index, total: 3 } },
      };
    });
    // The first is being handled (its download takes 500 ms) while the third, then the second arrive.
    for (const photo of [photos[0]!, photos[2]!, photos[1]!])
      expect((await c.emulator.driver.send([photo])).status).toBe(200);
    await c.settle();

    const draft = (await c.instances[0]!.hub.repos.sessions.get(JOHN))?.data as {
      photos: Array<{ messageId: string }>;
    };
    expect(draft.photos.map((p) => p.messageId)).toEqual(photos.map((p) => p.message.id));
    const heard = c.said(JOHN).slice(before);
    expect(heard).toHaveLength(3);
    expect(heard[2]).toContain('All 3 photos received.');
  });

  it('when a resident double-taps "Send report" and the taps reach different instances, then one case is made and the group gets one card', async () => {
    c = await Cluster.start(['A', 'B'], { each: { geocoderDelayMs: 300 } });
    await city(c);
    await reportUpTo(c, JOHN, 'confirm');
    const groupBefore = caseCards(c).length;
    const routedBefore = c.routed.length;

    await c.emulator.driver.postback({ userId: JOHN }, 'a=report-confirm');
    await c.emulator.driver.postback({ userId: JOHN }, 'a=report-confirm');
    await c.settle();

    expect(c.routed.slice(routedBefore)).toEqual(['A', 'B']);
    const cases = await c.instances[0]!.hub.repos.cases.byReporter(JOHN);
    expect(cases).toHaveLength(1);
    expect(caseCards(c).slice(groupBefore)).toHaveLength(1);
    expect(c.said(JOHN).filter((s) => s.startsWith('Report sent'))).toHaveLength(1);
    expect(await failedEvents(c)).toBe(0);
  });

  it('when a frightened resident presses SOS twice and the presses reach different instances, then one alert is raised and the group gets one card', async () => {
    c = await Cluster.start(['A', 'B'], { storeLatencyMs: 5 });
    await city(c);
    const d = c.emulator.driver;
    await d.location({ userId: SOMCHAI }, PLACES.santisuk); // a recent pin routes the SOS to Hat Yai
    await c.settle();
    const cardsBefore = sosCards(c).length;

    await d.postback({ userId: SOMCHAI }, 'a=sos');
    await d.postback({ userId: SOMCHAI }, 'a=sos');
    await c.settle();

    const alerts = await c.instances[0]!.hub.repos.alerts.allByUser(SOMCHAI);
    expect(alerts.map((a) => a._id)).toEqual([numbered(c, 'HYI', 1, 'sos')]);
    expect(sosCards(c).slice(cardsBefore)).toHaveLength(1);
    expect(await failedEvents(c)).toBe(0);
  });
});

describe('an instance starting while another is busy (a rolling deploy, the autoscaler adding one)', () => {
  it('when a second instance starts while the first is still answering, then nobody hears an answer twice and no case is made twice', async () => {
    // A answers slowly: LINE takes 800 ms over each reply, and its address lookup takes a second.
    c = await Cluster.start(['A'], { each: { lineDelayMs: { reply: 800 }, geocoderDelayMs: 1000 } });
    const [a] = c.instances as [Instance];
    await city(c);
    await reportUpTo(c, JOHN, 'confirm');
    const newcomers = ['1', '2', '3', '4', '5'].map((ch) => uid(ch));
    for (const u of newcomers)
      c.emulator.users.add({ userId: u, displayName: `Guest ${u.slice(1, 2)}`, language: 'en' });
    const cardsBefore = caseCards(c).length;

    c.pin(a);
    for (const u of newcomers) await c.emulator.driver.text({ userId: u }, 'hello');
    await c.emulator.driver.postback({ userId: JOHN }, 'a=report-confirm');
    await sleep(200);
    const b = await c.add('B');
    await c.settle();

    expect(b.resumed).toEqual({ resumedEvents: 0, resumedMessages: 0 });
    for (const u of newcomers) expect(c.said(u)).toHaveLength(1);
    expect(await a.hub.repos.cases.byReporter(JOHN)).toHaveLength(1);
    expect(caseCards(c).slice(cardsBefore)).toHaveLength(1);
    expect(c.emulator.calls({ endpoint: 'push' }).filter((x) => newcomers.includes(String(x.to)))).toEqual([]);
  });
});

describe('an instance that stops handling what it accepted', () => {
  it('when an SOS reaches an instance that then hangs, then another instance raises the alert once its claim expires, and nothing is done twice when the first one wakes', async () => {
    const clock = new ManualClock(TEST_EPOCH);
    c = await Cluster.start(['A', 'B'], { clock });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    const d = c.emulator.driver;
    await d.location({ userId: SOMCHAI }, PLACES.santisuk);
    await c.settle();

    // A stores the SOS and answers LINE, then hangs before handling it.
    c.pin(a);
    a.wedgeAfter((collection, method) => collection === 'inbox' && method === 'insertNew');
    const sent = await d.text({ userId: SOMCHAI }, 'ช่วยด้วย');
    const eventId = sent.events[0]!.webhookEventId as string;
    expect(a.state).toBe('wedged');
    c.pin();
    await b.hub.scheduler.tick('sweeper');
    await c.settle();
    expect(await b.hub.repos.alerts.openFor(SOMCHAI)).toBeNull(); // A's claim still holds

    clock.advance(CLAIM_TTL_MS + 1);
    await b.hub.scheduler.tick('sweeper');
    await c.settle();
    expect((await b.hub.repos.alerts.openFor(SOMCHAI))?._id).toBe(numbered(c, 'HYI', 1, 'sos'));
    expect(sosCards(c)).toHaveLength(1);
    expect(c.said(SOMCHAI).at(-1)).toContain('191');
    // B took the event over in the store before handling it, so its done mark holds (A's claim would refuse it).
    expect(await b.hub.repos.inbox.get(eventId)).toMatchObject({ status: 'done', attempts: 1 });

    a.resume();
    await c.settle();
    expect(await b.hub.repos.alerts.allByUser(SOMCHAI)).toHaveLength(1);
    expect(sosCards(c)).toHaveLength(1);
    expect(await failedEvents(c)).toBe(0);
  });
});

describe('side effects keyed on the step, whatever instance runs it', () => {
  /** A postback event as LINE sends it, for handing straight to an instance's handler (no inbox, no chat lease). */
  const postback = (userId: string, data: string): webhook.Event =>
    ({
      type: 'postback',
      postback: { data },
      source: { type: 'user', userId },
      timestamp: c.clock.now(),
      webhookEventId: randomUUID().replace(/-/g, '').toUpperCase().slice(0, 26),
      replyToken: randomUUID().replace(/-/g, ''),
      mode: 'active',
      deliveryContext: { isRedelivery: false },
    }) as unknown as webhook.Event;

  it('when two instances run the "Send report" step at once (a chat lease lost to a paused holder), then one case is made and the group gets one card', async () => {
    c = await Cluster.start(['A', 'B'], { each: { geocoderDelayMs: 200 } });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    await reportUpTo(c, JOHN, 'confirm');

    await Promise.all([
      a.hub.handleEvent(postback(JOHN, 'a=report-confirm')),
      b.hub.handleEvent(postback(JOHN, 'a=report-confirm')),
    ]);
    await c.settle();

    expect(await a.hub.repos.cases.byReporter(JOHN)).toHaveLength(1);
    expect(caseCards(c)).toHaveLength(1);
  });

  it('when the same "Send report" event is run twice (handled again after its claim expired), then one case is made and the group gets one card', async () => {
    c = await Cluster.start(['A', 'B'], { each: { geocoderDelayMs: 200 } });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    await reportUpTo(c, JOHN, 'confirm');

    const tap = postback(JOHN, 'a=report-confirm');
    await Promise.all([a.hub.handleEvent(tap), b.hub.handleEvent(tap)]);
    await c.settle();

    expect(await a.hub.repos.cases.byReporter(JOHN)).toHaveLength(1);
    expect(caseCards(c)).toHaveLength(1);
    expect(c.said(JOHN).filter((s) => s.startsWith('Report sent'))).toHaveLength(1);
  });

  it('when two instances run two SOS presses at once, then one alert is raised and the group gets one card', async () => {
    c = await Cluster.start(['A', 'B'], { storeLatencyMs: 5 });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    await c.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await c.settle();

    await Promise.all([a.hub.handleEvent(postback(SOMCHAI, 'a=sos')), b.hub.handleEvent(postback(SOMCHAI, 'a=sos'))]);
    await c.settle();

    expect(await a.hub.repos.alerts.allByUser(SOMCHAI)).toHaveLength(1);
    expect(sosCards(c)).toHaveLength(1);
  });

  it('when a report is sent just as its conversation expires and the resident begins a new one on another instance, then the new one is not wiped out', async () => {
    const clock = new ManualClock(TEST_EPOCH);
    c = await Cluster.start(['A', 'B'], { clock, each: { geocoderDelayMs: 300 } });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    await reportUpTo(c, JOHN, 'confirm');

    const sending = a.hub.handleEvent(postback(JOHN, 'a=report-confirm'));
    await sleep(50); // A is looking up the address
    clock.advance(31 * 60_000); // the conversation has expired by now
    await b.hub.handleEvent(postback(JOHN, 'a=report')); // "that report expired"
    await b.hub.handleEvent(postback(JOHN, 'a=report')); // a new one: which category?
    await sending;
    await c.settle();

    expect(await a.hub.repos.cases.byReporter(JOHN)).toHaveLength(1);
    expect(await a.hub.repos.sessions.get(JOHN)).toMatchObject({ flow: 'report', step: 'category' });
  });
});

/** An instance's outbox writes `sending` just before its LINE call leaves. */
const aboutToCall = (collection: string, method: string, args: unknown[]) =>
  collection === 'outbox' &&
  method === 'updateOne' &&
  (args[1] as { $set?: { status?: string } } | undefined)?.$set?.status === 'sending';

describe('an answer an instance was sending when it died or hung', () => {
  async function pausedInstanceA(
    pause: (a: Instance) => void,
  ): Promise<{ a: Instance; b: Instance; clock: ManualClock }> {
    const clock = new ManualClock(TEST_EPOCH);
    c = await Cluster.start(['A', 'B'], { clock });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    c.pin(a);
    pause(a);
    await c.emulator.driver.text({ userId: JOHN }, 'what is the weather like');
    for (let i = 0; a.state !== 'wedged' && i < 500; i++) await sleep(5);
    expect(a.state).toBe('wedged');
    c.pin();
    return { a, b, clock };
  }

  const repliesTo = (userId: string) => c.emulator.calls({ endpoint: 'reply' }).filter((x) => x.to === userId);

  it('when an instance hangs after marking a reply as being tried but before the call left, then another sends it on its token once the claim expires, and the person sees it once', async () => {
    const { b, clock } = await pausedInstanceA((a) => a.wedgeAfter(aboutToCall));
    const before = c.emulator.delivered(JOHN).length;

    await b.hub.scheduler.tick('sweeper');
    await c.settle();
    expect(c.emulator.delivered(JOHN)).toHaveLength(before); // A's claim still holds

    clock.advance(CLAIM_TTL_MS + 1);
    await b.hub.scheduler.tick('sweeper');
    await c.settle();
    const got = c.emulator.delivered(JOHN).slice(before);
    expect(got.map((d) => d.via)).toEqual(['reply']);
    expect(got[0]!.message.text).toContain("didn't understand");
  });

  it('when an instance hangs after LINE took its reply but before recording it, then another finds the token used and counts it delivered, and pushes nothing', async () => {
    const { b, clock } = await pausedInstanceA((a) => a.wedgeAfterLine('reply'));
    const before = c.emulator.delivered(JOHN).length;
    expect(before).toBeGreaterThan(0);

    clock.advance(CLAIM_TTL_MS + 1);
    await b.hub.scheduler.tick('sweeper');
    await c.settle();

    expect(c.emulator.delivered(JOHN)).toHaveLength(before);
    expect(c.emulator.calls({ endpoint: 'push', to: JOHN }).filter((x) => x.at > TEST_EPOCH + 1)).toEqual([]);
    const [row] = (await b.hub.repos.outbox.find({ to: JOHN })).slice(-1);
    expect(row).toMatchObject({ status: 'sent', sentAs: 'reply' });
  });

  it('when a hung instance wakes after another sent its reply, then it sends nothing more (no push when it finds the token used)', async () => {
    const { a, b, clock } = await pausedInstanceA((x) => x.wedgeAfter(aboutToCall));
    const before = c.emulator.delivered(JOHN).length;
    clock.advance(CLAIM_TTL_MS + 1);
    await b.hub.scheduler.tick('sweeper');
    await c.settle();
    expect(c.emulator.delivered(JOHN)).toHaveLength(before + 1);
    const pushesBefore = c.emulator.calls({ endpoint: 'push', to: JOHN }).length;

    a.resume(); // its reply call, held all this time, now reaches LINE: "Invalid reply token"
    await c.settle();

    expect(
      repliesTo(JOHN)
        .map((x) => x.status)
        .slice(-2),
    ).toEqual([200, 400]);
    expect(c.emulator.delivered(JOHN)).toHaveLength(before + 1);
    expect(c.emulator.calls({ endpoint: 'push', to: JOHN })).toHaveLength(pushesBefore);
  });
});

describe('a chat taken over from an instance that hung', () => {
  it('when an instance hangs with a reply still to send and the person writes again through another instance, then the first answer arrives before the second', async () => {
    const clock = new ManualClock(TEST_EPOCH);
    c = await Cluster.start(['A', 'B'], { clock });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    const before = c.emulator.calls({ endpoint: 'reply' }).length;
    c.pin(a);
    a.wedgeAfter(aboutToCall);
    const first = await c.emulator.driver.text({ userId: JOHN }, 'what is the weather like');
    for (let i = 0; a.state !== 'wedged' && i < 500; i++) await sleep(5);
    expect(a.state).toBe('wedged');

    clock.advance(CLAIM_TTL_MS + 1); // A's chat lease and its claims have run out; no sweep has run yet
    c.pin(b);
    const second = await c.emulator.driver.text({ userId: JOHN }, 'hello again');
    await c.settle();

    const tokenOf = (drive: { events: Array<{ replyToken?: string }> }) => drive.events[0]!.replyToken;
    const replies = c.emulator
      .calls({ endpoint: 'reply' })
      .slice(before)
      .filter((x) => x.to === JOHN && x.status === 200);
    expect(replies.map((x) => (x.body as { replyToken: string }).replyToken)).toEqual([
      tokenOf(first),
      tokenOf(second),
    ]);
    expect(
      c
        .said(JOHN)
        .slice(-2)
        .every((t) => t.includes("didn't understand")),
    ).toBe(true);
  });
});

describe('work left behind, handed over', () => {
  it('when an instance is stopped with events still waiting, then another takes them at its next sweep without waiting for their claims to expire', async () => {
    const clock = new ManualClock(TEST_EPOCH);
    c = await Cluster.start(['A', 'B'], { clock, each: { lineDelayMs: { getProfile: 300 } } });
    const [a, b] = c.instances as [Instance, Instance];
    await city(c);
    const guest = uid('7');
    c.emulator.users.add({ userId: guest, displayName: 'Guest', language: 'en' });

    c.pin(a);
    for (const words of ['hello', 'is anyone there', 'hello?']) await c.emulator.driver.text({ userId: guest }, words);
    await a.stop(); // SIGTERM while the first is being handled (its profile lookup takes 300 ms)
    await a.hub.inbox.drain();
    c.pin();

    await b.hub.scheduler.tick('sweeper');
    await c.settle();
    expect(c.said(guest)).toHaveLength(3);
    expect(await b.hub.repos.inbox.count('pending')).toBe(0);
  });

  it('when a dead instance left more events than one sweep page holds, then one sweep hands them all over and each person is answered once', async () => {
    c = await Cluster.start(['B'], { each: { hub: { coordination: { pageSize: 5 } } } });
    const [b] = c.instances as [Instance];
    const people = Array.from({ length: 12 }, (_, i) => 'U' + String(i).padStart(2, '0').repeat(16));
    for (const u of people) c.emulator.users.add({ userId: u, displayName: `Guest ${u.slice(1, 3)}`, language: 'en' });
    // What an instance that died at once left in the store: events it stored and claimed, never handled.
    const now = c.clock.now();
    await new InboxRepository(c.store).accept(
      people.map((userId, i) => ({
        _id: `01GONE${String(i).padStart(20, '0')}`,
        seq: now * 1000 + i,
        sourceKey: `user:${userId}`,
        event: {
          type: 'message',
          message: { type: 'text', id: String(9_000_000 + i), text: 'hello' },
          webhookEventId: `01GONE${String(i).padStart(20, '0')}`,
          deliveryContext: { isRedelivery: false },
          timestamp: now,
          source: { type: 'user', userId },
          replyToken: randomUUID().replace(/-/g, ''),
          mode: 'active',
        },
        status: 'pending',
        receivedAt: now,
        attempts: 0,
        claimedBy: 'hub-gone/00000000',
        claimExpiresAt: now - 1,
      })),
    );

    expect(await b.hub.scheduler.tick('sweeper')).toBe(12);
    await c.settle();
    for (const u of people) expect(c.said(u)).toHaveLength(1);
  });
});

describe('a scheduled job that runs longer than its lease', () => {
  it('when a job on one instance outlasts its lease, then another instance does not start it too, and takes it as soon as the first stops', async () => {
    c = await Cluster.start([]);
    const clock = new ManualClock(TEST_EPOCH);
    const leases = new LeaseRepository(c.store);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let most = 0;
    let runs = 0;
    const digest: ScheduledJob = {
      name: 'digest',
      cron: '0 * * * *',
      ttlMs: 30_000,
      run: async () => {
        runs++;
        most = Math.max(most, ++running);
        if (runs === 1) await held; // the first run takes 90 s: three times its lease
        running--;
        return 1;
      },
    };
    const instance = (holder: string) =>
      new Scheduler({
        holder,
        renewEveryMs: 5,
        leases,
        sos: {} as SosService,
        retention: [],
        jobs: [digest],
        clock,
        logger: silentLogger,
      });
    const a = instance('hub-A');
    const b = instance('hub-B');

    const first = a.tick('digest');
    for (let step = 0; step < 3; step++) {
      clock.advance(20_000);
      // A's lease, renewed while its job runs, reaches past the new time (or the loop gives up).
      for (let i = 0; i < 200 && ((await leases.get('digest'))?.expiresAt ?? 0) <= clock.now() + 20_000; i++)
        await sleep(5);
      expect(await b.tick('digest')).toBe(0);
    }
    release();
    expect(await first).toBe(1);
    expect(runs).toBe(1);

    await a.stop();
    expect(await b.tick('digest')).toBe(1);
    expect(runs).toBe(2);
    expect(most).toBe(1);
    await b.stop();
  });
});

describe('metrics of several instances', () => {
  it('when each instance is scraped, then every series says which instance it came from', async () => {
    c = await Cluster.start(['A', 'B']);
    for (const instance of c.instances) {
      const exposition = await instance.hub.metrics.registry.metrics();
      const series = exposition.split('\n').filter((l) => l.startsWith('ssz_') && l.includes('{'));
      expect(series.length).toBeGreaterThan(0);
      for (const line of series) expect(line).toContain(`hub_instance="hub-${instance.name}"`);
    }
  });
});
