// The chat page in an iframe on the exchange's site, where this script tag stands:
//   <script src="https://CHAT-HOST/webhooks/chatpage/static/embed.js" defer
//           data-token="TOKEN-THE-SITE-MINTED" data-title="Support chat"></script>
// The token travels in the frame's URL fragment, which no server or log sees. The chat
// server lets the site frame the page only when its origin is listed (docs/embed.md).
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.dataset.token) return;
  const frame = document.createElement("iframe");
  frame.src = new URL("../", script.src).href + "#token=" + encodeURIComponent(script.dataset.token);
  frame.title = script.dataset.title || "";  // the site's words, in its own language
  frame.className = "supportbot-chat";
  frame.style.cssText = "width:100%;max-width:42rem;height:36rem;border:0";
  script.after(frame);
})();
