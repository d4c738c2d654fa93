// Zone broadcasts: compose (Thai, with English and Malay together or not at all), see each
// language's message as residents will get it before sending, send now or at a time, and read the
// delivery record (how many people in each language, batches LINE accepted, failed or held for the
// monthly quota). Talks to the broadcasts API (broadcasts-api.ts); the page is not offered where
// the hub has none.
import { useEffect, useRef, useState } from 'preact/hooks';
import { namer, useApp } from '../app-context';
import { ApiError } from '../api';
import { useBoard } from '../board';
import {
  broadcastsApi,
  type Broadcast,
  type BroadcastDraft,
  type BroadcastPreview,
  type BroadcastRun,
} from '../broadcasts-api';
import { Empty, Loading } from '../components/bits';
import { LANGS, type Lang } from '../i18n';
import { dateTime } from '../time';

/** What a LINE message says, for the preview: a text's words, a card's alternative text. */
function wordsOf(message: unknown): string {
  const m = message as { type?: string; text?: string; altText?: string };
  return m.type === 'text' ? (m.text ?? '') : (m.altText ?? '');
}

function recipientsOf(preview: BroadcastPreview): number {
  return typeof preview.recipients === 'number' ? preview.recipients : preview.recipients.people;
}

export function BroadcastsPage() {
  const { t, lang, board } = useApp();
  const places = useBoard(board);
  const names = namer(lang, t, places.stations, places.zones);
  const [zones, setZones] = useState<string[]>([]);
  const [text, setText] = useState<Record<Lang, string>>({ th: '', en: '', ms: '' });
  const [when, setWhen] = useState<'now' | 'at'>('now');
  const [at, setAt] = useState('');
  const [preview, setPreview] = useState<BroadcastPreview | undefined>();
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [list, setList] = useState<Broadcast[] | undefined>();
  const [open, setOpen] = useState<{ broadcast: Broadcast; runs: BroadcastRun[] } | undefined>();

  const previewBox = useRef<HTMLDivElement>(null);
  // A new preview is what the officer reads next, with the send button under it.
  useEffect(() => {
    if (preview) previewBox.current?.scrollIntoView({ block: 'start' });
  }, [preview]);
  const recordBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) recordBox.current?.scrollIntoView({ block: 'nearest' });
  }, [open]);
  const loadList = () => broadcastsApi.list().then(setList, () => setList([]));
  useEffect(() => {
    void loadList();
  }, []);

  const draft = (): BroadcastDraft => ({
    zones,
    text: {
      th: text.th.trim(),
      ...(text.en.trim() && text.ms.trim() ? { en: text.en.trim(), ms: text.ms.trim() } : {}),
    },
    ...(when === 'at' && at ? { at } : {}),
  });
  const problem = (): string | undefined => {
    if (zones.length === 0) return t('broadcasts.needZone');
    if (!text.th.trim()) return t('broadcasts.needThai');
    if (Boolean(text.en.trim()) !== Boolean(text.ms.trim())) return t('broadcasts.needBoth');
    if (when === 'at' && !at) return t('broadcasts.needTime');
    return undefined;
  };
  const refused = (err: unknown) =>
    setSaid({
      ok: false,
      text:
        err instanceof ApiError && err.status === 400
          ? t('broadcasts.refused', { why: err.message })
          : t('actions.failed'),
    });

  const showPreview = async () => {
    const why = problem();
    if (why) return setSaid({ ok: false, text: why });
    setBusy(true);
    setSaid(undefined);
    try {
      setPreview(await broadcastsApi.preview(draft()));
    } catch (err) {
      refused(err);
    } finally {
      setBusy(false);
    }
  };
  const send = async () => {
    if (!confirming) return setConfirming(true);
    setConfirming(false);
    setBusy(true);
    try {
      const made = await broadcastsApi.create(draft());
      setSaid({
        ok: true,
        text: t(when === 'at' ? 'broadcasts.scheduled' : 'broadcasts.sent', { id: made.broadcast._id }),
      });
      setPreview(undefined);
      setText({ th: '', en: '', ms: '' });
      void loadList();
    } catch (err) {
      refused(err);
    } finally {
      setBusy(false);
    }
  };
  const cancel = async (id: string) => {
    try {
      await broadcastsApi.cancel(id);
      setOpen(await broadcastsApi.record(id));
      void loadList();
    } catch (err) {
      refused(err);
    }
  };

  return (
    <div class="broadcasts">
      <h1>{t('broadcasts.title')}</h1>
      <section class="card compose" aria-labelledby="compose-heading">
        <h2 id="compose-heading">{t('broadcasts.compose')}</h2>
        <fieldset class="checks">
          <legend>{t('broadcasts.zones')}</legend>
          {places.zones.features.map((z) => (
            <label key={z.id}>
              <input
                type="checkbox"
                checked={zones.includes(z.id)}
                onChange={() => setZones(zones.includes(z.id) ? zones.filter((x) => x !== z.id) : [...zones, z.id])}
              />
              {names.zone(z.id)}
            </label>
          ))}
        </fieldset>
        {LANGS.map((l) => (
          <label key={l} class="field">
            <span>{t(`broadcasts.textIn.${l}`)}</span>
            <textarea
              lang={l}
              maxLength={2000}
              value={text[l]}
              onInput={(e) => {
                setText({ ...text, [l]: (e.target as HTMLTextAreaElement).value });
                setPreview(undefined);
              }}
            />
          </label>
        ))}
        <p class="small muted">{t('broadcasts.languagesNote')}</p>
        <fieldset class="checks">
          <legend>{t('broadcasts.when')}</legend>
          <label>
            <input type="radio" name="when" checked={when === 'now'} onChange={() => setWhen('now')} />
            {t('broadcasts.now')}
          </label>
          <label>
            <input type="radio" name="when" checked={when === 'at'} onChange={() => setWhen('at')} />
            {t('broadcasts.at')}
          </label>
          {when === 'at' ? (
            <input
              type="datetime-local"
              aria-label={t('broadcasts.atLabel')}
              value={at}
              onInput={(e) => setAt((e.target as HTMLInputElement).value)}
            />
          ) : null}
        </fieldset>
        <div class="action-buttons">
          <button type="button" class="button big" disabled={busy} onClick={() => void showPreview()}>
            {t('broadcasts.preview')}
          </button>
        </div>
        {said ? (
          <p class={said.ok ? 'notice ok' : 'notice bad'} role="status">
            {said.text}
          </p>
        ) : null}
        {preview ? (
          <div ref={previewBox}>
            <h3>{t('broadcasts.previewHeading', { count: recipientsOf(preview) })}</h3>
            <div class="previews">
              {(['th', 'en', 'ms', 'groups'] as const)
                .filter((k) => preview.messages[k]?.length)
                .map((k) => (
                  <div key={k}>
                    <div class="small muted">{t(`broadcasts.previewFor.${k}`)}</div>
                    {preview.messages[k]!.map((m, i) => (
                      <div key={i} class="preview-bubble">
                        {wordsOf(m)}
                      </div>
                    ))}
                  </div>
                ))}
            </div>
            <div class="action-buttons">
              <button
                type="button"
                class={`button big primary${confirming ? ' armed closing' : ''}`}
                disabled={busy}
                onClick={() => void send()}
              >
                {confirming
                  ? t('broadcasts.confirm', { count: recipientsOf(preview) })
                  : when === 'at'
                    ? t('broadcasts.schedule')
                    : t('broadcasts.send')}
              </button>
            </div>
          </div>
        ) : null}
      </section>

      <section class="card" aria-labelledby="sent-heading">
        <h2 id="sent-heading">{t('broadcasts.record')}</h2>
        {list === undefined ? (
          <Loading />
        ) : list.length === 0 ? (
          <Empty>{t('broadcasts.none')}</Empty>
        ) : (
          <div class="table-scroll">
            <table class="table">
              <thead>
                <tr>
                  <th>{t('broadcasts.created')}</th>
                  <th>{t('broadcasts.status')}</th>
                  <th>{t('broadcasts.audience')}</th>
                  <th>{t('broadcasts.words')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((b) => (
                  <tr key={b._id}>
                    <td>
                      <button
                        type="button"
                        class="button quiet"
                        onClick={() => void broadcastsApi.record(b._id).then(setOpen)}
                      >
                        {dateTime(lang, Date.parse(b.createdAt))}
                      </button>
                    </td>
                    <td>{t(`broadcasts.statuses.${b.status}`)}</td>
                    <td>
                      {b.audience.kind === 'all'
                        ? t('broadcasts.everyone')
                        : b.audience.zoneIds.map((z) => names.zone(z)).join(', ')}
                    </td>
                    <td>{b.text.th.slice(0, 80)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {open ? (
          <div class="card" ref={recordBox}>
            <h3>{t('broadcasts.runsOf', { id: open.broadcast._id })}</h3>
            {['scheduled', 'recurring', 'held'].includes(open.broadcast.status) ? (
              <button type="button" class="button" onClick={() => void cancel(open.broadcast._id)}>
                {t('broadcasts.cancel')}
              </button>
            ) : null}
            {open.runs.length === 0 ? (
              <p class="muted">{t('broadcasts.noRuns')}</p>
            ) : (
              <table class="table">
                <thead>
                  <tr>
                    <th>{t('broadcasts.runAt')}</th>
                    <th>{t('broadcasts.people')}</th>
                    <th>{t('broadcasts.groups')}</th>
                    <th>{t('broadcasts.batches')}</th>
                  </tr>
                </thead>
                <tbody>
                  {open.runs.map((r) => (
                    <tr key={r._id}>
                      <td>
                        {dateTime(lang, r.startedAt)} · {t(`broadcasts.runStates.${r.state}`)}
                      </td>
                      <td>
                        {r.recipients.people}{' '}
                        <span class="muted small">
                          ({LANGS.map((l) => `${l} ${r.recipients.byLanguage[l] ?? 0}`).join(' · ')})
                        </span>
                      </td>
                      <td>{r.recipients.groups}</td>
                      <td>
                        {t('broadcasts.batchCounts', {
                          accepted: r.batches.accepted,
                          total: r.batches.total,
                          failed: r.batches.failed,
                          held: r.batches.held,
                        })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        ) : null}
      </section>
    </div>
  );
}
