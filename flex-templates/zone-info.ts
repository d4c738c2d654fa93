import type { T } from '../src/i18n/i18n';
import type { Language } from '../src/domain/people';
import type { ZoneLookup } from '../src/domain/places';
import { mainMenuItems, postbackItem, text, type Message, type QuickReplyItem } from './common';
import { nameIn } from './format';

/** The answer to a pin sent outside any flow: which zone and station, and what can be done here. */
export function zoneInfo(t: T, where: ZoneLookup, lang: Language, extra: QuickReplyItem[] = []): Message {
  const station = where.station;
  if (!station) return text(t('report:zone.noStation'), mainMenuItems(t));
  const stationName = nameIn(station.name, lang);
  const body =
    where.inZone && where.zones[0]
      ? t('report:zone.inside', { zone: nameIn(where.zones[0].name, lang), station: stationName, phone: station.phone })
      : t('report:zone.outside', {
          station: stationName,
          phone: station.phone,
          distance: ((where.distanceM ?? 0) / 1000).toFixed(1),
        });
  const zone = where.inZone ? where.zones[0] : undefined;
  return text(body, [
    postbackItem(t('report:zone.reportHere'), { a: 'report-here' }),
    ...(zone ? [postbackItem(t('report:zone.setHome'), { a: 'home', z: zone._id })] : []),
    ...extra,
    ...mainMenuItems(t).filter((i) => !(i.action && 'data' in i.action && i.action.data === 'a=report')),
  ]);
}
