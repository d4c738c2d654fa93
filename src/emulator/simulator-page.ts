/**
 * The chat simulator served at GET /. Kept as a TypeScript string so it ships with `tsc` output (tsc
 * does not copy .html files). String.raw keeps the script's backslashes as written; the script itself
 * avoids backticks and "${" so nothing here is interpolated. Every text that came from the bot is put
 * on the page with textContent, never innerHTML.
 */
const STYLE = String.raw`
* { box-sizing: border-box; }
/* .row sets display: flex, which would otherwise beat the hidden attribute and show both tool rows. */
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: #dfe5ee; color: #111; }
.app { max-width: 480px; margin: 0 auto; height: 100vh; height: 100dvh; display: flex; flex-direction: column; background: #8fa9cc; }
header, .panel, footer { flex: none; background: #f7f8fa; padding: 8px 10px; border-bottom: 1px solid #cfd6e0; }
.panel { max-height: 45vh; overflow-y: auto; }
header h1 { font-size: 16px; margin: 0 0 4px; }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.row > input[type=text], .row > select { flex: 1 1 120px; min-width: 0; }
input, select, button { font: inherit; padding: 5px 8px; border: 1px solid #b8c2d0; border-radius: 6px; background: #fff; }
button { cursor: pointer; background: #eef2f7; }
button.primary { background: #06c755; border-color: #05a847; color: #fff; }
details { margin: 4px 0; }
summary { cursor: pointer; color: #334; }
.small { font-size: 12px; color: #556; }
#log { flex: 1 1 0; min-height: 160px; overflow-y: auto; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
.entry { display: flex; flex-direction: column; max-width: 85%; }
.entry.bot { align-self: flex-start; }
.entry.user { align-self: flex-end; align-items: flex-end; }
.entry.system { align-self: center; max-width: 100%; }
.who { font-size: 11px; color: #eef; margin: 0 4px 2px; }
.bubble { background: #fff; border-radius: 14px; padding: 7px 11px; white-space: pre-wrap; word-break: break-word; }
.user .bubble { background: #85e249; }
.system .bubble { background: rgba(0,0,0,.25); color: #fff; font-size: 12px; border-radius: 10px; padding: 2px 10px; }
.flex { background: #fff; border-radius: 14px; overflow: hidden; min-width: 220px; }
.flex-carousel { display: flex; gap: 8px; overflow-x: auto; max-width: 100%; }
.flex-carousel > .flex { flex: 0 0 240px; }
.flex-part { padding: 8px 11px; }
.fbox { display: flex; gap: 4px; }
.fbox.vertical { flex-direction: column; }
.fbox.horizontal, .fbox.baseline { flex-direction: row; align-items: baseline; }
.fbox > * { min-width: 0; }
.ftext { white-space: pre-wrap; word-break: break-word; }
.ftext.bold { font-weight: 600; }
.fbutton { margin-top: 4px; width: 100%; }
.fbutton.primary { background: #06c755; color: #fff; border-color: #05a847; }
.fbutton.link { background: none; border: none; color: #2a62c9; }
hr.fsep { border: 0; border-top: 1px solid #dde; margin: 4px 0; width: 100%; }
.placeholder { background: #e8ecf2; color: #667; font-size: 12px; padding: 10px; text-align: center; border-radius: 6px; }
/* One line: the alt text is for checking, and a full paragraph under every card crowds the chat. */
.alt { font-size: 11px; color: #667; padding: 0 11px 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.meta { font-size: 10px; color: #dde4f0; margin: 1px 4px; word-break: break-all; }
#chips { flex: none; display: flex; gap: 6px; overflow-x: auto; padding: 6px 10px; background: #8fa9cc; }
#chips:empty { display: none; }
.chip { border-radius: 16px; background: #fff; border: 1px solid #06c755; color: #05893b; white-space: nowrap; }
footer { border-top: 1px solid #cfd6e0; border-bottom: 0; }
#status { min-height: 1.2em; font-size: 12px; color: #a33; }
#richmenu { flex: none; background: #fff; border-top: 1px solid #cfd6e0; }
#richmenuBar { width: 100%; border: 0; border-radius: 0; background: #f7f8fa; color: #334; font-size: 13px; padding: 6px; }
/* LINE gives the menu the keyboard's place; here it shares the screen, so it is kept to about a quarter of it. */
#richmenuPanel { position: relative; width: min(100%, calc(26vh * 2500 / 1686)); margin: 0 auto; }
#richmenuPanel img { display: block; width: 100%; height: auto; }
.rm-area { position: absolute; background: transparent; color: #111; border: 0; border-radius: 0; padding: 0; font-size: 0; }
.rm-area:focus-visible { outline: 3px solid #06c755; outline-offset: -3px; }
a { color: #2a62c9; }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var PRESETS = [
    { name: 'Hat Yai city centre', latitude: 7.0086, longitude: 100.4747 },
    { name: 'Hat Yai Junction station', latitude: 7.0043, longitude: 100.4682 },
    { name: 'PSU Hat Yai campus', latitude: 7.0089, longitude: 100.4979 }
  ];
  // tapped: postbacks sent from this page with a displayText, waiting for their webhook echo.
  // shown: keys of the entries in the log, so an entry that arrives both live and in a transcript
  // appears once. loading: the transcript request in flight; live entries wait in pending meanwhile.
  var state = { chats: [], chatId: '', kind: 'user', lastBot: null, tapped: [], shown: {}, loading: null, pending: [], richMenuId: null };

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function status(text) { $('status').textContent = text || ''; }

  function api(method, path, body) {
    var init = { method: method, headers: {} };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = text ? JSON.parse(text) : null;
        if (!res.ok) throw new Error((data && data.message) || ('HTTP ' + res.status));
        return data;
      });
    });
  }

  function randomId(prefix) {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    var hex = '';
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] + 256).toString(16).slice(1);
    return prefix + hex;
  }

  function currentChat() {
    for (var i = 0; i < state.chats.length; i++) if (state.chats[i].chatId === state.chatId) return state.chats[i];
    return null;
  }

  function source() {
    if (state.kind === 'group') {
      var member = $('member').value;
      return member ? { groupId: state.chatId, userId: member } : { groupId: state.chatId };
    }
    return { userId: state.chatId };
  }

  function drive(payload) {
    if (!state.chatId) { status('Pick or create a chat first.'); return Promise.resolve(null); }
    status('');
    return api('POST', '/_emulator/drive', payload).then(function (result) {
      if (result && (result.status < 200 || result.status >= 300)) status('Webhook answered ' + result.status + ': ' + result.body);
      return result;
    }).catch(function (err) { status('Could not reach the bot: ' + err.message); });
  }

  function sendText(text) { if (text) return drive({ kind: 'text', source: source(), text: text }); }

  function sendLocation() {
    var lat = parseFloat($('lat').value), lng = parseFloat($('lng').value);
    if (isNaN(lat) || isNaN(lng)) { status('Latitude and longitude must be numbers.'); return; }
    var preset = PRESETS[$('preset').selectedIndex];
    var loc = { latitude: lat, longitude: lng };
    if (preset && preset.latitude === lat && preset.longitude === lng) { loc.title = preset.name; loc.address = preset.name + ', Hat Yai, Songkhla'; }
    return drive({ kind: 'location', source: source(), location: loc });
  }

  function twoDigits(n) { return (n < 10 ? '0' : '') + n; }

  function pickerParams(action) {
    var d = new Date();
    var date = d.getFullYear() + '-' + twoDigits(d.getMonth() + 1) + '-' + twoDigits(d.getDate());
    var time = twoDigits(d.getHours()) + ':' + twoDigits(d.getMinutes());
    if (action.mode === 'date') return { date: date };
    if (action.mode === 'time') return { time: time };
    return { datetime: date + 'T' + time };
  }

  function safeHref(uri) {
    return /^(https?:|tel:|mailto:)/i.test(String(uri || '')) ? String(uri) : null;
  }

  function runAction(action) {
    if (!action) return;
    switch (action.type) {
      case 'message': return sendText(action.text);
      case 'postback':
        // LINE posts a postback's displayText in the chat as if the person had typed it; the
        // webhook carries only the data, so remember the text until the event comes back.
        if (action.displayText) state.tapped.push({ chatId: state.chatId, data: action.data || '', text: String(action.displayText) });
        return drive({ kind: 'postback', source: source(), data: action.data || '' });
      case 'datetimepicker': return drive({ kind: 'postback', source: source(), data: action.data || '', params: pickerParams(action) });
      case 'richmenuswitch': return drive({ kind: 'postback', source: source(), data: action.data || '', params: { newRichMenuAliasId: action.richMenuAliasId || '' } });
      case 'location': return sendLocation();
      case 'camera': case 'cameraRoll': return drive({ kind: 'image', source: source() });
      case 'uri': {
        var href = safeHref(action.uri);
        if (href) window.open(href, '_blank', 'noopener'); else status('Not opening ' + action.uri);
        return;
      }
      case 'clipboard':
        if (navigator.clipboard) navigator.clipboard.writeText(action.clipboardText || '');
        status('Copied to clipboard.');
        return;
      default: status('Action ' + action.type + ' is not simulated.');
    }
  }

  function actionButton(action, className) {
    var label = (action && (action.label || action.text || action.data)) || '(button)';
    var button = el('button', className, label);
    button.type = 'button';
    button.addEventListener('click', function () { runAction(action); });
    return button;
  }

  // Colours come from the bot: only plain hex (LINE's own format) reaches a style property.
  function safeColor(value) {
    return typeof value === 'string' && /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(value) ? value : null;
  }

  function renderComponent(c) {
    if (!c || typeof c !== 'object') return null;
    switch (c.type) {
      case 'box': {
        var box = el('div', 'fbox ' + (c.layout || 'vertical'));
        // Cards put white text on a coloured box (the status header); without the colour it is invisible.
        if (safeColor(c.backgroundColor)) box.style.backgroundColor = c.backgroundColor;
        (c.contents || []).forEach(function (child) { var n = renderComponent(child); if (n) box.appendChild(n); });
        if (c.action) box.addEventListener('click', function () { runAction(c.action); });
        return box;
      }
      case 'text': {
        var text = typeof c.text === 'string' ? c.text : (c.contents || []).map(function (s) { return s.text || ''; }).join('');
        var node = el('div', 'ftext' + (c.weight === 'bold' ? ' bold' : ''), text);
        if (safeColor(c.color)) node.style.color = c.color;
        return node;
      }
      case 'button': {
        var style = c.style || 'link';
        var button = actionButton(c.action, 'fbutton ' + style);
        // LINE: on a link button the color property is the text colour; on the others it is the fill.
        if (safeColor(c.color)) {
          if (style === 'link') button.style.color = c.color;
          else { button.style.backgroundColor = c.color; button.style.borderColor = c.color; }
        }
        return button;
      }
      case 'separator': return el('hr', 'fsep');
      case 'image': return el('div', 'placeholder', '[image]');
      case 'video': return el('div', 'placeholder', '[video]');
      default: return null;
    }
  }

  function renderBubble(bubble) {
    var card = el('div', 'flex');
    ['header', 'hero', 'body', 'footer'].forEach(function (part) {
      if (!bubble[part]) return;
      var wrap = el('div', 'flex-part');
      // The block's colour fills the whole strip, edge to edge, as in LINE.
      if (safeColor(bubble[part].backgroundColor)) wrap.style.backgroundColor = bubble[part].backgroundColor;
      var node = renderComponent(bubble[part]);
      if (node) { wrap.appendChild(node); card.appendChild(wrap); }
    });
    return card;
  }

  function renderBotMessage(m) {
    switch (m.type) {
      case 'text': case 'textV2': return el('div', 'bubble', m.text);
      case 'flex': {
        var c = m.contents || {};
        var holder;
        if (c.type === 'carousel') {
          holder = el('div', 'flex-carousel');
          (c.contents || []).forEach(function (b) { holder.appendChild(renderBubble(b)); });
        } else {
          holder = renderBubble(c);
        }
        var wrap = el('div');
        wrap.appendChild(holder);
        var alt = el('div', 'alt', 'alt: ' + (m.altText || ''));
        alt.title = m.altText || '';
        wrap.appendChild(alt);
        return wrap;
      }
      case 'template': {
        var t = m.template || {};
        var card = el('div', 'flex');
        var part = el('div', 'flex-part');
        if (t.title) part.appendChild(el('div', 'ftext bold', t.title));
        part.appendChild(el('div', 'ftext', t.text || m.altText || ''));
        (t.actions || []).forEach(function (a) { part.appendChild(actionButton(a, 'fbutton link')); });
        card.appendChild(part);
        return card;
      }
      case 'location': return el('div', 'bubble', '\u{1F4CD} ' + (m.title || '') + '\n' + (m.address || '') + '\n' + m.latitude + ', ' + m.longitude);
      case 'sticker': return el('div', 'bubble', '[sticker ' + m.packageId + '/' + m.stickerId + ']');
      case 'image': case 'video': case 'audio': {
        var media = el('div', 'bubble', '[' + m.type + '] ');
        var href = safeHref(m.originalContentUrl);
        if (href) { var a = el('a', '', 'open'); a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer'; media.appendChild(a); }
        return media;
      }
      default: return el('div', 'bubble', '[' + m.type + '] ' + (m.altText || ''));
    }
  }

  function tappedText(chatId, data) {
    for (var i = 0; i < state.tapped.length; i++) {
      if (state.tapped[i].chatId === chatId && state.tapped[i].data === data) return state.tapped.splice(i, 1)[0].text;
    }
    return null;
  }

  function describeUserEvent(e, chatId) {
    var m = e.message || {};
    switch (e.type) {
      case 'message':
        if (m.type === 'text') return { text: m.text };
        if (m.type === 'location') return { text: '\u{1F4CD} ' + (m.title ? m.title + '\n' : '') + m.latitude + ', ' + m.longitude };
        if (m.type === 'image') return { text: '[photo]' };
        if (m.type === 'sticker') return { text: '[sticker]' };
        return { text: '[' + m.type + ']' };
      case 'postback': {
        var data = 'postback: ' + (e.postback && e.postback.data) + (e.postback && e.postback.params ? ' ' + JSON.stringify(e.postback.params) : '');
        var said = e.postback ? tappedText(chatId, e.postback.data) : null;
        return said === null ? { text: data } : { text: said, detail: data };
      }
      case 'follow': return { system: 'followed the OA' + (e.follow && e.follow.isUnblocked ? ' (unblocked)' : '') };
      case 'unfollow': return { system: 'blocked the OA' };
      case 'join': return { system: 'the bot joined the group' };
      case 'leave': return { system: 'the bot left the group' };
      case 'memberJoined': return { system: 'joined: ' + ((e.joined && e.joined.members) || []).map(function (x) { return x.userId; }).join(', ') };
      default: return { system: e.type };
    }
  }

  function timeOf(at) { var d = new Date(at); return twoDigits(d.getHours()) + ':' + twoDigits(d.getMinutes()) + ':' + twoDigits(d.getSeconds()); }

  function entryKey(entry) {
    if (entry.kind === 'bot') return entry.delivery && entry.delivery.messageId ? 'bot:' + entry.delivery.messageId : null;
    var e = entry.event || {};
    // A redelivery repeats the webhookEventId; the time it was sent tells the two apart.
    return e.webhookEventId ? 'user:' + e.webhookEventId + ':' + entry.at : null;
  }

  function appendEntry(entry) {
    if (state.loading) { state.pending.push(entry); return; }
    var key = entryKey(entry);
    if (key) {
      if (state.shown[key]) return;
      state.shown[key] = true;
    }
    var log = $('log');
    var row;
    if (entry.kind === 'bot') {
      var d = entry.delivery;
      row = el('div', 'entry bot');
      row.appendChild(el('div', 'who', 'bot \u00b7 ' + d.via));
      row.appendChild(renderBotMessage(d.message || {}));
      row.appendChild(el('div', 'meta', timeOf(d.at)));
      state.lastBot = d.message;
    } else {
      var e = entry.event || {};
      var shown = describeUserEvent(e, entry.chatId);
      var redelivered = e.deliveryContext && e.deliveryContext.isRedelivery ? ' (redelivered)' : '';
      if (shown.system) {
        row = el('div', 'entry system');
        row.appendChild(el('div', 'bubble', shown.system + redelivered));
      } else {
        row = el('div', 'entry user');
        var sender = e.source && e.source.type === 'group' ? (e.source.userId || 'member without userId') : '';
        if (sender) row.appendChild(el('div', 'who', nameOf(sender)));
        row.appendChild(el('div', 'bubble', shown.text + redelivered));
        row.appendChild(el('div', 'meta', timeOf(entry.at) + (shown.detail ? ' \u00b7 ' + shown.detail : '')));
      }
      state.lastBot = null;
    }
    log.appendChild(row);
    renderChips();
    log.scrollTop = log.scrollHeight;
  }

  function nameOf(userId) {
    for (var i = 0; i < state.chats.length; i++) if (state.chats[i].chatId === userId) return state.chats[i].name + ' (' + userId.slice(0, 9) + '\u2026)';
    return userId;
  }

  function renderChips() {
    var chips = $('chips');
    chips.textContent = '';
    var qr = state.lastBot && state.lastBot.quickReply;
    if (!qr || !qr.items) return;
    qr.items.forEach(function (item) {
      if (item && item.action) chips.appendChild(actionButton(item.action, 'chip'));
    });
  }

  function loadTranscript() {
    var token = {};
    $('log').textContent = '';
    state.shown = {};
    state.lastBot = null;
    state.pending = [];
    state.loading = state.chatId ? token : null;
    renderChips();
    if (!state.chatId) return Promise.resolve();
    // Messages can arrive live while the transcript is on its way: they wait in pending and are
    // shown after it (once, thanks to the keys), and an answer for a chat no longer picked is dropped.
    var finish = function (entries) {
      if (state.loading !== token) return;
      state.loading = null;
      var pending = state.pending;
      state.pending = [];
      entries.concat(pending).forEach(appendEntry);
    };
    return api('GET', '/_emulator/chats/' + encodeURIComponent(state.chatId) + '/transcript')
      .then(finish)
      .catch(function (err) { finish([]); status(err.message); });
  }

  function renderPicker() {
    var select = $('chat');
    var keep = state.chatId;
    select.textContent = '';
    select.appendChild(el('option', '', '\u2014 choose a chat \u2014')).value = '';
    state.chats.forEach(function (c) {
      var label = (c.kind === 'group' ? '\u{1F465} ' : '\u{1F464} ') + c.name + (c.blocked ? ' (blocked)' : '') + ' \u00b7 ' + c.delivered;
      var option = el('option', '', label);
      option.value = c.chatId;
      select.appendChild(option);
    });
    select.value = keep;
    var members = $('newGroupMembers');
    members.textContent = '';
    state.chats.filter(function (c) { return c.kind === 'user'; }).forEach(function (c) {
      var label = el('label', 'small');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.value = c.chatId;
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + c.name + ' '));
      members.appendChild(label);
    });
    renderChatTools();
  }

  function renderChatTools() {
    var chat = currentChat();
    state.kind = chat && chat.kind === 'group' ? 'group' : 'user';
    $('userTools').hidden = !chat || state.kind !== 'user';
    $('groupTools').hidden = !chat || state.kind !== 'group';
    var member = $('member');
    var keep = member.value;
    member.textContent = '';
    if (chat && chat.kind === 'group') {
      (chat.memberIds || []).forEach(function (id) {
        var option = el('option', '', nameOf(id));
        option.value = id;
        member.appendChild(option);
      });
      var anonymous = el('option', '', '(no userId: LINE for PC)');
      anonymous.value = '';
      member.appendChild(anonymous);
      if (keep) member.value = keep;
    }
  }

  function refreshChats() {
    return api('GET', '/_emulator/chats').then(function (chats) { state.chats = chats; renderPicker(); });
  }

  function selectChat(chatId) {
    state.chatId = chatId;
    renderChatTools();
    loadRichMenu();
    return loadTranscript();
  }

  // The rich menu under a 1:1 chat, as LINE draws it: the image, tappable areas over it, and the
  // chat-bar text that folds it away. Asked again after each bot answer: the bot may link another.
  function loadRichMenu() {
    var box = $('richmenu');
    var userId = state.chatId;
    if (!userId || state.kind === 'group') { box.hidden = true; state.richMenuId = null; return; }
    api('GET', '/_emulator/rich-menu/' + encodeURIComponent(userId)).then(function (menu) {
      if (state.chatId !== userId) return;
      if (!menu) { state.richMenuId = null; box.hidden = true; return; }
      if (menu.richMenuId === state.richMenuId) return;
      state.richMenuId = menu.richMenuId;
      $('richmenuImage').src = '/_emulator/rich-menu/' + encodeURIComponent(userId) + '/image?m=' + encodeURIComponent(menu.richMenuId);
      $('richmenuImage').alt = menu.chatBarText || '';
      var areas = $('richmenuAreas');
      areas.textContent = '';
      var w = (menu.size && menu.size.width) || 2500, h = (menu.size && menu.size.height) || 1686;
      (menu.areas || []).forEach(function (a) {
        var b = a.bounds || {};
        var button = el('button', 'rm-area', '');
        button.type = 'button';
        button.style.left = (100 * b.x / w) + '%';
        button.style.top = (100 * b.y / h) + '%';
        button.style.width = (100 * b.width / w) + '%';
        button.style.height = (100 * b.height / h) + '%';
        button.setAttribute('aria-label', (a.action && (a.action.label || a.action.displayText)) || 'area');
        button.addEventListener('click', function () { runAction(a.action); });
        areas.appendChild(button);
      });
      $('richmenuBar').textContent = (menu.chatBarText || 'Menu') + ' ▾';
      $('richmenuPanel').hidden = menu.selected === false;
      box.hidden = false;
    }).catch(function () {
      if (state.chatId !== userId) return;
      state.richMenuId = null;
      box.hidden = true;
    });
  }

  function toggleRichMenu() {
    var panel = $('richmenuPanel');
    panel.hidden = !panel.hidden;
    $('richmenuBar').setAttribute('aria-expanded', String(!panel.hidden));
  }

  function createUser() {
    var userId = $('newUserId').value.trim() || randomId('U');
    var displayName = $('newUserName').value.trim() || 'Tester';
    var language = $('newUserLang').value;
    return api('POST', '/_emulator/users', { userId: userId, displayName: displayName, language: language })
      .then(refreshChats)
      .then(function () { $('newUser').open = false; $('chat').value = userId; return selectChat(userId); })
      .then(function () { return drive({ kind: 'follow', source: { userId: userId } }); })
      .then(function () { $('newUserId').value = randomId('U'); })
      .catch(function (err) { status(err.message); });
  }

  function createGroup() {
    var groupId = $('newGroupId').value.trim() || randomId('C');
    var groupName = $('newGroupName').value.trim() || 'Test group';
    var memberIds = [];
    Array.prototype.forEach.call($('newGroupMembers').querySelectorAll('input:checked'), function (box) { memberIds.push(box.value); });
    return api('POST', '/_emulator/groups', { groupId: groupId, groupName: groupName, memberIds: memberIds })
      .then(refreshChats)
      .then(function () { $('newGroup').open = false; $('chat').value = groupId; return selectChat(groupId); })
      .then(function () { return drive({ kind: 'join', source: { groupId: groupId } }); })
      .then(function () { $('newGroupId').value = randomId('C'); return refreshChats(); })
      .catch(function (err) { status(err.message); });
  }

  function addMember() {
    var userId = window.prompt('User id to add to the group', randomId('U'));
    if (!userId) return;
    return drive({ kind: 'memberJoined', source: { groupId: state.chatId }, userIds: [userId] }).then(refreshChats);
  }

  function listen() {
    var events = new EventSource('/_emulator/events');
    events.addEventListener('delivery', function (e) {
      var d = JSON.parse(e.data);
      if (d.chatId === state.chatId) { appendEntry({ kind: 'bot', delivery: d }); loadRichMenu(); }
    });
    events.addEventListener('webhook', function (e) {
      var data = JSON.parse(e.data);
      (data.events || []).forEach(function (ev) {
        var s = ev.source || {};
        var chatId = s.type === 'group' ? s.groupId : s.type === 'room' ? s.roomId : s.userId;
        if (chatId === state.chatId) appendEntry({ kind: 'user', at: data.at, event: ev, chatId: chatId });
      });
    });
    events.addEventListener('reset', function () { loadTranscript(); });
    events.onerror = function () { $('live').textContent = 'reconnecting\u2026'; };
    events.onopen = function () { $('live').textContent = 'live'; };
  }

  function init() {
    PRESETS.forEach(function (p) { $('preset').appendChild(el('option', '', p.name)); });
    var applyPreset = function () { var p = PRESETS[$('preset').selectedIndex]; $('lat').value = p.latitude; $('lng').value = p.longitude; };
    applyPreset();
    $('preset').addEventListener('change', applyPreset);
    $('newUserId').value = randomId('U');
    $('newGroupId').value = randomId('C');
    $('chat').addEventListener('change', function () { selectChat($('chat').value); });
    $('richmenuBar').addEventListener('click', toggleRichMenu);
    $('refresh').addEventListener('click', function () { refreshChats().then(loadTranscript); });
    $('createUser').addEventListener('click', createUser);
    $('createGroup').addEventListener('click', createGroup);
    $('composer').addEventListener('submit', function (e) {
      e.preventDefault();
      var text = $('text').value;
      $('text').value = '';
      sendText(text);
    });
    $('sendLocation').addEventListener('click', sendLocation);
    $('sendImage').addEventListener('click', function () { drive({ kind: 'image', source: source() }); });
    $('sendSticker').addEventListener('click', function () { drive({ kind: 'sticker', source: source() }); });
    $('follow').addEventListener('click', function () { drive({ kind: 'follow', source: { userId: state.chatId } }).then(refreshChats); });
    $('unfollow').addEventListener('click', function () { drive({ kind: 'unfollow', source: { userId: state.chatId } }).then(refreshChats); });
    $('join').addEventListener('click', function () { drive({ kind: 'join', source: { groupId: state.chatId } }).then(refreshChats); });
    $('leave').addEventListener('click', function () { drive({ kind: 'leave', source: { groupId: state.chatId } }).then(refreshChats); });
    $('addMember').addEventListener('click', addMember);
    $('saveWebhook').addEventListener('click', function () {
      api('PUT', '/_emulator/webhook', { url: $('webhook').value.trim() }).then(function () { status('Webhook URL saved.'); }).catch(function (err) { status(err.message); });
    });
    api('GET', '/_emulator/info').then(function (info) { $('webhook').value = info.webhookUrl || ''; }).catch(function () {});
    refreshChats().catch(function (err) { status(err.message); });
    listen();
  }

  init();
})();
`;

const BODY = String.raw`
<div class="app">
  <header>
    <h1>LINE emulator <span class="small" id="live">connecting…</span></h1>
    <div class="row"><input type="text" id="webhook" placeholder="Bot webhook URL" aria-label="Bot webhook URL"><button id="saveWebhook" type="button">Save</button></div>
  </header>
  <section class="panel">
    <div class="row"><select id="chat" aria-label="Chat"></select><button id="refresh" type="button" title="Refresh">↻</button></div>
    <details id="newUser">
      <summary>New user</summary>
      <div class="row"><input type="text" id="newUserId" aria-label="User id"></div>
      <div class="row"><input type="text" id="newUserName" placeholder="Display name" aria-label="Display name">
        <select id="newUserLang" aria-label="Language"><option value="th">th</option><option value="en">en</option><option value="ms">ms</option></select></div>
      <div class="row"><button id="createUser" class="primary" type="button">Create and follow</button></div>
    </details>
    <details id="newGroup">
      <summary>New group</summary>
      <div class="row"><input type="text" id="newGroupId" aria-label="Group id"></div>
      <div class="row"><input type="text" id="newGroupName" placeholder="Group name" aria-label="Group name"></div>
      <div class="row" id="newGroupMembers"></div>
      <div class="row"><button id="createGroup" class="primary" type="button">Create and add the bot</button></div>
    </details>
    <div class="row" id="userTools" hidden><button id="follow" type="button">Follow</button><button id="unfollow" type="button">Unfollow (block)</button></div>
    <div class="row" id="groupTools" hidden>
      <label class="small" for="member">Acting as</label><select id="member"></select>
      <button id="join" type="button">Bot joins</button><button id="leave" type="button">Bot leaves</button><button id="addMember" type="button">Add member</button>
    </div>
  </section>
  <main id="log" aria-live="polite"></main>
  <div id="chips"></div>
  <footer>
    <form id="composer" class="row"><input type="text" id="text" placeholder="Message" autocomplete="off" aria-label="Message"><button class="primary" type="submit">Send</button></form>
    <div class="row">
      <select id="preset" aria-label="Preset location"></select>
      <input type="text" id="lat" size="8" aria-label="Latitude"><input type="text" id="lng" size="9" aria-label="Longitude">
    </div>
    <div class="row"><button id="sendLocation" type="button">Send location</button><button id="sendImage" type="button">Send test image</button><button id="sendSticker" type="button">Sticker</button></div>
    <div id="status" role="status"></div>
  </footer>
  <div id="richmenu" hidden>
    <div id="richmenuPanel"><img id="richmenuImage" alt=""><div id="richmenuAreas"></div></div>
    <button id="richmenuBar" type="button" aria-expanded="true"></button>
  </div>
</div>
`;

export const SIMULATOR_HTML =
  '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
  '<title>LINE emulator</title>\n<link rel="icon" href="data:,">\n<style>' +
  STYLE +
  '</style>\n</head>\n<body>' +
  BODY +
  '<script>' +
  SCRIPT +
  '</script>\n</body>\n</html>\n';

/** The page's script on its own, so a test can check that it at least parses. */
export const SIMULATOR_SCRIPT = SCRIPT;
