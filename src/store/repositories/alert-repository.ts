import {
  NO_STATION,
  isOpenAlert,
  type AlertAudit,
  type AlertMessage,
  type AlertPosition,
  type AlertStatus,
  type SosAlert,
} from '../../domain/sos/alert';
import type { Collection, Store } from '../store-port';
import { DuplicateKeyError } from '../store-port';
import { CounterRepository } from './counter-repository';
import { createdWithin, setAndUnset } from './admin-queries';

export interface AlertQuery {
  stationCode?: string;
  status?: AlertStatus[];
  from?: number;
  to?: number;
  before?: number;
  limit: number;
}

export class AlertRepository {
  private readonly alerts: Collection<SosAlert>;
  private readonly counters: CounterRepository;
  constructor(store: Store) {
    this.alerts = store.collection<SosAlert>('alerts');
    this.counters = new CounterRepository(store);
  }

  async init(): Promise<void> {
    await this.alerts.ensureIndex({ field: 'userId' });
    // One open alert per person, whichever instance raises it (SosAlert.openFor).
    await this.alerts.ensureIndex({ field: 'openFor', unique: true, sparse: true });
    // Unacknowledged alerts whose next ladder step is due (every 10 s); the embedded store keeps its
    // index on status.
    await this.alerts.ensureIndex({ fields: { status: 1, nextEscalationAt: 1 }, embeddedField: 'status' });
    // The dashboard: a station's alerts newest first, and what changed since the feed's last read.
    await this.alerts.ensureIndex({ fields: { stationCode: 1, createdAt: -1 }, embeddedField: 'stationCode' });
    await this.alerts.ensureIndex({ field: 'updatedAt' });
    await this.alerts.ensureIndex({ field: 'createdAt' });
  }

  nextId(stationCode: string, at: number): Promise<string> {
    return this.counters.next('sos', stationCode, at);
  }

  create(alert: SosAlert): Promise<SosAlert> {
    return this.alerts.insert(alert);
  }

  /**
   * Stores a new open alert unless the person already has one (raised at the same moment elsewhere):
   * false then, and nothing is stored.
   */
  async createOpen(alert: SosAlert): Promise<boolean> {
    try {
      await this.alerts.insert(alert);
      return true;
    } catch (err) {
      if (err instanceof DuplicateKeyError && (await this.openFor(alert.userId))) return false;
      throw err;
    }
  }

  get(id: string): Promise<SosAlert | null> {
    return this.alerts.findOne({ _id: id });
  }

  openFor(userId: string): Promise<SosAlert | null> {
    return this.alerts.findOne({ userId, status: { $in: ['new', 'acknowledged', 'en_route', 'on_scene'] } });
  }

  /** A station's open alerts, newest first (the officer menu's "open SOS"). */
  openAtStation(stationCode: string, limit = 50): Promise<SosAlert[]> {
    return this.alerts.find(
      { stationCode, status: { $in: ['new', 'acknowledged', 'en_route', 'on_scene'] } },
      { sort: { createdAt: -1 }, limit },
    );
  }

  falseAlarmsSince(userId: string, since: number): Promise<number> {
    return this.alerts.count({ userId, status: 'false_alarm', closedAt: { $gte: since } });
  }

  /** Alerts nobody has acknowledged whose next ladder step is due. */
  dueForEscalation(now: number): Promise<SosAlert[]> {
    return this.alerts.find({ status: 'new', nextEscalationAt: { $lte: now } }, { sort: { createdAt: 1 }, limit: 500 });
  }

  /** Records a ladder step once: only if the alert is still unacknowledged at the step we read. */
  escalated(id: string, fromStep: number, nextAt: number | undefined, now: number): Promise<SosAlert | null> {
    return this.alerts.updateOne(
      { _id: id, status: 'new', escalationStep: fromStep },
      nextAt === undefined
        ? { $set: { escalationStep: fromStep + 1, updatedAt: now }, $unset: { nextEscalationAt: true } }
        : { $set: { escalationStep: fromStep + 1, nextEscalationAt: nextAt, updatedAt: now } },
    );
  }

  /**
   * Gives an alert without a station the station of its first pin, once: only while it has none,
   * so two pins handled at once cannot both move it.
   */
  assignStation(
    id: string,
    change: { stationCode: string; groupId?: string; alsoAlerted: string[]; at: number },
  ): Promise<SosAlert | null> {
    return this.alerts.updateOne(
      { _id: id, stationCode: NO_STATION },
      {
        $set: {
          stationCode: change.stationCode,
          routedBy: 'pin',
          alsoAlerted: change.alsoAlerted,
          updatedAt: change.at,
          ...(change.groupId ? { groupId: change.groupId } : {}),
        },
        ...(change.groupId ? {} : { $unset: { groupId: true } }),
      },
    );
  }

  addPosition(id: string, position: AlertPosition): Promise<SosAlert | null> {
    return this.alerts.updateOne(
      { _id: id },
      { $set: { position, updatedAt: position.at }, $push: { positions: position } },
    );
  }

  transition(
    id: string,
    from: AlertStatus,
    to: AlertStatus,
    audit: AlertAudit,
    set: Partial<SosAlert>,
  ): Promise<SosAlert | null> {
    const unset = {
      ...(to !== 'new' ? { nextEscalationAt: true as const } : {}),
      // Closed: the person may raise a new alert.
      ...(!isOpenAlert(to) ? { openFor: true as const } : {}),
    };
    return this.alerts.updateOne(
      { _id: id, status: from },
      {
        $set: { ...set, status: to, updatedAt: audit.at },
        $push: { audit },
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
      },
    );
  }

  /** Keeps something the person sent during the alert. */
  addMessage(id: string, message: AlertMessage): Promise<SosAlert | null> {
    return this.alerts.updateOne({ _id: id }, { $set: { updatedAt: message.at }, $push: { messages: message } });
  }

  /** An alert that reached no group finds one later (a group bound since): only while it has none. */
  setGroup(id: string, groupId: string, at: number): Promise<SosAlert | null> {
    return this.alerts.updateOne({ _id: id, groupId: { $exists: false } }, { $set: { groupId, updatedAt: at } });
  }

  /** Alerts for the admin API, newest first; `before` pages backwards by creation time. */
  search(q: AlertQuery): Promise<SosAlert[]> {
    const filter: Record<string, unknown> = {};
    if (q.stationCode) filter.stationCode = q.stationCode;
    if (q.status) filter.status = { $in: q.status };
    Object.assign(filter, createdWithin(q));
    return this.alerts.find(filter, { sort: { createdAt: -1 }, limit: q.limit });
  }

  /** Alerts changed at or after `since`, oldest change first: the dashboard's feed. */
  changedSince(since: number, limit: number): Promise<SosAlert[]> {
    return this.alerts.find({ updatedAt: { $gte: since } }, { sort: { updatedAt: 1 }, limit });
  }

  /** Every alert a person raised (a PDPA export or erasure reads them all). */
  allByUser(userId: string): Promise<SosAlert[]> {
    return this.alerts.find({ userId }, { sort: { createdAt: 1 } });
  }

  /** Replaces and removes personal fields of an alert (a PDPA erasure). */
  redact(id: string, set: Partial<SosAlert>, unset: Array<keyof SosAlert>): Promise<SosAlert | null> {
    return this.alerts.updateOne({ _id: id }, setAndUnset(set, unset));
  }
}
