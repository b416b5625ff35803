// Chat over the socket.io channel. The server binds the socket to the account of the
// token (production: /webhooks/chatpage/#token=...; development: the picked id), so
// messages the bot pushes to this user (an agent's decision) reach every open page.
(function () {
  "use strict";
  const main = document.querySelector("main.chat");
  let user = main.dataset.user;
  const who = document.querySelector("header .who");
  const log = document.getElementById("log");
  const form = document.getElementById("send");
  const input = document.getElementById("text");
  const state = document.getElementById("state");
  // The token stays in the fragment: never sent in a URL, dropped from the address bar.
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (token) history.replaceState(null, "", location.pathname + location.search);
  const socket = io({
    path: "/socket.io", transports: ["websocket", "polling"], auth: token ? { token } : {},
  });

  function add(who, text) {
    const item = document.createElement("li");
    item.className = who;
    item.textContent = text;
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function send(text, shown) {
    if (!text.trim()) return;
    add("user", shown || text);
    socket.emit("user_uttered", { message: text });
  }

  function refused(message) {
    add("error", message);
    state.textContent = "signed out";
    state.className = "state";
    input.disabled = true;
  }

  socket.on("connect", () => socket.emit("session_request", { session_id: user }));
  socket.on("session_confirm", (account) => {
    user = account;
    who.textContent = account;
    state.textContent = "online";
    state.className = "state on";
    input.disabled = false;
  });
  socket.on("disconnect", () => { state.textContent = "reconnecting…"; state.className = "state"; });
  // Sign-in refused (no, forged or expired token): the server says why, in words.
  socket.on("connect_error", (error) => {
    if (!socket.active) refused(error.message);
  });
  socket.on("chat_error", (error) => add("error", error.message));
  socket.on("bot_uttered", (message) => {
    const item = add("bot", message.text || "");
    const buttons = message.quick_replies || message.buttons || [];
    if (buttons.length) {
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
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(input.value);
    input.value = "";
    input.focus();
  });
})();
