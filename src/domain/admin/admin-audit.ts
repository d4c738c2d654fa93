import type { AdminActor } from './admin-actor';

/** One change made through the admin API: who, what, before, after, when. */
export interface AdminAuditEntry {
  /** Time-ordered: `<at in base 36>-<random>`. */
  _id: string;
  at: number;
  actor: { kind: AdminActor['kind']; name: string; tokenId?: string; stationCode?: string };
  /** What was done, as `<resource>.<verb>` (`station.update`, `case.status`, `token.revoke`), or `<METHOD> <route>`. */
  action: string;
  target: { type: string; id: string };
  /** The station whose data it touched: station admins read the entries of their station. */
  stationCode?: string;
  before?: unknown;
  after?: unknown;
}

export function auditActor(actor: AdminActor): AdminAuditEntry['actor'] {
  return actor.kind === 'super'
    ? { kind: 'super', name: actor.name }
    : { kind: 'station', name: actor.name, tokenId: actor.tokenId, stationCode: actor.stationCode };
}
