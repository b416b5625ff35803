// The queue page, live: the table is replaced whenever the desk changes (server-sent
// events from /api/queue/stream), and a new urgent ticket is announced on the page, with
// a short tone, and as a browser notification once the agent has allowed them. Browsers
// let a page ask for notifications and play sound only after a click, hence the button.
(function () {
  "use strict";
  var controls = document.getElementById("live-controls");
  var status = document.getElementById("live-status");
  var button = document.getElementById("alerts-on");
  var news = document.getElementById("live-news");
  var table = document.getElementById("queue-table");
  if (!controls || !window.EventSource) return; // the page's 60 s refresh still works
  // The words, in the agent's language, from the page (bot/console/texts.py LIVE_TEXTS).
  var words = {};
  try {
    words = JSON.parse(document.getElementById("queue-texts").textContent);
  } catch (ignored) { /* English below */ }
  function say(key, english, values) {
    var text = words[key] || english;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name]);
    });
    return text;
  }
  controls.hidden = false;
  var audio = null;

  function unlockSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      if (!audio) audio = new Context();
      if (audio.state === "suspended") audio.resume();
    } catch (err) { audio = null; }
  }

  function tone() {
    if (!audio || audio.state !== "running") return;
    var start = audio.currentTime;
    [880, 1320].forEach(function (hz, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, start + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.25, start + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.18);
      osc.stop(start + i * 0.18 + 0.17);
    });
  }

  function showPermission() {
    if (!("Notification" in window)) {
      button.hidden = true;
      return;
    }
    if (Notification.permission === "granted") {
      button.textContent = say("alerts_on", "Alerts on");
      button.disabled = true;
    } else if (Notification.permission === "denied") {
      button.textContent = say("blocked", "Notifications blocked in this browser's settings");
      button.disabled = true;
    }
  }

  button.addEventListener("click", function () {
    unlockSound();
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().then(showPermission);
    }
  });
  // Any click or key on the page also lets the tone play from then on.
  document.addEventListener("pointerdown", unlockSound);
  document.addEventListener("keydown", unlockSound);
  showPermission();

  function announce(ticket) {
    news.textContent = say("new_urgent", "New urgent ticket {ref}: {label}.",
                           {ref: ticket.reference, label: ticket.label});
    news.hidden = false;
    tone();
    if ("Notification" in window && Notification.permission === "granted") {
      var shown = new Notification(say("urgent_title", "Urgent ticket {ref}",
                                        {ref: ticket.reference}), {
        body: ticket.label, tag: ticket.reference, requireInteraction: true
      });
      shown.onclick = function () {
        window.focus();
        window.location.assign(ticket.url);
      };
    }
  }

  var source = new EventSource("/api/queue/stream" + window.location.search);
  source.addEventListener("queue", function (event) {
    table.innerHTML = JSON.parse(event.data).html; // rendered and escaped by the server
    status.textContent = say("live", "Live");
  });
  source.addEventListener("urgent", function (event) {
    announce(JSON.parse(event.data));
  });
  source.addEventListener("signedout", function () {
    source.close();
    status.textContent = say("signed_out", "Signed out: reload the page to sign in again.");
  });
  source.onerror = function () {
    status.textContent = source.readyState === EventSource.CLOSED
      ? say("stopped", "Live updates stopped: reload the page.")
      : say("reconnecting", "Reconnecting…");
  };
})();
