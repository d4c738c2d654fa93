import type { T } from '../src/i18n/i18n';
import type { Language } from '../src/domain/people';
import type { ZoneLookup } from '../src/domain/places';
import { mainMenuItems, postbackItem, text, type Message } from './common';
import { nameIn } from './format';

/**
 * A Thai number as a visitor's phone dials it: "074-243-333" is "+66 74 243 333" from a Malaysian
 * SIM. Thai readers get the number as written; short codes (191, 1155) are the same everywhere.
 */
export function phoneFor(phone: string, lang: Language): string {
  if (lang === 'th') return phone;
  const digits = phone.replace(/[\s-]/g, '');
  if (!/^0\d{8,9}$/.test(digits)) return phone;
  const groups = phone
    .trim()
    .replace(/^0/, '')
    .split(/[\s-]+/);
  return `+66 ${groups.join(' ')}`;
}

/** The answer to a pin sent outside any flow: which zone and station, and what can be done here. */
export function zoneInfo(t: T, where: ZoneLookup, lang: Language): Message {
  const station = where.station;
  if (!station) return text(t('report:zone.noStation'), mainMenuItems(t));
  const stationName = nameIn(station.name, lang);
  const phone = phoneFor(station.phone, lang);
  const body =
    where.inZone && where.zones[0]
      ? t('report:zone.inside', { zone: nameIn(where.zones[0].name, lang), station: stationName, phone })
      : t('report:zone.outside', {
          station: stationName,
          phone,
          distance: ((where.distanceM ?? 0) / 1000).toFixed(1),
        });
  const zone = where.inZone ? where.zones[0] : undefined;
  return text(body, [
    postbackItem(t('report:zone.reportHere'), { a: 'report-here' }),
    ...(zone ? [postbackItem(t('report:zone.setHome'), { a: 'home', z: zone._id })] : []),
    ...mainMenuItems(t).filter((i) => !(i.action && 'data' in i.action && i.action.data === 'a=report')),
  ]);
}
