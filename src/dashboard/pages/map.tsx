// The map: the zones (from the hub's GeoJSON) with recent cases, SOS and patrol check-ins on them.
// Open items are larger; an SOS still open is red and on top. A point opens its case or SOS.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { isOpen } from '../../domain/reports/case';
import { isOpenAlert } from '../../domain/sos/alert';
import { namer, useApp } from '../app-context';
import { api, type AlertItem, type CaseItem } from '../api';
import { patrolCheckIns, type PatrolCheckIn } from '../broadcasts-api';
import { useBoard } from '../board';
import { overdueAt } from '../components/bits';
import { ZoneMap, type MapPoint } from '../components/zone-map';
import { clockTime, hubNow, useHubNow } from '../time';

const DAY = 24 * 60 * 60_000;
const PERIODS = [1, 7, 30];

export function MapPage() {
  const { t, lang, board, live } = useApp();
  const places = useBoard(board);
  const names = namer(lang, t, places.stations, places.zones);
  const now = useHubNow(10_000);
  const [days, setDays] = useState(7);
  const [layers, setLayers] = useState({ cases: true, sos: true, patrols: true });
  const [cases, setCases] = useState<CaseItem[]>([]);
  const [alerts, setAlerts] = useState<AlertItem[]>([]);
  const [patrols, setPatrols] = useState<PatrolCheckIn[] | undefined>(undefined);

  useEffect(() => {
    const load = () => {
      const from = hubNow() - days * DAY;
      void api.recentCases(from).then(
        (p) => setCases(p.items),
        () => undefined,
      );
      void api.recentAlerts(from).then(
        (p) => setAlerts(p.items),
        () => undefined,
      );
      void patrolCheckIns(from).then(setPatrols);
    };
    load();
    const offs = [
      live.on('ready', load),
      live.on('case', (c) => setCases((list) => [c, ...list.filter((x) => x._id !== c._id)])),
      live.on('alert', (a) => setAlerts((list) => [a, ...list.filter((x) => x._id !== a._id)])),
    ];
    return () => offs.forEach((off) => off());
  }, [days]);

  const points = useMemo(() => {
    const out: MapPoint[] = [];
    if (layers.cases)
      for (const c of cases) {
        const open = isOpen(c.status);
        out.push({
          id: c._id,
          lat: c.location.lat,
          lng: c.location.lng,
          kind: open ? (overdueAt(c, true, now) ? 'case-overdue' : 'case-open') : 'case',
          label: `${names.category(c.category)} · ${c._id} · ${t(`caseStatus.${c.status}`)}`,
          href: `/cases/${encodeURIComponent(c._id)}`,
        });
      }
    if (layers.sos)
      for (const a of alerts) {
        if (!a.position) continue;
        out.push({
          id: a._id,
          lat: a.position.lat,
          lng: a.position.lng,
          kind: isOpenAlert(a.status) ? 'sos-open' : 'sos',
          label: `SOS · ${a.userName ?? t('sos:card.unknownName')} · ${t(`alertStatus.${a.status}`)}`,
          href: `/sos/${encodeURIComponent(a._id)}`,
        });
      }
    if (layers.patrols && patrols)
      for (const p of patrols)
        out.push({
          id: p._id,
          lat: p.lat,
          lng: p.lng,
          kind: 'patrol',
          label: `${t('map.patrol')} · ${p.officerName ?? ''} · ${clockTime(lang, p.at)}`,
        });
    return out;
  }, [cases, alerts, patrols, layers, lang, now === undefined]);

  const toggle = (key: keyof typeof layers) => setLayers({ ...layers, [key]: !layers[key] });
  return (
    <div class="map-page">
      <h1 class="sr-only">{t('nav.map')}</h1>
      <div class="map-tools card">
        <label class="field inline">
          <span>{t('map.period')}</span>
          <select value={days} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {t('map.lastDays', { count: d })}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="legend">
          <legend class="sr-only">{t('map.layers')}</legend>
          <label>
            <input type="checkbox" checked={layers.sos} onChange={() => toggle('sos')} />
            <span class="swatch pt-sos-open" /> {t('map.sos', { count: alerts.filter((a) => a.position).length })}
          </label>
          <label>
            <input type="checkbox" checked={layers.cases} onChange={() => toggle('cases')} />
            <span class="swatch pt-case-open" /> {t('map.cases', { count: cases.length })}
          </label>
          {patrols ? (
            <label>
              <input type="checkbox" checked={layers.patrols} onChange={() => toggle('patrols')} />
              <span class="swatch pt-patrol" /> {t('map.patrols', { count: patrols.length })}
            </label>
          ) : null}
          <span class="key">
            <span class="swatch pt-case-overdue" /> {t('map.overdue')}
          </span>
          <span class="key">
            <span class="swatch pt-case" /> {t('map.closed')}
          </span>
        </fieldset>
      </div>
      <ZoneMap zones={places.zones} points={points} label={t('nav.map')} />
      <section class="card zone-list" aria-labelledby="zones-heading">
        <h2 id="zones-heading">{t('map.zones', { count: places.zones.features.length })}</h2>
        {places.zones.features.length === 0 ? (
          <p class="muted">{t('map.noZones')}</p>
        ) : (
          <ul>
            {places.zones.features.map((z) => (
              <li key={z.id} data-zone-id={z.id}>
                <b>{z.properties[`name_${lang}`]}</b>
                <span class="muted"> · {names.station(z.properties.stationCode)}</span>
                {z.properties.illustrative ? <span class="muted small"> · {t('map.illustrative')}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
