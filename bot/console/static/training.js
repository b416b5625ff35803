// The Train button's progress: while a training runs, ask /api/training/status each
// second and show its state, elapsed time and last output lines. Without script the
// page shows the state at load (reload to see more).
"use strict";

(function () {
  const box = document.getElementById("training");
  if (!box || box.dataset.state !== "running") return;
  const state = document.getElementById("training-state");
  const elapsed = document.getElementById("training-elapsed");
  const log = document.getElementById("training-log");
  // The page's words, in the agent's language, from data-text-* attributes.
  const say = (key, status) =>
    (box.dataset[`text${key[0].toUpperCase()}${key.slice(1)}`] || "")
      .replace("%(code)s", status ? String(status.returncode) : "");

  function show(status) {
    box.dataset.state = status.state;
    box.className = `training state-${status.state}`;
    const text = say(status.state, status) || say("unknown", status);
    if (state.textContent !== text) state.textContent = text;
    if (elapsed && status.elapsed_s !== null) {
      elapsed.textContent = `${Math.round(status.elapsed_s)} s`;
    }
    const tail = status.log_tail.join("\n");
    if (log.textContent !== tail) {
      log.textContent = tail;
      log.scrollTop = log.scrollHeight;
    }
  }

  async function poll() {
    try {
      const reply = await fetch("/api/training/status", { credentials: "same-origin" });
      if (reply.status === 401) {
        state.textContent = say("signedOut");
        return;
      }
      if (reply.ok) {
        const status = await reply.json();
        show(status);
        if (status.state !== "running") return;
      }
    } catch (err) {
      // The console restarting: try again on the next tick.
    }
    window.setTimeout(poll, 1000);
  }

  window.setTimeout(poll, 1000);
})();
