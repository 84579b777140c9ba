/* AI Opt-Out Atlas, in the head of every page, before Material's own script.
   Material's language selector fetches a sitemap.xml beside the address of every <link
   rel="alternate"> of the page, to find the same page in another language. Here those are the
   page's own translations (and the feed), so each page asked for about ten sitemaps that do not
   exist, and none exists at all in the offline build. The selector's links already point at the
   same page in each language (the atlas plugin makes them relative), so those requests are never sent: the
   selector then simply follows its links.
   A file rather than an inline script, so that the Content-Security-Policy allows it as one of
   the site's own (script-src 'self'). */
(function () {
  "use strict";
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.atlasSkip = /\/sitemap\.xml$/.test(new URL(url, location.href).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.atlasSkip) return send.apply(this, arguments);
  };
})();
