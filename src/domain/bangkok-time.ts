import cron from 'node-cron';

/** Thailand keeps UTC+7 all year (no daylight saving), so Bangkok wall time is plain arithmetic. */
export const BANGKOK_OFFSET_MS = 7 * 60 * 60_000;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Minutes since Bangkok midnight (0..1439). */
export function bangkokMinuteOfDay(at: number): number {
  return Math.floor(((((at + BANGKOK_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/** "HH:mm" -> minutes since midnight, or undefined when malformed. */
export function parseClock(value: string): number | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** Whether a moment falls in a nightly window such as 23:00-06:00 (Bangkok); `from === to` is never. */
export function inWindow(at: number, window: { from: string; to: string }): boolean {
  const from = parseClock(window.from);
  const to = parseClock(window.to);
  if (from === undefined || to === undefined || from === to) return false;
  const now = bangkokMinuteOfDay(at);
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/**
 * A time as an admin types it: ISO 8601 with an offset or Z, or Bangkok wall time without one
 * ("2026-12-24T18:00"). Undefined when it is not a date.
 */
export function parseBangkokTime(value: string): number | undefined {
  const text = value.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as number[];
    const at = Date.UTC(y!, mo! - 1, d!, h!, mi!, s || 0) - BANGKOK_OFFSET_MS;
    // Date.UTC rolls 2026-02-31 over into March; a date that does not exist is an error, not a guess.
    const back = new Date(at + BANGKOK_OFFSET_MS);
    return back.getUTCDate() === d && back.getUTCMonth() === mo! - 1 ? at : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

/** A recurring schedule: a five-field cron expression read in Bangkok time. */
export class BangkokCron {
  private readonly minutes: Set<number>;
  private readonly hours: Set<number>;

  private constructor(
    readonly expression: string,
    private readonly task: ReturnType<typeof cron.createTask>,
    fields: { minute: number[]; hour: number[] },
  ) {
    this.minutes = new Set(fields.minute);
    this.hours = new Set(fields.hour);
  }

  /**
   * Parses `expression` (minute hour day-of-month month day-of-week); throws an Error that says what
   * is wrong. Seconds are not offered: a broadcast to thousands of people is planned to the minute.
   */
  static parse(expression: string): BangkokCron {
    const text = expression.trim().replace(/\s+/g, ' ');
    if (text.split(' ').length !== 5) throw new Error('cron must have five fields: minute hour day month weekday');
    if (!cron.validate(text)) throw new Error(`cron "${text}" is not a valid expression`);
    const fields = cron.parse(text);
    const task = cron.createTask(text, () => undefined, { timezone: 'Asia/Bangkok' });
    return new BangkokCron(text, task, fields);
  }

  /** The first run strictly after `after`, within `horizonDays`; undefined when none (31 February). */
  nextAfter(after: number, horizonDays = 400): number | undefined {
    let at = Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const end = after + horizonDays * DAY_MS;
    // Minute and hour are cheap arithmetic in Bangkok; node-cron checks the day fields only for the
    // few minutes that pass them, so a weekly schedule costs microseconds, not a 10,000-step walk.
    for (; at <= end; at += MINUTE_MS) {
      const minuteOfDay = bangkokMinuteOfDay(at);
      if (!this.hours.has(Math.floor(minuteOfDay / 60))) {
        at += (60 - (minuteOfDay % 60) - 1) * MINUTE_MS;
        continue;
      }
      if (!this.minutes.has(minuteOfDay % 60)) continue;
      if (this.task.match(new Date(at))) return at;
    }
    return undefined;
  }

  /** Releases node-cron's registration of the matcher. */
  dispose(): void {
    void this.task.destroy();
  }
}
