// The frame around every page: who is signed in, the pages, whether the screen is live, the time
// in Bangkok, and the language, theme and sound switches. On a phone the pages sit in a bar at the bottom.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link, useRoute } from 'wouter-preact';
import { useApp } from '../app-context';
import { broadcastsAvailable } from '../broadcasts-api';
import { useBoard } from '../board';
import type { LiveState } from '../live';
import { LanguageSelect } from './language-select';
import type { Theme } from '../prefs';
import { clockTime, useHubNow } from '../time';

function NavLink({ href, label, icon, badge }: { href: string; label: string; icon: string; badge?: number }) {
  const [active] = useRoute(href === '/' ? '/' : `${href}/*?`);
  return (
    <Link href={href} class={`nav-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
      <span class="nav-icon" aria-hidden="true">
        {icon}
      </span>
      <span class="nav-label">{label}</span>
      {badge ? <span class="nav-badge">{badge}</span> : null}
    </Link>
  );
}

export function Shell({ children, onSignOut }: { children: ComponentChildren; onSignOut: () => void }) {
  const { t, lang, session, live, board, prefs, setPrefs } = useApp();
  const { alerts } = useBoard(board);
  const [liveState, setLiveState] = useState<LiveState>(live.state);
  const [broadcasts, setBroadcasts] = useState(false);
  const now = useHubNow(1000);
  useEffect(() => live.on('state', setLiveState), [live]);
  useEffect(() => {
    void broadcastsAvailable().then(setBroadcasts);
  }, []);
  const waiting = alerts.filter((a) => a.status === 'new').length;
  useEffect(() => {
    document.title = alerts.length > 0 ? `(${alerts.length}) SOS · ${t('app.title')}` : t('app.title');
  }, [alerts.length, lang]);

  const themes: Theme[] = ['auto', 'light', 'dark'];
  return (
    <div class={`shell${waiting > 0 ? ' sos-waiting' : ''}`}>
      <header class="top">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            🛡
          </span>
          <div>
            <div class="brand-name">{t('app.title')}</div>
            <div class="brand-who">
              {session.actor.stationCode
                ? t('app.signedInStation', { name: session.actor.name, station: session.actor.stationCode })
                : t('app.signedInSuper', { name: session.actor.name })}
            </div>
          </div>
        </div>
        <nav class="nav" aria-label={t('nav.label')}>
          <NavLink href="/" label={t('nav.now')} icon="🚨" badge={alerts.length} />
          <NavLink href="/map" label={t('nav.map')} icon="🗺️" />
          <NavLink href="/figures" label={t('nav.figures')} icon="📊" />
          {broadcasts ? <NavLink href="/broadcasts" label={t('nav.broadcasts')} icon="📣" /> : null}
        </nav>
        <div class="tools">
          <span class={`live live-${liveState}`} role="status" data-state={liveState}>
            <span class="dot" aria-hidden="true" />
            {t(`live.${liveState}`)}
          </span>
          <span class="clock" aria-label={t('app.clock')}>
            {now === undefined ? '--:--' : clockTime(lang, now)}
          </span>
          <details class="menu">
            <summary class="icon-button" aria-label={t('prefs.title')} title={t('prefs.title')}>
              ⚙
            </summary>
            <div class="menu-body card">
              <LanguageSelect t={t} lang={lang} onChange={(l) => setPrefs({ lang: l })} />
              <label class="field">
                <span>{t('prefs.theme')}</span>
                <select
                  value={prefs.theme}
                  onChange={(e) => setPrefs({ theme: (e.target as HTMLSelectElement).value as Theme })}
                >
                  {themes.map((th) => (
                    <option key={th} value={th}>
                      {t(`prefs.themes.${th}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label class="check">
                <input type="checkbox" checked={prefs.sound} onChange={() => setPrefs({ sound: !prefs.sound })} />
                {t('prefs.sound')}
              </label>
              <button type="button" class="button" onClick={onSignOut}>
                {t('app.signOut')}
              </button>
            </div>
          </details>
        </div>
      </header>
      <main class="page">{children}</main>
    </div>
  );
}
