// The frame of a case page and an SOS page: back to Now, the title and state, the status buttons
// first, what was reported or sent, and beside it the map and the history.
import type { ComponentChildren } from 'preact';
import { Link } from 'wouter-preact';
import { useApp } from '../app-context';
import { useBoard } from '../board';
import { Actions, type Step } from './actions';
import { Timeline, type TimelineEntry } from './timeline';
import { ZoneMap, type MapPoint } from './zone-map';

export function DetailFrame({
  kind,
  title,
  state,
  steps,
  onRefused,
  owner,
  points,
  trail,
  children,
}: {
  kind: 'case' | 'sos';
  title: ComponentChildren;
  state: ComponentChildren;
  steps: Step[];
  onRefused: () => Promise<string>;
  /** Who has it, under the buttons. */
  owner: ComponentChildren;
  points: MapPoint[];
  trail: TimelineEntry[];
  children: ComponentChildren;
}) {
  const { t, board } = useApp();
  const { zones } = useBoard(board);
  return (
    <article class={`detail${kind === 'sos' ? ' sos-detail' : ''}`}>
      <header class="detail-head">
        <Link href="/" class="back">
          ‹ {t('nav.now')}
        </Link>
        <h1>{title}</h1>
        <div class="detail-state">{state}</div>
      </header>
      <div class="detail-grid">
        <div class="detail-main">
          <section class="card">
            <h2>{t('case.actions')}</h2>
            <Actions steps={steps} onRefused={onRefused} />
            {owner}
          </section>
          {children}
        </div>
        <div class="detail-side">
          <section class="card">
            <h2>{t('case.map')}</h2>
            {points.length === 0 ? <p class="muted">{t('now.noPosition')}</p> : null}
            <ZoneMap zones={zones} fit={points.length ? 'points' : 'zones'} label={t('case.map')} points={points} />
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
