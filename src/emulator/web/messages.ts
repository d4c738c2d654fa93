// What LINE shows for each kind of message: the bot's (any Messaging API message object) and the
// person's (the webhook event the simulator sent for them).
import { el, isObject, safeUrl, type Json } from './dom';
import { actionLabel, renderFlex, type FlexHandlers } from './flex';

export interface MessageHandlers extends FlexHandlers {
  /** Where the page can load the bytes of a message the person sent (the emulator keeps them). */
  contentUrl(messageId: string): string;
}

function image(src: string | undefined, openUrl: string | undefined): HTMLElement {
  const frame = el('div', 'media');
  if (!src) {
    frame.classList.add('expired');
    frame.textContent = 'Image not available';
    return frame;
  }
  const img = el('img');
  img.alt = 'photo';
  img.src = src;
  img.addEventListener('error', () => {
    frame.classList.add('expired');
    frame.textContent = 'Image no longer available';
  });
  frame.appendChild(img);
  if (openUrl) {
    img.style.cursor = 'zoom-in';
    img.addEventListener('click', () => window.open(openUrl, '_blank', 'noopener'));
  }
  return frame;
}

function place(m: Json): HTMLElement {
  const card = el('div', 'place');
  card.appendChild(el('div', 'pin', '📍'));
  const text = el('div', 'place-text');
  if (m.title) text.appendChild(el('div', 'place-title', String(m.title)));
  if (m.address) text.appendChild(el('div', '', String(m.address)));
  text.appendChild(el('div', 'small', `${Number(m.latitude).toFixed(5)}, ${Number(m.longitude).toFixed(5)}`));
  card.appendChild(text);
  return card;
}

function sticker(m: Json): HTMLElement {
  const node = el('div', 'sticker', '🧸');
  node.title = `sticker ${String(m.packageId)}/${String(m.stickerId)}`;
  return node;
}

/** A template message as the Flex bubble LINE draws for it (title, text, thumbnail, link buttons). */
function templateBubble(t: Json): Json {
  const buttons = (actions: unknown, layout: 'vertical' | 'horizontal') => ({
    type: 'box',
    layout,
    spacing: 'sm',
    contents: (Array.isArray(actions) ? actions : []).map((action) => ({
      type: 'button',
      style: 'link',
      height: 'sm',
      action,
    })),
  });
  const body: Json[] = [];
  if (t.title) body.push({ type: 'text', text: String(t.title), weight: 'bold', size: 'md', wrap: true });
  body.push({ type: 'text', text: String(t.text ?? ''), size: 'sm', wrap: true, color: '#555555' });
  return {
    type: 'bubble',
    size: t.type === 'confirm' ? 'kilo' : 'mega',
    ...(safeUrl(t.thumbnailImageUrl)
      ? {
          hero: {
            type: 'image',
            url: t.thumbnailImageUrl,
            size: 'full',
            aspectRatio: t.imageAspectRatio === 'square' ? '1:1' : '20:13',
            aspectMode: t.imageSize === 'contain' ? 'fit' : 'cover',
          },
        }
      : {}),
    body: { type: 'box', layout: 'vertical', spacing: 'sm', contents: body },
    footer: buttons(t.actions, t.type === 'confirm' ? 'horizontal' : 'vertical'),
  };
}

function template(t: Json, handlers: MessageHandlers): HTMLElement {
  if (t.type === 'carousel') {
    return renderFlex(
      {
        type: 'carousel',
        contents: (Array.isArray(t.columns) ? t.columns : []).map((c: Json) =>
          templateBubble({ ...c, imageAspectRatio: t.imageAspectRatio, imageSize: t.imageSize }),
        ),
      },
      handlers,
    );
  }
  if (t.type === 'image_carousel') {
    return renderFlex(
      {
        type: 'carousel',
        contents: (Array.isArray(t.columns) ? t.columns : []).map((c: Json) => ({
          type: 'bubble',
          size: 'micro',
          hero: {
            type: 'image',
            url: c.imageUrl,
            size: 'full',
            aspectRatio: '1:1',
            aspectMode: 'cover',
            action: c.action,
          },
          footer: {
            type: 'box',
            layout: 'vertical',
            contents: [{ type: 'text', text: actionLabel(c.action), size: 'sm', align: 'center' }],
          },
        })),
      },
      handlers,
    );
  }
  return renderFlex(templateBubble(t), handlers);
}

/** The bot's message as LINE draws it, with the alt text under cards (what notifications show). */
export function renderBotMessage(m: Json, handlers: MessageHandlers): HTMLElement {
  switch (m.type) {
    case 'text':
      return el('div', 'bubble', m.text);
    case 'textV2':
      // {name} placeholders become the mention or emoji LINE puts there; here their key or @name.
      return el(
        'div',
        'bubble',
        String(m.text ?? '').replace(/\{([A-Za-z0-9_]+)\}/g, (whole: string, key: string) => {
          const sub = isObject(m.substitution) ? m.substitution[key] : undefined;
          if (isObject(sub) && sub.type === 'mention') return '@' + String(sub.mentionee?.userId ?? key);
          return isObject(sub) ? '🙂' : whole;
        }),
      );
    case 'flex':
      return withAlt(renderFlex(m.contents, handlers), m.altText);
    case 'template':
      return withAlt(template(isObject(m.template) ? m.template : {}, handlers), m.altText);
    case 'image':
      return image(safeUrl(m.previewImageUrl) ?? safeUrl(m.originalContentUrl), safeUrl(m.originalContentUrl));
    case 'video': {
      const node = image(safeUrl(m.previewImageUrl), safeUrl(m.originalContentUrl));
      node.title = 'video';
      return node;
    }
    case 'audio':
      return el('div', 'bubble', `▶ ${Math.round(Number(m.duration ?? 0) / 1000)} s`);
    case 'location':
      return place(m);
    case 'sticker':
      return sticker(m);
    case 'imagemap':
      return withAlt(image(safeUrl(m.baseUrl) ? `${String(m.baseUrl)}/700` : undefined, undefined), m.altText);
    default:
      return el('div', 'bubble', `[${String(m.type)}] ${String(m.altText ?? '')}`);
  }
}

function withAlt(node: HTMLElement, altText: unknown): HTMLElement {
  const wrap = el('div');
  wrap.appendChild(node);
  const alt = el('div', 'alt', `alt: ${String(altText ?? '')}`);
  alt.title = String(altText ?? '');
  wrap.appendChild(alt);
  return wrap;
}

export type UserShown = { kind: 'message'; node: HTMLElement } | { kind: 'system'; text: string } | { kind: 'nothing' };

/**
 * What the chat shows for something the person did. A postback shows its displayText as the
 * person's message, or nothing at all when it has none, as in LINE (the webhook carries only data).
 */
export function renderUserEvent(e: Json, display: string | undefined, handlers: MessageHandlers): UserShown {
  const m = isObject(e.message) ? e.message : {};
  const name = (id: unknown) => String(id ?? '');
  switch (e.type) {
    case 'message':
      if (m.type === 'text') return { kind: 'message', node: el('div', 'bubble', m.text) };
      if (m.type === 'location') return { kind: 'message', node: place(m) };
      if (m.type === 'image') return { kind: 'message', node: image(handlers.contentUrl(String(m.id)), undefined) };
      if (m.type === 'sticker') return { kind: 'message', node: sticker(m) };
      return { kind: 'message', node: el('div', 'bubble', `[${String(m.type)}]`) };
    case 'postback':
      return display ? { kind: 'message', node: el('div', 'bubble', display) } : { kind: 'nothing' };
    case 'follow':
      return {
        kind: 'system',
        text: e.follow?.isUnblocked ? 'Unblocked the account' : 'Added the account as a friend',
      };
    case 'unfollow':
      return { kind: 'system', text: 'Blocked the account' };
    case 'join':
      return { kind: 'system', text: 'The bot joined the group' };
    case 'leave':
      return { kind: 'system', text: 'The bot left the group' };
    case 'memberJoined':
      return {
        kind: 'system',
        text: `${(Array.isArray(e.joined?.members) ? e.joined.members : []).map((x: Json) => name(x.userId)).join(', ')} joined`,
      };
    case 'memberLeft':
      return { kind: 'system', text: 'A member left' };
    default:
      return { kind: 'system', text: String(e.type) };
  }
}

/** One line for the chat list: what the newest message says. */
export function previewOf(entry: Json): string {
  if (entry.kind === 'bot') {
    const m = isObject(entry.delivery?.message) ? entry.delivery.message : {};
    if (m.type === 'text' || m.type === 'textV2') return String(m.text ?? '');
    if (m.altText) return String(m.altText);
    return `[${String(m.type)}]`;
  }
  const e = isObject(entry.event) ? entry.event : {};
  if (e.type === 'message') return e.message?.type === 'text' ? String(e.message.text) : `[${String(e.message?.type)}]`;
  if (e.type === 'postback') return entry.display ? String(entry.display) : '';
  return '';
}
