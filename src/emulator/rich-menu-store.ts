export interface StoredRichMenu {
  richMenuId: string;
  menu: Record<string, unknown>;
  image?: { data: Buffer; contentType: string };
}

/** Rich menus, their images, per-user links, the default menu and aliases, as the bot configured them. */
export class RichMenuStore {
  readonly menus = new Map<string, StoredRichMenu>();
  readonly userLinks = new Map<string, string>();
  readonly aliases = new Map<string, string>();
  defaultMenuId: string | undefined;
  /** Batch-control requests by their x-line-request-id (the emulator finishes them at once). */
  readonly batches = new Map<string, { acceptedTime: string; completedTime: string }>();

  delete(richMenuId: string): boolean {
    if (!this.menus.delete(richMenuId)) return false;
    for (const [userId, id] of this.userLinks) if (id === richMenuId) this.userLinks.delete(userId);
    if (this.defaultMenuId === richMenuId) this.defaultMenuId = undefined;
    return true;
  }
}
