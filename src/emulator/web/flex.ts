// Flex Messages drawn the way LINE draws them. LINE's layout is CSS flexbox with its own defaults
// (https://developers.line.biz/en/docs/messaging-api/flex-message-layout/), so each component maps
// onto a flex item whose grow factor, basis, margins and paddings follow LINE's rules:
// - in a horizontal or baseline box a component takes `flex` (default 1) shares of the free width
//   with a zero basis, so `flex: 2` next to `flex: 5` is a 2:5 split whatever the texts say;
// - in a vertical box `flex` defaults to 0 (the component is as tall as its content);
// - `spacing` of a box puts that much space before every child but the first, and a child's own
//   `margin` replaces it;
// - keyword sizes are LINE's pixel values (text xxs 11 px … 5xl 74 px; spacing, margin, padding,
//   offsets and corner radius none 0, xs 2, sm 4, md 8, lg 12, xl 16, xxl 20 px; image xxs 40 px …
//   5xl 220 px), and each bubble size has its own width and default block paddings, as in LINE's
//   Flex Message Simulator.
import { el, isObject, safeColor, safeUrl, type Json } from './dom';

export interface FlexHandlers {
  /** A tap on a button, a box, an image or a whole bubble with an `action`. */
  onAction(action: Json): void;
}

type Layout = 'vertical' | 'horizontal' | 'baseline';

const SPACE: Record<string, number> = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const FONT: Record<string, number> = {
  xxs: 11,
  xs: 13,
  sm: 14,
  md: 16,
  lg: 19,
  xl: 22,
  xxl: 29,
  '3xl': 35,
  '4xl': 48,
  '5xl': 74,
};
const IMAGE: Record<string, string> = {
  xxs: '40px',
  xs: '60px',
  sm: '80px',
  md: '100px',
  lg: '120px',
  xl: '140px',
  xxl: '160px',
  '3xl': '180px',
  '4xl': '200px',
  '5xl': '220px',
  full: '100%',
};
const BORDER: Record<string, string> = {
  none: '0',
  light: '0.5px',
  normal: '1px',
  medium: '2px',
  'semi-bold': '3px',
  bold: '4px',
};
export const BUBBLE_WIDTH: Record<string, number> = {
  nano: 120,
  micro: 160,
  deca: 220,
  hecto: 241,
  kilo: 260,
  mega: 300,
  giga: 500,
};
const BUBBLE_RADIUS: Record<string, number> = {
  nano: 10,
  micro: 10,
  deca: 10,
  hecto: 10,
  kilo: 10,
  mega: 17,
  giga: 5,
};
const TEXT_COLOR = '#111111';
const SEPARATOR_COLOR = '#d4d6da';
const BUTTON = {
  primary: { background: '#17c950', color: '#ffffff' },
  secondary: { background: '#dcdfe5', color: '#111111' },
  link: { background: 'transparent', color: '#42659a' },
};

const PIXELS = /^-?\d+(\.\d+)?px$/;
const PERCENT = /^-?\d+(\.\d+)?%$/;

/** A LINE length: a keyword from `table`, or "12px", or (where LINE allows it) "30%". */
function length(value: unknown, table: Record<string, number | string>, percent = true): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value in table) {
    const v = table[value];
    return typeof v === 'number' ? `${v}px` : v;
  }
  if (PIXELS.test(value) || (percent && PERCENT.test(value))) return value;
  return undefined;
}

function fontSize(value: unknown, fallback = 'md'): string {
  return length(value, FONT, false) ?? `${FONT[fallback]}px`;
}

/** "20:13" as the height's share of the width, in percent. */
function aspectPercent(value: unknown, fallback = 100): number {
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(value) : null;
  if (!m) return fallback;
  const w = Number(m[1]);
  const h = Number(m[2]);
  return w > 0 && h > 0 ? (100 * h) / w : fallback;
}

function clickable(node: HTMLElement, action: unknown, handlers: FlexHandlers): void {
  if (!isObject(action)) return;
  node.classList.add('f-tap');
  node.addEventListener('click', (event) => {
    event.stopPropagation();
    handlers.onAction(action);
  });
}

/**
 * What a parent box decides about a child: its share of the main axis, the space before it, and
 * absolute or relative offsets. `index` is the child's place among its siblings.
 */
function placeChild(node: HTMLElement, c: Json, parent: Layout, index: number, spacing: string | undefined): void {
  const horizontal = parent !== 'vertical';
  const type = c.type;
  if (type === 'separator' || type === 'icon' || type === 'spacer') {
    node.style.flex = '0 0 auto';
  } else {
    const grow = typeof c.flex === 'number' && c.flex >= 0 ? c.flex : horizontal || type === 'filler' ? 1 : 0;
    // A box with its own width (across a row) or height (down a column) keeps it.
    const fixed = type === 'box' && length(horizontal ? c.width : c.height, {}) !== undefined;
    // Horizontal: shares of the width from a zero basis (LINE's ratio). Vertical: content height plus shares.
    node.style.flex = grow === 0 || fixed ? '0 0 auto' : horizontal ? `${grow} 0 0` : `${grow} 0 auto`;
  }
  node.style.minWidth = '0';
  const before = horizontal ? 'marginInlineStart' : 'marginTop';
  const margin = length(c.margin, SPACE, false);
  if (margin !== undefined) node.style[before] = margin;
  else if (index > 0 && spacing !== undefined && type !== 'filler') node.style[before] = spacing;

  if (c.position === 'absolute') {
    node.style.position = 'absolute';
    node.style.margin = '0';
  } else if (c.offsetTop || c.offsetBottom || c.offsetStart || c.offsetEnd) {
    node.style.position = 'relative';
  }
  const offsets: Array<[string, 'top' | 'bottom' | 'insetInlineStart' | 'insetInlineEnd']> = [
    ['offsetTop', 'top'],
    ['offsetBottom', 'bottom'],
    ['offsetStart', 'insetInlineStart'],
    ['offsetEnd', 'insetInlineEnd'],
  ];
  for (const [prop, css] of offsets) {
    const v = length(c[prop], SPACE);
    if (v !== undefined) node.style[css] = v;
  }
  // gravity: where the component sits across a horizontal box (ignored in baseline boxes).
  if (parent === 'horizontal' && typeof c.gravity === 'string') {
    node.style.justifyContent = c.gravity === 'bottom' ? 'flex-end' : c.gravity === 'center' ? 'center' : 'flex-start';
  }
}

function applyBoxStyle(node: HTMLElement, c: Json): void {
  const bg = safeColor(c.backgroundColor);
  if (bg) node.style.backgroundColor = bg;
  const gradient = c.background;
  if (isObject(gradient) && gradient.type === 'linearGradient') {
    const start = safeColor(gradient.startColor);
    const end = safeColor(gradient.endColor);
    const center = safeColor(gradient.centerColor);
    const angle =
      typeof gradient.angle === 'string' && /^\d+(\.\d+)?deg$/.test(gradient.angle) ? gradient.angle : '0deg';
    if (start && end) {
      const middle =
        center !== undefined
          ? `, ${center} ${typeof gradient.centerPosition === 'string' && PERCENT.test(gradient.centerPosition) ? gradient.centerPosition : '50%'}`
          : '';
      node.style.backgroundImage = `linear-gradient(${angle}, ${start}${middle}, ${end})`;
    }
  }
  const borderWidth = length(c.borderWidth, BORDER, false);
  const borderColor = safeColor(c.borderColor);
  if (borderWidth !== undefined || borderColor !== undefined) {
    node.style.borderStyle = 'solid';
    node.style.borderWidth = borderWidth ?? '1px';
    node.style.borderColor = borderColor ?? TEXT_COLOR;
  }
  const radius = length(c.cornerRadius, SPACE, false);
  if (radius !== undefined) node.style.borderRadius = radius;
  const sizes: Array<[string, 'width' | 'maxWidth' | 'height' | 'maxHeight']> = [
    ['width', 'width'],
    ['maxWidth', 'maxWidth'],
    ['height', 'height'],
    ['maxHeight', 'maxHeight'],
  ];
  for (const [prop, css] of sizes) {
    const v = length(c[prop], {});
    if (v !== undefined) node.style[css] = v;
  }
  const pads: Array<[string, 'padding' | 'paddingTop' | 'paddingBottom' | 'paddingInlineStart' | 'paddingInlineEnd']> =
    [
      ['paddingAll', 'padding'],
      ['paddingTop', 'paddingTop'],
      ['paddingBottom', 'paddingBottom'],
      ['paddingStart', 'paddingInlineStart'],
      ['paddingEnd', 'paddingInlineEnd'],
    ];
  for (const [prop, css] of pads) {
    const v = length(c[prop], SPACE);
    if (v !== undefined) node.style[css] = v;
  }
  const justify: Record<string, string> = {
    'flex-start': 'flex-start',
    'flex-end': 'flex-end',
    center: 'center',
    'space-between': 'space-between',
    'space-around': 'space-around',
    'space-evenly': 'space-evenly',
  };
  if (typeof c.justifyContent === 'string' && justify[c.justifyContent]) node.style.justifyContent = c.justifyContent;
  if (typeof c.alignItems === 'string' && ['flex-start', 'flex-end', 'center'].includes(c.alignItems))
    node.style.alignItems = c.alignItems;
}

function renderBox(c: Json, handlers: FlexHandlers): HTMLElement {
  const layout: Layout = c.layout === 'horizontal' || c.layout === 'baseline' ? c.layout : 'vertical';
  const box = el('div', `f-box f-${layout}`);
  box.dataset.flex = 'box';
  applyBoxStyle(box, c);
  const spacing = length(c.spacing, SPACE, false);
  const children = Array.isArray(c.contents) ? c.contents : [];
  children.forEach((child: unknown, i: number) => {
    if (!isObject(child)) return;
    const node = renderComponent(child, handlers, layout);
    if (!node) return;
    placeChild(node, child, layout, i, spacing);
    box.appendChild(node);
  });
  clickable(box, c.action, handlers);
  return box;
}

function textStyle(node: HTMLElement, c: Json): void {
  const color = safeColor(c.color);
  if (color) node.style.color = color;
  if (c.weight === 'bold') node.style.fontWeight = '700';
  else if (c.weight === 'regular') node.style.fontWeight = '400';
  if (c.style === 'italic') node.style.fontStyle = 'italic';
  if (c.decoration === 'underline') node.style.textDecoration = 'underline';
  else if (c.decoration === 'line-through') node.style.textDecoration = 'line-through';
}

/** Shrinks a one-line text or a button label until it fits, as LINE's adjustMode "shrink-to-fit" does. */
function shrinkToFit(node: HTMLElement): void {
  requestAnimationFrame(() => {
    let size = parseFloat(getComputedStyle(node).fontSize);
    while (node.scrollWidth > node.clientWidth && size > 6) {
      size -= 0.5;
      node.style.fontSize = `${size}px`;
    }
  });
}

function renderText(c: Json, handlers: FlexHandlers): HTMLElement {
  const wrapper = el('div', 'f-text');
  wrapper.dataset.flex = 'text';
  const p = el('p');
  p.style.fontSize = fontSize(c.size);
  p.style.color = TEXT_COLOR;
  textStyle(p, c);
  if (Array.isArray(c.contents) && c.contents.length > 0) {
    for (const span of c.contents) {
      if (!isObject(span) || span.type !== 'span') continue;
      const s = el('span', '', typeof span.text === 'string' ? span.text : '');
      if (span.size !== undefined) s.style.fontSize = fontSize(span.size);
      textStyle(s, span);
      p.appendChild(s);
    }
  } else {
    p.textContent = typeof c.text === 'string' ? c.text : '';
  }
  if (c.align === 'center' || c.align === 'end' || c.align === 'start') p.style.textAlign = c.align;
  if (c.wrap === true) {
    p.classList.add('f-wrap');
    if (typeof c.lineSpacing === 'string' && PIXELS.test(c.lineSpacing))
      p.style.lineHeight = `calc(1.4em + ${c.lineSpacing})`;
    if (typeof c.maxLines === 'number' && c.maxLines > 0) {
      p.classList.add('f-clamp');
      p.style.webkitLineClamp = String(c.maxLines);
    }
  } else if (c.adjustMode === 'shrink-to-fit') {
    shrinkToFit(p);
  }
  wrapper.appendChild(p);
  clickable(wrapper, c.action, handlers);
  return wrapper;
}

function renderImage(c: Json, handlers: FlexHandlers): HTMLElement {
  const wrapper = el('div', 'f-image');
  wrapper.dataset.flex = 'image';
  wrapper.style.alignItems = c.align === 'start' ? 'flex-start' : c.align === 'end' ? 'flex-end' : 'center';
  const frame = el('div', 'f-image-frame');
  frame.style.width = length(c.size, IMAGE) ?? IMAGE.md!;
  const bg = safeColor(c.backgroundColor);
  if (bg) frame.style.backgroundColor = bg;
  const ratio = el('div', 'f-image-ratio');
  ratio.style.paddingBottom = `${aspectPercent(c.aspectRatio)}%`;
  const url = safeUrl(c.url);
  if (url) {
    const img = el('img');
    img.alt = '';
    img.src = url;
    img.style.objectFit = c.aspectMode === 'cover' ? 'cover' : 'contain';
    img.addEventListener('error', () => frame.classList.add('f-image-broken'));
    ratio.appendChild(img);
  } else {
    frame.classList.add('f-image-broken');
  }
  frame.appendChild(ratio);
  wrapper.appendChild(frame);
  clickable(wrapper, c.action, handlers);
  return wrapper;
}

function renderIcon(c: Json): HTMLElement {
  const wrapper = el('div', 'f-icon');
  wrapper.dataset.flex = 'icon';
  wrapper.style.fontSize = fontSize(c.size);
  const glyph = el('span');
  glyph.style.width = `${100 / aspectPercent(c.aspectRatio)}em`;
  const url = safeUrl(c.url);
  if (url) glyph.style.backgroundImage = `url("${url.replace(/["\\\n]/g, '')}")`;
  wrapper.appendChild(glyph);
  return wrapper;
}

export function actionLabel(action: unknown): string {
  if (!isObject(action)) return '';
  return String(action.label ?? action.displayText ?? action.text ?? '');
}

function renderButton(c: Json, handlers: FlexHandlers): HTMLElement {
  const wrapper = el('div', 'f-button');
  wrapper.dataset.flex = 'button';
  const style: keyof typeof BUTTON = c.style === 'primary' || c.style === 'secondary' ? c.style : 'link';
  const button = el('button', `f-btn f-btn-${style}`);
  button.type = 'button';
  button.style.height = c.height === 'sm' ? '40px' : '52px';
  button.style.backgroundColor = BUTTON[style].background;
  button.style.color = BUTTON[style].color;
  // LINE: on a link button `color` is the text colour; on primary and secondary it is the fill.
  const color = safeColor(c.color);
  if (color) {
    if (style === 'link') button.style.color = color;
    else button.style.backgroundColor = color;
  }
  const label = el('span', 'f-btn-label', actionLabel(c.action));
  button.appendChild(label);
  if (c.adjustMode === 'shrink-to-fit') shrinkToFit(label);
  if (isObject(c.action)) button.addEventListener('click', () => handlers.onAction(c.action));
  wrapper.appendChild(button);
  return wrapper;
}

function renderSeparator(c: Json, parent: Layout): HTMLElement {
  const line = el('div', parent === 'vertical' ? 'f-sep' : 'f-sep f-sep-v');
  line.dataset.flex = 'separator';
  line.style.borderColor = safeColor(c.color) ?? SEPARATOR_COLOR;
  return line;
}

function renderVideo(c: Json, handlers: FlexHandlers): HTMLElement {
  const wrapper = renderImage(
    { type: 'image', url: c.previewUrl, size: 'full', aspectRatio: c.aspectRatio ?? '16:9', aspectMode: 'cover' },
    handlers,
  );
  wrapper.classList.add('f-video');
  const url = safeUrl(c.url);
  if (url) clickable(wrapper, { type: 'uri', uri: url }, handlers);
  return wrapper;
}

export function renderComponent(c: Json, handlers: FlexHandlers, parent: Layout = 'vertical'): HTMLElement | null {
  switch (c.type) {
    case 'box':
      return renderBox(c, handlers);
    case 'text':
      return renderText(c, handlers);
    case 'image':
      return renderImage(c, handlers);
    case 'icon':
      return renderIcon(c);
    case 'button':
      return renderButton(c, handlers);
    case 'separator':
      return renderSeparator(c, parent);
    case 'filler':
      return el('div', 'f-filler');
    case 'spacer': {
      const spacer = el('div', 'f-spacer');
      const size = length(c.size, SPACE, false) ?? '8px';
      spacer.style.width = parent === 'vertical' ? '1px' : size;
      spacer.style.height = parent === 'vertical' ? size : '1px';
      return spacer;
    }
    case 'video':
      return renderVideo(c, handlers);
    default:
      return null;
  }
}

type Part = 'header' | 'hero' | 'body' | 'footer';

/** LINE's default padding of a block's box, [top, end, bottom, start] in px, by bubble size. */
function defaultPadding(size: string, part: Part, hasFooter: boolean): [number, number, number, number] {
  if (part === 'hero') return [0, 0, 0, 0];
  if (part === 'footer') return [10, 10, 10, 10];
  const small = size === 'nano' || size === 'micro';
  const mid = size === 'deca' || size === 'hecto';
  if (part === 'header') {
    if (size === 'kilo') return [13, 13, 13, 13];
    if (mid) return [11, 14, 13, 14];
    if (small) return [10, 10, 10, 10];
    return [20, 20, 20, 20];
  }
  if (size === 'kilo') return [13, 13, hasFooter ? 17 : 13, 13];
  if (mid) return [11, 14, hasFooter ? 17 : 13, 14];
  if (small) return [10, 10, 10, 10];
  return [19, 20, hasFooter ? 10 : 20, 20];
}

export function renderBubble(bubble: Json, handlers: FlexHandlers, inCarousel = false): HTMLElement {
  const size = typeof bubble.size === 'string' && bubble.size in BUBBLE_WIDTH ? bubble.size : 'mega';
  const card = el('div', 'f-bubble');
  card.dataset.flex = 'bubble';
  card.dataset.size = size;
  card.style.width = inCarousel ? `min(${BUBBLE_WIDTH[size]}px, 80vw)` : `${BUBBLE_WIDTH[size]}px`;
  card.style.borderRadius = `${BUBBLE_RADIUS[size]}px`;
  if (bubble.direction === 'rtl') card.dir = 'rtl';
  const styles = isObject(bubble.styles) ? bubble.styles : {};
  const parts: Part[] = ['header', 'hero', 'body', 'footer'];
  let first = true;
  for (const part of parts) {
    const content = bubble[part];
    if (!isObject(content)) continue;
    const block = el('div', `f-block f-${part}`);
    const blockStyle = isObject(styles[part]) ? styles[part] : {};
    const bg = safeColor(blockStyle.backgroundColor);
    if (bg) block.style.backgroundColor = bg;
    if (!first && blockStyle.separator === true) {
      block.style.borderTop = `1px solid ${safeColor(blockStyle.separatorColor) ?? SEPARATOR_COLOR}`;
    }
    const node = renderComponent(content, handlers);
    if (!node) continue;
    if (content.type === 'box') {
      // The block's own padding unless the box sets one (LINE: paddingAll and friends replace it).
      const [top, end, bottom, start] = defaultPadding(size, part, isObject(bubble.footer));
      const set = (prop: string) => content[prop] !== undefined || content.paddingAll !== undefined;
      if (!set('paddingTop')) node.style.paddingTop = `${top}px`;
      if (!set('paddingEnd')) node.style.paddingInlineEnd = `${end}px`;
      if (!set('paddingBottom')) node.style.paddingBottom = `${bottom}px`;
      if (!set('paddingStart')) node.style.paddingInlineStart = `${start}px`;
    }
    block.appendChild(node);
    card.appendChild(block);
    first = false;
  }
  clickable(card, bubble.action, handlers);
  return card;
}

/** A flex message's contents: one bubble, or a carousel that scrolls sideways with bubbles of one height. */
export function renderFlex(contents: unknown, handlers: FlexHandlers): HTMLElement {
  if (isObject(contents) && contents.type === 'carousel') {
    const carousel = el('div', 'f-carousel');
    carousel.dataset.flex = 'carousel';
    for (const bubble of Array.isArray(contents.contents) ? contents.contents : []) {
      if (isObject(bubble)) carousel.appendChild(renderBubble(bubble, handlers, true));
    }
    return carousel;
  }
  return renderBubble(isObject(contents) ? contents : {}, handlers);
}
