// One case: what the resident reported (words, photos, place), where it went, its audit trail, and
// the status buttons. A move is made through the API exactly as a tap on the LINE card would be,
// recorded under the signed-in token's name; the resident and the station group are told.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { canTransition, type CaseStatus, type RejectReason } from '../../domain/reports/case';
import { namer, useApp } from '../app-context';
import { ApiError, api, type CaseDetail } from '../api';
import { useBoard } from '../board';
import { Actions, type Step } from '../components/actions';
import { Age, DueNote, Loading, StatusChip } from '../components/bits';
import { Timeline, type TimelineEntry } from '../components/timeline';
import { ZoneMap } from '../components/zone-map';
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
  const { t, lang, live, board } = useApp();
  const places = useBoard(board);
  const names = namer(lang, t, places.stations, places.zones);
  const now = useHubNow(1000);
  const [c, setC] = useState<CaseDetail | null | undefined>(undefined);
  const [failed, setFailed] = useState(false);

  const load = async (): Promise<CaseDetail | undefined> => {
    try {
      const found = await api.case(id);
      setC(found);
      setFailed(false);
      return found;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setC(null);
      else setFailed(true);
      return undefined;
    }
  };
  useEffect(() => {
    setC(undefined);
    void load();
    // A tap in LINE (or another screen) moved it: show the new state and trail.
    return live.on('case', (item) => {
      if (item._id === id) void load();
    });
  }, [id]);

  if (c === undefined) return failed ? <p class="error">{t('common.loadFailed')}</p> : <Loading />;
  if (c === null)
    return (
      <section class="card">
        <h1>{t('case.notFound')}</h1>
        <Link href="/">{t('notFound.back')}</Link>
      </section>
    );

  const open = ['new', 'acknowledged', 'en_route', 'on_scene'].includes(c.status);
  const firstForward = STEPS.find((s) => canTransition(c.status, s.to));
  const steps: Step[] = STEPS.filter((s) => canTransition(c.status, s.to)).map((s) => ({
    key: `${s.to}:${s.reason ?? ''}`,
    label: t(s.label),
    primary: s === firstForward,
    closing: s.closing,
    run: async () => {
      setC({ ...c, ...(await api.moveCase(c._id, s.to, s.reason)) });
      void load();
    },
  }));
  const refused = async () => {
    const fresh = await load();
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
    <article class="detail">
      <header class="detail-head">
        <Link href="/" class="back">
          ‹ {t('nav.now')}
        </Link>
        <h1>
          {names.category(c.category)} <span class="mono muted">{c._id}</span>
        </h1>
        <div class="detail-state">
          <StatusChip kind="case" status={c.status} />
          <Age since={c.createdAt} now={now} />
          <DueNote item={c} open={open} now={now} />
          {!c.groupId ? <span class="flag unrouted-flag">⚠ {t('now.unrouted')}</span> : null}
        </div>
      </header>
      <div class="detail-grid">
        <div class="detail-main">
          <section class="card">
            <h2>{t('case.actions')}</h2>
            <Actions steps={steps} onRefused={refused} />
            {c.ownerName ? <p>{t('case.owner', { name: c.ownerName })}</p> : null}
          </section>
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
        </div>
        <div class="detail-side">
          <section class="card">
            <h2>{t('case.map')}</h2>
            <ZoneMap
              zones={places.zones}
              fit="points"
              label={t('case.map')}
              points={[{ id: c._id, lat: c.location.lat, lng: c.location.lng, kind: 'pin', label: c._id }]}
            />
          </section>
          <section class="card">
            <h2>{t('case.trail')}</h2>
            <Timeline entries={trail} />
          </section>
        </div>
      </div>
    </article>
  );
}
