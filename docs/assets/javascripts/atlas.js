/* AI Opt-Out Atlas, on every page. Progressive enhancement: without JavaScript every page is
   complete and readable.
   - Tables marked data-atlas-sortable get sort buttons and a filter.
   - The list of services (data-atlas-finder) gets a search box that narrows the list, the cards
     and their group headings as you type; without JavaScript the list is a plain list of links.
   - The "Embed this guide" snippet gets this site's real address in place of its placeholder.
   - Each step of a guide gets a "done" box; ticks are kept in this browser (localStorage) only.
   - The printed handout names the page's address when the build did not know it.
   - A guide gets a "Print this guide" button (the printed guide is a one-page handout).
   - The reader's checklist (data-atlas-checklist-form): a country and services in, only their
     steps out; once the reader has made one, guides show their region's answer first and each
     card's "Stop it now" leads to the control that works where they live.
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

  // A "done" box for ``item``, ticked as this browser remembers it under ``key``.
  function doneBox(item, key, name) {
    var store = storage();
    var box = document.createElement("input");
    box.type = "checkbox";
    box.className = "atlas-step-done";
    box.setAttribute("aria-label", name);
    box.checked = !!(store && store.getItem(key) === "1");
    item.classList.toggle("atlas-step--done", box.checked);
    box.addEventListener("change", function () {
      item.classList.toggle("atlas-step--done", box.checked);
      if (!store) return;
      if (box.checked) store.setItem(key, "1"); else store.removeItem(key);
    });
    return box;
  }

  function addStepBoxes(block) {
    var label = block.dataset.atlasDoneLabel || "Done";
    var tabs = block.querySelectorAll(".tabbed-block");
    Array.prototype.forEach.call(tabs, function (tab, surface) {
      Array.prototype.forEach.call(tab.querySelectorAll(":scope > ol > li"), function (step, index) {
        var key = "optout-atlas:" + location.pathname + "#" + block.dataset.atlasMechanism + "/" + surface + "/" + index;
        step.insertBefore(doneBox(step, key, label + ": " + (index + 1)), step.firstChild);
      });
    });
  }

  function fillAddress(handout) {
    var address = handout.querySelector(".atlas-address");
    if (address && !address.textContent.trim()) address.textContent = location.href.split("#")[0];
  }

  // The reader's checklist ------------------------------------------------------------------
  // The choice is a country and the services a reader ticked, written as
  // "country=DE&services=meta/instagram,linkedin": in the checklist page's address (#...), so a
  // link keeps it, and in this browser once the reader makes a checklist. Nothing is sent.
  var CHOICE_KEY = "optout-atlas:checklist";
  var COUNTRY_KEY = "optout-atlas:country";  // "DE eu": the country and its region page

  function readChoice(text) {
    var choice = { country: "", services: [] };
    String(text || "").replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var value = "";
      try { value = decodeURIComponent(parts[1] || ""); } catch (error) { value = ""; }
      if (parts[0] === "country") choice.country = value.toUpperCase();
      if (parts[0] === "services") choice.services = value.split(",").filter(Boolean);
    });
    return choice;
  }

  function writeChoice(choice) {
    return "country=" + encodeURIComponent(choice.country) + "&services=" + choice.services.join(",");
  }

  // The reader's country once they confirmed it (made a checklist): [code, region page] or null.
  function savedCountry() {
    var store = storage();
    var saved = store ? (store.getItem(COUNTRY_KEY) || "").split(" ") : [];
    return saved.length === 2 ? saved : null;
  }

  // A country suggested from the browser's time zone, then from its languages ("de-AT"), without
  // asking anyone: the form knows each time zone's country.
  function suggestCountry(form, select) {
    var zones = {};
    (form.dataset.atlasZones || "").split(" ").forEach(function (pair) {
      var parts = pair.split("=");
      zones[parts[0]] = parts[1];
    });
    var known = function (code) { return !!code && !!select.querySelector('option[value="' + code + '"]'); };
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
    if (known(zones[zone])) return zones[zone];
    var languages = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < languages.length; i += 1) {
      var match = /-([A-Za-z]{2})$/.exec(languages[i] || "");
      if (match && known(match[1].toUpperCase())) return match[1].toUpperCase();
    }
    return "";
  }

  function deviceSurfaces() {
    var agent = navigator.userAgent || "";
    if (/iPhone|iPad|iPod/.test(agent)) return ["ios", "app", "web"];
    if (/Android/.test(agent)) return ["android", "app", "web"];
    return ["web", "desktop", "app"];
  }

  // Opens the steps for the reader's device (the others stay one tap away).
  function openSurface(step) {
    var details = Array.prototype.slice.call(step.querySelectorAll("details[data-surface]"));
    var chosen = null;
    deviceSurfaces().some(function (surface) {
      chosen = details.filter(function (d) { return d.dataset.surface === surface; })[0] || null;
      return chosen !== null;
    });
    chosen = chosen || details[0];
    details.forEach(function (d) { d.open = d === chosen; });
  }

  function addDoneBox(step, label) {
    if (step.querySelector(".atlas-step-done")) return;
    var key = "optout-atlas:checklist:" + step.dataset.platform + "/" + step.dataset.mechanism;
    var heading = step.querySelector("h3");
    var name = heading ? heading.textContent.replace(/¶$/, "").trim() : "";
    var box = doneBox(step, key, label + ": " + name);
    if (heading) heading.insertBefore(box, heading.firstChild);
  }

  function renderChecklist(result, choice, page, names) {
    var pool = document.querySelector("[data-atlas-checklist-pool]");
    if (!pool) return;
    Array.prototype.forEach.call(
      result.querySelectorAll(".atlas-checklist-step, .atlas-checklist-outcome"),
      function (item) { pool.appendChild(item); }
    );
    var wanted = {};  // platform -> null (every product) or {product: true}
    choice.services.forEach(function (key) {
      var parts = key.split("/");
      if (parts.length === 1) { wanted[parts[0]] = null; return; }
      if (wanted[parts[0]] === null) return;
      wanted[parts[0]] = wanted[parts[0]] || {};
      wanted[parts[0]][parts[1]] = true;
    });
    var sections = {};
    Array.prototype.forEach.call(result.querySelectorAll("[data-atlas-section]"), function (section) {
      sections[section.dataset.atlasSection] = section;
    });
    var onPage = function (item) { return (item.dataset.pages || "").split(" ").indexOf(page) !== -1; };
    var stops = {};
    var done = result.dataset.atlasDoneLabel || "Done";
    Array.prototype.slice.call(pool.querySelectorAll(".atlas-checklist-step")).forEach(function (step) {
      var platform = step.dataset.platform;
      if (!Object.prototype.hasOwnProperty.call(wanted, platform) || !onPage(step)) return;
      var products = step.dataset.products ? step.dataset.products.split(" ") : [];
      if (products.length && wanted[platform] !== null &&
          !products.some(function (product) { return wanted[platform][product]; })) return;
      var stop = step.dataset.stops === "true";
      if (stop) stops[platform] = true;
      sections[stop ? "stop" : "limit"].querySelector(".atlas-checklist-items").appendChild(step);
      openSurface(step);
      addDoneBox(step, done);
    });
    Array.prototype.slice.call(pool.querySelectorAll(".atlas-checklist-outcome")).forEach(function (outcome) {
      var platform = outcome.dataset.platform;
      if (!Object.prototype.hasOwnProperty.call(wanted, platform) || !onPage(outcome)) return;
      if (outcome.dataset.trained === "true" && stops[platform]) return;
      var section = outcome.dataset.trained === "true" ? "none" : "off";
      sections[section].querySelector(".atlas-checklist-items").appendChild(outcome);
    });
    var shown = 0;
    Object.keys(sections).forEach(function (name) {
      var count = sections[name].querySelector(".atlas-checklist-items").children.length;
      sections[name].hidden = count === 0;
      shown += count;
    });
    var summary = result.querySelector(".atlas-checklist-summary");
    summary.textContent = shown === 0 ? (result.dataset.atlasEmptyLabel || "") : names.join(" · ");
    var link = result.querySelector("[data-atlas-checklist-link]");
    if (link) link.href = "#" + writeChoice(choice);
    // On paper, the checklist names the address that opens it again.
    summary.dataset.atlasAddress = location.href.split("#")[0] + "#" + writeChoice(choice);
    result.hidden = false;
  }

  function addChecklistActions(result) {
    if (result.querySelector(".atlas-checklist-actions")) return;
    var actions = document.createElement("p");
    actions.className = "atlas-checklist-actions";
    var print = document.createElement("button");
    print.type = "button";
    print.className = "md-button";
    print.textContent = result.dataset.atlasChecklistPrintLabel || "Print";
    print.addEventListener("click", function () { window.print(); });
    var link = document.createElement("a");
    link.className = "md-button";
    link.setAttribute("data-atlas-checklist-link", "");
    link.textContent = result.dataset.atlasLinkLabel || "Link";
    actions.appendChild(print);
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(link);
    var summary = result.querySelector(".atlas-checklist-summary");
    summary.parentNode.insertBefore(actions, summary.nextSibling);
  }

  function addChecklistForm(form) {
    var select = form.querySelector("select[name=country]");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=service]"));
    var note = form.querySelector(".atlas-checklist-suggested");
    var result = document.querySelector("[data-atlas-checklist-result]");
    var store = storage();
    form.hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-checklist-nojs"), function (p) { p.hidden = true; });

    var choice = readChoice(location.hash);
    if (!choice.country && !choice.services.length && store) choice = readChoice(store.getItem(CHOICE_KEY));
    var saved = savedCountry();
    if (!choice.country && saved) choice.country = saved[0];
    if (select.querySelector('option[value="' + choice.country + '"]')) select.value = choice.country;
    boxes.forEach(function (box) { box.checked = choice.services.indexOf(box.value) !== -1; });
    if (!select.value) {
      var suggested = suggestCountry(form, select);
      if (suggested) {
        select.value = suggested;
        note.textContent = form.dataset.atlasSuggestedLabel || "";
      }
    }

    function current() {
      return {
        country: select.value,
        services: boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; }),
      };
    }
    function page() {
      var option = select.options[select.selectedIndex];
      return option && option.value ? option.dataset.page : "";
    }
    // The reader made a checklist: keep the choice, and the country for the other pages.
    function confirm(chosen) {
      if (!store) return;
      store.setItem(CHOICE_KEY, writeChoice(chosen));
      if (chosen.country) store.setItem(COUNTRY_KEY, chosen.country + " " + page());
    }
    function names(chosen) {
      var option = select.options[select.selectedIndex];
      var labels = boxes.filter(function (box) { return box.checked; })
        .map(function (box) { return box.parentNode.textContent.trim(); });
      return [option && option.value ? option.textContent : ""].concat(labels.join(", ")).filter(Boolean);
    }

    if (!result) {  // the home page: the checklist is on its own page
      form.querySelector("[data-atlas-checklist-show]").addEventListener("click", function () {
        var chosen = current();
        confirm(chosen);
        var target = document.querySelector("a.atlas-checklist-target");
        if (target) location.href = target.href.split("#")[0] + "#" + writeChoice(chosen);
      });
      return;
    }
    addChecklistActions(result);
    var update = function (confirmed) {
      var chosen = current();
      renderChecklist(result, chosen, page(), names(chosen));
      if (!confirmed) return;
      note.textContent = "";
      confirm(chosen);
      if (window.history && history.replaceState) history.replaceState(null, "", "#" + writeChoice(chosen));
    };
    form.addEventListener("change", function () { update(true); });
    update(false);
  }

  // Once the reader has told the site their country (by making a checklist), a guide's answer
  // shows their region's rows first and marks them in the "at a glance" table, and each card's
  // "Stop it now" leads to the control that works there.
  function markAnswer(box) {
    var saved = savedCountry();
    if (!saved) return;
    var rows = Array.prototype.slice.call(box.querySelectorAll(".atlas-answer-row"));
    var mine = function (row) { return (row.dataset.atlasPages || "").split(" ").indexOf(saved[1]) !== -1; };
    if (!rows.some(mine)) return;
    var heading = document.getElementById("at-a-glance");
    var table = null;
    for (var next = heading && heading.nextElementSibling; next && !table; next = next.nextElementSibling) {
      table = next.tagName === "TABLE" ? next : next.querySelector("table");
    }
    rows.forEach(function (row) {
      var yours = mine(row);
      row.classList.toggle("atlas-answer-row--yours", yours);
      row.hidden = !yours;
      (row.dataset.atlasRows || "").split(" ").forEach(function (index) {
        var line = table && table.tBodies[0] ? table.tBodies[0].rows[Number(index)] : null;
        if (line) line.classList.toggle("atlas-row--yours", yours);
      });
    });
    if (rows.every(mine)) return;
    var more = document.createElement("button");
    more.type = "button";
    more.className = "md-button atlas-answer-more";
    more.textContent = box.dataset.atlasOthersLabel || "Other regions";
    more.addEventListener("click", function () {
      rows.forEach(function (row) { row.hidden = false; });
      more.remove();
    });
    box.appendChild(more);
  }

  function retargetStop(link) {
    var saved = savedCountry();
    if (!saved) return;
    (link.dataset.atlasStop || "").split(";").some(function (target) {
      var parts = target.split(" ");
      if (parts.slice(1).indexOf(saved[1]) === -1) return false;
      link.href = link.href.split("#")[0] + "#" + parts[0];
      return true;
    });
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
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-steps[data-atlas-mechanism]"), addStepBoxes);
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-handout"), fillAddress);
    Array.prototype.forEach.call(document.querySelectorAll("[data-atlas-checklist-form]"), addChecklistForm);
    Array.prototype.forEach.call(document.querySelectorAll("[data-atlas-answer]"), markAnswer);
    Array.prototype.forEach.call(document.querySelectorAll("a[data-atlas-stop]"), retargetStop);
    Array.prototype.forEach.call(document.querySelectorAll("[data-atlas-print-label]"), addPrintButton);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
