/**
 * The chat simulator served at GET /: this markup, plus the script and stylesheet that
 * src/emulator/web/ is bundled into (see simulator-assets.ts). Everything the page loads comes from
 * the emulator itself, fonts included, so it works offline and reads Thai on a machine without Thai
 * fonts.
 */
const BODY = String.raw`
<div class="app" id="app">
  <aside class="sidebar">
    <header class="side-head">
      <h1>Chat simulator <span id="live" class="live">connecting…</span></h1>
      <div class="side-actions">
        <button id="newUserButton" class="pill primary" type="button">New user</button>
        <button id="newGroupButton" class="pill" type="button">New group</button>
        <button id="settingsButton" class="icon-btn" type="button" aria-label="Settings" title="Settings">⚙</button>
      </div>
    </header>
    <nav id="chatList" class="chat-list" aria-label="Chats"></nav>
    <div id="emptyHint" class="hint">
      <strong>No chats yet.</strong> This page plays LINE for the bot: every person and group here is simulated.
      <ol>
        <li>Press <strong>New user</strong> to be a resident who adds the bot as a friend. The bot greets them in their LINE language and asks for consent.</li>
        <li>Press <strong>New group</strong> for a station's LINE group (add users as members), then send <code>/bind &lt;code&gt;</code> in it with a code from <code>npm run bind-code -- station HYI</code>.</li>
        <li>Tap buttons, quick replies and the menu under a 1:1 chat as a person would; <strong>{ }</strong> beside a message shows its JSON.</li>
      </ol>
    </div>
  </aside>
  <section class="chat-pane" aria-label="Chat">
    <div id="noChat" class="no-chat">Pick a chat on the left, or press New user to start as a resident.</div>
    <header id="chatHead" class="chat-head" hidden>
      <button id="back" class="icon-btn" type="button" aria-label="Back to the chats">‹</button>
      <span id="chatAvatar"></span>
      <div class="chat-title"><div id="chatName" class="name"></div><div id="chatSub" class="sub"></div></div>
      <button id="chatMenuButton" class="icon-btn" type="button" aria-label="Chat options" title="Chat options">⋯</button>
    </header>
    <div id="groupBar" class="chat-tools" hidden>
      <label for="member">Acting as</label><select id="member"></select>
    </div>
    <div id="chatTools" class="chat-tools" hidden>
      <span id="userActions"><button id="follow" class="pill" type="button">Follow</button> <button id="unfollow" class="pill" type="button">Unfollow (block)</button></span>
      <span id="groupActions"><button id="join" class="pill" type="button">Bot joins</button> <button id="leave" class="pill" type="button">Bot leaves</button> <button id="addMember" class="pill" type="button">Add member</button></span>
    </div>
    <main id="log" aria-live="polite" hidden><div id="logInner"></div></main>
    <div id="chips"></div>
    <div id="attachMenu" hidden>
      <button id="sendPhoto" class="pill" type="button">📷 Photo</button>
      <button id="sendLocation" class="pill" type="button">📍 Location</button>
      <button id="sendSticker" class="pill" type="button">🧸 Sticker</button>
    </div>
    <form id="composer" hidden>
      <button id="toMenu" class="icon-btn" type="button" aria-label="Show the menu" title="Menu" hidden>▦</button>
      <button id="attach" class="icon-btn" type="button" aria-label="More: photo, location, sticker" title="Photo, location, sticker">+</button>
      <input type="text" id="text" placeholder="Aa" autocomplete="off" aria-label="Message">
      <button class="send" type="submit">Send</button>
    </form>
    <div id="richmenu" hidden>
      <div id="richmenuPanel"><img id="richmenuImage" alt=""><div id="richmenuAreas"></div></div>
      <div class="rm-bar">
        <button id="toKeyboard" class="icon-btn" type="button" aria-label="Keyboard" title="Keyboard">⌨</button>
        <button id="richmenuBar" type="button" aria-expanded="true"></button>
      </div>
    </div>
    <div id="status" role="status"></div>
  </section>
</div>
<input type="file" id="photoInput" accept="image/*" hidden>
<dialog id="newUserDialog" aria-labelledby="newUserTitle">
  <form method="dialog">
    <h2 id="newUserTitle">New user</h2>
    <p class="small">A person who adds the bot as a friend (the bot gets a follow event).</p>
    <label>Display name<input type="text" id="newUserName" placeholder="e.g. สมชาย ใจดี" autocomplete="off"></label>
    <label>Language<select id="newUserLang">
      <option value="th">ไทย (th)</option><option value="en">English (en)</option><option value="ms">Bahasa Melayu (ms)</option><option value="">not set</option>
    </select></label>
    <label>User id<input type="text" id="newUserId" autocomplete="off"></label>
    <div class="dialog-actions"><button class="pill" type="button" data-close>Cancel</button><button id="createUser" class="pill primary" type="submit">Create and follow</button></div>
  </form>
</dialog>
<dialog id="newGroupDialog" aria-labelledby="newGroupTitle">
  <form method="dialog">
    <h2 id="newGroupTitle">New group</h2>
    <label>Group name<input type="text" id="newGroupName" placeholder="e.g. สภ.หาดใหญ่ - ห้องวิทยุ" autocomplete="off"></label>
    <div class="small">Members</div>
    <div id="newGroupMembers" class="members"></div>
    <label>Group id<input type="text" id="newGroupId" autocomplete="off"></label>
    <div class="dialog-actions"><button class="pill" type="button" data-close>Cancel</button><button id="createGroup" class="pill primary" type="submit">Create and add the bot</button></div>
  </form>
</dialog>
<dialog id="addMemberDialog" aria-labelledby="addMemberTitle">
  <form method="dialog">
    <h2 id="addMemberTitle">Add members</h2>
    <div id="addMemberList" class="members"></div>
    <label>Or a new member (not a friend of the bot)<input type="text" id="addMemberName" placeholder="Display name" autocomplete="off"></label>
    <div class="dialog-actions"><button class="pill" type="button" data-close>Cancel</button><button id="addMemberOk" class="pill primary" type="submit">Add</button></div>
  </form>
</dialog>
<dialog id="settingsDialog" aria-labelledby="settingsTitle">
  <form method="dialog">
    <h2 id="settingsTitle">Settings</h2>
    <label>Bot webhook URL<input type="url" id="webhook" autocomplete="off"></label>
    <label>Map tiles URL (optional; {z}/{x}/{y} template, else zones on a plain background)<input type="url" id="tiles" autocomplete="off"></label>
    <div class="dialog-actions"><button class="pill" type="button" data-close>Cancel</button><button id="saveSettings" class="pill primary" type="submit">Save</button></div>
  </form>
</dialog>
<dialog id="mapDialog" aria-labelledby="mapTitle">
  <div class="dialog-body">
    <h2 id="mapTitle">Share a location</h2>
    <p class="small">Click the map to drop the pin, or type the coordinates.</p>
    <div id="map"></div>
    <div class="map-row">
      <select id="mapPlace" aria-label="Jump to a place"></select>
      <label>Latitude<input type="text" id="mapLat" inputmode="decimal"></label>
      <label>Longitude<input type="text" id="mapLng" inputmode="decimal"></label>
    </div>
    <div class="dialog-actions"><button id="mapCancel" class="pill" type="button">Cancel</button><button id="mapSend" class="pill primary" type="button" disabled>Send this location</button></div>
  </div>
</dialog>
<dialog id="pickDialog" aria-labelledby="pickTitle">
  <form method="dialog">
    <h2 id="pickTitle">Pick</h2>
    <input id="pickInput" type="date">
    <div class="dialog-actions"><button class="pill" value="" type="submit">Cancel</button><button class="pill primary" value="ok" type="submit">OK</button></div>
  </form>
</dialog>
<dialog id="jsonDialog" aria-labelledby="jsonTitle">
  <div class="dialog-body">
    <h2 id="jsonTitle">JSON</h2>
    <pre id="jsonText"></pre>
    <p class="small">Paste a flex message's JSON into LINE's Flex Message Simulator to compare the drawing.</p>
    <div class="dialog-actions"><button id="copyJson" class="pill" type="button">Copy</button><button class="pill primary" type="button" data-close>Close</button></div>
  </div>
</dialog>
`;

export const SIMULATOR_HTML =
  '<!doctype html>\n<html lang="th">\n<head>\n<meta charset="utf-8">\n' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
  '<title>Chat simulator · LINE emulator</title>\n<link rel="icon" href="data:,">\n' +
  '<link rel="stylesheet" href="/simulator/app.css">\n' +
  '<script src="/simulator/app.js" defer></script>\n</head>\n<body>' +
  BODY +
  '</body>\n</html>\n';
