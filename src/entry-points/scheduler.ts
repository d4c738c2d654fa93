import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { SosService } from '../domain/sos/sos-service';
import type { Logger } from '../logger';
import type { LeaseRepository } from '../store/repositories/lease-repository';
import type { Clock } from '../util/clock';

/** A job of a feature (broadcasts, patrol digests): a cron pattern, a lease time, and the use case to call. */
export interface ScheduledJob {
  name: string;
  cron: string;
  ttlMs: number;
  /** Also run once as the scheduler starts (work a previous process left unfinished). */
  atStart?: boolean;
  run(): Promise<number>;
}

export interface RetentionTarget {
  name: string;
  purge(now: number): Promise<number>;
}

/** Work every instance does on each tick, with no lease: each keeps its own copy (the zone index). */
export interface RefreshTarget {
  name: string;
  run(): Promise<unknown>;
}

/**
 * The cron side of the hub. Each job runs under a lease in the store so that, with several hub
 * instances, one runs it at a time; the job itself is idempotent (STYLE 13) so a lease lost
 * mid-run costs at most a repeated, deduplicated send. A lease is renewed while its job runs (a
 * job longer than the lease would otherwise run on two instances at once), kept between runs, and
 * released when the scheduler stops, so another instance takes the job over at its next tick.
 */
export class Scheduler {
  readonly holder: string;
  private tasks: ScheduledTask[] = [];
  private running = new Set<string>();
  /** Leases this instance took, by name, with their time to live. */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly deps: {
      /** This instance, as written in leases; a random one when not given. */
      holder?: string;
      /** How often a running job's lease is renewed (default: a third of its time to live). */
      renewEveryMs?: number;
      leases: LeaseRepository;
      sos: SosService;
      retention: RetentionTarget[];
      jobs?: ScheduledJob[];
      /** Messages held for LINE's monthly quota, released when a new Bangkok month renews it. */
      quota?: { releaseHeldBeforeThisMonth(): Promise<number> };
      refresh?: RefreshTarget[];
      clock: Clock;
      logger: Logger;
    },
  ) {
    this.holder = deps.holder ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  /** One pass of the SOS ladder, if this instance holds the lease. */
  async escalationTick(): Promise<number> {
    return this.underLease('sos-escalation', 30_000, () => this.deps.sos.escalateDue());
  }

  async retentionTick(): Promise<number> {
    return this.underLease('retention', 10 * 60_000, async () => {
      let removed = 0;
      const now = this.deps.clock.now();
      for (const target of this.deps.retention) removed += await target.purge(now);
      if (removed > 0) this.deps.logger.info({ removed }, 'retention purge');
      return removed;
    });
  }

  /** One run of a named job, if this instance holds its lease. */
  async tick(name: string): Promise<number> {
    const job = this.deps.jobs?.find((j) => j.name === name);
    if (!job) throw new Error(`no scheduled job named ${name}`);
    return this.underLease(job.name, job.ttlMs, () => job.run());
  }

  /** At the turn of a Bangkok month: what the spent quota held goes out again. */
  async quotaMonthTick(): Promise<number> {
    const quota = this.deps.quota;
    if (!quota) return 0;
    return this.underLease('quota-month', 10 * 60_000, () => quota.releaseHeldBeforeThisMonth());
  }

  /** What changed in the store since this instance last looked (zones and stations), on every instance. */
  async refreshTick(): Promise<void> {
    if (this.running.has('refresh')) return;
    this.running.add('refresh');
    try {
      for (const target of this.deps.refresh ?? []) {
        await target.run().catch((err: unknown) => this.deps.logger.warn({ err, job: target.name }, 'refresh failed'));
      }
    } finally {
      this.running.delete('refresh');
    }
  }

  start(): void {
    // Every 10 s: an escalation is at most 10 s late against a ladder measured in minutes, and a
    // zone imported through another instance routes here within 10 s.
    this.tasks.push(
      cron.schedule(
        '*/10 * * * * *',
        () => {
          void this.escalationTick();
          void this.refreshTick();
        },
        { name: 'sos-escalation' },
      ),
    );
    this.tasks.push(cron.schedule('17 * * * *', () => void this.retentionTick(), { name: 'retention' }));
    for (const job of this.deps.jobs ?? []) {
      this.tasks.push(cron.schedule(job.cron, () => void this.tick(job.name), { name: job.name }));
      if (job.atStart) void this.tick(job.name);
    }
    this.tasks.push(
      cron.schedule('0 0 1 * *', () => void this.quotaMonthTick(), { name: 'quota-month', timezone: 'Asia/Bangkok' }),
    );
  }

  /** Stops the cron tasks and lets go of every lease this instance holds (another takes its jobs at once). */
  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    this.tasks = [];
    const held = [...this.held.keys()];
    this.held.clear();
    for (const name of held) {
      await this.deps.leases
        .release(name, this.holder)
        .catch((err: unknown) => this.deps.logger.warn({ err, job: name }, 'could not release a job lease'));
    }
  }

  private async underLease(name: string, ttlMs: number, job: () => Promise<number>): Promise<number> {
    if (this.running.has(name)) return 0; // the previous tick is still going
    this.running.add(name);
    let renewing: NodeJS.Timeout | undefined;
    try {
      if (!(await this.deps.leases.acquire(name, this.holder, this.deps.clock.now(), ttlMs))) {
        this.held.delete(name);
        return 0;
      }
      this.held.set(name, ttlMs);
      renewing = setInterval(() => void this.renew(name, ttlMs), this.deps.renewEveryMs ?? Math.floor(ttlMs / 3));
      renewing.unref();
      return await job();
    } catch (err) {
      this.deps.logger.error({ err, job: name }, 'scheduled job failed');
      return 0;
    } finally {
      clearInterval(renewing);
      this.running.delete(name);
    }
  }

  /** Keeps a running job's lease; says so in the log when another instance has taken it meanwhile. */
  private async renew(name: string, ttlMs: number): Promise<void> {
    try {
      if (await this.deps.leases.acquire(name, this.holder, this.deps.clock.now(), ttlMs)) return;
      this.held.delete(name);
      this.deps.logger.warn(
        { job: name },
        'a running job lost its lease (this instance was held up): another may run it too',
      );
    } catch (err) {
      this.deps.logger.warn({ err, job: name }, 'could not renew a job lease');
    }
  }
}
