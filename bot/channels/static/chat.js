// Chat over Rasa's socket.io channel. The session id is the account id, so messages the
// bot pushes to this user (an agent's decision) reach every open page of theirs.
(function () {
  "use strict";
  const main = document.querySelector("main.chat");
  const user = main.dataset.user;
  const log = document.getElementById("log");
  const form = document.getElementById("send");
  const input = document.getElementById("text");
  const state = document.getElementById("state");
  const socket = io({ path: "/socket.io", transports: ["websocket", "polling"] });

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
    socket.emit("user_uttered", { message: text, session_id: user });
  }

  socket.on("connect", () => socket.emit("session_request", { session_id: user }));
  socket.on("session_confirm", () => { state.textContent = "online"; state.className = "state on"; });
  socket.on("disconnect", () => { state.textContent = "reconnecting…"; state.className = "state"; });
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
