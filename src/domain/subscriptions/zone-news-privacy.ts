import type { BroadcastRepository } from '../../store/repositories/broadcast-repository';
import type { NoticeRepository } from '../../store/repositories/notice-repository';
import type { SubscriptionRepository } from '../../store/repositories/subscription-repository';
import type { PersonalDataHolder } from '../privacy/privacy-service';

/**
 * What zone news keeps about a person, for a PDPA export and erasure: their subscriptions (the zones,
 * patrol choice, language, and the record of stopping), the notices they proposed from a community
 * group, and their LINE id in the delivery records of broadcasts. Erasure deletes the subscriptions,
 * and takes the id out of the notices (they stay, as the community's words) and the delivery records.
 */
export function zoneNewsPersonalData(deps: {
  subscriptions: Pick<SubscriptionRepository, 'allOf' | 'deleteAllOf'>;
  notices: Pick<NoticeRepository, 'byProposer' | 'forgetProposer'>;
  broadcasts: Pick<BroadcastRepository, 'forgetRecipient'>;
}): PersonalDataHolder {
  return {
    name: 'zoneNews',
    async export(userId) {
      return {
        subscriptions: await deps.subscriptions.allOf(userId),
        noticesProposed: await deps.notices.byProposer(userId),
      };
    },
    async erase(userId) {
      return (
        (await deps.subscriptions.deleteAllOf(userId)) +
        (await deps.notices.forgetProposer(userId)) +
        (await deps.broadcasts.forgetRecipient(userId))
      );
    },
  };
}
