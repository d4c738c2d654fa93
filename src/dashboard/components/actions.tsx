// The status buttons of a case or an SOS: only the steps the hub would accept from here (the same
// rules as the buttons on the LINE card). Closing steps ask for a second press, so a slip on a
// touch screen does not close someone's case. What happened is said in words, never as an error code.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { ApiError } from '../api';

export interface Step {
  key: string;
  label: string;
  primary?: boolean;
  /** Ends the case or alert: asks for a second press. */
  closing?: boolean;
  run(): Promise<void>;
}

const CONFIRM_MS = 5000;

export function Actions({ steps, onRefused }: { steps: Step[]; onRefused: () => Promise<string> }) {
  const { t } = useApp();
  const [arming, setArming] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>();

  useEffect(() => {
    if (!arming) return;
    const timer = setTimeout(() => setArming(undefined), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [arming]);

  const press = async (step: Step) => {
    if (step.closing && arming !== step.key) {
      setArming(step.key);
      return;
    }
    setArming(undefined);
    setBusy(step.key);
    setSaid(undefined);
    try {
      await step.run();
      setSaid({ ok: true, text: t('actions.done', { step: step.label }) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setSaid({ ok: false, text: await onRefused() });
      else if (err instanceof ApiError && err.status === 403) setSaid({ ok: false, text: t('actions.forbidden') });
      else setSaid({ ok: false, text: t('actions.failed') });
    } finally {
      setBusy(undefined);
    }
  };

  if (steps.length === 0) return <p class="muted">{t('actions.closed')}</p>;
  return (
    <div class="actions">
      <div class="action-buttons">
        {steps.map((s) => (
          <button
            key={s.key}
            type="button"
            class={`button big${s.primary ? ' primary' : ''}${s.closing ? ' closing' : ''}${arming === s.key ? ' armed' : ''}`}
            disabled={busy !== undefined}
            onClick={() => void press(s)}
          >
            {arming === s.key ? t('actions.confirm', { step: s.label }) : s.label}
          </button>
        ))}
      </div>
      <p class="small muted">{t('actions.recordedAs')}</p>
      {said ? (
        <p class={said.ok ? 'notice ok' : 'notice bad'} role="status">
          {said.text}
        </p>
      ) : null}
    </div>
  );
}
