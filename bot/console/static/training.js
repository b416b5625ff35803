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
  const words = {
    running: () => "Training…",
    succeeded: () => "The last training succeeded.",
    failed: (s) => `The last training failed (exit code ${s.returncode}).`,
    unknown: () => "The last training's console stopped before it ended; see its output.",
    idle: () => "No training yet.",
  };

  function show(status) {
    box.dataset.state = status.state;
    box.className = `training state-${status.state}`;
    const text = (words[status.state] || words.unknown)(status);
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
        state.textContent = "Signed out: sign in again to follow the training.";
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
