// The chat simulator: play residents, officers and groups against the bot through the LINE
// emulator. The left side lists the chats (as LINE's chat list does); the right side is one chat
// room: the log, the quick replies of the newest message, the input bar and the rich menu.
import './styles.css';
import { api, randomId, type Chat, type DriveResult } from './api';
import { byId, el, isObject, safeUrl, type Json } from './dom';
import { MapPicker, setTileUrl, tileUrl } from './map-picker';
import { previewOf, renderBotMessage, renderUserEvent, type MessageHandlers } from './messages';

interface RichMenu {
  richMenuId: string;
  size?: { width: number; height: number };
  chatBarText?: string;
  selected?: boolean;
  areas?: Array<{ bounds: { x: number; y: number; width: number; height: number }; action: Json }>;
}

const state = {
  chats: [] as Chat[],
  chatId: '',
  /** Sequence numbers of the entries in the log: an entry that comes live and in the transcript shows once. */
  shown: new Set<number>(),
  /** The transcript request in flight; live entries wait in `pending` meanwhile. */
  loading: null as object | null,
  pending: [] as Json[],
  lastDay: '',
  newest: null as Json | null,
  /** Who sent the entry above (bot, a member id, or '' for system lines), to show the avatar once. */
  lastSender: '',
  unread: new Map<string, number>(),
  menu: null as RichMenu | null,
  /** LINE swaps the rich menu and the keyboard; 'menu' shows the menu, 'keyboard' the input bar. */
  mode: 'menu' as 'menu' | 'keyboard',
  menuOpen: true,
  /** Whether the log follows new messages (the person has not scrolled up to read). */
  stick: true,
  typing: undefined as number | undefined,
};

const mapPicker = new MapPicker();

const handlers: MessageHandlers = {
  onAction: (action) => void runAction(action),
  contentUrl: (id) => `/_emulator/content/${encodeURIComponent(id)}`,
};

function currentChat(): Chat | undefined {
  return state.chats.find((c) => c.chatId === state.chatId);
}

function isGroup(chat = currentChat()): boolean {
  return chat?.kind === 'group' || chat?.kind === 'room';
}

function nameOf(userId: string): string {
  return state.chats.find((c) => c.chatId === userId)?.name ?? `User ${userId.slice(-4)}`;
}

let statusTimer: number | undefined;
function status(text: string): void {
  const box = byId('status');
  box.textContent = text;
  window.clearTimeout(statusTimer);
  if (text) statusTimer = window.setTimeout(() => (box.textContent = ''), 8000);
}

function source(): Json {
  if (isGroup()) {
    const member = byId<HTMLSelectElement>('member').value;
    return member ? { groupId: state.chatId, userId: member } : { groupId: state.chatId };
  }
  return { userId: state.chatId };
}

async function drive(payload: Json): Promise<DriveResult | undefined> {
  if (!state.chatId) {
    status('Pick or create a chat first.');
    return undefined;
  }
  status('');
  // Like LINE, the chat jumps to the bottom when the person sends something.
  state.stick = true;
  try {
    const result = await api<DriveResult>('POST', '/_emulator/drive', payload);
    if (result.status < 200 || result.status >= 300) status(`The bot answered ${result.status}: ${result.body}`);
    return result;
  } catch (error) {
    status(
      `Could not reach the bot: ${(error as Error).message}. Is the hub running? (Settings ⚙ has the webhook URL.)`,
    );
    return undefined;
  }
}

function sendText(text: string | undefined): void {
  if (text) void drive({ kind: 'text', source: source(), text });
}

async function sendLocation(): Promise<void> {
  if (!state.chatId) return status('Pick or create a chat first.');
  const picked = await mapPicker.pick();
  if (picked) await drive({ kind: 'location', source: source(), location: picked });
}

function choosePhoto(): void {
  if (!state.chatId) return status('Pick or create a chat first.');
  byId<HTMLInputElement>('photoInput').click();
}

async function sendPhoto(file: File): Promise<void> {
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  await drive({ kind: 'image', source: source(), imageBase64: base64, contentType: file.type || 'image/jpeg' });
}

/** LINE's date/time picker: the person picks; the postback carries what they picked. */
function pickDateTime(action: Json): Promise<Json | undefined> {
  const dialog = byId<HTMLDialogElement>('pickDialog');
  const input = byId<HTMLInputElement>('pickInput');
  const mode = action.mode === 'date' ? 'date' : action.mode === 'time' ? 'time' : 'datetime-local';
  input.type = mode;
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}`;
  input.value = String(action.initial ?? (mode === 'date' ? date : mode === 'time' ? time : `${date}T${time}`));
  input.min = action.min ? String(action.min) : '';
  input.max = action.max ? String(action.max) : '';
  byId('pickTitle').textContent = String(action.label ?? 'Pick');
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (dialog.returnValue !== 'ok' || !input.value) return resolve(undefined);
        const key = mode === 'datetime-local' ? 'datetime' : mode;
        resolve({ [key]: input.value });
      },
      { once: true },
    );
  });
}

async function runAction(action: Json): Promise<void> {
  if (!isObject(action)) return;
  renderChips(true);
  switch (action.type) {
    case 'message':
      return sendText(String(action.text ?? ''));
    case 'postback': {
      await drive({
        kind: 'postback',
        source: source(),
        data: String(action.data ?? ''),
        ...(action.displayText ? { displayText: String(action.displayText) } : {}),
      });
      // What LINE does with the input area after the tap.
      if (action.inputOption === 'closeRichMenu') setMenu(false);
      else if (action.inputOption === 'openRichMenu') setMode('menu', true);
      else if (action.inputOption === 'openKeyboard' || action.inputOption === 'openVoice') setMode('keyboard');
      if (typeof action.fillInText === 'string') {
        setMode('keyboard');
        byId<HTMLInputElement>('text').value = action.fillInText;
      }
      return;
    }
    case 'datetimepicker': {
      const params = await pickDateTime(action);
      if (params) await drive({ kind: 'postback', source: source(), data: String(action.data ?? ''), params });
      return;
    }
    case 'richmenuswitch':
      await drive({
        kind: 'postback',
        source: source(),
        data: String(action.data ?? ''),
        params: { newRichMenuAliasId: String(action.richMenuAliasId ?? '') },
      });
      return;
    case 'location':
      return sendLocation();
    case 'camera':
    case 'cameraRoll':
      return choosePhoto();
    case 'uri': {
      const href = safeUrl(action.uri, /^(https?:|tel:|mailto:)/i);
      if (href) window.open(href, '_blank', 'noopener');
      else status(`Not opening ${String(action.uri)}`);
      return;
    }
    case 'clipboard':
      await navigator.clipboard?.writeText(String(action.clipboardText ?? '')).catch(() => undefined);
      status('Copied to the clipboard.');
      return;
    default:
      status(`The ${String(action.type)} action is not simulated.`);
  }
}

// ---- the log ----

function timeOf(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function dayOf(at: number): string {
  const d = new Date(at);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

function showJson(title: string, value: unknown): void {
  byId('jsonTitle').textContent = title;
  byId('jsonText').textContent = JSON.stringify(value, null, 2);
  byId<HTMLDialogElement>('jsonDialog').showModal();
}

function sideColumn(at: number, json: unknown, title: string): HTMLElement {
  const side = el('div', 'time');
  const button = el('button', 'json-btn', '{ }');
  button.type = 'button';
  button.title = 'Show the JSON';
  button.setAttribute('aria-label', 'Show the JSON');
  button.addEventListener('click', () => showJson(title, json));
  side.appendChild(button);
  side.appendChild(el('span', '', timeOf(at)));
  return side;
}

function avatar(name: string, className = ''): HTMLElement {
  const text = className === 'bot' ? name : (Array.from(name.trim())[0]?.toUpperCase() ?? '?');
  const a = el('div', `avatar ${className}`, text);
  a.setAttribute('aria-hidden', 'true');
  return a;
}

function appendEntry(entry: Json): void {
  if (typeof entry.seq === 'number') {
    if (state.shown.has(entry.seq)) return;
    state.shown.add(entry.seq);
  }
  const inner = byId('logInner');
  const at = Number(entry.kind === 'bot' ? entry.delivery?.at : entry.at) || Date.now();
  const day = dayOf(at);
  if (day !== state.lastDay) {
    state.lastDay = day;
    inner.appendChild(el('div', 'day', day));
  }
  let row: HTMLElement | undefined;
  if (entry.kind === 'bot') {
    const message = isObject(entry.delivery?.message) ? entry.delivery.message : {};
    row = el('div', state.lastSender === 'bot' ? 'entry bot cont' : 'entry bot');
    row.dataset.seq = String(entry.seq);
    state.lastSender = 'bot';
    row.appendChild(avatar('OA', 'bot'));
    const stack = el('div', 'stack');
    const line = el('div', 'row');
    line.appendChild(renderBotMessage(message, handlers));
    line.appendChild(sideColumn(at, message, `Message from the bot (${String(entry.delivery?.via)})`));
    stack.appendChild(line);
    row.appendChild(stack);
    clearTyping();
  } else {
    const e = isObject(entry.event) ? entry.event : {};
    const shown = renderUserEvent(e, typeof entry.display === 'string' ? entry.display : undefined, handlers);
    const redelivered = e.deliveryContext?.isRedelivery ? ' (redelivered)' : '';
    if (shown.kind === 'system') {
      row = el('div', 'entry system');
      row.appendChild(el('div', 'note', shown.text + redelivered));
      state.lastSender = '';
    } else if (shown.kind === 'message') {
      const sender = e.source?.type === 'group' || e.source?.type === 'room' ? e.source.userId : undefined;
      const actingAs = isGroup() ? byId<HTMLSelectElement>('member').value : undefined;
      const own = !isGroup() || (sender !== undefined && sender === actingAs);
      const senderKey = `user:${sender ?? ''}`;
      row = el('div', `${own ? 'entry user own' : 'entry user'}${state.lastSender === senderKey ? ' cont' : ''}`);
      row.dataset.seq = String(entry.seq);
      state.lastSender = senderKey;
      const stack = el('div', 'stack');
      if (!own) {
        const who = sender ? nameOf(sender) : 'member without userId (LINE for PC)';
        row.appendChild(avatar(who));
        stack.appendChild(el('div', 'who', who));
      }
      const line = el('div', 'row');
      line.appendChild(shown.node);
      line.appendChild(sideColumn(at, e, `Webhook event${redelivered}`));
      stack.appendChild(line);
      row.appendChild(stack);
    }
  }
  if (row) inner.appendChild(row);
  state.newest = entry;
  renderChips();
}

function clearTyping(): void {
  window.clearTimeout(state.typing);
  state.typing = undefined;
  document.getElementById('typing')?.remove();
}

function showTyping(seconds: number): void {
  clearTyping();
  const row = el('div', 'entry bot');
  row.id = 'typing';
  row.appendChild(avatar('OA', 'bot'));
  const bubble = el('div', 'bubble typing');
  bubble.setAttribute('aria-label', 'The bot is typing');
  for (let i = 0; i < 3; i++) bubble.appendChild(el('i'));
  row.appendChild(bubble);
  byId('logInner').appendChild(row);
  state.typing = window.setTimeout(clearTyping, seconds * 1000);
}

/** Quick replies belong to the newest message only, and go away once one is tapped (as in LINE). */
function renderChips(hide = false): void {
  const chips = byId('chips');
  chips.textContent = '';
  const newest = state.newest;
  if (hide || !newest || newest.kind !== 'bot') return;
  const items = newest.delivery?.message?.quickReply?.items;
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (!isObject(item) || !isObject(item.action)) continue;
    const chip = el('button', 'chip');
    chip.type = 'button';
    const icon = safeUrl(item.imageUrl);
    if (icon) {
      const img = el('img');
      img.alt = '';
      img.src = icon;
      chip.appendChild(img);
    }
    chip.appendChild(document.createTextNode(String(item.action.label ?? item.action.text ?? '')));
    chip.addEventListener('click', () => void runAction(item.action));
    chips.appendChild(chip);
  }
}

async function loadTranscript(): Promise<void> {
  const token = {};
  byId('logInner').textContent = '';
  state.shown.clear();
  state.lastDay = '';
  state.lastSender = '';
  state.newest = null;
  state.pending = [];
  state.loading = state.chatId ? token : null;
  state.stick = true;
  clearTyping();
  renderChips();
  if (!state.chatId) return;
  let entries: Json[] = [];
  try {
    entries = await api<Json[]>('GET', `/_emulator/chats/${encodeURIComponent(state.chatId)}/transcript`);
  } catch (error) {
    status((error as Error).message);
  }
  // An answer for a chat no longer picked is dropped; live entries that came meanwhile follow it.
  if (state.loading !== token) return;
  state.loading = null;
  const pending = state.pending;
  state.pending = [];
  for (const entry of entries.concat(pending)) appendEntry(entry);
  scrollToEnd();
}

function scrollToEnd(): void {
  const log = byId('log');
  log.scrollTop = log.scrollHeight;
}

// ---- rich menu and input bar ----

function setMode(mode: 'menu' | 'keyboard', open?: boolean): void {
  state.mode = mode;
  if (open !== undefined) state.menuOpen = open;
  renderBottom();
  if (mode === 'keyboard') byId<HTMLInputElement>('text').focus();
}

function setMenu(open: boolean): void {
  state.menuOpen = open;
  renderBottom();
}

function renderBottom(): void {
  const hasMenu = state.menu !== null && !isGroup();
  const menuShown = hasMenu && state.mode === 'menu';
  byId('composer').hidden = !state.chatId || menuShown;
  byId('richmenu').hidden = !menuShown;
  byId('toMenu').hidden = !hasMenu;
  byId('richmenuPanel').hidden = !state.menuOpen;
  const bar = byId('richmenuBar');
  bar.textContent = `${state.menu?.chatBarText ?? 'Menu'} ${state.menuOpen ? '▾' : '▴'}`;
  bar.setAttribute('aria-expanded', String(state.menuOpen));
}

let menuRequest = 0;
/** The menu LINE shows this person, asked again after each answer: the bot may have linked another. */
async function loadRichMenu(): Promise<void> {
  const chatId = state.chatId;
  const request = ++menuRequest;
  let menu: RichMenu | null = null;
  if (chatId && !isGroup()) {
    menu = await api<RichMenu | null>('GET', `/_emulator/rich-menu/${encodeURIComponent(chatId)}`).catch(() => null);
  }
  if (request !== menuRequest || chatId !== state.chatId) return;
  const changed = (menu?.richMenuId ?? null) !== (state.menu?.richMenuId ?? null);
  state.menu = menu;
  if (changed && menu) {
    const img = byId<HTMLImageElement>('richmenuImage');
    img.src = `/_emulator/rich-menu/${encodeURIComponent(chatId)}/image?m=${encodeURIComponent(menu.richMenuId)}`;
    img.alt = menu.chatBarText ?? '';
    const areas = byId('richmenuAreas');
    areas.textContent = '';
    const w = menu.size?.width ?? 2500;
    const h = menu.size?.height ?? 1686;
    for (const a of menu.areas ?? []) {
      const b = a.bounds;
      const button = el('button', 'rm-area');
      button.type = 'button';
      button.style.left = `${(100 * b.x) / w}%`;
      button.style.top = `${(100 * b.y) / h}%`;
      button.style.width = `${(100 * b.width) / w}%`;
      button.style.height = `${(100 * b.height) / h}%`;
      button.setAttribute('aria-label', String(a.action?.label ?? a.action?.displayText ?? 'area'));
      button.addEventListener('click', () => void runAction(a.action));
      areas.appendChild(button);
    }
    state.mode = 'menu';
    state.menuOpen = menu.selected !== false;
  }
  renderBottom();
}

// ---- chats ----

function lastAt(chat: Chat): number {
  const last = chat.last;
  if (!last) return 0;
  return Number(last.kind === 'bot' ? last.delivery?.at : last.at) || 0;
}

function renderChatList(): void {
  const list = byId('chatList');
  list.textContent = '';
  const chats = [...state.chats].sort((a, b) => Number(b.last?.seq ?? 0) - Number(a.last?.seq ?? 0));
  for (const chat of chats) {
    const item = el('button', chat.chatId === state.chatId ? 'chat-item active' : 'chat-item');
    item.type = 'button';
    item.dataset.chatId = chat.chatId;
    item.appendChild(avatar(chat.kind === 'user' ? chat.name : '👥', chat.kind === 'user' ? '' : 'group'));
    const main = el('div', 'ci-main');
    const suffix = chat.blocked
      ? ' (blocked)'
      : chat.kind === 'group' && chat.botIsMember === false
        ? ' (bot not in it)'
        : '';
    main.appendChild(el('div', 'ci-name', chat.name + suffix));
    main.appendChild(
      el('div', 'ci-preview', chat.last ? previewOf(chat.last) : chat.kind === 'user' ? 'No messages yet' : 'Group'),
    );
    item.appendChild(main);
    const side = el('div', 'ci-side');
    if (chat.last) side.appendChild(el('span', '', timeOf(lastAt(chat))));
    const unread = state.unread.get(chat.chatId) ?? 0;
    if (unread > 0) {
      const badge = el('span', 'badge', unread > 99 ? '99+' : unread);
      badge.setAttribute('aria-label', `${unread} unread`);
      side.appendChild(badge);
    }
    item.appendChild(side);
    item.addEventListener('click', () => void selectChat(chat.chatId));
    list.appendChild(item);
  }
  byId('emptyHint').hidden = state.chats.length > 0;
}

async function refreshChats(): Promise<void> {
  state.chats = await api<Chat[]>('GET', '/_emulator/chats');
  renderChatList();
  renderChatHead();
}

let refreshTimer: number | undefined;
function refreshChatsSoon(): void {
  window.clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(() => void refreshChats().catch(() => undefined), 150);
}

function renderChatHead(): void {
  const chat = currentChat();
  byId('app').classList.toggle('in-chat', Boolean(state.chatId));
  byId('noChat').hidden = Boolean(state.chatId);
  for (const id of ['chatHead', 'log']) byId(id).hidden = !state.chatId;
  if (!state.chatId) {
    for (const id of ['groupBar', 'chatTools', 'composer', 'richmenu', 'attachMenu']) byId(id).hidden = true;
    return;
  }
  const group = isGroup(chat);
  byId('chatName').textContent = chat?.name ?? state.chatId;
  const sub = group
    ? `group · ${chat?.memberIds?.length ?? 0} members · ${chat?.botIsMember === false ? 'bot not in the group' : 'bot in the group'}`
    : `1:1 with the bot · LINE language ${chat?.language ?? 'not set'}${chat?.blocked ? ' · blocked' : ''}`;
  byId('chatSub').textContent = sub;
  byId('chatAvatar').replaceChildren(avatar(group ? '👥' : (chat?.name ?? '?'), group ? 'group' : ''));
  byId('groupBar').hidden = !group;
  byId('userActions').hidden = group;
  byId('groupActions').hidden = !group;
  const member = byId<HTMLSelectElement>('member');
  const keep = member.value;
  member.textContent = '';
  if (group) {
    for (const id of chat?.memberIds ?? []) member.appendChild(el('option', '', nameOf(id))).value = id;
    member.appendChild(el('option', '', '(no userId: LINE for PC)')).value = '';
    if (keep && (chat?.memberIds ?? []).includes(keep)) member.value = keep;
  }
  renderBottom();
}

async function selectChat(chatId: string): Promise<void> {
  state.chatId = chatId;
  state.menu = null;
  state.unread.delete(chatId);
  byId('chatTools').hidden = true;
  byId('attachMenu').hidden = true;
  renderChatList();
  renderChatHead();
  void loadRichMenu();
  await loadTranscript();
}

function onEntry(entry: Json): void {
  const chatId = String(entry.kind === 'bot' ? entry.delivery?.chatId : entry.chatId);
  const chat = state.chats.find((c) => c.chatId === chatId);
  if (chat) chat.last = entry;
  if (chatId === state.chatId) {
    if (state.loading) state.pending.push(entry);
    else appendEntry(entry);
    if (entry.kind === 'bot') void loadRichMenu();
  } else if (entry.kind === 'bot') {
    state.unread.set(chatId, (state.unread.get(chatId) ?? 0) + 1);
  }
  if (chat) renderChatList();
  else refreshChatsSoon();
}

// ---- dialogs ----

function openDialog(id: string): HTMLDialogElement {
  const dialog = byId<HTMLDialogElement>(id);
  dialog.showModal();
  return dialog;
}

function userCheckboxes(containerId: string, except: string[] = []): void {
  const box = byId(containerId);
  box.textContent = '';
  const users = state.chats.filter((c) => c.kind === 'user' && !except.includes(c.chatId));
  if (users.length === 0) box.appendChild(el('div', 'small', 'No users yet.'));
  for (const u of users) {
    const label = el('label', 'check');
    const input = el('input');
    input.type = 'checkbox';
    input.value = u.chatId;
    label.appendChild(input);
    label.appendChild(document.createTextNode(u.name));
    box.appendChild(label);
  }
}

function checked(containerId: string): string[] {
  return Array.from(byId(containerId).querySelectorAll<HTMLInputElement>('input:checked'), (i) => i.value);
}

async function createUser(): Promise<void> {
  const userId = byId<HTMLInputElement>('newUserId').value.trim() || randomId('U');
  const displayName = byId<HTMLInputElement>('newUserName').value.trim() || 'Tester';
  const language = byId<HTMLSelectElement>('newUserLang').value;
  await api('POST', '/_emulator/users', { userId, displayName, ...(language ? { language } : {}) });
  byId<HTMLDialogElement>('newUserDialog').close();
  byId<HTMLInputElement>('newUserName').value = '';
  await refreshChats();
  await selectChat(userId);
  await drive({ kind: 'follow', source: { userId } });
}

async function createGroup(): Promise<void> {
  const groupId = byId<HTMLInputElement>('newGroupId').value.trim() || randomId('C');
  const groupName = byId<HTMLInputElement>('newGroupName').value.trim() || 'Test group';
  const memberIds = checked('newGroupMembers');
  await api('POST', '/_emulator/groups', { groupId, groupName, memberIds });
  byId<HTMLDialogElement>('newGroupDialog').close();
  byId<HTMLInputElement>('newGroupName').value = '';
  await refreshChats();
  await selectChat(groupId);
  await drive({ kind: 'join', source: { groupId } });
}

async function addMembers(): Promise<void> {
  const userIds = checked('addMemberList');
  const name = byId<HTMLInputElement>('addMemberName').value.trim();
  if (name) {
    const userId = randomId('U');
    // Someone who is only in the group has not added the bot as a friend.
    await api('POST', '/_emulator/users', { userId, displayName: name, friend: false });
    userIds.push(userId);
  }
  byId<HTMLDialogElement>('addMemberDialog').close();
  byId<HTMLInputElement>('addMemberName').value = '';
  if (userIds.length === 0) return;
  await drive({ kind: 'memberJoined', source: { groupId: state.chatId }, userIds });
  await refreshChats();
}

function on(id: string, event: string, fn: (e: Event) => unknown): void {
  byId(id).addEventListener(event, (e) => {
    Promise.resolve(fn(e)).catch((error: unknown) => status((error as Error).message));
  });
}

function listen(): void {
  const events = new EventSource('/_emulator/events');
  let wasDown = false;
  events.addEventListener('entry', (e) => onEntry(JSON.parse((e as MessageEvent<string>).data) as Json));
  events.addEventListener('chats', () => refreshChatsSoon());
  events.addEventListener('loading', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as Json;
    if (d.chatId === state.chatId) showTyping(Number(d.seconds) || 20);
  });
  events.addEventListener('reset', () => void loadTranscript());
  events.onerror = () => {
    wasDown = true;
    const live = byId('live');
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
  };
  events.onopen = () => {
    const live = byId('live');
    live.textContent = 'live';
    live.classList.add('on');
    // The emulator may have restarted meanwhile: what it kept comes back from its state file.
    if (wasDown) {
      wasDown = false;
      void refreshChats().then(() => (state.chatId ? selectChat(state.chatId) : undefined));
    }
  };
}

function init(): void {
  const log = byId('log');
  // Only the person's own scrolling (wheel, touch, keys, the scrollbar) decides whether the log stops
  // following: scroll events the page causes, or the browser causes when heights change, do not.
  let touchedAt = 0;
  const touched = () => (touchedAt = Date.now());
  log.addEventListener('wheel', touched, { passive: true });
  log.addEventListener('touchmove', touched, { passive: true });
  // A press on the log itself is its scrollbar; a press on a message or a button is not scrolling.
  log.addEventListener('pointerdown', (e) => {
    if (e.target === log) touched();
  });
  log.addEventListener('keydown', (e) => {
    if (['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown', ' '].includes(e.key)) touched();
  });
  log.addEventListener('scroll', () => {
    if (Date.now() - touchedAt > 1500) return;
    state.stick = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  });
  // Images, fonts and the rich menu change heights after a message is drawn; the newest message
  // stays in view as long as the person has not scrolled up.
  const follow = new ResizeObserver(() => {
    if (state.stick) scrollToEnd();
  });
  follow.observe(log);
  follow.observe(byId('logInner'));

  on('newUserButton', 'click', () => {
    byId<HTMLInputElement>('newUserId').value = randomId('U');
    openDialog('newUserDialog');
    byId('newUserName').focus();
  });
  on('createUser', 'click', (e) => {
    e.preventDefault();
    return createUser();
  });
  on('newGroupButton', 'click', () => {
    byId<HTMLInputElement>('newGroupId').value = randomId('C');
    userCheckboxes('newGroupMembers');
    openDialog('newGroupDialog');
  });
  on('createGroup', 'click', (e) => {
    e.preventDefault();
    return createGroup();
  });
  on('addMember', 'click', () => {
    userCheckboxes('addMemberList', currentChat()?.memberIds ?? []);
    openDialog('addMemberDialog');
  });
  on('addMemberOk', 'click', (e) => {
    e.preventDefault();
    return addMembers();
  });
  on('settingsButton', 'click', async () => {
    const info = await api<Json>('GET', '/_emulator/info');
    byId<HTMLInputElement>('webhook').value = String(info.webhookUrl ?? '');
    byId<HTMLInputElement>('tiles').value = tileUrl();
    openDialog('settingsDialog');
  });
  on('saveSettings', 'click', async (e) => {
    e.preventDefault();
    const url = byId<HTMLInputElement>('webhook').value.trim();
    if (url) await api('PUT', '/_emulator/webhook', { url });
    setTileUrl(byId<HTMLInputElement>('tiles').value.trim());
    byId<HTMLDialogElement>('settingsDialog').close();
  });
  for (const id of ['newUserDialog', 'newGroupDialog', 'addMemberDialog', 'settingsDialog', 'jsonDialog']) {
    byId(id)
      .querySelectorAll('[data-close]')
      .forEach((b) => b.addEventListener('click', () => byId<HTMLDialogElement>(id).close()));
  }
  on('copyJson', 'click', async () => {
    await navigator.clipboard?.writeText(byId('jsonText').textContent ?? '');
    status('JSON copied.');
  });
  on('back', 'click', () => {
    state.chatId = '';
    renderChatList();
    renderChatHead();
  });
  on('chatMenuButton', 'click', () => {
    byId('chatTools').hidden = !byId('chatTools').hidden;
  });
  on('follow', 'click', async () => {
    await drive({ kind: 'follow', source: { userId: state.chatId } });
    await refreshChats();
  });
  on('unfollow', 'click', async () => {
    await drive({ kind: 'unfollow', source: { userId: state.chatId } });
    await refreshChats();
  });
  on('join', 'click', async () => {
    await drive({ kind: 'join', source: { groupId: state.chatId } });
    await refreshChats();
  });
  on('leave', 'click', async () => {
    await drive({ kind: 'leave', source: { groupId: state.chatId } });
    await refreshChats();
  });
  on('composer', 'submit', (e) => {
    e.preventDefault();
    const input = byId<HTMLInputElement>('text');
    const text = input.value;
    input.value = '';
    sendText(text);
  });
  on('attach', 'click', () => {
    byId('attachMenu').hidden = !byId('attachMenu').hidden;
  });
  on('sendPhoto', 'click', () => {
    byId('attachMenu').hidden = true;
    choosePhoto();
  });
  on('sendLocation', 'click', () => {
    byId('attachMenu').hidden = true;
    return sendLocation();
  });
  on('sendSticker', 'click', () => {
    byId('attachMenu').hidden = true;
    return drive({ kind: 'sticker', source: source() });
  });
  on('photoInput', 'change', async () => {
    const input = byId<HTMLInputElement>('photoInput');
    const file = input.files?.[0];
    input.value = '';
    if (file) await sendPhoto(file);
  });
  on('toMenu', 'click', () => setMode('menu', true));
  on('toKeyboard', 'click', () => setMode('keyboard'));
  on('richmenuBar', 'click', () => setMenu(!state.menuOpen));
  on('member', 'change', () => loadTranscript());

  renderChatHead();
  refreshChats().catch((error: unknown) => status((error as Error).message));
  listen();
}

init();
