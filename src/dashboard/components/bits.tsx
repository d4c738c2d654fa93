// Small pieces every page uses: status chips, ticking ages, overdue marks.
import type { ComponentChildren } from 'preact';
import { useApp } from '../app-context';
import type { AlertItem, CaseItem } from '../api';
import { formatAge, formatMinutes } from '../time';

export function StatusChip({ kind, status }: { kind: 'case' | 'alert'; status: string }) {
  const { t } = useApp();
  return (
    <span class={`chip status-${status}`} data-status={status}>
      {t(`${kind === 'case' ? 'caseStatus' : 'alertStatus'}.${status}`)}
    </span>
  );
}

/** How long ago, ticking with the hub's clock; a dash until the hub's time is known. */
export function Age({ since, now, precise }: { since: number; now: number | undefined; precise?: boolean }) {
  const { t } = useApp();
  return <span class="age">{now === undefined ? '–' : formatAge(t, now - since, precise)}</span>;
}

type Due = CaseItem['due'];

/** Which target an open item has missed at `now`, from the due times the hub computed with the station's targets. */
export function overdueAt(
  item: { status: string; due: Due },
  open: boolean,
  now: number | undefined,
): 'acknowledge' | 'resolve' | undefined {
  if (!open || now === undefined) return item.due.overdue;
  if (item.status === 'new' && now > item.due.acknowledgeBy) return 'acknowledge';
  if (item.due.resolveBy !== undefined && now > item.due.resolveBy) return 'resolve';
  return undefined;
}

/** "Acknowledge within 15 minutes", or "over by 3:10" once missed. */
export function DueNote({ item, open, now }: { item: CaseItem | AlertItem; open: boolean; now: number | undefined }) {
  const { t } = useApp();
  const overdue = overdueAt(item, open, now);
  if (!open) return null;
  const target = item.status === 'new' ? item.due.acknowledgeBy : item.due.resolveBy;
  if (target === undefined) return null;
  const minutes = (target - item.createdAt) / 60_000;
  const what = item.status === 'new' ? 'acknowledge' : 'resolve';
  if (overdue && now !== undefined) {
    const by = overdue === 'acknowledge' ? item.due.acknowledgeBy : item.due.resolveBy!;
    return (
      <span class="due overdue" data-overdue={overdue}>
        ⚠ {t(`due.over.${overdue}`, { age: formatAge(t, now - by) })}
      </span>
    );
  }
  return <span class="due">{t(`due.target.${what}`, { time: formatMinutes(t, minutes) })}</span>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function Loading() {
  const { t } = useApp();
  return <p class="empty">{t('common.loading')}</p>;
}
