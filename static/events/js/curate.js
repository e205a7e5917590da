// The curation screen of an article: the text with its findings beside the
// events to make of it, as cards. Cards are kept here until saved; the server
// saves them all in one transaction or none, and answers with the new state.
(function () {
  "use strict";

  var root = document.getElementById("content-main");
  var stateNode = document.getElementById("curate-state");
  var configNode = document.getElementById("curate-config");
  if (!root || !stateNode || !configNode) return;

  var CONFIG = JSON.parse(configNode.textContent);
  var S = JSON.parse(stateNode.textContent);
  var focusIndex = 0;
  var lastDiscarded = [];
  var cardsNode = document.getElementById("cards");
  var bodyNode = document.getElementById("article-body");
  var statusNode = document.getElementById("curate-status");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var busy = false;

  var ROLE_LABELS = labels(CONFIG.roles);
  var KIND_LABELS = labels(CONFIG.actor_kinds);

  function labels(pairs) {
    var out = {};
    pairs.forEach(function (pair) { out[pair[0]] = pair[1]; });
    return out;
  }

  // --- small DOM helpers: text is always set as text -------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function select(name, choices, value, attrs) {
    var node = el("select", Object.assign({ name: name }, attrs || {}));
    choices.forEach(function (pair) {
      var option = el("option", { value: pair[0], text: pair[1] });
      if (String(pair[0]) === String(value === null || value === undefined ? "" : value)) option.selected = true;
      node.appendChild(option);
    });
    return node;
  }

  function say(message, kind) {
    statusNode.textContent = message;
    statusNode.className = "curate-status" + (kind ? " " + kind : "");
  }

  function request(method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || ("The server answered " + response.status + "."));
          error.data = data;
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  // --- offsets: the server counts code points, the DOM UTF-16 units ----------

  function codePoints(text) { return Array.from(text).length; }

  function sliceByPoints(text, start, end) {
    return Array.from(text).slice(start, end).join("");
  }

  function quoteOf(citation) {
    return sliceByPoints(S.article.body, citation.start, citation.end);
  }

  // --- the article's text ---------------------------------------------------

  function renderBody() {
    var text = Array.from(S.article.body);
    var pieces = [];
    var position = 0;
    S.highlights.forEach(function (span, index) {
      if (span.start > position) {
        pieces.push(el("span", { "data-start": position, text: text.slice(position, span.start).join("") }));
      }
      var known = span.actor_id || span.location_id;
      pieces.push(el("mark", {
        className: "hl-" + span.kind + (known ? " known" : ""),
        "data-start": span.start,
        "data-index": index,
        title: span.label,
        text: text.slice(span.start, span.end).join("")
      }));
      position = span.end;
    });
    if (position < text.length) {
      pieces.push(el("span", { "data-start": position, text: text.slice(position).join("") }));
    }
    bodyNode.textContent = "";
    pieces.forEach(function (piece) { bodyNode.appendChild(piece); });
    markCited();
  }

  // The focused card's citations marked in the text with the CSS Custom
  // Highlight API, which leaves the page (and the editor's selection) as it
  // is; a browser without it marks nothing.
  function markCited() {
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    var card = S.cards[focusIndex];
    var highlight = new Highlight();
    (card ? card.citations : []).forEach(function (citation) {
      var start = domPoint(citation.start);
      var end = domPoint(citation.end);
      if (!start || !end) return;
      var range = document.createRange();
      range.setStart(start[0], start[1]);
      range.setEnd(end[0], end[1]);
      highlight.add(range);
    });
    CSS.highlights.set("cited", highlight);
    bodyNode.dataset.cited = String(highlight.size);
  }

  // A code point offset of the text as a DOM position: its piece's text
  // node, and the UTF-16 offset inside it.
  function domPoint(offset) {
    var pieces = bodyNode.querySelectorAll("[data-start]");
    for (var i = pieces.length - 1; i >= 0; i--) {
      var start = Number(pieces[i].dataset.start);
      if (start <= offset) {
        var node = pieces[i].firstChild;
        if (!node) return null;
        var within = Array.from(node.textContent).slice(0, offset - start).join("").length;
        return [node, Math.min(within, node.textContent.length)];
      }
    }
    return null;
  }

  // The selected words as a citation: offsets from each piece's own offset,
  // trimmed of surrounding spaces.
  function selectedSpan() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    if (!bodyNode.contains(range.startContainer) || !bodyNode.contains(range.endContainer)) return null;
    var start = pointOffset(range.startContainer, range.startOffset);
    var end = pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    var text = Array.from(S.article.body);
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end <= start) return null;
    return { start: start, end: end };
  }

  function pointOffset(container, offset) {
    var piece = container.nodeType === 3 ? container.parentNode : container;
    if (piece === bodyNode) {
      var child = bodyNode.childNodes[offset];
      if (child) return Number(child.dataset.start);
      return codePoints(S.article.body);
    }
    while (piece && piece.parentNode !== bodyNode) piece = piece.parentNode;
    if (!piece || piece.dataset.start === undefined) return null;
    var within = container.nodeType === 3 ? codePoints(container.textContent.slice(0, offset)) : 0;
    return Number(piece.dataset.start) + within;
  }

  bodyNode.addEventListener("click", function (event) {
    var mark = event.target.closest("mark[data-index]");
    var selection = window.getSelection();
    if (!mark || (selection && !selection.isCollapsed)) return;
    var card = S.cards[focusIndex];
    if (!card) return;
    applyFinding(card, S.highlights[Number(mark.dataset.index)]);
  });

  function applyFinding(card, span) {
    if (span.kind === "date") {
      card.date = span.value;
      card.precision = span.precision;
      card.touched.date = true;
      say("Card " + (focusIndex + 1) + " is dated " + span.value + ".");
    } else if (span.kind === "place") {
      var place = span.location_id ? S.places[span.location_id] : span.place;
      if (!place) { say(span.label + " is not a place in the gazetteer: search it, or click the map.", "error"); return; }
      setPlace(card, place);
    } else if (span.kind === "actor") {
      if (span.actor_id) {
        var actor = S.actors[span.actor_id] || { id: span.actor_id, name: span.label, label: span.label };
        addActor(card, actor);
      } else {
        addNewActor(card, { name: span.label, kind: span.actor_kind || "", country: span.country || "" });
      }
    }
    renderCards();
  }

  // --- cards ----------------------------------------------------------------

  function prepare(card) {
    card.touched = card.touched || {};
    card.roles = card.roles || [];
    card.suggested = card.suggested || [];
    card.citations = card.citations || [];
    card.spans = card.spans || [];
    return card;
  }

  // Known actors and places of the state, by id, for clicks on the text.
  function index() {
    S.actors = Object.assign(S.actors || {}, S.known.actors);
    S.places = Object.assign(S.places || {}, S.known.places);
    S.cards.forEach(function (card) {
      card.roles.forEach(function (row) { if (row.actor) S.actors[row.actor.id] = row.actor; });
      if (card.place && card.place.id) S.places[card.place.id] = card.place;
    });
  }

  function defaultRole(card) {
    var fitting = CONFIG.type_roles[card.event_type];
    if (fitting) return fitting[0];
    var hasInitiator = card.roles.some(function (row) { return row.role === "initiator"; });
    return hasInitiator ? "target" : "initiator";
  }

  function addActor(card, actor) {
    var already = card.roles.some(function (row) { return row.actor && row.actor.id === actor.id; });
    if (already) { say(actor.name + " is already on card " + (focusIndex + 1) + "."); return; }
    var office = actor.office || {};
    card.roles.push({
      actor: actor,
      role: defaultRole(card),
      capacity: office.capacity || "",
      on_behalf_of: office.on_behalf_of || null,
      offered: Boolean(office.capacity || office.on_behalf_of)
    });
    card.suggested = card.suggested.filter(function (s) { return s.name !== actor.name; });
    say(actor.name + " added to card " + (focusIndex + 1) + ".");
  }

  // A role as the card's type takes it: a meeting has participants, not
  // initiators; "mentioned" is no role to give an actor added by hand.
  function fitRole(card, role) {
    var fitting = CONFIG.type_roles[card.event_type];
    if (!role || role === "mentioned" || (fitting && fitting.indexOf(role) < 0)) return defaultRole(card);
    return role;
  }

  function addNewActor(card, suggestion) {
    card.roles.push({
      actor: null,
      "new": { name: suggestion.name, kind: suggestion.kind || "", country: suggestion.country || "" },
      role: fitRole(card, suggestion.role),
      capacity: "",
      on_behalf_of: null
    });
    card.suggested = card.suggested.filter(function (s) { return s.name !== suggestion.name; });
  }

  function setPlace(card, place) {
    card.place = place;
    card.point = null; // the point follows the place
    card.geo_precision = "";
    card.touched.place = true;
    if (place.id) S.places[place.id] = place;
    showOnMap();
    say("Card " + (focusIndex + 1) + " is placed at " + place.label + ".");
  }

  function setType(card, type) {
    card.event_type = type;
    card.touched.event_type = true;
    var fitting = CONFIG.type_roles[type];
    if (!fitting) return;
    card.roles.forEach(function (row) {
      if (fitting.indexOf(row.role) < 0) row.role = fitting[0];
    });
  }

  function field(label, control, name, card) {
    var error = card.errors && card.errors[name];
    if (error) control.setAttribute("aria-invalid", "true");
    return el("label", { className: "field field-" + name }, [
      el("span", { className: "field-label", text: label }),
      control,
      error ? el("span", { className: "field-error", text: error }) : null
    ]);
  }

  function input(card, name, attrs) {
    var node = el("input", Object.assign({ name: name, type: "text" }, attrs || {}));
    node.value = card[name] === null || card[name] === undefined ? "" : card[name];
    node.addEventListener("input", function () {
      var value = node.value;
      if (node.type === "number") value = value === "" ? null : Number(value);
      card[name] = value;
      card.touched[name] = true;
    });
    return node;
  }

  function renderCards() {
    var active = document.activeElement;
    var activeKey = active && active.closest && active.closest(".card") ? active.closest(".card").dataset.key : null;
    var activeName = active ? active.getAttribute("data-control") : null;
    cardsNode.textContent = "";
    if (!S.cards.length) {
      cardsNode.appendChild(el("p", { className: "empty", text: "No events proposed. Select words in the text and press n to start a card from them." }));
    }
    S.cards.forEach(function (card, number) {
      cardsNode.appendChild(renderCard(card, number));
    });
    if (focusIndex >= S.cards.length) focusIndex = Math.max(0, S.cards.length - 1);
    highlightFocus();
    renderDiscarded();
    if (activeKey && activeName) {
      var again = cardsNode.querySelector(".card[data-key='" + activeKey + "'] [data-control='" + activeName + "']");
      if (again) again.focus();
    }
  }

  function renderCard(card, number) {
    var saved = Boolean(card.event_id);
    var retracted = card.status === "retracted";
    var node = el("article", {
      className: "card" + (saved ? " saved status-" + card.status : " proposal"),
      "data-key": card.key,
      tabindex: "-1",
      "aria-label": "Card " + (number + 1) + ": " + card.title
    });
    node.addEventListener("focusin", function () { focus(S.cards.indexOf(card), false); });
    node.addEventListener("mousedown", function () { focus(S.cards.indexOf(card), false); });

    var status = saved
      ? el("a", { className: "card-status", href: card.url, text: card.status_label })
      : el("span", { className: "card-status", text: "proposed" });
    var tools = el("div", { className: "card-tools" }, [
      el("button", { type: "button", className: "button", "data-act": "merge", title: "Merge into the card above (m)", text: "Merge ↑", onclick: function () { merge(card, null); } }),
      mergeInto(card),
      el("button", { type: "button", className: "button", "data-act": "split", title: "Split in two (s)", text: "Split", onclick: function () { split(card); } }),
      saved ? null : el("button", { type: "button", className: "button", "data-act": "discard", title: "Discard (x)", text: "Discard", onclick: function () { discard(card); } })
    ]);
    var title = input(card, "title", { className: "card-title", "data-control": "title", maxlength: "300", "aria-label": "Title" });
    node.appendChild(el("header", {}, [el("span", { className: "card-number", text: String(number + 1) }), status, title, tools]));
    if (card.errors && card.errors.card) node.appendChild(el("p", { className: "card-error", text: card.errors.card }));
    var inline = ["card", "title", "event_type", "sub_event_type", "date", "end", "precision", "place", "geo_precision", "fatalities_low", "fatalities_best", "fatalities_high", "confidence", "citations"];
    Object.keys(card.errors || {}).forEach(function (name) {
      if (inline.indexOf(name) < 0 && name.indexOf("roles") !== 0) {
        node.appendChild(el("p", { className: "card-error", text: name + ": " + card.errors[name] }));
      }
    });

    var type = select("event_type", CONFIG.types, card.event_type, { "data-control": "event_type" });
    type.addEventListener("change", function () { setType(card, type.value); renderCards(); });
    var subtypes = el("datalist", { id: "subtypes-" + card.key }, (CONFIG.sub_types[card.event_type] || []).map(function (name) { return el("option", { value: name }); }));
    node.appendChild(el("div", { className: "row" }, [
      field("Type", type, "event_type", card),
      field("Sub-type", input(card, "sub_event_type", { list: "subtypes-" + card.key, "data-control": "sub_event_type", maxlength: "100" }), "sub_event_type", card),
      subtypes
    ]));

    var precision = select("precision", CONFIG.precisions, card.precision, { "data-control": "precision" });
    precision.addEventListener("change", function () { card.precision = precision.value; card.touched.precision = true; });
    node.appendChild(el("div", { className: "row" }, [
      field("Date", input(card, "date", { placeholder: "YYYY-MM-DD", "data-control": "date", size: "11", inputmode: "numeric" }), "date", card),
      field("to", input(card, "end", { placeholder: "(one period)", "data-control": "end", size: "11" }), "end", card),
      field("Precision", precision, "precision", card)
    ]));

    node.appendChild(renderPlace(card));
    node.appendChild(renderParticipants(card));

    var casualties = ["low", "best", "high"].map(function (which) {
      return field("Killed, " + which, input(card, "fatalities_" + which, { type: "number", min: "0", step: "1", "data-control": "fatalities_" + which, className: "count" }), "fatalities_" + which, card);
    });
    var confidence = select("confidence", CONFIG.confidences, card.confidence, { "data-control": "confidence" });
    confidence.addEventListener("change", function () { card.confidence = confidence.value; });
    node.appendChild(el("div", { className: "row casualties" }, casualties.concat([field("Confidence", confidence, "confidence", card)])));

    node.appendChild(renderCitations(card));
    var summary = el("textarea", { name: "summary", rows: "2", "data-control": "summary", "aria-label": "Summary of card " + (S.cards.indexOf(card) + 1) });
    summary.value = card.summary || "";
    summary.addEventListener("input", function () { card.summary = summary.value; });
    node.appendChild(el("details", { className: "card-summary", open: card.summary ? true : null }, [el("summary", { text: "Summary" }), summary]));
    if (retracted) node.querySelectorAll("input, select, textarea, button").forEach(function (c) { c.disabled = true; });
    return node;
  }

  function mergeInto(card) {
    var targets = S.cards.filter(function (other) { return other !== card; });
    if (!targets.length || card.event_id) return null;
    var choice = el("select", { className: "merge-into", "aria-label": "Merge into card", "data-act": "merge-into" });
    choice.appendChild(el("option", { value: "", text: "Merge into…" }));
    targets.forEach(function (other) {
      choice.appendChild(el("option", { value: other.key, text: (S.cards.indexOf(other) + 1) + ". " + other.title.slice(0, 50) }));
    });
    choice.addEventListener("change", function () {
      var target = S.cards.filter(function (other) { return other.key === choice.value; })[0];
      if (target) merge(card, target);
    });
    return choice;
  }

  function renderPlace(card) {
    var label = card.place ? card.place.label : "no place";
    var search = el("input", { type: "search", className: "place-search", placeholder: "Search places…", "data-control": "place", "aria-label": "Search a place for card " + (S.cards.indexOf(card) + 1), autocomplete: "off" });
    var list = el("ul", { className: "choices", role: "listbox" });
    combobox(search, list, function (q) {
      return request("GET", CONFIG.urls.places + "?q=" + encodeURIComponent(q)).then(function (data) { return data.results; });
    }, function (choice) { setPlace(card, choice); renderCards(); }, function (choice) { return choice.label + (choice.id ? "" : " · gazetteer"); });
    var geo = select("geo_precision", [["", "from the place"]].concat(CONFIG.geo_precisions), card.geo_precision, { "data-control": "geo_precision" });
    geo.addEventListener("change", function () { card.geo_precision = geo.value; });
    var error = card.errors && card.errors.place;
    return el("div", { className: "row place" }, [
      el("div", { className: "field field-place" }, [
        el("span", { className: "field-label", text: "Place" }),
        el("span", { className: "place-label" + (card.place && !card.place.id ? " unstored" : ""), text: label }),
        card.point ? el("span", { className: "point-note", text: " · own point" }) : null,
        el("div", { className: "combo" }, [search, list]),
        error ? el("span", { className: "field-error", text: error }) : null
      ]),
      field("Where", geo, "geo_precision", card)
    ]);
  }

  function renderParticipants(card) {
    var rows = card.roles.map(function (row, number) {
      var prefix = "roles." + number;
      var errors = card.errors || {};
      var role = select("role", CONFIG.roles, row.role, { "data-control": "role-" + number, "aria-label": "Role" });
      role.addEventListener("change", function () { row.role = role.value; });
      var remove = el("button", { type: "button", className: "remove", "data-act": "remove-role", title: "Remove", "aria-label": "Remove " + (row.actor ? row.actor.name : row["new"].name), text: "×", onclick: function () { card.roles.splice(number, 1); renderCards(); } });
      var who;
      if (row.actor) {
        who = el("span", { className: "actor-label", title: row.actor.label, text: row.actor.name });
      } else {
        var name = el("input", { type: "text", className: "new-name", "data-control": "new-name-" + number, "aria-label": "New actor's name", maxlength: "300" });
        name.value = row["new"].name;
        name.addEventListener("input", function () { row["new"].name = name.value; });
        var kind = select("kind", [["", "kind…"]].concat(CONFIG.actor_kinds), row["new"].kind, { "data-control": "new-kind-" + number, "aria-label": "New actor's kind" });
        kind.addEventListener("change", function () { row["new"].kind = kind.value; });
        if (errors[prefix + ".kind"]) kind.setAttribute("aria-invalid", "true");
        var country = select("country", [["", "country…"]].concat(CONFIG.countries), row["new"].country, { "data-control": "new-country-" + number, "aria-label": "New actor's country" });
        country.addEventListener("change", function () { row["new"].country = country.value; });
        who = el("span", { className: "new-actor" }, [el("span", { className: "badge", text: "new" }), name, kind, country]);
      }
      var office = el("input", { type: "text", className: "office", placeholder: "office", "data-control": "office-" + number, "aria-label": "Office", maxlength: "200" });
      office.value = row.capacity || "";
      office.addEventListener("input", function () { row.capacity = office.value; row.offered = false; });
      var behalf = el("span", { className: "behalf" }, [
        row.on_behalf_of
          ? el("span", { className: "behalf-label" }, ["for " + row.on_behalf_of.name + " ", el("button", { type: "button", className: "remove", title: "Clear", "aria-label": "Clear on behalf of", text: "×", onclick: function () { row.on_behalf_of = null; renderCards(); } })])
          : behalfSearch(card, row, number)
      ]);
      var message = Object.keys(errors).filter(function (name) { return name === prefix || name.indexOf(prefix + ".") === 0; }).map(function (name) { return errors[name]; }).join(" ");
      return el("li", { className: "participant" + (row.offered ? " offered" : ""), "data-actor": row.actor ? row.actor.id : "", "data-name": row.actor ? row.actor.name : row["new"].name }, [
        who, role, office, behalf, remove,
        row.offered ? el("span", { className: "offered-note", text: "office from their last event" }) : null,
        message ? el("span", { className: "field-error", text: message }) : null
      ]);
    });
    var search = el("input", { type: "search", className: "actor-search", placeholder: "Add an actor…", "data-control": "actor", "aria-label": "Add an actor to card " + (S.cards.indexOf(card) + 1), autocomplete: "off" });
    var list = el("ul", { className: "choices", role: "listbox" });
    combobox(search, list, function (q) {
      return request("GET", CONFIG.urls.actors + "?q=" + encodeURIComponent(q)).then(function (data) {
        return data.results.concat([{ create: true, name: q.trim(), label: "New actor: " + q.trim() + "…" }]);
      });
    }, function (choice) {
      if (choice.create) addNewActor(card, { name: choice.name });
      else { S.actors[choice.id] = choice; addActor(card, choice); }
      renderCards();
    }, function (choice) { return choice.label; });
    var chips = card.suggested.map(function (suggestion) {
      return el("button", { type: "button", className: "chip", "data-act": "suggested", "data-name": suggestion.name, title: "Not yet an actor: add as a new one", text: "+ " + suggestion.name, onclick: function () { addNewActor(card, suggestion); renderCards(); } });
    });
    var mentions = card.roles.filter(function (row) { return row.role === "mentioned"; }).length;
    var clear = mentions ? el("button", {
      type: "button", className: "button small", "data-act": "clear-mentions",
      title: "Remove every participant only mentioned", text: "Remove the " + mentions + " mentioned",
      onclick: function () {
        card.roles = card.roles.filter(function (row) { return row.role !== "mentioned"; });
        renderCards();
      }
    }) : null;
    return el("div", { className: "participants" }, [
      el("span", { className: "field-label", text: "Participants " }), clear,
      el("ul", { className: "participant-list" }, rows),
      el("div", { className: "combo" }, [search, list]),
      chips.length ? el("div", { className: "chips" }, [el("span", { className: "chips-label", text: "Named in the text, not yet actors: " })].concat(chips)) : null
    ]);
  }

  function behalfSearch(card, row, number) {
    var search = el("input", { type: "search", className: "behalf-search", placeholder: "on behalf of…", "data-control": "behalf-" + number, "aria-label": "On behalf of", autocomplete: "off" });
    var list = el("ul", { className: "choices", role: "listbox" });
    combobox(search, list, function (q) {
      return request("GET", CONFIG.urls.actors + "?q=" + encodeURIComponent(q)).then(function (data) { return data.results; });
    }, function (choice) { row.on_behalf_of = { id: choice.id, name: choice.name, label: choice.label }; renderCards(); }, function (choice) { return choice.label; });
    return el("span", { className: "combo" }, [search, list]);
  }

  function renderCitations(card) {
    var items = card.citations.map(function (citation, number) {
      return el("li", { "data-start": citation.start, "data-end": citation.end }, [
        el("q", { text: quoteOf(citation) }),
        " ",
        el("button", { type: "button", className: "remove", "data-act": "remove-citation", title: "Remove the citation", "aria-label": "Remove the citation", text: "×", onclick: function () { card.citations.splice(number, 1); renderCards(); markCited(); } })
      ]);
    });
    var error = card.errors && card.errors.citations;
    return el("div", { className: "citations" }, [
      el("span", { className: "field-label", text: "Cited" }),
      el("ol", {}, items),
      el("button", { type: "button", className: "button", "data-act": "cite", text: "Cite the selected words (c)", onmousedown: function (e) { e.preventDefault(); }, onclick: function () { cite(card); } }),
      error ? el("span", { className: "field-error", text: error }) : null
    ]);
  }

  function renderDiscarded() {
    var list = document.getElementById("discarded-list");
    list.textContent = "";
    S.discarded.forEach(function (card) {
      list.appendChild(el("li", {}, [
        el("q", { text: quoteOf(card.citations[0] || { start: card.spans[0][0], end: card.spans[0][1] }).slice(0, 140) }),
        " ",
        el("button", { type: "button", className: "button", "data-act": "restore", text: "Bring back", onclick: function () { restore(card); } })
      ]));
    });
    document.getElementById("discarded").hidden = !S.discarded.length;
  }

  // A list of choices under a search field, fetched as the editor types;
  // arrows move, Enter or a click chooses, Esc leaves.
  function combobox(search, list, fetchChoices, choose, text) {
    var choices = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    function draw() {
      list.textContent = "";
      choices.forEach(function (choice, number) {
        var item = el("li", { role: "option", className: number === active ? "active" : "", "aria-selected": number === active ? "true" : "false", text: text(choice) });
        item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(number); });
        list.appendChild(item);
      });
      list.hidden = !choices.length;
    }
    function pick(number) {
      var choice = choices[number];
      choices = [];
      draw();
      search.value = "";
      if (choice) choose(choice);
    }
    search.addEventListener("input", function () {
      clearTimeout(timer);
      var q = search.value;
      if (!q.trim()) { choices = []; draw(); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetchChoices(q).then(function (found) {
          if (mine !== asked) return;
          choices = found;
          active = found.length ? 0 : -1;
          draw();
          search.dataset.loaded = q;
        });
      }, 120);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && choices.length) { active = (active + 1) % choices.length; draw(); event.preventDefault(); }
      else if (event.key === "ArrowUp" && choices.length) { active = (active - 1 + choices.length) % choices.length; draw(); event.preventDefault(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(active); }
    });
    search.addEventListener("blur", function () { setTimeout(function () { choices = []; draw(); }, 150); });
    list.hidden = true;
  }

  // --- card operations ----------------------------------------------------

  function focus(number, scroll) {
    if (number < 0 || number >= S.cards.length) return;
    var changed = number !== focusIndex;
    focusIndex = number;
    highlightFocus();
    if (scroll !== false) {
      var node = cardsNode.children[number];
      if (node) { node.focus({ preventScroll: true }); node.scrollIntoView({ block: "nearest" }); }
    }
    if (changed || scroll !== false) { markCited(); showOnMap(); }
  }

  function highlightFocus() {
    Array.prototype.forEach.call(cardsNode.querySelectorAll(".card"), function (node, number) {
      node.classList.toggle("focused", number === focusIndex);
    });
  }

  function merge(card, target) {
    var number = S.cards.indexOf(card);
    if (!target) {
      target = S.cards[number - 1];
      if (!target) { say("There is no card above to merge into."); return; }
    }
    if (card.event_id) { say("A saved event is not merged into another here: change its own card."); return; }
    target.citations = target.citations.concat(card.citations.filter(function (c) {
      return !target.citations.some(function (t) { return t.start === c.start && t.end === c.end; });
    })).sort(function (a, b) { return a.start - b.start; });
    target.spans = target.spans.concat(card.spans);
    card.roles.forEach(function (row) {
      var same = target.roles.some(function (t) {
        return row.actor ? t.actor && t.actor.id === row.actor.id : !t.actor && t["new"].name === row["new"].name;
      });
      if (!same) target.roles.push(row);
    });
    card.suggested.forEach(function (s) {
      if (!target.suggested.some(function (t) { return t.name === s.name; })) target.suggested.push(s);
    });
    if (!target.date) { target.date = card.date; target.precision = card.precision; }
    if (!target.place) target.place = card.place;
    ["fatalities_low", "fatalities_best", "fatalities_high"].forEach(function (name) {
      if (target[name] === null || target[name] === undefined) target[name] = card[name];
    });
    if (card.summary) target.summary = [target.summary, card.summary].filter(Boolean).join(" ");
    S.cards.splice(number, 1);
    focusIndex = S.cards.indexOf(target);
    renderCards();
    focus(focusIndex);
    say("Merged into card " + (focusIndex + 1) + ".");
  }

  var splitCount = 0;

  function split(card) {
    var copy = JSON.parse(JSON.stringify(card));
    splitCount += 1;
    copy.key = card.key.replace(/s\d+$/, "") + "s" + splitCount;
    copy.event_id = null;
    copy.version = null;
    copy.status = "";
    copy.url = null;
    copy.errors = {};
    copy.touched = {};
    copy.spans = card.event_id ? [] : card.spans.slice();
    var number = S.cards.indexOf(card);
    S.cards.splice(number + 1, 0, copy);
    renderCards();
    focus(number + 1);
    say("Card " + (number + 1) + " split: card " + (number + 2) + " is its copy.");
  }

  function discard(card) {
    if (card.event_id) return;
    var number = S.cards.indexOf(card);
    var others = S.cards.filter(function (other) { return other !== card; });
    var spans = card.spans.filter(function (span) {
      return !others.some(function (other) {
        return other.spans.some(function (o) { return o[0] === span[0] && o[1] === span[1]; });
      });
    });
    S.cards.splice(number, 1);
    if (spans.length) { S.discarded.push(card); lastDiscarded.push(card); }
    renderCards();
    focus(Math.min(number, S.cards.length - 1));
    say("Card discarded. Press u to bring it back.");
    spans.forEach(function (span) {
      request("POST", CONFIG.urls.discard, { start: span[0], end: span[1] }).catch(function (error) { say(error.message, "error"); });
    });
  }

  function restore(card) {
    S.discarded = S.discarded.filter(function (other) { return other !== card; });
    lastDiscarded = lastDiscarded.filter(function (other) { return other !== card; });
    card.spans.forEach(function (span) {
      request("POST", CONFIG.urls.discard, { start: span[0], end: span[1], undo: true }).catch(function (error) { say(error.message, "error"); });
    });
    S.cards.push(card);
    S.cards.sort(function (a, b) { return firstOffset(a) - firstOffset(b); });
    renderCards();
    focus(S.cards.indexOf(card));
  }

  function firstOffset(card) {
    if (card.event_id) return -1;
    var starts = card.citations.map(function (c) { return c.start; }).concat(card.spans.map(function (s) { return s[0]; }));
    return starts.length ? Math.min.apply(null, starts) : Infinity;
  }

  function cite(card) {
    var span = selectedSpan();
    if (!span) { say("Select words of the article first, then cite them.", "error"); return; }
    if (!card) {
      var here = S.cards[focusIndex];
      card = prepare({
        key: "n" + (++splitCount), event_id: null, version: null, status: "", title: sliceByPoints(S.article.body, span.start, span.end).slice(0, 120),
        summary: "", event_type: "other", sub_event_type: "", date: "", end: "", precision: "day", place: null, geo_precision: "",
        point: null, fatalities_low: null, fatalities_best: null, fatalities_high: null, confidence: "medium", roles: [], suggested: [], citations: [], spans: []
      });
      fromSentence(card, span);
      // After the focused card, where the editor is reading.
      focusIndex = here ? focusIndex + 1 : S.cards.length;
      S.cards.splice(focusIndex, 0, card);
    }
    if (!card.citations.some(function (c) { return c.start === span.start && c.end === span.end; })) {
      card.citations.push(span);
      card.citations.sort(function (a, b) { return a.start - b.start; });
    }
    window.getSelection().removeAllRanges();
    renderCards();
    markCited();
    say("Cited on card " + (focusIndex + 1) + ": “" + sliceByPoints(S.article.body, span.start, span.end).slice(0, 60) + "”.");
  }

  // How closely a kind of place locates an event: a new card takes the
  // closest place its words name.
  var PLACE_DETAIL = { site: 5, city: 4, border: 3, region: 3, admin1: 2, country: 1 };

  // A new card's date and place, from what the suggestions found in its
  // words: the first date (but the dateline's), the most precise place.
  function fromSentence(card, span) {
    var best = null;
    var dateline = S.article.metadata.dateline || [0, 0];
    S.highlights.forEach(function (found) {
      if (found.start < span.start || found.end > span.end) return;
      var datesTheArticle = found.start >= dateline[0] && found.end <= dateline[1];
      if (found.kind === "date" && !card.date && !datesTheArticle) {
        card.date = found.value;
        card.precision = found.precision;
      } else if (found.kind === "place") {
        var place = found.location_id ? S.places[found.location_id] : found.place;
        if (place && (!best || (PLACE_DETAIL[place.kind] || 0) > (PLACE_DETAIL[best.kind] || 0))) best = place;
      }
    });
    if (best) card.place = best;
  }

  // --- saving ---------------------------------------------------------------

  function payload(card) {
    return {
      key: card.key, event_id: card.event_id, version: card.version, title: card.title, summary: card.summary || "",
      event_type: card.event_type, sub_event_type: card.sub_event_type || "", date: card.date || "", end: card.end || "",
      precision: card.precision, place: card.place ? (card.place.id ? { id: card.place.id } : { key: card.place.key }) : null,
      geo_precision: card.geo_precision || "", point: card.point, confidence: card.confidence,
      fatalities_low: card.fatalities_low, fatalities_best: card.fatalities_best, fatalities_high: card.fatalities_high,
      roles: card.roles.map(function (row) {
        return {
          actor: row.actor ? { id: row.actor.id } : null, "new": row.actor ? null : row["new"], role: row.role,
          capacity: row.capacity || "", on_behalf_of: row.on_behalf_of ? { id: row.on_behalf_of.id } : null
        };
      }),
      citations: card.citations.map(function (c) { return { start: c.start, end: c.end }; }),
      spans: card.spans
    };
  }

  function metadataPayload() {
    var meta = S.article.metadata;
    var values = {};
    ["published_on", "publisher", "author"].forEach(function (name) {
      values[name] = document.getElementById("meta-" + name).value;
    });
    return { values: values, loaded: meta.loaded };
  }

  function saveAll(action) {
    if (busy) return;
    var cards = S.cards.filter(function (card) { return card.status !== "retracted"; });
    if (!cards.length) { say("There is nothing to save.", "error"); return; }
    busy = true;
    root.classList.add("busy");
    say(action === "publish" ? "Publishing…" : action === "submit" ? "Submitting…" : "Saving…");
    S.cards.forEach(function (card) { card.errors = {}; });
    var body = { action: action, cards: cards.map(payload) };
    var meta = metadataPayload();
    var changed = ["published_on", "publisher", "author"].some(function (name) { return meta.values[name] !== meta.loaded[name]; });
    if (changed) body.metadata = meta;
    request("POST", CONFIG.urls.save, body).then(function (data) {
      var counts = {};
      Object.keys(data.statuses).forEach(function (id) { counts[data.statuses[id]] = (counts[data.statuses[id]] || 0) + 1; });
      load(data.state);
      var words = { draft: "draft", in_review: "in review", published: "published" };
      say("Saved: " + Object.keys(counts).map(function (s) { return counts[s] + " " + (words[s] || s); }).join(", ") + ".", "done");
      root.dataset.saved = String(Date.now());
    }).catch(function (error) {
      var errors = (error.data && error.data.errors) || {};
      S.cards.forEach(function (card) { card.errors = errors[card.key] || {}; });
      if (errors.article) showMetaErrors(errors.article);
      renderCards();
      var first = S.cards.findIndex(function (card) { return Object.keys(card.errors).length; });
      if (first >= 0) focus(first);
      say(error.message, "error");
    }).then(function () {
      busy = false;
      root.classList.remove("busy");
    });
  }

  function showMetaErrors(errors) {
    Object.keys(errors).forEach(function (name) {
      var node = document.getElementById("meta-" + name);
      if (node) node.setAttribute("aria-invalid", "true");
    });
    document.getElementById("meta-note").textContent = Object.keys(errors).map(function (name) { return errors[name]; }).join(" ");
  }

  // A new state from the server: saved cards as the server has them; cards
  // not yet saved keep what the editor changed, dates re-resolved unless set.
  function load(state, keepLocal) {
    var local = keepLocal ? S.cards.filter(function (card) { return !card.event_id; }) : [];
    var fresh = state.cards.map(prepare);
    if (keepLocal) {
      fresh = fresh.filter(function (card) { return card.event_id; }).concat(local.map(function (card) {
        var again = state.cards.filter(function (c) {
          return !c.event_id && c.spans.length && card.spans.length && c.spans[0][0] === card.spans[0][0] && c.spans[0][1] === card.spans[0][1];
        })[0];
        if (again && !card.touched.date) { card.date = again.date; card.precision = again.precision; }
        return card;
      }));
    }
    var focusedKey = S.cards[focusIndex] && S.cards[focusIndex].key;
    S.article = state.article;
    S.highlights = state.highlights;
    S.known = state.known;
    S.cards = fresh;
    S.discarded = state.discarded.map(prepare);
    index();
    var meta = state.article.metadata;
    ["published_on", "publisher", "author"].forEach(function (name) {
      var node = document.getElementById("meta-" + name);
      node.value = meta.values[name];
      node.removeAttribute("aria-invalid");
    });
    document.getElementById("meta-note").textContent = metaNote(meta);
    assistantNote(state);
    renderBody();
    var again = S.cards.map(function (card) { return card.key; }).indexOf(focusedKey);
    focusIndex = again >= 0 ? again : 0;
    renderCards();
    showOnMap();
  }

  // The assistant failed on the text: the screen opens with no proposals.
  function assistantNote(state) {
    if (!state.assistant_failed) return;
    say("The assistant could not read this article: add its events by hand " +
      "(select words, then n for a new card).", "error");
  }

  function metaNote(meta) {
    if (!meta.proposed.length) return "";
    return "Read from the article, not yet stored: " + meta.proposed_labels.join(", ") +
      (meta.year_assumed ? " (the dateline gives no year: check it)" : "") + ".";
  }

  // The article's metadata, saved as soon as it changes; a new publication
  // date resolves the relative dates again.
  document.getElementById("curate-meta").addEventListener("change", function (event) {
    if (!event.target.name) return;
    var meta = metadataPayload();
    var values = {};
    values[event.target.name] = meta.values[event.target.name];
    request("POST", CONFIG.urls.metadata, { values: values, loaded: meta.loaded }).then(function (state) {
      load(state, true);
      say("The article's " + event.target.name.replace("_", " ") + " is saved" + (event.target.name === "published_on" ? "; relative dates resolved again." : "."), "done");
    }).catch(function (error) {
      if (error.data && error.data.errors && error.data.errors.article) showMetaErrors(error.data.errors.article);
      say(error.message, "error");
    });
  });
  document.getElementById("curate-meta").addEventListener("submit", function (event) { event.preventDefault(); });

  document.getElementById("accept-all").addEventListener("click", function () { saveAll("submit"); });
  document.getElementById("save-drafts").addEventListener("click", function () { saveAll("save"); });
  var publishButton = document.getElementById("publish-all");
  if (publishButton) publishButton.addEventListener("click", function () { saveAll("publish"); });
  var keysPanel = document.getElementById("curate-keys");
  var keysToggle = document.getElementById("keys-toggle");
  function toggleKeys() {
    keysPanel.hidden = !keysPanel.hidden;
    keysToggle.setAttribute("aria-expanded", String(!keysPanel.hidden));
  }
  keysToggle.addEventListener("click", toggleKeys);

  // --- keys -----------------------------------------------------------------

  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  }

  function focusControl(name) {
    var node = cardsNode.children[focusIndex];
    var control = node && node.querySelector("[data-control='" + name + "']");
    if (control) { control.focus(); if (control.select && control.tagName === "INPUT") control.select(); }
  }

  document.addEventListener("keydown", function (event) {
    var card = S.cards[focusIndex];
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      saveAll(event.shiftKey && CONFIG.can_publish ? "publish" : "submit");
      return;
    }
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      saveAll("save");
      return;
    }
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      focus(focusIndex);
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var keys = {
      j: function () { focus(Math.min(focusIndex + 1, S.cards.length - 1)); },
      k: function () { focus(Math.max(focusIndex - 1, 0)); },
      t: function () { focusControl("event_type"); },
      d: function () { focusControl("date"); },
      p: function () { focusControl("place"); },
      a: function () { focusControl("actor"); },
      c: function () { cite(card); },
      n: function () { cite(null); },
      m: function () { if (card) merge(card, null); },
      s: function () { if (card) split(card); },
      x: function () { if (card) discard(card); },
      u: function () { var last = lastDiscarded.pop(); if (last) restore(last); },
      "?": toggleKeys
    };
    var action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  // --- the map --------------------------------------------------------------

  var map = null;
  var marker = null;

  function setUpMap() {
    var node = document.getElementById("curate-map");
    if (!node || !window.L) return;
    map = L.map(node, { minZoom: 3, maxZoom: 14 });
    map.attributionControl.setPrefix("Boundaries: Natural Earth");
    map.setView([34.5, 46.0], 5);
    window.ZagrosBasemap.add(map);
    map.on("click", function (event) { askNewPlace(event.latlng); });
    node.dataset.ready = "true";
    window.ZagrosCurate = { map: map };
  }

  function showOnMap() {
    if (!map) return;
    var card = S.cards[focusIndex];
    var point = card && (card.point || (card.place && card.place.lat !== null ? card.place : null));
    if (marker) { map.removeLayer(marker); marker = null; }
    if (!point || point.lat === undefined || point.lat === null) return;
    marker = L.circleMarker([point.lat, point.lon], { radius: 7, className: "card-point" }).addTo(map);
    map.setView([point.lat, point.lon], Math.max(map.getZoom(), 7));
  }

  function askNewPlace(latlng) {
    var card = S.cards[focusIndex];
    if (!card) return;
    var name = el("input", { type: "text", name: "name", placeholder: "Name of the place", maxlength: "200", "aria-label": "Name of the new place", required: true });
    var kind = select("kind", CONFIG.place_kinds, "city", { "aria-label": "Kind of place" });
    var error = el("span", { className: "field-error" });
    var form = el("form", { className: "new-place" }, [
      el("strong", { text: "New place for card " + (focusIndex + 1) }), name, kind,
      el("button", { type: "submit", className: "default", text: "Make this place" }), error
    ]);
    var popup = L.popup({ closeOnClick: false }).setLatLng(latlng).setContent(form).openOn(map);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      request("POST", CONFIG.urls.places, { name: name.value, kind: kind.value, lat: latlng.lat, lon: latlng.lng }).then(function (data) {
        map.closePopup(popup);
        setPlace(card, data.place);
        renderCards();
      }).catch(function (failure) { error.textContent = failure.message; });
    });
    setTimeout(function () { name.focus(); }, 0);
  }

  // --- start ----------------------------------------------------------------

  S.cards.forEach(prepare);
  S.discarded.forEach(prepare);
  index();
  renderBody();
  renderCards();
  setUpMap();
  focus(0, false);
  showOnMap();
  assistantNote(S);
  root.dataset.ready = "true";
})();
