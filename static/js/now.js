// The live view (/now/): polls the API for events changed since the last
// poll (`updated_since`), puts newly published ones at the top of the list,
// marked new, updates the ones shown, and drops those no longer published.
(function () {
  "use strict";

  var root = document.getElementById("now");
  if (!root) return;
  var list = document.getElementById("now-list");
  var status = document.getElementById("now-status");
  var pause = document.getElementById("now-pause");
  var typeLabels = {};
  try {
    JSON.parse(document.getElementById("now-types").textContent).forEach(function (pair) {
      typeLabels[pair[0]] = pair[1];
    });
  } catch (error) { /* labels fall back to the codes */ }

  var every = Math.max(Number(root.dataset.poll) || 5, 1) * 1000;
  // Polls overlap by this much: an event written just before a poll but
  // committed after it is still seen by the next one.
  var OVERLAP = 10000;
  var MAX_ROWS = 200;
  var MAX_PAGES = 5;
  // From a little before the list was read, as every later poll.
  var since = root.dataset.since;
  var read = new Date(since).getTime();
  if (!isNaN(read)) since = new Date(read - OVERLAP).toISOString();
  var paused = false;
  var timer = null;

  function formatTime(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date)) return "";
    return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function row(event) {
    var item = document.createElement("li");
    item.className = "event-row";
    fill(item, event);
    return item;
  }

  function span(className, text) {
    var node = document.createElement("span");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function fill(item, event) {
    var isNew = item.classList.contains("is-new");
    item.textContent = "";
    item.dataset.id = String(event.id);
    item.dataset.published = event.published_at || "";
    if (isNew) item.appendChild(span("new-badge", "New"));
    item.appendChild(span("event-date", event.date_display || event.start_date || ""));
    item.appendChild(span("type-badge type-" + event.event_type,
      typeLabels[event.event_type] || event.event_type));
    var link = document.createElement("a");
    link.className = "event-title";
    link.href = "/events/" + encodeURIComponent(event.id) + "/";
    link.textContent = event.title;
    item.appendChild(link);
    if (event.location && event.location.name) {
      item.appendChild(span("event-place", event.location.name));
    }
    item.appendChild(span("event-published", "published " + formatTime(event.published_at)));
  }

  function shown(id) {
    return list.querySelector('li[data-id="' + String(Number(id)) + '"]');
  }

  function apply(results, tombstones) {
    var added = [];
    results.forEach(function (event) {
      var existing = shown(event.id);
      if (event.status !== "published") {
        if (existing) existing.remove();
        return;
      }
      if (existing) {
        fill(existing, event);
      } else {
        added.push(event);
      }
    });
    (tombstones || []).forEach(function (gone) {
      var existing = shown(gone.id);
      if (existing) existing.remove();
    });
    // Most recently published first, above everything shown.
    added.sort(function (a, b) {
      return (a.published_at || "") < (b.published_at || "") ? -1 : 1;
    });
    added.forEach(function (event) {
      var item = row(event);
      item.classList.add("is-new");
      fill(item, event);
      list.insertBefore(item, list.firstChild);
    });
    if (added.length) {
      var empty = document.getElementById("now-empty");
      if (empty) empty.remove();
    }
    while (list.children.length > MAX_ROWS) list.lastElementChild.remove();
    return added.length;
  }

  function url(cursorUrl) {
    if (cursorUrl) return cursorUrl;
    var query = root.dataset.query ? root.dataset.query + "&" : "";
    return root.dataset.api + "?" + query + "page_size=100&updated_since=" +
      encodeURIComponent(since);
  }

  function fetchPage(address) {
    return fetch(address, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json().then(function (body) {
        return { body: body, date: response.headers.get("Date") };
      });
    });
  }

  function poll() {
    timer = null;
    if (paused) return;
    var started = Date.now();
    var results = [];
    var tombstones = null;
    var serverDate = null;

    function next(address, pages) {
      return fetchPage(address).then(function (page) {
        if (serverDate === null) serverDate = page.date;
        results = results.concat(page.body.results || []);
        if (tombstones === null) tombstones = page.body.tombstones || [];
        if (page.body.next && pages < MAX_PAGES) return next(page.body.next, pages + 1);
        return null;
      });
    }

    next(url(null), 1).then(function () {
      var added = apply(results, tombstones);
      // The next poll starts from the server's clock, a little before now.
      var now = serverDate ? new Date(serverDate).getTime() : started;
      if (!isNaN(now)) since = new Date(now - OVERLAP).toISOString();
      status.textContent = added
        ? added + " new event" + (added === 1 ? "" : "s") + " at " + formatTime(new Date().toISOString())
        : "Up to date at " + formatTime(new Date().toISOString());
    }).catch(function () {
      status.textContent = "Could not update; trying again shortly.";
    }).then(function () {
      if (!paused) timer = window.setTimeout(poll, every);
    });
  }

  pause.addEventListener("click", function () {
    paused = !paused;
    pause.setAttribute("aria-pressed", paused ? "true" : "false");
    pause.textContent = paused ? "Resume updates" : "Pause updates";
    if (paused) {
      if (timer) window.clearTimeout(timer);
      timer = null;
      status.textContent = "Updates paused.";
    } else {
      poll();
    }
  });

  timer = window.setTimeout(poll, every);
})();
