// Bangkok wall time (UTC+7, no daylight saving): quiet-hour windows, times an admin types, and
// recurring schedules. Moments are built from UTC so the table reads the same on any machine.
import { BangkokCron, bangkokMinuteOfDay, inWindow, parseBangkokTime, parseClock } from '../../src/domain/bangkok-time';

/** A moment given as Bangkok wall time. */
const bkk = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi);

describe('Bangkok time', () => {
  it.each([
    [bkk(2026, 11, 25, 0, 0), 0],
    [bkk(2026, 11, 25, 6, 59), 419],
    [bkk(2026, 11, 25, 23, 59), 1439],
    [Date.UTC(1969, 11, 31, 17, 0), 0], // before 1970: still a minute of the day, never negative
  ])('when it is %d, then the minute of the Bangkok day is %d', (at, minute) => {
    expect(bangkokMinuteOfDay(at)).toBe(minute);
  });

  it.each([
    ['06:30', 390],
    [' 7:05 ', 425],
    ['23:59', 1439],
    ['24:00', undefined],
    ['12:60', undefined],
    ['noon', undefined],
  ])('when a clock time is written %j, then it is minute %s', (text, minute) => {
    expect(parseClock(text)).toBe(minute);
  });

  it.each([
    [{ from: '23:00', to: '06:00' }, 23, 0, true],
    [{ from: '23:00', to: '06:00' }, 2, 30, true],
    [{ from: '23:00', to: '06:00' }, 6, 0, false],
    [{ from: '23:00', to: '06:00' }, 12, 0, false],
    [{ from: '09:00', to: '17:00' }, 9, 0, true],
    [{ from: '09:00', to: '17:00' }, 17, 0, false],
    [{ from: '09:00', to: '17:00' }, 8, 59, false],
    [{ from: '09:00', to: '09:00' }, 9, 0, false],
    [{ from: 'late', to: '06:00' }, 2, 0, false],
    [{ from: '23:00', to: 'dawn' }, 2, 0, false],
  ])('when the window is %j and it is %d:%d in Bangkok, then inside is %s', (window, h, mi, inside) => {
    expect(inWindow(bkk(2026, 11, 25, h, mi), window)).toBe(inside);
  });

  it.each([
    ['2026-12-24T18:00', bkk(2026, 12, 24, 18)],
    ['2026-12-24 18:00:30', bkk(2026, 12, 24, 18) + 30_000],
    ['2026-12-24T18:00:00Z', Date.UTC(2026, 11, 24, 18)],
    ['2026-12-24T18:00+07:00', bkk(2026, 12, 24, 18)],
    ['2026-12-24T18:00:00.500-05:00', Date.UTC(2026, 11, 24, 23, 0, 0, 500)],
    ['2026-02-31T10:00', undefined],
    ['2026-13-01T10:00Z', undefined],
    ['tomorrow at six', undefined],
    ['2026-12-24', undefined],
  ])('when an admin types %j, then the moment is %s', (text, at) => {
    expect(parseBangkokTime(text)).toBe(at);
  });

  it('when a schedule says 18:00 every day, then the next run after 18:00 is 18:00 the next day in Bangkok', () => {
    const daily = BangkokCron.parse('0 18 * * *');
    try {
      expect(daily.expression).toBe('0 18 * * *');
      expect(daily.nextAfter(bkk(2026, 11, 25, 17, 59))).toBe(bkk(2026, 11, 25, 18));
      expect(daily.nextAfter(bkk(2026, 11, 25, 18))).toBe(bkk(2026, 11, 26, 18));
    } finally {
      daily.dispose();
    }
  });

  it('when a schedule names a weekday, then it runs on that weekday only', () => {
    const mondays = BangkokCron.parse('30  7 * *  1'); // extra spaces are tolerated
    try {
      expect(mondays.expression).toBe('30 7 * * 1');
      // 25 November 2026 is a Wednesday: the next Monday is the 30th.
      expect(mondays.nextAfter(bkk(2026, 11, 25, 12))).toBe(bkk(2026, 11, 30, 7, 30));
    } finally {
      mondays.dispose();
    }
  });

  it('when a schedule does not come round within the horizon (29 February, 2028), then there is no next run', () => {
    const never = BangkokCron.parse('0 9 29 2 *');
    const yearly = BangkokCron.parse('0 9 1 1 *');
    try {
      expect(never.nextAfter(bkk(2026, 11, 25, 12))).toBeUndefined();
      expect(yearly.nextAfter(bkk(2026, 11, 25, 12), 30)).toBeUndefined();
      expect(yearly.nextAfter(bkk(2026, 11, 25, 12), 60)).toBe(bkk(2027, 1, 1, 9));
    } finally {
      never.dispose();
      yearly.dispose();
    }
  });

  it.each([
    ['0 18 * *', 'cron must have five fields: minute hour day month weekday'],
    ['0 0 18 * * *', 'cron must have five fields: minute hour day month weekday'],
    ['61 18 * * *', 'cron "61 18 * * *" is not a valid expression'],
  ])('when a schedule is written %j, then it is refused: %s', (text, message) => {
    expect(() => BangkokCron.parse(text)).toThrow(message);
  });
});
