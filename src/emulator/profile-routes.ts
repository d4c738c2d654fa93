import type { Express } from 'express';
import { apiEndpoint, notFound, param } from './api-endpoint';
import type { ApiCall, ApiResult } from './api-endpoint';
import type { PlatformState } from './platform-state';

const MEMBER_IDS_PAGE = 100;

/** Profiles, group information and message content (the last one lives on api-data.line.me at LINE). */
export function mountProfileRoutes(app: Express, state: PlatformState): void {
  const { directory } = state;

  // LINE: only friends (or users who talked to the OA) who have not blocked it can be profiled; others 404.
  app.get(
    '/v2/bot/profile/:userId',
    apiEndpoint(state, {
      name: 'profile',
      handler: (call) => {
        const user = directory.users.get(param(call, 'userId'));
        if (!user || !user.friend || user.blocked) return notFound();
        return { status: 200, body: user.profile };
      },
    }),
  );

  const joinedGroup = (call: ApiCall) => {
    const group = directory.groups.get(param(call, 'groupId'));
    return group && group.botIsMember ? group : undefined;
  };

  app.get(
    '/v2/bot/group/:groupId/summary',
    apiEndpoint(state, {
      name: 'groupSummary',
      handler: (call) => {
        const group = joinedGroup(call);
        if (!group) return notFound();
        const body: Record<string, string> = { groupId: group.groupId, groupName: group.groupName };
        if (group.pictureUrl !== undefined) body.pictureUrl = group.pictureUrl;
        return { status: 200, body };
      },
    }),
  );
  app.get(
    '/v2/bot/group/:groupId/members/count',
    apiEndpoint(state, {
      name: 'groupMemberCount',
      handler: (call) => {
        const group = joinedGroup(call);
        return group ? { status: 200, body: { count: group.memberIds.size } } : notFound();
      },
    }),
  );
  app.get(
    '/v2/bot/group/:groupId/members/ids',
    apiEndpoint(state, {
      name: 'groupMemberIds',
      handler: (call) => {
        const group = joinedGroup(call);
        if (!group) return notFound();
        // LINE pages member ids; `next` is the continuation token passed back as `start`.
        const all = [...group.memberIds];
        const start = Number(call.req.query.start ?? 0) || 0;
        const page = all.slice(start, start + MEMBER_IDS_PAGE);
        const body: { memberIds: string[]; next?: string } = { memberIds: page };
        if (start + MEMBER_IDS_PAGE < all.length) body.next = String(start + MEMBER_IDS_PAGE);
        return { status: 200, body };
      },
    }),
  );
  // LINE returns a group member's profile even when they are not a friend or blocked the OA.
  app.get(
    '/v2/bot/group/:groupId/member/:userId',
    apiEndpoint(state, {
      name: 'groupMemberProfile',
      handler: (call) => {
        const group = joinedGroup(call);
        const userId = param(call, 'userId');
        if (!group || !group.memberIds.has(userId)) return notFound();
        const profile = directory.seeUser(userId, false).profile;
        const body: Record<string, string> = { userId, displayName: profile.displayName };
        if (profile.pictureUrl !== undefined) body.pictureUrl = profile.pictureUrl;
        return { status: 200, body };
      },
    }),
  );
  app.post(
    '/v2/bot/group/:groupId/leave',
    apiEndpoint(state, {
      name: 'leaveGroup',
      handler: (call) => {
        const group = joinedGroup(call);
        if (!group) return notFound();
        group.botIsMember = false;
        return { status: 200, body: {} };
      },
    }),
  );

  const content = (name: string) =>
    apiEndpoint(state, {
      name,
      handler: (call): ApiResult => {
        const stored = state.getContent(param(call, 'messageId'));
        return stored ? { status: 200, binary: stored } : notFound();
      },
    });
  app.get('/v2/bot/message/:messageId/content', content('content'));
  app.get('/v2/bot/message/:messageId/content/preview', content('contentPreview'));
  app.get(
    '/v2/bot/message/:messageId/content/transcoding',
    apiEndpoint(state, {
      name: 'contentTranscoding',
      handler: (call) =>
        state.getContent(param(call, 'messageId')) ? { status: 200, body: { status: 'succeeded' } } : notFound(),
    }),
  );
}
