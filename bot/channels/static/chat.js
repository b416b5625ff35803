// Chat over the socket.io channel. The server binds the socket to the account of the
// token (production: /webhooks/chatpage/#token=...; development: the picked id), so
// messages the bot pushes to this user (an agent's decision) reach every open page.
// Every word shown comes from the server: the page's texts (#texts, then the history's,
// in the user's language), the bot's messages and the server's error messages.
(function () {
  "use strict";
  const root = document.documentElement;
  const main = document.querySelector("main.chat");
  let user = main.dataset.user;
  let texts = JSON.parse(document.getElementById("texts").textContent);
  const who = document.querySelector("header .who");
  const log = document.getElementById("log");
  const form = document.getElementById("send");
  const input = document.getElementById("text");
  const state = document.getElementById("state");
  let stateKey = "connecting";
  // The token stays in the fragment: never sent in a URL, dropped from the address bar.
  // Kept for this tab only (sessionStorage), so a reload stays signed in until it expires.
  const KEPT = "supportbot.token";
  const given = new URLSearchParams(location.hash.slice(1)).get("token");
  if (given) {
    history.replaceState(null, "", location.pathname + location.search);
    sessionStorage.setItem(KEPT, given);
  }
  const token = given || sessionStorage.getItem(KEPT);

  function setState(key, on) {
    stateKey = key;
    state.textContent = texts[key];
    state.dataset.text = key;
    state.className = on ? "state on" : "state";
  }

  // The page's own words in `language` (the user's, once the history tells it).
  function speak(language, newTexts) {
    if (!language || language === root.lang) return;
    texts = newTexts;
    root.lang = language;
    document.querySelectorAll("[data-text]").forEach((el) => {
      el.textContent = texts[el.dataset.text];
    });
    document.querySelectorAll("[data-text-placeholder]").forEach((el) => {
      el.placeholder = texts[el.dataset.textPlaceholder];
    });
    document.querySelectorAll("[data-text-aria-label]").forEach((el) => {
      el.setAttribute("aria-label", texts[el.dataset.textAriaLabel]);
    });
    document.querySelectorAll("#log .speaker").forEach((el) => {
      el.lang = language;
      el.textContent = texts[el.dataset.text];
    });
    setState(stateKey, state.classList.contains("on"));
  }

  function add(kind, text, language) {
    const item = document.createElement("li");
    item.className = kind;
    if (kind === "user" || kind === "bot") {
      // Who said it, for screen readers; in the page's language, the text in its own.
      const speaker = document.createElement("span");
      speaker.className = "speaker";
      speaker.dataset.text = kind === "user" ? "you" : "bot";
      speaker.lang = root.lang;
      speaker.textContent = texts[speaker.dataset.text];
      item.appendChild(speaker);
    }
    const body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    item.appendChild(body);
    if (language) item.lang = language;
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function offer(item, buttons) {
    if (!buttons.length) return;
    const row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach((b) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", () => { row.remove(); send(b.payload, b.title); });
      row.appendChild(button);
    });
    item.appendChild(row);
  }

  function send(text, shown) {
    if (!text.trim()) return;
    add("user", shown || text);
    socket.emit("user_uttered", { message: text });
  }

  function refused(message) {
    sessionStorage.removeItem(KEPT);  // expired or refused: the next load asks the site
    add("error", message);
    setState("signed_out", false);
    input.disabled = true;
  }

  // The conversation so far, for this sign-in only (the server checks the token).
  async function restore() {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    const query = !token && user ? "?user=" + encodeURIComponent(user) : "";
    try {
      const reply = await fetch("history" + query, { headers, cache: "no-store" });
      const data = await reply.json();
      if (reply.ok) {
        speak(data.language, data.texts);
        data.messages.forEach((m) => offer(add(m.from, m.text, m.lang), m.buttons || []));
      } else if (reply.status >= 500) {
        add("error", data.message || texts.history_failed);
      } // a refused sign-in: the socket says why, once
    } catch (error) {
      add("error", texts.history_failed);
    }
    // Announced from here on; the restored history is not read out again on each reload.
    log.setAttribute("aria-live", "polite");
  }

  let socket = null;
  function connect() {
    socket = io({
      path: "/socket.io", transports: ["websocket", "polling"], auth: token ? { token } : {},
    });
    socket.on("connect", () => socket.emit("session_request", { session_id: user }));
    socket.on("session_confirm", (account) => {
      user = account;
      who.textContent = account;
      setState("online", true);
      input.disabled = false;
    });
    socket.on("disconnect", () => setState("reconnecting", false));
    // Sign-in refused (no, forged or expired token): the server says why, in words.
    socket.on("connect_error", (error) => {
      if (!socket.active) refused(error.message);
    });
    socket.on("chat_error", (error) => add("error", error.message));
    socket.on("bot_uttered", (message) => {
      offer(add("bot", message.text || ""), message.quick_replies || message.buttons || []);
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!socket) return;
    send(input.value);
    input.value = "";
    input.focus();
  });

  restore().then(connect);
})();
