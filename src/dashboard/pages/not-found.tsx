import { Link } from 'wouter-preact';
import { useApp } from '../app-context';

export function NotFound() {
  const { t } = useApp();
  return (
    <section class="card">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.back')}</Link>
      </p>
    </section>
  );
}
