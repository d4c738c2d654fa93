// The station dashboard, served by the hub at /dashboard: sign in with a token (exchanged for an
// HttpOnly session cookie, never kept in the URL or in storage), then the Now page and the others.
import '@fontsource/noto-sans-thai/400.css';
import '@fontsource/noto-sans-thai/600.css';
import '@fontsource/noto-sans-thai/700.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Route, Router, Switch } from 'wouter-preact';
import { api, onSignedOut, type Session } from './api';
import { AppContext, type AppContextValue } from './app-context';
import { ring, unlockSound } from './alarm';
import { Board } from './board';
import { translator } from './i18n';
import { LiveFeed } from './live';
import { applyTheme, loadPrefs, savePrefs, type Prefs } from './prefs';
import { Shell } from './components/shell';
import { SignIn } from './pages/sign-in';
import { NowPage } from './pages/now';
import { CasePage } from './pages/case';
import { AlertPage } from './pages/alert';
import { MapPage } from './pages/map';
import { FiguresPage } from './pages/figures';
import { BroadcastsPage } from './pages/broadcasts';
import { NotFound } from './pages/not-found';

function App() {
  const [prefs, setPrefsState] = useState<Prefs>(loadPrefs);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [mapConfig, setMapConfig] = useState<AppContextValue['mapConfig']>({});
  const t = useMemo(() => translator(prefs.lang), [prefs.lang]);
  const setPrefs = (change: Partial<Prefs>) =>
    setPrefsState((old) => {
      const next = { ...old, ...change };
      savePrefs(next);
      return next;
    });

  useEffect(() => applyTheme(prefs.theme), [prefs.theme]);
  useEffect(() => {
    document.documentElement.lang = prefs.lang;
  }, [prefs.lang]);
  useEffect(() => {
    onSignedOut(() => setSession(null));
    api.session().then(setSession, () => setSession(null));
    api.config().then(setMapConfig, () => undefined);
    // Any use of the page lets the SOS alarm sound later.
    addEventListener('pointerdown', unlockSound);
    addEventListener('keydown', unlockSound);
  }, []);

  if (session === undefined) return <div class="splash">{t('common.loading')}</div>;
  if (session === null) return <SignIn t={t} prefs={prefs} setPrefs={setPrefs} onSignedIn={(s) => setSession(s)} />;
  return (
    <SignedIn
      session={session}
      prefs={prefs}
      setPrefs={setPrefs}
      mapConfig={mapConfig}
      onSignedOut={() => setSession(null)}
    />
  );
}

function SignedIn({
  session,
  prefs,
  setPrefs,
  mapConfig,
  onSignedOut: signedOut,
}: {
  session: Session;
  prefs: Prefs;
  setPrefs: (change: Partial<Prefs>) => void;
  mapConfig: AppContextValue['mapConfig'];
  onSignedOut: () => void;
}) {
  const t = useMemo(() => translator(prefs.lang), [prefs.lang]);
  const soundOn = useRef(prefs.sound);
  soundOn.current = prefs.sound;
  const [{ live, board }] = useState(() => {
    const feed = new LiveFeed();
    return { live: feed, board: new Board(feed, () => (soundOn.current ? ring() : undefined)) };
  });
  useEffect(() => {
    board.start();
    live.start();
    const offBye = live.on('bye', signedOut);
    // A stream that could not be opened: is the session still there? (401 shows the sign-in page.)
    const offState = live.on('state', (s) => {
      if (s === 'offline') void api.session().catch(() => undefined);
    });
    return () => {
      offBye();
      offState();
      live.stop();
      board.stop();
    };
  }, []);
  const value: AppContextValue = { t, lang: prefs.lang, session, live, board, prefs, setPrefs, mapConfig };
  return (
    <AppContext.Provider value={value}>
      <Router base="/dashboard">
        <Shell onSignOut={() => void api.signOut().finally(signedOut)}>
          <Switch>
            <Route path="/" component={NowPage} />
            <Route path="/cases/:id">{(p: { id: string }) => <CasePage id={decodeURIComponent(p.id)} />}</Route>
            <Route path="/sos/:id">{(p: { id: string }) => <AlertPage id={decodeURIComponent(p.id)} />}</Route>
            <Route path="/map" component={MapPage} />
            <Route path="/figures" component={FiguresPage} />
            <Route path="/broadcasts" component={BroadcastsPage} />
            <Route component={NotFound} />
          </Switch>
        </Shell>
      </Router>
    </AppContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
