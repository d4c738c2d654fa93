import { useApp } from '../app-context';

export function BroadcastsPage() {
  const { t } = useApp();
  return <h1>{t('nav.broadcasts')}</h1>;
}
