const BANGKOK_MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Bangkok', year: 'numeric', month: '2-digit' });

/** The Bangkok calendar month of a moment, as "2026-11": LINE's message quota runs by month. */
export function bangkokMonth(at: number): string {
  return BANGKOK_MONTH.format(at);
}
