// The events map: the project's own basemap, events from the server (grouped
// into cells at low zoom), filters shared with the timeline through the URL,
// and a year slider that narrows both.
(function () {
  "use strict";

  var element = document.getElementById("event-map");
  if (!element) return;

  // Radius in metres of the circle drawn for an approximate place.
  var APPROXIMATE_RADIUS = { near: 10000, region: 60000, country: 160000 };

  var map = L.map(element, { minZoom: 3, maxZoom: 14 });
  map.attributionControl.setPrefix("Boundaries: Natural Earth");
  map.setView([34.5, 46.0], 5);
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution }).addTo(map);
  }
  window.ZagrosBasemap.add(map);

  var layer = L.layerGroup().addTo(map);
  var status = document.getElementById("map-status");
  var request = 0;

  function filters() {
    return new URLSearchParams(window.location.search);
  }

  function viewBox() {
    var b = map.getBounds().pad(0.2);
    var clamp = function (v, low, high) { return Math.max(low, Math.min(high, v)); };
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
            clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map(function (v) { return v.toFixed(4); }).join(",");
  }

  // Popups are built from DOM nodes with their text set as text: Leaflet would
  // parse a string as HTML, and titles and place names come from editors.
  function create(tag, text) {
    var node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    return node;
  }

  function popup(properties, id) {
    var box = create("div");
    var link = create("a", properties.title);
    link.href = "/events/" + encodeURIComponent(id) + "/";
    box.appendChild(create("strong")).appendChild(link);
    box.appendChild(create("br"));
    box.appendChild(document.createTextNode(
      properties.date + (properties.place ? " · " + properties.place : "")));
    if (properties.geo_precision !== "exact") {
      box.appendChild(create("br"));
      box.appendChild(create("em", "Place known " + (properties.geo_precision === "near"
        ? "approximately" : "only to the " + properties.geo_precision)));
    }
    return box;
  }

  function drawCluster(feature) {
    var count = feature.properties.count;
    var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    if (count === 1) {
      return L.circleMarker(latlng, { radius: 6, className: "marker type-" + feature.properties.event_type });
    }
    var size = Math.round(24 + 8 * Math.log10(count));
    var icon = L.divIcon({
      html: create("span", count.toLocaleString()),
      className: "cluster type-" + feature.properties.event_type,
      iconSize: [size, size]
    });
    var marker = L.marker(latlng, { icon: icon, keyboard: true, title: count + " events" });
    marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 14)); });
    return marker;
  }

  function drawEvent(feature) {
    var p = feature.properties;
    var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    var className = "marker type-" + p.event_type;
    var shape = p.geo_precision === "exact"
      ? L.circleMarker(latlng, { radius: 6, className: className })
      : L.circle(latlng, { radius: APPROXIMATE_RADIUS[p.geo_precision] || 60000, className: className + " approximate" });
    return shape.bindPopup(popup(p, feature.id));
  }

  function load() {
    var params = filters();
    params.delete("after");
    params.set("zoom", String(map.getZoom()));
    params.set("bbox", viewBox());
    var mine = ++request;
    status.textContent = "Loading…";
    fetch(element.dataset.url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (mine !== request) return;
        layer.clearLayers();
        if (!result.ok) {
          status.textContent = "These filters could not be used: " + Object.keys(result.body).join(", ");
          return;
        }
        var collection = result.body;
        var total = 0;
        collection.features.forEach(function (feature) {
          var drawn = collection.clustered ? drawCluster(feature) : drawEvent(feature);
          if (!collection.clustered && feature.properties) drawn.feature = feature;
          drawn.addTo(layer);
          total += collection.clustered ? feature.properties.count : 1;
        });
        status.textContent = total.toLocaleString() + " event" + (total === 1 ? "" : "s") + " in view" +
          (collection.truncated ? " (the latest " + total + " shown; zoom in or narrow the filters)" : "");
        element.dataset.loaded = String(total);
      })
      .catch(function (error) {
        status.textContent = "The events could not be loaded.";
        if (window.console) console.warn(error);
      });
  }

  // The year slider narrows the map and, through the shared URL, the timeline.
  var slider = document.getElementById("slider");
  var startInput = document.getElementById("slider-start");
  var endInput = document.getElementById("slider-end");

  function year(value) {
    var match = /^(\d{4})/.exec(value || "");
    return match ? Number(match[1]) : null;
  }

  function syncLinks(params) {
    var query = params.toString();
    var timeline = document.getElementById("to-timeline");
    if (timeline) timeline.href = timeline.pathname + (query ? "?" + query : "");
    var startField = document.getElementById("f-start");
    var endField = document.getElementById("f-end");
    if (startField) startField.value = params.get("start") || "";
    if (endField) endField.value = params.get("end") || "";
  }

  function onSlide() {
    var first = Number(slider.dataset.first), last = Number(slider.dataset.last);
    var start = Number(startInput.value), end = Number(endInput.value);
    if (start > end) { var swap = start; start = end; end = swap; }
    document.getElementById("slider-start-out").textContent = start;
    document.getElementById("slider-end-out").textContent = end;
    var params = filters();
    if (start > first) params.set("start", String(start)); else params.delete("start");
    if (end < last) params.set("end", String(end)); else params.delete("end");
    params.delete("after");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    syncLinks(params);
    load();
  }

  if (slider) {
    var current = filters();
    if (year(current.get("start"))) startInput.value = year(current.get("start"));
    if (year(current.get("end"))) endInput.value = year(current.get("end"));
    document.getElementById("slider-start-out").textContent = startInput.value;
    document.getElementById("slider-end-out").textContent = endInput.value;
    startInput.addEventListener("change", onSlide);
    endInput.addEventListener("change", onSlide);
  }

  map.on("moveend", load);
  load();
  window.ZagrosEventMap = { map: map, layer: layer, reload: load };
})();
