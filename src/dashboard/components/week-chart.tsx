// A line chart of weekly figures (Chart.js on a canvas), with the same numbers as a table under it:
// a screen reader, a test and an officer copying figures into a report all read the table.
import {
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from '../app-context';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export interface Series {
  label: string;
  values: Array<number | undefined>;
  /** A CSS variable naming the line's colour. */
  colour: string;
  dashed?: boolean;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function WeekChart({
  title,
  weeks,
  series,
  unit,
  format,
}: {
  title: string;
  /** The label of each week on the x axis. */
  weeks: string[];
  series: Series[];
  /** The y axis' unit, shown on the axis. */
  unit: string;
  format: (value: number) => string;
}) {
  const { t, prefs } = useApp();
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const text = cssVar('--text');
    const grid = cssVar('--line');
    const chart = new Chart(canvas.current!, {
      type: 'line',
      data: {
        labels: weeks,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values.map((v) => v ?? null),
          borderColor: cssVar(s.colour),
          backgroundColor: cssVar(s.colour),
          borderDash: s.dashed ? [6, 4] : [],
          borderWidth: 3,
          pointRadius: 4,
          spanGaps: true,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        color: text,
        font: { family: getComputedStyle(document.body).fontFamily, size: 14 },
        scales: {
          x: { ticks: { color: text }, grid: { color: grid } },
          y: {
            beginAtZero: true,
            ticks: { color: text },
            grid: { color: grid },
            title: { display: true, text: unit, color: text },
          },
        },
        plugins: {
          legend: { labels: { color: text, boxWidth: 24 } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${format(Number(c.parsed.y))}` } },
        },
      },
    });
    return () => chart.destroy();
    // The theme changes the colours: draw again.
  }, [weeks, series, unit, prefs.theme, document.documentElement.dataset.theme]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <details>
        <summary>{t('figures.asTable')}</summary>
        <table class="table">
          <thead>
            <tr>
              <th>{t('figures.week')}</th>
              {series.map((s) => (
                <th key={s.label}>{s.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((w, i) => (
              <tr key={w}>
                <td>{w}</td>
                {series.map((s) => (
                  <td key={s.label}>{s.values[i] === undefined ? '–' : format(s.values[i]!)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
