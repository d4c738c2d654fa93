/**
 * The subset of LINE's message-object rules that a bot is likely to break, checked the way LINE reports
 * them: a list of `{message, property}` details (https://developers.line.biz/en/reference/messaging-api/#error-responses).
 * Limits come from the message-object reference; see /work/shared/reference/line-api.md section 2.5.
 */
export interface ErrorDetail {
  message: string;
  property: string;
}

type Json = Record<string, unknown>;

const MESSAGE_TYPES = [
  'text',
  'textV2',
  'sticker',
  'image',
  'video',
  'audio',
  'location',
  'imagemap',
  'template',
  'flex',
];
const QUICK_REPLY_ACTIONS = [
  'postback',
  'message',
  'uri',
  'datetimepicker',
  'camera',
  'cameraRoll',
  'location',
  'clipboard',
];
// LINE: camera, camera roll and location actions "can be configured only with quick reply buttons".
const QUICK_REPLY_ONLY_ACTIONS = ['camera', 'cameraRoll', 'location'];
const ACTION_TYPES = [...QUICK_REPLY_ACTIONS, 'richmenuswitch'];
const FLEX_COMPONENTS = ['box', 'text', 'button', 'image', 'icon', 'separator', 'filler', 'spacer', 'span', 'video'];

// LINE states the flex limits as "30 KB" and "50 KB" without saying which kilobyte; reading them as
// 1,000 bytes is the stricter choice, so a message the emulator accepts is inside LINE's limit either way.
const MAX_BUBBLE_BYTES = 30_000;
const MAX_CAROUSEL_BYTES = 50_000;
const MAX_CAROUSEL_BUBBLES = 12;
const MAX_TEXT_LENGTH = 5000;
const MAX_QUICK_REPLY_ITEMS = 13;
const MAX_ALT_TEXT = 1500;

export function validateMessages(messages: unknown, property = 'messages'): ErrorDetail[] {
  if (!Array.isArray(messages)) return [{ message: 'must be specified', property }];
  if (messages.length < 1 || messages.length > 5) return [{ message: 'Size must be between 1 and 5', property }];
  const details: ErrorDetail[] = [];
  messages.forEach((m, i) => validateMessage(m, `${property}[${i}]`, details));
  return details;
}

function validateMessage(message: unknown, at: string, out: ErrorDetail[]): void {
  if (!isObject(message)) {
    out.push({ message: 'must be an object', property: at });
    return;
  }
  const type = message.type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) {
    out.push({ message: `Must be one of the following values: [${MESSAGE_TYPES.join(', ')}]`, property: `${at}.type` });
    return;
  }
  switch (type) {
    case 'text':
    case 'textV2':
      requireString(message, 'text', at, out, 1, MAX_TEXT_LENGTH);
      break;
    case 'sticker':
      requireString(message, 'packageId', at, out, 1);
      requireString(message, 'stickerId', at, out, 1);
      break;
    case 'image':
    case 'video':
      requireUrl(message, 'originalContentUrl', at, out);
      requireUrl(message, 'previewImageUrl', at, out);
      break;
    case 'audio':
      requireUrl(message, 'originalContentUrl', at, out);
      if (typeof message.duration !== 'number') out.push({ message: 'must be specified', property: `${at}.duration` });
      break;
    case 'location':
      requireString(message, 'title', at, out, 1, 100);
      requireString(message, 'address', at, out, 1, 100);
      requireNumber(message, 'latitude', at, out);
      requireNumber(message, 'longitude', at, out);
      break;
    case 'imagemap':
      requireString(message, 'baseUrl', at, out, 1, 2000);
      requireString(message, 'altText', at, out, 1, MAX_ALT_TEXT);
      if (!isObject(message.baseSize)) out.push({ message: 'must be specified', property: `${at}.baseSize` });
      if (!Array.isArray(message.actions)) out.push({ message: 'must be specified', property: `${at}.actions` });
      break;
    case 'template':
      requireString(message, 'altText', at, out, 1, 400);
      validateTemplate(message.template, `${at}.template`, out);
      break;
    case 'flex':
      requireString(message, 'altText', at, out, 1, MAX_ALT_TEXT);
      validateFlexContainer(message.contents, `${at}.contents`, out);
      break;
  }
  if (message.quickReply !== undefined) validateQuickReply(message.quickReply, `${at}.quickReply`, out);
  if (isObject(message.sender) && typeof message.sender.name === 'string' && message.sender.name.length > 20) {
    out.push({ message: 'Length must be between 1 and 20', property: `${at}.sender.name` });
  }
}

function validateQuickReply(quickReply: unknown, at: string, out: ErrorDetail[]): void {
  if (!isObject(quickReply) || !Array.isArray(quickReply.items)) {
    out.push({ message: 'must be specified', property: `${at}.items` });
    return;
  }
  if (quickReply.items.length > MAX_QUICK_REPLY_ITEMS) {
    out.push({ message: `Size must be between 0 and ${MAX_QUICK_REPLY_ITEMS}`, property: `${at}.items` });
    return;
  }
  quickReply.items.forEach((item: unknown, i: number) => {
    const itemAt = `${at}.items[${i}]`;
    if (!isObject(item) || item.type !== 'action') {
      out.push({ message: "Must be 'action'", property: `${itemAt}.type` });
      return;
    }
    validateAction(item.action, `${itemAt}.action`, out, { quickReply: true });
  });
}

function validateAction(action: unknown, at: string, out: ErrorDetail[], where: { quickReply: boolean }): void {
  if (!isObject(action)) {
    out.push({ message: 'must be specified', property: at });
    return;
  }
  const allowed = where.quickReply
    ? QUICK_REPLY_ACTIONS
    : ACTION_TYPES.filter((t) => !QUICK_REPLY_ONLY_ACTIONS.includes(t));
  if (typeof action.type !== 'string' || !allowed.includes(action.type)) {
    out.push({ message: `Must be one of the following values: [${allowed.join(', ')}]`, property: `${at}.type` });
    return;
  }
  // Quick reply buttons show the label, so LINE requires one of at most 20 characters.
  if (where.quickReply) requireLabel(action, at, out, 20);
  switch (action.type) {
    case 'postback':
      requireString(action, 'data', at, out, 0, 300);
      optionalString(action, 'displayText', at, out, 300);
      break;
    case 'message':
      requireString(action, 'text', at, out, 1, 300);
      break;
    case 'uri':
      requireString(action, 'uri', at, out, 1, 1000);
      break;
    case 'datetimepicker':
      requireString(action, 'data', at, out, 0, 300);
      if (!['date', 'time', 'datetime'].includes(String(action.mode))) {
        out.push({ message: 'Must be one of the following values: [date, time, datetime]', property: `${at}.mode` });
      }
      break;
    case 'clipboard':
      requireString(action, 'clipboardText', at, out, 1, 1000);
      break;
    case 'richmenuswitch':
      requireString(action, 'richMenuAliasId', at, out, 1, 32);
      requireString(action, 'data', at, out, 0, 300);
      break;
  }
}

/** Actions outside quick replies (rich menu areas, template and flex buttons). */
export function validateActionObject(action: unknown, at: string, out: ErrorDetail[]): void {
  validateAction(action, at, out, { quickReply: false });
}

function validateTemplate(template: unknown, at: string, out: ErrorDetail[]): void {
  if (!isObject(template)) {
    out.push({ message: 'must be specified', property: at });
    return;
  }
  if (!['buttons', 'confirm', 'carousel', 'image_carousel'].includes(String(template.type))) {
    out.push({
      message: 'Must be one of the following values: [buttons, confirm, carousel, image_carousel]',
      property: `${at}.type`,
    });
    return;
  }
  if (Array.isArray(template.actions)) {
    template.actions.forEach((a: unknown, i: number) =>
      validateAction(a, `${at}.actions[${i}]`, out, { quickReply: false }),
    );
  }
}

export function validateFlexContainer(contents: unknown, at: string, out: ErrorDetail[]): void {
  if (!isObject(contents)) {
    out.push({ message: 'must be specified', property: at });
    return;
  }
  if (contents.type === 'bubble') {
    validateBubble(contents, at, out);
    return;
  }
  if (contents.type === 'carousel') {
    const bubbles = contents.contents;
    if (!Array.isArray(bubbles) || bubbles.length < 1 || bubbles.length > MAX_CAROUSEL_BUBBLES) {
      out.push({ message: `Size must be between 1 and ${MAX_CAROUSEL_BUBBLES}`, property: `${at}.contents` });
      return;
    }
    if (jsonBytes(contents) > MAX_CAROUSEL_BYTES) {
      out.push({ message: `The size of the carousel must be ${MAX_CAROUSEL_BYTES} bytes or less`, property: at });
      return;
    }
    bubbles.forEach((b: unknown, i: number) => {
      const bubbleAt = `${at}.contents[${i}]`;
      if (!isObject(b) || b.type !== 'bubble') out.push({ message: "Must be 'bubble'", property: `${bubbleAt}.type` });
      else validateBubble(b, bubbleAt, out);
    });
    return;
  }
  out.push({ message: 'Must be one of the following values: [bubble, carousel]', property: `${at}.type` });
}

function validateBubble(bubble: Json, at: string, out: ErrorDetail[]): void {
  if (jsonBytes(bubble) > MAX_BUBBLE_BYTES) {
    out.push({ message: `The size of the bubble must be ${MAX_BUBBLE_BYTES} bytes or less`, property: at });
    return;
  }
  for (const block of ['header', 'hero', 'body', 'footer']) {
    const part = bubble[block];
    if (part === undefined) continue;
    // Only the hero may be a bare image or video; the other blocks must be boxes.
    if (block !== 'hero' && (!isObject(part) || part.type !== 'box')) {
      out.push({ message: "Must be 'box'", property: `${at}.${block}.type` });
      continue;
    }
    validateComponent(part, `${at}.${block}`, out, 0);
  }
  if (bubble.action !== undefined) validateAction(bubble.action, `${at}.action`, out, { quickReply: false });
}

function validateComponent(component: unknown, at: string, out: ErrorDetail[], depth: number): void {
  if (!isObject(component) || typeof component.type !== 'string' || !FLEX_COMPONENTS.includes(component.type)) {
    out.push({
      message: `Must be one of the following values: [${FLEX_COMPONENTS.join(', ')}]`,
      property: `${at}.type`,
    });
    return;
  }
  if (depth > 20) {
    out.push({ message: 'nested too deeply', property: at });
    return;
  }
  switch (component.type) {
    case 'box':
      if (!['horizontal', 'vertical', 'baseline'].includes(String(component.layout))) {
        out.push({
          message: 'Must be one of the following values: [horizontal, vertical, baseline]',
          property: `${at}.layout`,
        });
      }
      if (!Array.isArray(component.contents)) {
        out.push({ message: 'must be specified', property: `${at}.contents` });
      } else {
        component.contents.forEach((c: unknown, i: number) =>
          validateComponent(c, `${at}.contents[${i}]`, out, depth + 1),
        );
      }
      break;
    case 'text':
      if (typeof component.text !== 'string' && !Array.isArray(component.contents)) {
        out.push({ message: 'must be specified', property: `${at}.text` });
      }
      break;
    case 'button':
      validateAction(component.action, `${at}.action`, out, { quickReply: false });
      break;
    case 'image':
    case 'icon':
      requireUrl(component, 'url', at, out);
      break;
  }
  if (component.type !== 'button' && component.action !== undefined) {
    validateAction(component.action, `${at}.action`, out, { quickReply: false });
  }
}

function requireString(obj: Json, key: string, at: string, out: ErrorDetail[], min: number, max = Infinity): void {
  const value = obj[key];
  if (typeof value !== 'string' || (min > 0 && value.length === 0)) {
    out.push({ message: 'must be specified', property: `${at}.${key}` });
    return;
  }
  // `.length` counts UTF-16 code units, which is how LINE counts characters (labels aside: requireLabel).
  if (value.length < min || value.length > max) {
    out.push({ message: `Length must be between ${min} and ${max}`, property: `${at}.${key}` });
  }
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * LINE counts action labels in grapheme clusters, not UTF-16 units: a Thai consonant with its vowel
 * and tone marks is one character (https://developers.line.biz/en/docs/messaging-api/text-character-count/).
 */
function requireLabel(obj: Json, at: string, out: ErrorDetail[], max: number): void {
  const value = obj.label;
  if (typeof value !== 'string' || value.length === 0) {
    out.push({ message: 'must be specified', property: `${at}.label` });
    return;
  }
  if ([...graphemeSegmenter.segment(value)].length > max) {
    out.push({ message: `Length must be between 1 and ${max}`, property: `${at}.label` });
  }
}

function optionalString(obj: Json, key: string, at: string, out: ErrorDetail[], max: number): void {
  if (obj[key] === undefined) return;
  requireString(obj, key, at, out, 0, max);
}

function requireNumber(obj: Json, key: string, at: string, out: ErrorDetail[]): void {
  if (typeof obj[key] !== 'number' || !Number.isFinite(obj[key])) {
    out.push({ message: 'must be specified', property: `${at}.${key}` });
  }
}

function requireUrl(obj: Json, key: string, at: string, out: ErrorDetail[]): void {
  const value = obj[key];
  if (typeof value !== 'string' || value.length === 0) {
    out.push({ message: 'must be specified', property: `${at}.${key}` });
  } else if (!value.startsWith('https://')) {
    // LINE fetches media and icons itself and only over HTTPS.
    out.push({ message: 'must be a valid HTTPS URL', property: `${at}.${key}` });
  } else if (value.length > 2000) {
    out.push({ message: 'Length must be between 1 and 2000', property: `${at}.${key}` });
  }
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
