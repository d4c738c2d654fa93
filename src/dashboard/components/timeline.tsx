// The audit trail: every step of a case or an SOS, when, by whom, and whether it came from LINE or
// from this dashboard.
import { useApp } from '../app-context';
import { dateTime } from '../time';

export interface TimelineEntry {
  at: number;
  text: string;
  who?: string;
  via?: 'web' | 'line' | 'system';
}

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t, lang } = useApp();
  return (
    <ol class="timeline">
      {[...entries]
        .sort((a, b) => a.at - b.at)
        .map((e, i) => (
          <li key={i}>
            <time dateTime={new Date(e.at).toISOString()}>{dateTime(lang, e.at)}</time>
            <span class="what">{e.text}</span>
            {e.who ? <span class="who">{e.who}</span> : null}
            {e.via && e.via !== 'system' ? <span class={`via via-${e.via}`}>{t(`timeline.via.${e.via}`)}</span> : null}
          </li>
        ))}
    </ol>
  );
}
