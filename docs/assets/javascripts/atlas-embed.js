/* AI Opt-Out Atlas embed pages: tell the host page how tall the content is, so that its iframe
   can fit it. The message carries only a height; the host's snippet checks where it came from.
   Without JavaScript the iframe keeps the fixed height of the snippet and scrolls.
   The height is that of the content, not of the document: Material stretches the document to
   the iframe's own height, which would never let the iframe shrink. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function content() {
    return document.querySelector(".md-content") || document.body;
  }
  function post() {
    var bottom = content().getBoundingClientRect().bottom + window.scrollY;
    var height = Math.ceil(bottom + 16);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "optout-atlas:height", height: height }, "*");
  }
  function start() {
    if ("ResizeObserver" in window) new ResizeObserver(post).observe(content());
    post();
  }
  window.addEventListener("load", post);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
