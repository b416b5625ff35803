"""Watching a page's browser notifications and tones: an init script wraps
window.Notification and AudioContext's oscillators, recording each into window globals
before the page's own script runs."""

from __future__ import annotations

SPY = """
(() => {
  const Real = window.Notification;
  window.__notifications = [];
  window.__tones = 0;
  function Spied(title, options) {
    window.__notifications.push({title: title, body: (options || {}).body || "",
                                 tag: (options || {}).tag || "", at: Date.now()});
    try { return new Real(title, options); } catch (err) { return {}; }
  }
  Spied.prototype = Real.prototype;
  Object.defineProperty(Spied, "permission", {get: () => Real.permission});
  window.__permissionAsked = 0;
  Spied.requestPermission = (...args) => {
    window.__permissionAsked += 1;
    return Real.requestPermission(...args);
  };
  window.Notification = Spied;
  const oscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.__tones += 1;
    return oscillator.call(this);
  };
})();
"""
