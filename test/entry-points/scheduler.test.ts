// The cron side on its own: each job under a store lease, one run at a time per instance, a
// failing job logged and never thrown into cron, and jobs marked "at start" run as it starts.
import type { SosService } from '../../src/domain/sos/sos-service';
import { Scheduler, type ScheduledJob } from '../../src/entry-points/scheduler';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { LeaseRepository } from '../../src/store/repositories/lease-repository';
import { ManualClock } from '../../src/util/clock';
import { captureLog } from '../support/log-capture';
import { TEST_EPOCH } from '../support/hub-fixture';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Scheduler', () => {
  let store: EmbeddedStore;
  let leases: LeaseRepository;
  let clock: ManualClock;
  const log = captureLog();
  const sos = { escalateDue: jest.fn(async () => 2) } as unknown as SosService;
  const scheduler = (jobs: ScheduledJob[] = [], refresh: Array<{ name: string; run(): Promise<unknown> }> = []) =>
    new Scheduler({ leases, sos, retention: [], jobs, refresh, clock, logger: log.logger });

  beforeEach(async () => {
    store = new EmbeddedStore();
    leases = new LeaseRepository(store);
    await leases.init();
    clock = new ManualClock(TEST_EPOCH);
    log.lines.length = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  it('when a job is asked for by a name nobody registered, then the tick says so', async () => {
    await expect(scheduler().tick('nightly')).rejects.toThrow('no scheduled job named nightly');
  });

  it('when another instance holds the lease, then this one skips the job until the lease runs out', async () => {
    let runs = 0;
    const job: ScheduledJob = { name: 'digest', cron: '0 * * * *', ttlMs: 60_000, run: async () => ++runs };
    const a = scheduler([job]);
    const b = scheduler([job]);
    expect(await a.tick('digest')).toBe(1);
    expect(await b.tick('digest')).toBe(0);
    clock.advance(61_000);
    expect(await b.tick('digest')).toBe(2);
    expect(await a.tick('digest')).toBe(0);
  });

  it('when a tick comes while the previous run is still going, then it does nothing', async () => {
    const gate = deferred();
    let runs = 0;
    const job: ScheduledJob = {
      name: 'slow',
      cron: '* * * * *',
      ttlMs: 60_000,
      run: async () => {
        runs++;
        await gate.promise;
        return 1;
      },
    };
    const s = scheduler([job]);
    const first = s.tick('slow');
    expect(await s.tick('slow')).toBe(0);
    gate.resolve();
    expect(await first).toBe(1);
    expect(runs).toBe(1);
  });

  it('when a job throws, then the tick answers 0 and the failure is logged with the job', async () => {
    const job: ScheduledJob = {
      name: 'broken',
      cron: '* * * * *',
      ttlMs: 60_000,
      run: () => Promise.reject(new Error('disk full')),
    };
    expect(await scheduler([job]).tick('broken')).toBe(0);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        job: 'broken',
        msg: 'scheduled job failed',
        err: expect.objectContaining({ message: 'disk full' }),
      }),
    );
  });

  it('when a refresh target fails, then the others still run and the failure is logged; a refresh already going is not doubled', async () => {
    const gate = deferred();
    const ran: string[] = [];
    const s = scheduler(
      [],
      [
        { name: 'zones', run: () => Promise.reject(new Error('zones unreadable')) },
        {
          name: 'stations',
          run: async () => {
            ran.push('stations');
            await gate.promise;
          },
        },
      ],
    );
    const first = s.refreshTick();
    await s.refreshTick();
    gate.resolve();
    await first;
    expect(ran).toEqual(['stations']);
    expect(log.lines).toContainEqual(expect.objectContaining({ job: 'zones', msg: 'refresh failed' }));
  });

  it('when the ladder ticks, then it runs under its own lease', async () => {
    expect(await scheduler().escalationTick()).toBe(2);
    expect(await scheduler().escalationTick()).toBe(0); // another instance: the lease is held
  });

  it('when it starts, then jobs marked "at start" run once at once, and stop ends the cron tasks', async () => {
    const ran: string[] = [];
    const started = deferred();
    const job = (name: string, atStart: boolean): ScheduledJob => ({
      name,
      cron: '0 3 * * *',
      ttlMs: 60_000,
      atStart,
      run: async () => {
        ran.push(name);
        started.resolve();
        return 1;
      },
    });
    const s = scheduler([job('resume-broadcasts', true), job('digest', false)]);
    s.start();
    try {
      await started.promise;
      expect(ran).toEqual(['resume-broadcasts']);
    } finally {
      await s.stop();
    }
  });
});
