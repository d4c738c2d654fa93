// One SOS: who, where they have been (every pin they sent), what they sent while it was open, its
// trail, and the status buttons (the same rules as the buttons on the SOS card in LINE).
import { canMoveAlert, isOpenAlert, type AlertStatus } from '../../domain/sos/alert';
import { namer, useApp } from '../app-context';
import { api } from '../api';
import { useBoard } from '../board';
import type { Step } from '../components/actions';
import { DetailFrame } from '../components/detail-frame';
import { Age, DueNote, StatusChip } from '../components/bits';
import { useLiveItem } from '../components/live-item';
import type { TimelineEntry } from '../components/timeline';
import type { MapPoint } from '../components/zone-map';
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
  const { t, lang, board } = useApp();
  const places = useBoard(board);
  const names = namer(lang, t, places.stations, places.zones);
  const now = useHubNow(1000);
  const live = useLiveItem(id, 'alert', api.alert, t('sos.notFound'));
  const alert = live.item;
  if (!alert) return <>{live.placeholder}</>;

  const open = isOpenAlert(alert.status);
  const steps: Step[] = STEPS.filter((s) => canMoveAlert(alert.status, s.to)).map((s, i) => ({
    key: s.to,
    label: t(s.label),
    primary: i === 0,
    closing: s.closing,
    run: async () => {
      const moved = await api.moveAlert(alert._id, s.to);
      board.putAlert(moved);
      live.set(moved);
    },
  }));
  const refused = async () => {
    const fresh = await live.load();
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
    <DetailFrame
      kind="sos"
      title={
        <>
          <span class="sos-badge">SOS</span> {alert.userName ?? t('sos:card.unknownName')}{' '}
          <span class="mono muted">{alert._id}</span>
        </>
      }
      state={
        <>
          <StatusChip kind="alert" status={alert.status} />
          <Age since={alert.createdAt} now={now} precise />
          <DueNote item={alert} open={open} now={now} />
        </>
      }
      steps={steps}
      onRefused={refused}
      owner={<p>{alert.ownerName ? t('now.ackBy', { name: alert.ownerName }) : t('now.nobodyYet')}</p>}
      points={points}
      trail={trail}
    >
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
    </DetailFrame>
  );
}
