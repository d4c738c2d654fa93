import { sosNotReachedYet, sosReachedAtLast } from '../../flex-templates/delivery';
import type { Language } from '../domain/people';
import type { Texts } from '../i18n/i18n';
import type { Logger } from '../logger';
import type { OutboxEntry } from '../store/repositories/outbox-repository';
import type { Clock } from '../util/clock';
import type { Outbox } from './outbox';

/** The sends that carry an SOS alert's first card: to the station group, and to on-duty officers. */
const FIRST_ALERT_PURPOSES = new Set(['sos-alert', 'sos-alert-officers']);

/**
 * The SOS alert an outbox row belongs to. The SOS service names every planned send of an alert
 * `<alert id>:<what>` (its dedupe key), so the alert is the part before the first colon.
 */
export function alertIdOf(row: Pick<OutboxEntry, 'dedupeKey'>): string | undefined {
  const id = row.dedupeKey?.split(':')[0];
  return id ? id : undefined;
}

export interface WatchedAlert {
  userId: string;
  lang: Language;
  /** False once an officer closed it (resolved, false alarm). */
  open: boolean;
}

/**
 * Watches the first card of each SOS alert on its way to LINE. If none of its sends (the station
 * group, the on-duty officers) has been accepted 10 s after it was queued, the person is told that
 * the alert has not reached anyone yet and to call 191, while the outbox keeps trying; when it
 * finally gets through, the person is told that too. Both notices are named after the alert, so a
 * restart neither repeats nor forgets them.
 */
interface Watch {
  timer?: NodeJS.Timeout;
  delivered: boolean;
  /** The notices of one alert are decided one after the other (a late notice racing its delivery). */
  chain: Promise<void>;
}

/** Alerts remembered (delivered ones too, so a later send of the same alert is not watched again). */
const MAX_WATCHED = 10_000;

export class SosDeliveryWatch {
  private readonly watched = new Map<string, Watch>();

  constructor(
    private readonly deps: {
      outbox: Outbox;
      alert(alertId: string): Promise<WatchedAlert | null>;
      texts: Texts;
      clock: Clock;
      logger: Logger;
      /** How long an alert may take to reach somebody before the person is told. */
      lateAfterMs?: number;
    },
  ) {
    deps.outbox.listen({ queued: (row) => this.queued(row), sent: (row) => this.sent(row) });
  }

  /** Forgets every timer (the hub stops). */
  stop(): void {
    for (const w of this.watched.values()) clearTimeout(w.timer);
    this.watched.clear();
  }

  private queued(row: OutboxEntry): void {
    const alertId = FIRST_ALERT_PURPOSES.has(row.purpose) ? alertIdOf(row) : undefined;
    if (!alertId || this.watched.has(alertId)) return;
    const watch: Watch = { delivered: false, chain: Promise.resolve() };
    if (this.watched.size >= MAX_WATCHED) this.watched.delete(this.watched.keys().next().value!);
    this.watched.set(alertId, watch);
    const due = row.createdAt + (this.deps.lateAfterMs ?? 10_000) - this.deps.clock.now();
    watch.timer = setTimeout(
      () => {
        watch.chain = watch.chain.then(() => this.late(alertId, watch));
      },
      Math.max(0, due),
    );
    watch.timer.unref();
  }

  private sent(row: OutboxEntry): Promise<void> | undefined {
    const alertId = FIRST_ALERT_PURPOSES.has(row.purpose) ? alertIdOf(row) : undefined;
    if (!alertId) return undefined;
    const watch = this.watched.get(alertId);
    // Not watched here: queued by an earlier process (its notice, if any, is on record).
    if (watch?.delivered) return undefined;
    const w: Watch = watch ?? { delivered: true, chain: Promise.resolve() };
    if (!watch) this.watched.set(alertId, w);
    clearTimeout(w.timer);
    w.delivered = true;
    w.chain = w.chain.then(() =>
      this.tellIfToldLate(alertId, row).catch((err: unknown) =>
        this.deps.logger.error({ err, alertId }, 'could not tell the person their SOS got through'),
      ),
    );
    return w.chain;
  }

  private async late(alertId: string, watch: Watch): Promise<void> {
    if (watch.delivered) return;
    try {
      const alert = await this.deps.alert(alertId);
      if (!alert || !alert.open) return;
      this.deps.logger.error(
        { alert: 'sos_not_delivered', alertId },
        'SOS alert has reached nobody yet: the person is told to call 191, sending goes on',
      );
      await this.deps.outbox.enqueue({
        id: `${alertId}:not-reached`,
        kind: 'push',
        to: alert.userId,
        messages: [sosNotReachedYet(this.deps.texts.t(alert.lang))],
        purpose: 'sos-not-reached',
        dedupeKey: `${alertId}:not-reached`,
      });
    } catch (err) {
      this.deps.logger.error({ err, alertId }, 'could not tell the person their SOS has not reached anyone');
    }
  }

  /** The alert got through: if the person was told it had not, they are told it has now. */
  private async tellIfToldLate(alertId: string, row: OutboxEntry): Promise<void> {
    // Whether they were told is on record as the outbox row of that notice (it may date from before a restart).
    const told = await this.deps.outbox.queuedBefore(`${alertId}:not-reached#0`);
    if (!told) return;
    const alert = await this.deps.alert(alertId);
    if (!alert) return;
    const minutes = Math.max(1, Math.round(((row.sentAt ?? this.deps.clock.now()) - row.createdAt) / 60_000));
    this.deps.logger.warn({ alertId, minutes }, 'SOS alert got through after all: the person is told');
    await this.deps.outbox.enqueue({
      id: `${alertId}:reached`,
      kind: 'push',
      to: alert.userId,
      messages: [sosReachedAtLast(this.deps.texts.t(alert.lang), minutes)],
      purpose: 'sos-reached',
      dedupeKey: `${alertId}:reached`,
    });
  }
}
