// Figures per week: how long acknowledging and resolving took (median and 90th percentile), by
// station and category, and how long an SOS waited for someone. Computed by the hub from the stored
// cases and alerts (GET /admin/figures); drawn as charts with the numbers in a table under each.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { namer, useApp } from '../app-context';
import { api, type Figures } from '../api';
import { useBoard } from '../board';
import { Empty, Loading } from '../components/bits';
import { WeekChart, type Series } from '../components/week-chart';
import { dateOnly } from '../time';

const WEEK_CHOICES = [8, 12, 26];
type Spread = { count: number; p50?: number; p90?: number };

const minutes = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds / 60);
const hours = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds / 3600);

export function FiguresPage() {
  const { t, lang, board, session } = useApp();
  const places = useBoard(board);
  const names = namer(lang, t, places.stations, places.zones);
  const [weeks, setWeeks] = useState(8);
  const [figures, setFigures] = useState<Figures | undefined>();
  const [failed, setFailed] = useState(false);
  const [station, setStation] = useState<string>(session.actor.stationCode ?? '');
  const [category, setCategory] = useState<string>('');

  useEffect(() => {
    setFigures(undefined);
    setFailed(false);
    const from = new Date(Date.now() - weeks * 7 * 24 * 60 * 60_000).toISOString();
    api.figures({ from }).then(setFigures, () => setFailed(true));
  }, [weeks]);

  // What there is to choose from: stations and categories that have figures.
  const stations = useMemo(() => {
    const found = new Set<string>();
    for (const w of figures?.weeks ?? []) {
      for (const c of w.cases) found.add(c.stationCode);
      for (const s of w.sos) found.add(s.stationCode);
    }
    return [...found].sort();
  }, [figures]);
  const chosenStation = stations.includes(station) ? station : (stations[0] ?? '');
  const categories = useMemo(() => {
    const reported = new Map<string, number>();
    for (const w of figures?.weeks ?? [])
      for (const c of w.cases)
        if (c.stationCode === chosenStation) reported.set(c.category, (reported.get(c.category) ?? 0) + c.reported);
    return [...reported.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  }, [figures, chosenStation]);
  const chosenCategory = categories.includes(category) ? category : (categories[0] ?? '');

  if (failed) return <p class="error">{t('common.loadFailed')}</p>;
  if (!figures) return <Loading />;

  const weekLabels = figures.weeks.map((w) => dateOnly(lang, Date.parse(`${w.weekStart}T00:00:00+07:00`)));
  const pick = (w: Figures['weeks'][number]) =>
    w.cases.find((c) => c.stationCode === chosenStation && c.category === chosenCategory);
  const spreadSeries = (
    read: (w: Figures['weeks'][number]) => Spread | undefined,
    unit: (s?: number) => number | undefined,
  ): Series[] => [
    { label: t('figures.p50'), colour: '--chart-1', values: figures.weeks.map((w) => unit(read(w)?.p50)) },
    {
      label: t('figures.p90'),
      colour: '--chart-2',
      dashed: true,
      values: figures.weeks.map((w) => unit(read(w)?.p90)),
    },
  ];
  const fmt = (v: number) => v.toFixed(1);
  const latest = [...figures.weeks].reverse().find((w) => w.cases.some((c) => c.stationCode === chosenStation));

  return (
    <div class="figures">
      <h1>{t('figures.title')}</h1>
      <div class="card controls">
        <label class="field inline">
          <span>{t('figures.period')}</span>
          <select value={weeks} onChange={(e) => setWeeks(Number((e.target as HTMLSelectElement).value))}>
            {WEEK_CHOICES.map((n) => (
              <option key={n} value={n}>
                {t('figures.lastWeeks', { count: n })}
              </option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span>{t('figures.station')}</span>
          <select value={chosenStation} onChange={(e) => setStation((e.target as HTMLSelectElement).value)}>
            {stations.map((s) => (
              <option key={s} value={s}>
                {names.station(s)}
              </option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span>{t('figures.category')}</span>
          <select value={chosenCategory} onChange={(e) => setCategory((e.target as HTMLSelectElement).value)}>
            {categories.map((c) => (
              <option key={c} value={c}>
                {names.category(c)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {figures.weeks.length === 0 || stations.length === 0 ? (
        <Empty>{t('figures.none')}</Empty>
      ) : (
        <div class="chart-grid">
          <WeekChart
            title={t('figures.acknowledgeTitle', {
              category: names.category(chosenCategory),
              station: names.station(chosenStation),
            })}
            weeks={weekLabels}
            series={spreadSeries((w) => pick(w)?.acknowledge, minutes)}
            unit={t('figures.minutesUnit')}
            format={fmt}
          />
          <WeekChart
            title={t('figures.resolveTitle', {
              category: names.category(chosenCategory),
              station: names.station(chosenStation),
            })}
            weeks={weekLabels}
            series={spreadSeries((w) => pick(w)?.resolve, hours)}
            unit={t('figures.hoursUnit')}
            format={fmt}
          />
          <WeekChart
            title={t('figures.sosTitle', { station: names.station(chosenStation) })}
            weeks={weekLabels}
            series={spreadSeries((w) => w.sos.find((s) => s.stationCode === chosenStation)?.acknowledge, minutes)}
            unit={t('figures.minutesUnit')}
            format={fmt}
          />
          {latest ? (
            <section class="card week-table">
              <h2>
                {t('figures.weekOf', {
                  week: dateOnly(lang, Date.parse(`${latest.weekStart}T00:00:00+07:00`)),
                  station: names.station(chosenStation),
                })}
              </h2>
              <div class="table-scroll">
                <table class="table">
                  <thead>
                    <tr>
                      <th>{t('figures.category')}</th>
                      <th>{t('figures.reported')}</th>
                      <th>{t('figures.ackP50')}</th>
                      <th>{t('figures.ackP90')}</th>
                      <th>{t('figures.resolveP50')}</th>
                      <th>{t('figures.resolveP90')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {latest.cases
                      .filter((c) => c.stationCode === chosenStation)
                      .map((c) => (
                        <tr key={c.category}>
                          <td>{names.category(c.category)}</td>
                          <td>{c.reported}</td>
                          <td>{c.acknowledge.p50 === undefined ? '–' : fmt(minutes(c.acknowledge.p50)!)}</td>
                          <td>{c.acknowledge.p90 === undefined ? '–' : fmt(minutes(c.acknowledge.p90)!)}</td>
                          <td>{c.resolve.p50 === undefined ? '–' : fmt(hours(c.resolve.p50)!)}</td>
                          <td>{c.resolve.p90 === undefined ? '–' : fmt(hours(c.resolve.p90)!)}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
              <p class="small muted">{t('figures.tableNote')}</p>
            </section>
          ) : null}
        </div>
      )}
    </div>
  );
}
