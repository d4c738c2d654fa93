import {
  NO_STATION,
  type AlertAudit,
  type AlertMessage,
  type AlertPosition,
  type AlertStatus,
  type SosAlert,
} from '../../domain/sos/alert';
import type { Collection, Store } from '../store-port';
import { CounterRepository } from './counter-repository';

export class AlertRepository {
  private readonly alerts: Collection<SosAlert>;
  private readonly counters: CounterRepository;
  constructor(store: Store) {
    this.alerts = store.collection<SosAlert>('alerts');
    this.counters = new CounterRepository(store);
  }

  async init(): Promise<void> {
    await this.alerts.ensureIndex({ field: 'userId' });
    // Unacknowledged alerts whose next ladder step is due (every 10 s); the embedded store keeps its
    // index on status.
    await this.alerts.ensureIndex({ fields: { status: 1, nextEscalationAt: 1 }, embeddedField: 'status' });
  }

  nextId(stationCode: string, at: number): Promise<string> {
    return this.counters.next('sos', stationCode, at);
  }

  create(alert: SosAlert): Promise<SosAlert> {
    return this.alerts.insert(alert);
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
    return this.alerts.updateOne(
      { _id: id, status: from },
      {
        $set: { ...set, status: to, updatedAt: audit.at },
        $push: { audit },
        ...(to !== 'new' ? { $unset: { nextEscalationAt: true } } : {}),
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
}
