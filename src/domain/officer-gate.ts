import type { Logger } from '../logger';
import type { UserRepository } from '../store/repositories/user-repository';
import type { User } from './people';

export type OfficerRefusal = 'no-user-id' | 'not-officer';

/** For check(): any registered officer, of whichever station. */
export const ANY_STATION = Symbol('any station');

/**
 * The one server-side check behind every officer button (cases and SOS alike): the tapper must be
 * a registered officer of the station the case or alert belongs to. LINE omits `userId` for some
 * group members (LINE for PC), and such a tap can never be honoured. Every refusal is logged.
 */
export class OfficerGate {
  constructor(
    private readonly deps: {
      users: UserRepository;
      logger: Logger;
      /** Display name of a group member, for officers whose LINE name we do not have. */
      memberName?(groupId: string, userId: string): Promise<string | undefined>;
    },
  ) {}

  async check(
    actor: { userId?: string; groupId?: string },
    stationCode: string | typeof ANY_STATION,
    subject: Record<string, unknown>,
  ): Promise<{ ok: true; officer: User; name: string } | { ok: false; why: OfficerRefusal }> {
    if (!actor.userId) {
      this.deps.logger.warn(
        { ...subject, groupId: actor.groupId },
        'officer action refused: LINE sent no userId (LINE for PC)',
      );
      return { ok: false, why: 'no-user-id' };
    }
    const officer = await this.deps.users.get(actor.userId);
    if (
      !officer ||
      officer.role !== 'officer' ||
      (stationCode !== ANY_STATION && officer.stationCode !== stationCode)
    ) {
      this.deps.logger.warn(
        {
          security: 'officer_action_refused',
          ...subject,
          userId: actor.userId,
          groupId: actor.groupId,
          role: officer?.role,
          station: officer?.stationCode,
        },
        'officer action refused: not an officer of the station',
      );
      return { ok: false, why: 'not-officer' };
    }
    // The public name the officer set (rank and name) is what residents should read; else their LINE name.
    const name =
      officer.publicName ??
      officer.displayName ??
      (actor.groupId ? await this.deps.memberName?.(actor.groupId, actor.userId) : undefined) ??
      actor.userId.slice(0, 8);
    return { ok: true, officer, name };
  }
}
