// One case: what the resident reported (words, photos, place), where it went, its audit trail, and
// the status buttons. A move is made through the API exactly as a tap on the LINE card would be,
// recorded under the signed-in token's name; the resident and the station group are told.
import { canTransition, type CaseStatus, type RejectReason } from '../../domain/reports/case';
import { namer, useApp } from '../app-context';
import { api } from '../api';
import { useBoard } from '../board';
import type { Step } from '../components/actions';
import { DetailFrame } from '../components/detail-frame';
import { Age, DueNote, StatusChip } from '../components/bits';
import { useLiveItem } from '../components/live-item';
import type { TimelineEntry } from '../components/timeline';
import { dateTime, useHubNow } from '../time';

const STEPS: Array<{ to: CaseStatus; label: string; reason?: RejectReason; closing?: boolean }> = [
  { to: 'acknowledged', label: 'report:card.acknowledge' },
  { to: 'en_route', label: 'report:card.enRoute' },
  { to: 'on_scene', label: 'report:card.onScene' },
  { to: 'resolved', label: 'report:card.resolve', closing: true },
  { to: 'referred', label: 'report:card.refer', closing: true },
  { to: 'rejected', label: 'report:card.duplicate', reason: 'duplicate', closing: true },
  { to: 'rejected', label: 'report:card.falseReport', reason: 'false_report', closing: true },
];

export function CasePage({ id }: { id: string }) {
  const { t, lang, board } = useApp();
  const places = useBoard(board);
  const names = namer(lang, t, places.stations, places.zones);
  const now = useHubNow(1000);
  const live = useLiveItem(id, 'case', api.case, t('case.notFound'));
  const c = live.item;
  if (!c) return <>{live.placeholder}</>;

  const open = ['new', 'acknowledged', 'en_route', 'on_scene'].includes(c.status);
  const firstForward = STEPS.find((s) => canTransition(c.status, s.to));
  const steps: Step[] = STEPS.filter((s) => canTransition(c.status, s.to)).map((s) => ({
    key: `${s.to}:${s.reason ?? ''}`,
    label: t(s.label),
    primary: s === firstForward,
    closing: s.closing,
    run: async () => {
      const moved = await api.moveCase(c._id, s.to, s.reason);
      board.putCase(moved);
      live.set({ ...c, ...moved });
      void live.load();
    },
  }));
  const refused = async () => {
    const fresh = await live.load();
    return fresh
      ? t('actions.refused', {
          status: t(`caseStatus.${fresh.status}`),
          owner: fresh.ownerName ?? t('actions.someone'),
        })
      : t('actions.failed');
  };

  const address = c.location.geocodedAddress ?? c.location.address;
  const trail: TimelineEntry[] = [
    { at: c.createdAt, text: t('timeline.reported'), via: 'line' },
    ...(c.routedAt ? [{ at: c.routedAt, text: t('timeline.routedLate'), via: 'system' as const }] : []),
    ...c.audit.map((a) => ({
      at: a.at,
      text:
        t('timeline.moved', {
          from: t(`caseStatus.${a.from}`),
          to: t(`caseStatus.${a.to}`),
        }) + (a.reason ? ` (${t(`case.reason.${a.reason}`)})` : ''),
      who: a.byName,
      via: a.via === 'web' ? ('web' as const) : ('line' as const),
    })),
    ...c.adminAudit
      .filter((e) => e.action !== 'case.status')
      .map((e) => ({
        at: e.at,
        text: t('timeline.adminChange', { action: e.action }),
        who: e.actor.name,
        via: 'web' as const,
      })),
  ];

  return (
    <DetailFrame
      kind="case"
      title={
        <>
          {names.category(c.category)} <span class="mono muted">{c._id}</span>
        </>
      }
      state={
        <>
          <StatusChip kind="case" status={c.status} />
          <Age since={c.createdAt} now={now} />
          <DueNote item={c} open={open} now={now} />
          {!c.groupId ? <span class="flag unrouted-flag">⚠ {t('now.unrouted')}</span> : null}
        </>
      }
      steps={steps}
      onRefused={refused}
      owner={c.ownerName ? <p>{t('case.owner', { name: c.ownerName })}</p> : null}
      points={[{ id: c._id, lat: c.location.lat, lng: c.location.lng, kind: 'pin', label: c._id }]}
      trail={trail}
    >
      <section class="card">
        <h2>{t('case.report')}</h2>
        <p class="words">{c.description}</p>
        <h3>{t('case.photos', { count: c.photoUrls.length })}</h3>
        {c.photoUrls.length === 0 ? (
          <p class="muted">{t('case.noPhotos')}</p>
        ) : (
          <div class="photos">
            {c.photoUrls.map((url, i) => (
              <a key={url} href={url} target="_blank" rel="noopener">
                <img src={url} alt={t('case.photoAlt', { n: i + 1, id: c._id })} loading="lazy" />
              </a>
            ))}
          </div>
        )}
        <dl class="facts">
          <dt>{t('case.when')}</dt>
          <dd>{dateTime(lang, c.createdAt)}</dd>
          <dt>{t('case.where')}</dt>
          <dd>
            {names.zone(c.zoneId)} · {names.station(c.stationCode)}
            {address ? <div class="muted">{address}</div> : null}
            <div class="muted mono small">
              {c.location.lat.toFixed(5)}, {c.location.lng.toFixed(5)}
            </div>
          </dd>
          <dt>{t('case.reporter')}</dt>
          <dd>
            {c.erasedAt
              ? t('case.erased')
              : c.anonymous
                ? t('report:card.anonymous')
                : (c.reporterName ?? t('sos:card.unknownName'))}
            <span class="muted"> · {t(`sos:card.languageNames.${c.reporterLanguage}`)}</span>
          </dd>
        </dl>
      </section>
    </DetailFrame>
  );
}
