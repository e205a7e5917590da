// The events map: MapLibre GL JS drawing the app's own vector tiles (the
// boundaries, and the events under the page's filters), so it needs no
// network beyond this server. The view (centre, zoom, layers) lives in the
// URL's fragment, the filters in its query string, shared with the timeline;
// a year slider narrows both.

const element = document.getElementById("event-map");
const status = document.getElementById("map-status");

// Radius in metres of the circle drawn for an approximate place.
const APPROXIMATE_RADIUS = { near: 10000, region: 60000, country: 160000 };
const DEFAULT_VIEW = { zoom: 4, lat: 34.5, lon: 46.0 };
const MIN_ZOOM = 2;
const MAX_ZOOM = 16;
// The latitude the approximate circles are sized for: the region's middle.
const REGION_LATITUDE = 34;
const ICON_SIZE = 16;
const ICON_RATIO = 2;

function say(text) {
  if (status) status.textContent = text;
}

// --- the URL: filters in the query, the view in the fragment -----------------

function filters() {
  const params = new URLSearchParams(window.location.search);
  params.delete("after");
  return params;
}

function readView() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const view = { ...DEFAULT_VIEW, layers: ["events"] };
  const parts = (fragment.get("map") || "").split("/").map(Number);
  if (parts.length === 3 && parts.every(Number.isFinite)) {
    view.zoom = Math.min(Math.max(parts[0], MIN_ZOOM), MAX_ZOOM);
    view.lat = Math.min(Math.max(parts[1], -85), 85);
    view.lon = Math.min(Math.max(parts[2], -180), 180);
  }
  if (fragment.has("layers")) {
    view.layers = fragment.get("layers").split(",").filter(Boolean);
  }
  return view;
}

function fragmentOf(map, layers) {
  const centre = map.getCenter();
  const zoom = Math.round(map.getZoom() * 100) / 100;
  return "#map=" + zoom + "/" + centre.lat.toFixed(4) + "/" + centre.lng.toFixed(4) +
    "&layers=" + layers.join(",");
}

// --- symbols and colours, read from the site's stylesheet --------------------

function typeStyles() {
  const styles = {};
  document.querySelectorAll("#map-legend [data-type]").forEach((item) => {
    const computed = getComputedStyle(item);
    styles[item.dataset.type] = {
      colour: computed.getPropertyValue("--type").trim() || "#475569",
      shape: computed.getPropertyValue("--shape").trim() || "circle(50%)",
    };
  });
  return styles;
}

// The outline of a CSS clip-path shape (circle, inset or polygon) on a canvas.
function tracePath(context, shape, size, inset) {
  const span = size - 2 * inset;
  context.beginPath();
  const polygon = /^polygon\((.*)\)$/.exec(shape);
  if (polygon) {
    polygon[1].split(",").forEach((pair, index) => {
      const [x, y] = pair.trim().split(/\s+/).map((v) => parseFloat(v) / 100);
      const px = inset + x * span, py = inset + y * span;
      if (index === 0) context.moveTo(px, py); else context.lineTo(px, py);
    });
    context.closePath();
  } else if (shape.startsWith("inset")) {
    context.rect(inset + span * 0.08, inset + span * 0.08, span * 0.84, span * 0.84);
  } else {
    context.arc(size / 2, size / 2, span / 2, 0, 2 * Math.PI);
  }
}

function icon(style) {
  const size = ICON_SIZE * ICON_RATIO;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  tracePath(context, style.shape, size, 3 * ICON_RATIO);
  context.fillStyle = style.colour;
  context.fill();
  context.lineWidth = 1.5 * ICON_RATIO;
  context.strokeStyle = "#ffffff";
  context.stroke();
  return context.getImageData(0, 0, size, size);
}

function colourBy(styles) {
  const expression = ["match", ["get", "type"]];
  Object.entries(styles).forEach(([type, style]) => expression.push(type, style.colour));
  expression.push("#475569");
  return expression;
}

// Pixels for a distance in metres (an expression) at each zoom, on 512-pixel
// tiles, at the region's latitude.
function metresToPixels(metres) {
  const perPixelAtZoom0 = 40075016.686 * Math.cos(REGION_LATITUDE * Math.PI / 180) / 512;
  return ["interpolate", ["exponential", 2], ["zoom"],
    0, ["/", metres, perPixelAtZoom0],
    22, ["/", ["*", metres, 2 ** 22], perPixelAtZoom0]];
}

// --- the style -------------------------------------------------------------------

function absolute(path) {
  return new URL(path, window.location.href).href;
}

function eventsUrl() {
  const query = filters().toString();
  return absolute(element.dataset.eventTiles + (query ? "?" + query : ""));
}

function buildStyle(styles, view) {
  const colour = colourBy(styles);
  const radius = ["match", ["get", "precision"],
    "near", APPROXIMATE_RADIUS.near, "region", APPROXIMATE_RADIUS.region,
    "country", APPROXIMATE_RADIUS.country, APPROXIMATE_RADIUS.region];
  const shown = (name) => (view.layers.includes(name) ? "visible" : "none");
  const sources = {
    boundaries: { type: "vector", url: absolute(element.dataset.basemapTiles) },
  };
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#dbe7f0" } }];
  if (element.dataset.tileUrl) {
    sources.raster = {
      type: "raster", tiles: [element.dataset.tileUrl], tileSize: 256,
      attribution: element.dataset.tileAttribution || "",
    };
    layers.push({ id: "raster", type: "raster", source: "raster" });
  }
  const kind = (name) => ["==", ["get", "kind"], name];
  layers.push(
    { id: "countries", type: "fill", source: "boundaries", "source-layer": "areas",
      filter: kind("country"), paint: { "fill-color": "#f5f2ea", "fill-opacity": element.dataset.tileUrl ? 0.4 : 1 } },
    { id: "country-lines", type: "line", source: "boundaries", "source-layer": "areas",
      filter: kind("country"), paint: { "line-color": "#4b5563", "line-width": 1.2 } },
    { id: "provinces", type: "line", source: "boundaries", "source-layer": "areas",
      filter: kind("admin1"), paint: { "line-color": "#9ca3af", "line-width": 0.6, "line-dasharray": [3, 3] } },
    { id: "region", type: "fill", source: "boundaries", "source-layer": "areas",
      filter: kind("region"), paint: { "fill-color": "#fbbf24", "fill-opacity": 0.15 } },
    { id: "region-line", type: "line", source: "boundaries", "source-layer": "areas",
      filter: kind("region"), paint: { "line-color": "#b45309", "line-width": 2, "line-dasharray": [3, 2] } },
    { id: "borders", type: "line", source: "boundaries", "source-layer": "borders",
      paint: { "line-color": "#b91c1c", "line-width": 3 } },
  );
  if (element.dataset.invalid) return { version: 8, sources, layers };
  sources.events = { type: "vector", url: eventsUrl() };
  layers.push(
    { id: "heat-cells", type: "heatmap", source: "events", "source-layer": "cells",
      layout: { visibility: shown("heat") },
      paint: { "heatmap-weight": ["ln", ["+", 1, ["get", "count"]]], "heatmap-radius": 40, "heatmap-opacity": 0.75 } },
    { id: "heat-events", type: "heatmap", source: "events", "source-layer": "events",
      layout: { visibility: shown("heat") },
      paint: { "heatmap-weight": 1, "heatmap-radius": 30, "heatmap-opacity": 0.75 } },
    { id: "approximate", type: "circle", source: "events", "source-layer": "events",
      filter: ["!=", ["get", "precision"], "exact"], layout: { visibility: shown("events") },
      paint: { "circle-radius": metresToPixels(radius), "circle-color": colour, "circle-opacity": 0.12,
               "circle-stroke-color": colour, "circle-stroke-width": 2, "circle-stroke-opacity": 0.8,
               "circle-pitch-alignment": "map" } },
    { id: "cells", type: "circle", source: "events", "source-layer": "cells",
      layout: { visibility: shown("events") },
      // At most 15 pixels: cells are 32 pixels apart, and must not hide each other.
      paint: { "circle-radius": ["interpolate", ["linear"], ["ln", ["get", "count"]], 0, 4, 9.2, 15],
               "circle-color": colour, "circle-opacity": 0.85,
               "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } },
    { id: "events", type: "symbol", source: "events", "source-layer": "events",
      filter: ["==", ["get", "precision"], "exact"],
      layout: { visibility: shown("events"), "icon-image": ["concat", "type-", ["get", "type"]],
                "icon-allow-overlap": true, "icon-ignore-placement": true } },
  );
  return { version: 8, sources, layers };
}

// --- popups: built from DOM nodes, names set as text -----------------------------

function node(tag, text, attributes) {
  const made = document.createElement(tag);
  if (text != null) made.textContent = String(text);
  Object.entries(attributes || {}).forEach(([name, value]) => made.setAttribute(name, value));
  return made;
}

function eventPopup(feature) {
  const p = feature.properties;
  const box = node("div", null, { class: "map-popup" });
  const heading = box.appendChild(node("strong"));
  heading.appendChild(node("a", p.title, { href: "/events/" + encodeURIComponent(feature.id) + "/" }));
  box.appendChild(node("div", [p.date, p.place].filter(Boolean).join(" · ")));
  if (p.precision && p.precision !== "exact") {
    box.appendChild(node("em", "Place known " + (p.precision === "near" ? "approximately" : "only to the " + p.precision)));
  }
  if (p.fatalities != null) box.appendChild(node("div", "Fatalities (best estimate): " + p.fatalities));
  const sources = box.appendChild(node("div", "Sources…", { class: "map-popup-sources" }));
  fetch("/api/v1/events/" + encodeURIComponent(feature.id) + "/", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error("HTTP " + response.status))))
    .then((event) => {
      sources.textContent = "";
      const articles = new Map();
      (event.citations || []).forEach((citation) => articles.set(citation.article.id, citation.article));
      if (!articles.size) { sources.textContent = "No sources cited."; return; }
      sources.appendChild(node("span", "Sources:"));
      const list = sources.appendChild(node("ul"));
      articles.forEach((article) => {
        const item = list.appendChild(node("li"));
        item.appendChild(node("a", article.title || "Article " + article.id, { href: "/articles/" + encodeURIComponent(article.id) + "/" }));
        if (article.publisher) item.appendChild(document.createTextNode(" · " + article.publisher));
      });
    })
    .catch(() => { sources.textContent = "The sources could not be loaded."; });
  return box;
}

function cellPopup(feature, labels) {
  const p = feature.properties;
  const box = node("div", null, { class: "map-popup" });
  box.appendChild(node("strong", p.count.toLocaleString() + " event" + (p.count === 1 ? "" : "s")));
  box.appendChild(node("div", "Mostly: " + (labels[p.type] || p.type)));
  if (p.fatalities) box.appendChild(node("div", "Fatalities (best estimates): " + p.fatalities.toLocaleString()));
  box.appendChild(node("div", "Zoom in to see them one by one.", { class: "hint" }));
  return box;
}

// --- the map -----------------------------------------------------------------------

async function start() {
  let maplibregl;
  try {
    maplibregl = await import(element.dataset.maplibre);
    maplibregl.setWorkerUrl(absolute(element.dataset.worker));
  } catch (error) {
    say("The map could not be loaded.");
    throw error;
  }
  const styles = typeStyles();
  const labels = {};
  document.querySelectorAll("#map-legend [data-type]").forEach((item) => { labels[item.dataset.type] = item.textContent.trim(); });
  const view = readView();
  let map;
  try {
    map = new maplibregl.Map({
      container: element,
      style: buildStyle(styles, view),
      center: [view.lon, view.lat],
      zoom: view.zoom,
      minZoom: MIN_ZOOM,
      maxZoom: MAX_ZOOM,
      attributionControl: { compact: false },
      cooperativeGestures: false,
    });
  } catch (error) {
    say("This browser cannot draw the map (it needs WebGL).");
    throw error;
  }
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl(), "bottom-left");
  Object.entries(styles).forEach(([type, style]) => {
    map.addImage("type-" + type, icon(style), { pixelRatio: ICON_RATIO });
  });

  const layerBoxes = document.querySelectorAll(".map-layers input[type=checkbox]");
  const activeLayers = () => Array.from(layerBoxes).filter((box) => box.checked).map((box) => box.value);
  layerBoxes.forEach((box) => { box.checked = view.layers.includes(box.value); });

  const form = document.getElementById("filters");
  const clear = form && form.querySelector("a[href='?']");

  function remember() {
    const fragment = fragmentOf(map, activeLayers());
    window.history.replaceState(null, "", window.location.pathname + window.location.search + fragment);
    // Applying or clearing the filters keeps the view: a GET form keeps its
    // action's fragment.
    if (form) form.setAttribute("action", window.location.pathname + fragment);
    if (clear) clear.setAttribute("href", "?" + fragment);
  }

  function showLayers() {
    if (!map.getSource("events")) return;
    const layers = activeLayers();
    ["approximate", "cells", "events"].forEach((id) => map.setLayoutProperty(id, "visibility", layers.includes("events") ? "visible" : "none"));
    ["heat-cells", "heat-events"].forEach((id) => map.setLayoutProperty(id, "visibility", layers.includes("heat") ? "visible" : "none"));
    remember();
  }
  layerBoxes.forEach((box) => box.addEventListener("change", showLayers));

  // How many events the view holds: the cells' counts and the events drawn.
  function count() {
    if (!map.getSource("events")) return;
    let total = 0;
    const seen = new Set();
    map.queryRenderedFeatures({ layers: ["cells", "events", "approximate"].filter((id) => map.getLayoutProperty(id, "visibility") !== "none") })
      .forEach((feature) => {
        if (feature.sourceLayer === "cells") total += feature.properties.count;
        else if (!seen.has(feature.id)) { seen.add(feature.id); total += 1; }
      });
    if (!activeLayers().includes("events")) {
      say("Events hidden");
    } else {
      say(total.toLocaleString() + " event" + (total === 1 ? "" : "s") + " in view");
    }
    element.dataset.loaded = String(total);
  }

  map.on("moveend", remember);
  map.on("idle", count);
  map.on("error", (event) => {
    say("Part of the map could not be loaded.");
    if (window.console) console.warn(event.error || event);
  });

  const popup = new maplibregl.Popup({ maxWidth: "320px" });
  ["events", "approximate"].forEach((id) => {
    map.on("click", id, (event) => {
      const feature = event.features[0];
      popup.setLngLat(event.lngLat).setDOMContent(eventPopup(feature)).addTo(map);
    });
  });
  map.on("click", "cells", (event) => {
    const feature = event.features[0];
    popup.setLngLat(feature.geometry.coordinates).setDOMContent(cellPopup(feature, labels)).addTo(map);
    map.easeTo({ center: feature.geometry.coordinates, zoom: Math.min(map.getZoom() + 2, MAX_ZOOM) });
  });
  ["events", "approximate", "cells"].forEach((id) => {
    map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
  });

  // Names of the region and the border, as text on the map: the tiles carry
  // a point for each; no font server is needed for a few HTML labels.
  const named = new Map();
  map.on("sourcedata", (event) => {
    if (event.sourceId !== "boundaries" || !event.isSourceLoaded) return;
    map.querySourceFeatures("boundaries", { sourceLayer: "labels" }).forEach((feature) => {
      const p = feature.properties;
      if (named.has(p.code) || !(p.kind === "region" || p.code === "IRN-IRQ")) return;
      const label = node("span", p.name, { class: "basemap-label basemap-label-" + p.kind });
      named.set(p.code, new maplibregl.Marker({ element: label }).setLngLat(feature.geometry.coordinates).addTo(map));
    });
  });

  // The year slider narrows the map and, through the shared URL, the timeline.
  const slider = document.getElementById("slider");
  const startInput = document.getElementById("slider-start");
  const endInput = document.getElementById("slider-end");
  const year = (value) => { const match = /^(\d{4})/.exec(value || ""); return match ? Number(match[1]) : null; };

  function syncLinks(params) {
    const query = params.toString();
    const timeline = document.getElementById("to-timeline");
    if (timeline) timeline.href = timeline.pathname + (query ? "?" + query : "");
    const startField = document.getElementById("f-start");
    const endField = document.getElementById("f-end");
    if (startField) startField.value = params.get("start") || "";
    if (endField) endField.value = params.get("end") || "";
  }

  function onSlide() {
    const first = Number(slider.dataset.first), last = Number(slider.dataset.last);
    let start = Number(startInput.value), end = Number(endInput.value);
    if (start > end) [start, end] = [end, start];
    document.getElementById("slider-start-out").textContent = start;
    document.getElementById("slider-end-out").textContent = end;
    const params = filters();
    if (start > first) params.set("start", String(start)); else params.delete("start");
    if (end < last) params.set("end", String(end)); else params.delete("end");
    const query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    syncLinks(params);
    // Both of a slider's events (input settled, then change) may arrive for
    // the same years: the layer reloads only when its address changes.
    const source = map.getSource("events");
    if (source && source.url !== eventsUrl()) reload();
  }

  function reload() {
    const source = map.getSource("events");
    if (source) {
      delete element.dataset.loaded;
      say("Loading…");
      source.setUrl(eventsUrl());
    }
  }

  if (slider) {
    const current = filters();
    if (year(current.get("start"))) startInput.value = year(current.get("start"));
    if (year(current.get("end"))) endInput.value = year(current.get("end"));
    document.getElementById("slider-start-out").textContent = startInput.value;
    document.getElementById("slider-end-out").textContent = endInput.value;
    startInput.addEventListener("change", onSlide);
    endInput.addEventListener("change", onSlide);
  }

  window.ZagrosEventMap = { map, reload };
  map.on("load", remember);
}

// On a narrow screen the filters fold away, so the map is on the first screen.
const fold = document.getElementById("filters-fold");
if (fold && window.matchMedia("(max-width: 40rem)").matches && !document.querySelector(".filters-fold [role=alert]")) {
  fold.open = false;
}

if (element) {
  say("Loading…");
  start();
}
