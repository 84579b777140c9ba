/* AI Opt-Out Atlas, on every page. Progressive enhancement: without JavaScript every page is
   complete and readable.
   - Tables marked data-atlas-sortable get sort buttons and a filter.
   - The list of services (data-atlas-finder) gets a search box that narrows the list, the cards
     and their group headings as you type; without JavaScript the list is a plain list of links.
   - The "Embed this guide" snippet gets this site's real address in place of its placeholder.
   - Each step of a guide gets a "done" box; ticks are kept in this browser (localStorage) only.
   - The printed handout names the page's address when the build did not know it.
   - A guide gets a "Print this guide" button (the printed guide is a one-page handout).
   Labels come from data attributes, so they are in the page's language. Self-hosted, no
   dependencies, no network. */
(function () {
  "use strict";

  function cellText(row, index) {
    var cell = row.children[index];
    if (!cell) return "";
    var time = cell.querySelector("time[datetime]");
    return time ? time.getAttribute("datetime") : cell.textContent.trim().toLowerCase();
  }

  // A labelled search field; the label's words come from the page, in its language.
  function searchBox(className, words) {
    var label = document.createElement("label");
    label.className = className;
    label.textContent = words + " ";
    var input = document.createElement("input");
    input.type = "search";
    label.appendChild(input);
    return { label: label, input: input };
  }

  function enhance(table) {
    if (table.dataset.atlasEnhanced) return;
    table.dataset.atlasEnhanced = "true";
    var body = table.tBodies[0];
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var sortLabel = table.dataset.atlasSortLabel || "Sort by";

    Array.prototype.forEach.call(headers, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = header.textContent;
      button.setAttribute("aria-label", sortLabel + ": " + header.textContent);
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var order = cellText(a, index).localeCompare(cellText(b, index), document.documentElement.lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });

    var box = searchBox("atlas-table-filter", table.dataset.atlasFilterLabel || "Filter");
    var label = box.label;
    var input = box.input;
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = query !== "" && row.textContent.toLowerCase().indexOf(query) === -1;
      });
    });
    var wrapper = table.closest(".atlas-table-wrap") || table;
    wrapper.parentNode.insertBefore(label, wrapper);
  }

  function matches(element, query) {
    return query === "" || element.textContent.toLowerCase().indexOf(query) !== -1;
  }

  function addFinder(finder) {
    var box = searchBox("atlas-finder-search", finder.dataset.atlasFilterLabel || "Find");
    var label = box.label;
    var input = box.input;
    var empty = document.createElement("p");
    empty.className = "atlas-finder-empty";
    empty.setAttribute("role", "status");
    finder.insertBefore(label, finder.firstChild);
    finder.appendChild(empty);
    var links = finder.querySelectorAll(".atlas-finder-list > li");
    var cards = document.querySelectorAll(".atlas-platforms > ul > li");
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(links, function (link) {
        var hit = matches(link, query);
        link.hidden = !hit;
        if (hit) shown += 1;
      });
      Array.prototype.forEach.call(finder.querySelectorAll(".atlas-finder-list"), function (list) {
        var visible = list.querySelectorAll(":scope > li:not([hidden])").length > 0;
        list.hidden = !visible;
        var label = list.previousElementSibling;
        if (label && label.classList.contains("atlas-finder-group")) label.hidden = !visible;
      });
      Array.prototype.forEach.call(cards, function (card) {
        var heading = card.querySelector("h3");
        card.hidden = !matches(heading || card, query);
      });
      Array.prototype.forEach.call(document.querySelectorAll(".atlas-platforms"), function (grid) {
        var visible = grid.querySelectorAll(":scope > ul > li:not([hidden])").length > 0;
        grid.hidden = !visible;
        var heading = grid.previousElementSibling;
        if (heading && heading.classList.contains("atlas-kind")) heading.hidden = !visible;
      });
      empty.textContent = shown === 0 ? (finder.dataset.atlasEmptyLabel || "") : "";
    });
  }

  var PLACEHOLDER = "https://your-atlas-address.example/";

  function fillEmbedSnippet(block) {
    var target = new URL(block.dataset.atlasEmbed, location.href).href;
    Array.prototype.forEach.call(block.querySelectorAll("code"), function (code) {
      code.textContent = code.textContent.split(PLACEHOLDER + "EMBED").join(target);
    });
  }

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }  // blocked in some iframes
  }

  function addChecklist(block) {
    var store = storage();
    var label = block.dataset.atlasDoneLabel || "Done";
    var tabs = block.querySelectorAll(".tabbed-block");
    Array.prototype.forEach.call(tabs, function (tab, surface) {
      Array.prototype.forEach.call(tab.querySelectorAll(":scope > ol > li"), function (step, index) {
        var key = "optout-atlas:" + location.pathname + "#" + block.dataset.atlasMechanism + "/" + surface + "/" + index;
        var box = document.createElement("input");
        box.type = "checkbox";
        box.className = "atlas-step-done";
        box.setAttribute("aria-label", label + ": " + (index + 1));
        box.checked = !!(store && store.getItem(key) === "1");
        step.classList.toggle("atlas-step--done", box.checked);
        box.addEventListener("change", function () {
          step.classList.toggle("atlas-step--done", box.checked);
          if (!store) return;
          if (box.checked) store.setItem(key, "1"); else store.removeItem(key);
        });
        step.insertBefore(box, step.firstChild);
      });
    });
  }

  function fillAddress(handout) {
    var address = handout.querySelector(".atlas-address");
    if (address && !address.textContent.trim()) address.textContent = location.href.split("#")[0];
  }

  function addPrintButton(place) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button atlas-print-button";
    button.textContent = place.dataset.atlasPrintLabel || "Print";
    button.addEventListener("click", function () { window.print(); });
    place.appendChild(button);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-atlas-sortable]"), enhance);
    Array.prototype.forEach.call(document.querySelectorAll("[data-atlas-finder]"), addFinder);
    Array.prototype.forEach.call(document.querySelectorAll("[data-atlas-embed]"), fillEmbedSnippet);
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-steps[data-atlas-mechanism]"), addChecklist);
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-handout"), fillAddress);
    Array.prototype.forEach.call(document.querySelectorAll("[data-atlas-print-label]"), addPrintButton);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
