import fs from 'node:fs';
import path from 'node:path';
import type { TranscriptEntry } from './chat-directory';
import type { PlatformState } from './platform-state';

/** Entries kept per chat in the file: enough to scroll back through a session, small enough to rewrite. */
const ENTRIES_PER_CHAT = 200;
const SAVE_DELAY_MS = 500;

interface SavedRichMenu {
  richMenuId: string;
  menu: Record<string, unknown>;
  image?: { contentType: string; base64: string };
}

/** The emulator's memory as written to disk. Version 1; a file of another version is ignored. */
export interface SavedState {
  version: 1;
  savedAt: number;
  webhookUrl?: string;
  lastMessageId: string;
  lastSeq: number;
  users: Array<{
    profile: { userId: string; displayName: string; pictureUrl?: string; statusMessage?: string; language?: string };
    friend: boolean;
    blocked: boolean;
  }>;
  groups: Array<{ groupId: string; groupName: string; pictureUrl?: string; memberIds: string[]; botIsMember: boolean }>;
  transcripts: Array<{ chatId: string; entries: TranscriptEntry[] }>;
  richMenus: {
    menus: SavedRichMenu[];
    userLinks: Array<[string, string]>;
    aliases: Array<[string, string]>;
    defaultMenuId?: string;
  };
}

export function snapshot(state: PlatformState): SavedState {
  const { directory, richMenus } = state;
  const transcripts: SavedState['transcripts'] = [];
  for (const chatId of directory.chatIdsWithTranscripts()) {
    transcripts.push({ chatId, entries: directory.transcriptOf(chatId).slice(-ENTRIES_PER_CHAT) });
  }
  return {
    version: 1,
    savedAt: state.now(),
    ...(state.webhookUrlFromPage && state.webhookUrl ? { webhookUrl: state.webhookUrl } : {}),
    lastMessageId: state.messageIds.last(),
    lastSeq: directory.lastSeq,
    users: [...directory.users.values()].map((u) => ({
      profile: { ...u.profile },
      friend: u.friend,
      blocked: u.blocked,
    })),
    groups: [...directory.groups.values()].map((g) => ({
      groupId: g.groupId,
      groupName: g.groupName,
      ...(g.pictureUrl !== undefined ? { pictureUrl: g.pictureUrl } : {}),
      memberIds: [...g.memberIds],
      botIsMember: g.botIsMember,
    })),
    transcripts,
    richMenus: {
      menus: [...richMenus.menus.values()].map((m) => ({
        richMenuId: m.richMenuId,
        menu: m.menu,
        ...(m.image ? { image: { contentType: m.image.contentType, base64: m.image.data.toString('base64') } } : {}),
      })),
      userLinks: [...richMenus.userLinks],
      aliases: [...richMenus.aliases],
      ...(richMenus.defaultMenuId !== undefined ? { defaultMenuId: richMenus.defaultMenuId } : {}),
    },
  };
}

export function restore(state: PlatformState, saved: SavedState): void {
  const { directory, richMenus } = state;
  for (const u of saved.users) directory.users.set(u.profile.userId, { ...u, profile: { ...u.profile } });
  for (const g of saved.groups) directory.groups.set(g.groupId, { ...g, memberIds: new Set(g.memberIds) });
  directory.restore(saved.transcripts, saved.lastSeq);
  state.messageIds.continueAfter(saved.lastMessageId);
  for (const m of saved.richMenus.menus) {
    richMenus.menus.set(m.richMenuId, {
      richMenuId: m.richMenuId,
      menu: m.menu,
      ...(m.image ? { image: { contentType: m.image.contentType, data: Buffer.from(m.image.base64, 'base64') } } : {}),
    });
  }
  for (const [userId, id] of saved.richMenus.userLinks) richMenus.userLinks.set(userId, id);
  for (const [alias, id] of saved.richMenus.aliases) richMenus.aliases.set(alias, id);
  richMenus.defaultMenuId = saved.richMenus.defaultMenuId;
  if (saved.webhookUrl) {
    state.webhookUrl = saved.webhookUrl;
    state.webhookUrlFromPage = true;
  }
}

function looksSaved(value: unknown): value is SavedState {
  const v = value as Partial<SavedState> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.version === 1 &&
    Array.isArray(v.users) &&
    Array.isArray(v.groups) &&
    Array.isArray(v.transcripts) &&
    typeof v.richMenus === 'object' &&
    v.richMenus !== null
  );
}

/**
 * The file behind `stateFile`: read once at start, rewritten whole a little after each change (a
 * burst of webhooks costs one write) by writing a temporary file and renaming it over the old one,
 * so a crash mid-write leaves the previous state, never half a file.
 */
export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  private pending: (() => SavedState) | undefined;

  constructor(
    readonly file: string,
    private readonly delayMs = SAVE_DELAY_MS,
  ) {}

  /** The saved state, or undefined for a missing file. A file that cannot be read is set aside, not lost. */
  read(): SavedState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (looksSaved(parsed)) return parsed;
    } catch {
      // fall through: set the file aside below
    }
    const aside = `${this.file}.unreadable-${Date.now()}`;
    fs.renameSync(this.file, aside);
    console.warn(`[line-emulator] ${this.file} is not a saved emulator state; moved it to ${aside} and started empty`);
    return undefined;
  }

  schedule(make: () => SavedState): void {
    this.pending = make;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes a pending change now (on close). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const make = this.pending;
    this.pending = undefined;
    if (!make) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(make()));
      fs.renameSync(temp, this.file);
    } catch (error) {
      // The chats are a convenience: a full disk must not take the emulator (or the hub) down.
      console.warn(`[line-emulator] could not save its state to ${this.file}: ${String(error)}`);
    }
  }
}
