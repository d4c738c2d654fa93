import type { webhook } from '@line/bot-sdk';
import { groupHello, welcomeMessages } from '../../../flex-templates/welcome';
import type { Middleware } from '../context';
import type { loadSender } from './sender';

/** follow, unfollow, join, leave, memberJoined: the OA's relationship with a person or a group. */
export function lifecycleHandlers(sender: ReturnType<typeof loadSender>): Middleware {
  return async (ctx, next) => {
    const { event, deps } = ctx;
    switch (event.type) {
      case 'follow': {
        if (!ctx.userId || !ctx.user) return;
        const follow = (event as webhook.FollowEvent).follow;
        const returning = follow?.isUnblocked === true || ctx.user.consent !== 'pending';
        ctx.user = (await deps.users.setFollowing(ctx.userId, true, ctx.now)) ?? ctx.user;
        const profile = ctx.user.consent === 'declined' ? null : await sender.profileOf(ctx, ctx.userId);
        const messages = welcomeMessages(ctx.t, {
          displayName: profile?.displayName,
          returning,
          consentPending: ctx.user.consent === 'pending',
        });
        await ctx.reply(messages, 'welcome');
        // The SOS button under the chat, with words in their language.
        await deps.menus?.follow(ctx.userId, ctx.lang);
        return;
      }
      case 'unfollow':
        if (ctx.userId) await deps.users.setFollowing(ctx.userId, false, ctx.now);
        return;
      case 'join': {
        const groupId = ctx.groupId;
        if (!groupId) return;
        await deps.groups.joined(groupId, ctx.now);
        await ctx.reply([groupHello(deps.texts.t('th'))], 'group-hello');
        return;
      }
      case 'leave':
        if (ctx.groupId) await deps.groups.left(ctx.groupId, ctx.now);
        return;
      case 'memberJoined':
      case 'memberLeft':
        return;
      default:
        await next();
    }
  };
}
