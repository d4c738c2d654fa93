// Now: what needs someone this minute. Open SOS first (red, age ticking, who acknowledged), then
// open cases newest first with their state, age and the station's target for their category
// (missed ones marked), and cases that reached no LINE group flagged. Live: the feed changes it.
import { Link } from 'wouter-preact';
import { isOpen } from '../../domain/reports/case';
import { isOpenAlert } from '../../domain/sos/alert';
import { namer, useApp } from '../app-context';
import type { AlertItem, CaseItem } from '../api';
import { useBoard } from '../board';
import { Age, DueNote, Empty, Loading, StatusChip, overdueAt } from '../components/bits';
import { useHubNow } from '../time';

function SosCard({
  alert,
  now,
  names,
}: {
  alert: AlertItem;
  now: number | undefined;
  names: ReturnType<typeof namer>;
}) {
  const { t } = useApp();
  const overdue = overdueAt(alert, true, now);
  const waiting = alert.status === 'new';
  return (
    <Link
      href={`/sos/${encodeURIComponent(alert._id)}`}
      class={`sos-card${waiting ? ' waiting' : ''}${overdue ? ' overdue' : ''}`}
      data-alert-id={alert._id}
    >
      <div class="sos-head">
        <span class="sos-badge">SOS</span>
        <span class="sos-who">{alert.userName ?? t('sos:card.unknownName')}</span>
        <Age since={alert.createdAt} now={now} precise />
      </div>
      <div class="sos-body">
        <StatusChip kind="alert" status={alert.status} />
        <span class={`owner${alert.ownerName ? '' : ' nobody'}`}>
          {alert.ownerName ? t('now.ackBy', { name: alert.ownerName }) : t('now.nobodyYet')}
        </span>
      </div>
      <div class="sos-meta">
        <span>{names.station(alert.stationCode)}</span>
        <span>{alert.position ? t('now.hasPosition') : t('now.noPosition')}</span>
        {alert.escalationStep > 0 ? <span>{t('now.escalated', { count: alert.escalationStep })}</span> : null}
        <span class="mono">{alert._id}</span>
      </div>
      <DueNote item={alert} open={true} now={now} />
    </Link>
  );
}

function CaseRow({ c, now, names }: { c: CaseItem; now: number | undefined; names: ReturnType<typeof namer> }) {
  const { t } = useApp();
  const overdue = overdueAt(c, isOpen(c.status), now);
  const unrouted = !c.groupId;
  return (
    <Link
      href={`/cases/${encodeURIComponent(c._id)}`}
      class={`case-row${overdue ? ' overdue' : ''}${unrouted ? ' unrouted' : ''}`}
      data-case-id={c._id}
    >
      <span class="case-main">
        <span class="case-category">{names.category(c.category)}</span>
        <span class="case-id mono">{c._id}</span>
      </span>
      <span class="case-where">
        {names.zone(c.zoneId)}
        <span class="muted"> · {names.station(c.stationCode)}</span>
      </span>
      <span class="case-state">
        <StatusChip kind="case" status={c.status} />
        {c.ownerName ? <span class="muted small">{c.ownerName}</span> : null}
      </span>
      <span class="case-age">
        <Age since={c.createdAt} now={now} />
        <DueNote item={c} open={true} now={now} />
      </span>
      {unrouted ? (
        <span class="flag unrouted-flag" role="note">
          ⚠ {t('now.unrouted')}
        </span>
      ) : null}
    </Link>
  );
}

export function NowPage() {
  const { t, lang, board } = useApp();
  const state = useBoard(board);
  const now = useHubNow(1000);
  const names = namer(lang, t, state.stations, state.zones);
  const alerts = state.alerts.filter((a) => isOpenAlert(a.status));
  const overdue = state.cases.filter((c) => overdueAt(c, true, now)).length;
  const unrouted = state.cases.filter((c) => !c.groupId).length;
  const waitingSos = alerts.filter((a) => a.status === 'new').length;

  return (
    <div class="now">
      <h1 class="sr-only">{t('nav.now')}</h1>
      <section class="counters" aria-label={t('now.summary')}>
        <div class={`counter${alerts.length ? ' red' : ''}`}>
          <b>{alerts.length}</b>
          <span>{t('now.openSos')}</span>
        </div>
        <div class={`counter${waitingSos ? ' red' : ''}`}>
          <b>{waitingSos}</b>
          <span>{t('now.sosWaiting')}</span>
        </div>
        <div class="counter">
          <b>{state.cases.length}</b>
          <span>{t('now.openCases')}</span>
        </div>
        <div class={`counter${overdue ? ' amber' : ''}`}>
          <b>{overdue}</b>
          <span>{t('now.overdue')}</span>
        </div>
        <div class={`counter${unrouted ? ' amber' : ''}`}>
          <b>{unrouted}</b>
          <span>{t('now.unroutedCount')}</span>
        </div>
      </section>
      {state.error ? (
        <p class="error" role="alert">
          {t('common.loadFailed')}
        </p>
      ) : null}

      <section class="block" aria-labelledby="sos-heading">
        <h2 id="sos-heading">{t('now.sosHeading')}</h2>
        {!state.loaded ? (
          <Loading />
        ) : alerts.length === 0 ? (
          <Empty>{t('now.noSos')}</Empty>
        ) : (
          <div class="sos-list">
            {alerts.map((a) => (
              <SosCard key={a._id} alert={a} now={now} names={names} />
            ))}
          </div>
        )}
      </section>

      <section class="block" aria-labelledby="cases-heading">
        <h2 id="cases-heading">{t('now.casesHeading')}</h2>
        {!state.loaded ? (
          <Loading />
        ) : state.cases.length === 0 ? (
          <Empty>{t('now.noCases')}</Empty>
        ) : (
          <div class="case-list">
            {state.cases.map((c) => (
              <CaseRow key={c._id} c={c} now={now} names={names} />
            ))}
          </div>
        )}
        {state.truncated ? <p class="muted small">{t('now.truncated')}</p> : null}
      </section>
    </div>
  );
}
