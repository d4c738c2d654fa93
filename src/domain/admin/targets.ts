import type { Case } from '../reports/case';
import { isOpen } from '../reports/case';
import type { SosAlert } from '../sos/alert';
import { isOpenAlert } from '../sos/alert';

/**
 * How soon a station means to acknowledge and to resolve each kind of report, and to acknowledge an
 * SOS: the dashboard marks what is past it as overdue. A station may set its own; these are the
 * defaults (minutes), chosen by urgency: harm to a person within minutes, a broken lamp within days.
 */
export const DEFAULT_TARGETS: Targets = {
  acknowledgeMinutes: {
    assault: 5,
    accident: 5,
    suspicious: 10,
    theft: 15,
    drugs: 30,
    noise: 30,
    infrastructure: 24 * 60,
    other: 60,
  },
  resolveMinutes: {
    assault: 4 * 60,
    accident: 4 * 60,
    suspicious: 8 * 60,
    noise: 8 * 60,
    theft: 3 * 24 * 60,
    drugs: 7 * 24 * 60,
    infrastructure: 14 * 24 * 60,
    other: 3 * 24 * 60,
  },
  sosAcknowledgeMinutes: 2,
};

export interface Targets {
  acknowledgeMinutes: Record<string, number>;
  resolveMinutes: Record<string, number>;
  sosAcknowledgeMinutes: number;
}

/** What a station set: any subset of the defaults (a missing category keeps the default). */
export interface StationTargets {
  /** The station code. */
  _id: string;
  acknowledgeMinutes?: Record<string, number>;
  resolveMinutes?: Record<string, number>;
  sosAcknowledgeMinutes?: number;
  updatedAt: number;
}

/** The station's targets over the defaults, for every category offered (and any the station named). */
export function effectiveTargets(set: StationTargets | null | undefined, categories: readonly string[]): Targets {
  const pick = (own: Record<string, number> | undefined, defaults: Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const c of categories) out[c] = own?.[c] ?? defaults[c] ?? defaults.other!;
    return { ...out, ...own };
  };
  return {
    acknowledgeMinutes: pick(set?.acknowledgeMinutes, DEFAULT_TARGETS.acknowledgeMinutes),
    resolveMinutes: pick(set?.resolveMinutes, DEFAULT_TARGETS.resolveMinutes),
    sosAcknowledgeMinutes: set?.sosAcknowledgeMinutes ?? DEFAULT_TARGETS.sosAcknowledgeMinutes,
  };
}

export interface Due {
  /** When it should be (or should have been) acknowledged, epoch ms. */
  acknowledgeBy: number;
  /** When it should be resolved; undefined for an SOS (its target is the acknowledgement). */
  resolveBy?: number;
  /** Which target an open item has missed, if any. */
  overdue?: 'acknowledge' | 'resolve';
}

const minutes = (n: number) => n * 60_000;

export function caseDue(c: Case, targets: Targets, now: number): Due {
  const ack = targets.acknowledgeMinutes[c.category] ?? targets.acknowledgeMinutes.other ?? 60;
  const resolve = targets.resolveMinutes[c.category] ?? targets.resolveMinutes.other ?? 3 * 24 * 60;
  const due: Due = { acknowledgeBy: c.createdAt + minutes(ack), resolveBy: c.createdAt + minutes(resolve) };
  if (!isOpen(c.status)) return due;
  if (c.status === 'new' && now > due.acknowledgeBy) return { ...due, overdue: 'acknowledge' };
  if (now > due.resolveBy!) return { ...due, overdue: 'resolve' };
  return due;
}

export function alertDue(alert: SosAlert, targets: Targets, now: number): Due {
  const due: Due = { acknowledgeBy: alert.createdAt + minutes(targets.sosAcknowledgeMinutes) };
  return isOpenAlert(alert.status) && alert.status === 'new' && now > due.acknowledgeBy
    ? { ...due, overdue: 'acknowledge' }
    : due;
}
