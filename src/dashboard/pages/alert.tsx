// One SOS: who, where they have been (every pin they sent), what they sent while it was open, its
// trail, and the status buttons (the same rules as the buttons on the SOS card in LINE).
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { canMoveAlert, isOpenAlert, type AlertStatus } from '../../domain/sos/alert';
import { namer, useApp } from '../app-context';
import { ApiError, api, type AlertItem } from '../api';
import { useBoard } from '../board';
import { Actions, type Step } from '../components/actions';
import { Age, DueNote, Loading, StatusChip } from '../components/bits';
import { Timeline, type TimelineEntry } from '../components/timeline';
import { ZoneMap, type MapPoint } from '../components/zone-map';
import { clockTime, dateTime, useHubNow } from '../time';

const STEPS: Array<{ to: AlertStatus; label: string; closing?: boolean }> = [
  { to: 'acknowledged', label: 'sos:card.acknowledge' },
  { to: 'en_route', label: 'sos:card.enRoute' },
  { to: 'on_scene', label: 'sos:card.onScene' },
  { to: 'resolved', label: 'sos:card.resolve', closing: true },
  { to: 'false_alarm', label: 'sos:card.falseAlarm', closing: true },
];

interface SentMessage {
  at: number;
  type: string;
  text?: string;
  media?: { token: string; contentType: string };
}

export function AlertPage({ id }: { id: string }) {
  const { t, lang, live, board } = useApp();
  const places = useBoard(board);
  const names = namer(lang, t, places.stations, places.zones);
  const now = useHubNow(1000);
  const [alert, setAlert] = useState<AlertItem | null | undefined>(undefined);
  const [failed, setFailed] = useState(false);

  const load = async (): Promise<AlertItem | undefined> => {
    try {
      const found = await api.alert(id);
      setAlert(found);
      setFailed(false);
      return found;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setAlert(null);
      else setFailed(true);
      return undefined;
    }
  };
  useEffect(() => {
    setAlert(undefined);
    void load();
    return live.on('alert', (item) => {
      if (item._id === id) void load();
    });
  }, [id]);

  if (alert === undefined) return failed ? <p class="error">{t('common.loadFailed')}</p> : <Loading />;
  if (alert === null)
    return (
      <section class="card">
        <h1>{t('sos.notFound')}</h1>
        <Link href="/">{t('notFound.back')}</Link>
      </section>
    );

  const open = isOpenAlert(alert.status);
  const steps: Step[] = STEPS.filter((s) => canMoveAlert(alert.status, s.to)).map((s, i) => ({
    key: s.to,
    label: t(s.label),
    primary: i === 0,
    closing: s.closing,
    run: async () => {
      setAlert(await api.moveAlert(alert._id, s.to));
    },
  }));
  const refused = async () => {
    const fresh = await load();
    return fresh
      ? t('actions.refused', {
          status: t(`alertStatus.${fresh.status}`),
          owner: fresh.ownerName ?? t('actions.someone'),
        })
      : t('actions.failed');
  };

  const points: MapPoint[] = alert.positions.map((p, i) => ({
    id: `${alert._id}:${i}`,
    lat: p.lat,
    lng: p.lng,
    kind: i === alert.positions.length - 1 ? (open ? 'sos-open' : 'sos') : 'sos',
    label: `${clockTime(lang, p.at)}${p.address ? ` · ${String(p.address)}` : ''}`,
  }));
  // The newest position first: the map frames it.
  points.reverse();
  const messages = (alert.messages ?? []) as SentMessage[];
  const trail: TimelineEntry[] = [
    { at: alert.createdAt, text: t('timeline.sosRaised'), via: 'line' },
    ...alert.audit.map((a) => ({
      at: a.at,
      text: t('timeline.moved', { from: t(`alertStatus.${a.from}`), to: t(`alertStatus.${a.to}`) }),
      who: a.byName,
      via: a.via === 'web' ? ('web' as const) : ('line' as const),
    })),
  ];
  const last = alert.position;

  return (
    <article class="detail sos-detail">
      <header class="detail-head">
        <Link href="/" class="back">
          ‹ {t('nav.now')}
        </Link>
        <h1>
          <span class="sos-badge">SOS</span> {alert.userName ?? t('sos:card.unknownName')}{' '}
          <span class="mono muted">{alert._id}</span>
        </h1>
        <div class="detail-state">
          <StatusChip kind="alert" status={alert.status} />
          <Age since={alert.createdAt} now={now} precise />
          <DueNote item={alert} open={open} now={now} />
        </div>
      </header>
      <div class="detail-grid">
        <div class="detail-main">
          <section class="card">
            <h2>{t('case.actions')}</h2>
            <Actions steps={steps} onRefused={refused} />
            <p>{alert.ownerName ? t('now.ackBy', { name: alert.ownerName }) : t('now.nobodyYet')}</p>
          </section>
          <section class="card">
            <h2>{t('sos.facts')}</h2>
            <dl class="facts">
              <dt>{t('case.when')}</dt>
              <dd>{dateTime(lang, alert.createdAt)}</dd>
              <dt>{t('sos.station')}</dt>
              <dd>{names.station(alert.stationCode)}</dd>
              <dt>{t('sos.lastPosition')}</dt>
              <dd>
                {last ? (
                  <>
                    {clockTime(lang, last.at)}
                    <span class="muted mono small">
                      {' '}
                      {last.lat.toFixed(5)}, {last.lng.toFixed(5)}
                    </span>
                  </>
                ) : (
                  t('now.noPosition')
                )}
              </dd>
              <dt>{t('sos.language')}</dt>
              <dd>{t(`sos:card.languageNames.${alert.lang}`)}</dd>
              <dt>{t('sos.ladder')}</dt>
              <dd>
                {alert.escalationStep > 0 ? t('now.escalated', { count: alert.escalationStep }) : t('sos.notEscalated')}
              </dd>
            </dl>
          </section>
          <section class="card">
            <h2>{t('sos.messages', { count: messages.length })}</h2>
            {messages.length === 0 ? (
              <p class="muted">{t('sos.noMessages')}</p>
            ) : (
              <ul class="messages">
                {messages.map((m, i) => (
                  <li key={i}>
                    <time>{clockTime(lang, m.at)}</time>
                    {m.type === 'text' ? (
                      <span class="words">{m.text}</span>
                    ) : m.type === 'image' && m.media ? (
                      <a href={`/media/${m.media.token}`} target="_blank" rel="noopener">
                        <img src={`/media/${m.media.token}`} alt={t('sos.photoAlt')} loading="lazy" />
                      </a>
                    ) : m.media ? (
                      <a href={`/media/${m.media.token}`} target="_blank" rel="noopener">
                        {t(`sos.media.${m.type}`, { defaultValue: m.type })}
                      </a>
                    ) : (
                      <span class="muted">{t(`sos.media.${m.type}`, { defaultValue: m.type })}</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <div class="detail-side">
          <section class="card">
            <h2>{t('case.map')}</h2>
            {points.length === 0 ? <p class="muted">{t('now.noPosition')}</p> : null}
            <ZoneMap
              zones={places.zones}
              fit={points.length ? 'points' : 'zones'}
              label={t('case.map')}
              points={points}
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
