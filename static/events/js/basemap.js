// Draws the project's own boundaries under every map, so maps work with no
// network: countries, provinces, the Kurdistan Region and the borders.
(function () {
  "use strict";

  var STYLES = {
    country: { className: "basemap-country", color: "#4b5563", weight: 1.2, fillColor: "#f5f2ea", fillOpacity: 1 },
    admin1: { className: "basemap-admin1", color: "#9ca3af", weight: 0.6, dashArray: "3 3", fill: false },
    region: { className: "basemap-region", color: "#b45309", weight: 2, dashArray: "6 4", fillColor: "#fbbf24", fillOpacity: 0.15 },
    border: { className: "basemap-border", color: "#b91c1c", weight: 3, fill: false }
  };

  // Drawn on top, each with its name: the places the tracker is about.
  var LABELLED = { region: true, border: true };

  function basemapUrl() {
    var link = document.querySelector("link[rel='basemap']");
    return link ? link.href : "/maps/basemap.geojson";
  }

  function addBasemap(map) {
    fetch(basemapUrl(), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("basemap: HTTP " + response.status);
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          interactive: false,
          filter: function (feature) { return !LABELLED[feature.properties.kind]; },
          style: function (feature) { return STYLES[feature.properties.kind] || STYLES.admin1; }
        });
        layer.addTo(map);
        layer.bringToBack();
        collection.features.forEach(function (feature) {
          var kind = feature.properties.kind;
          if (!LABELLED[kind]) return;
          var one = L.geoJSON(feature, { style: STYLES[kind] }).addTo(map);
          // The region and the whole border carry their names; the stretch of
          // border along the region names itself on hover.
          var permanent = kind === "region" || feature.properties.code === "IRN-IRQ";
          // A text node: Leaflet would parse a string as HTML, and editors name places.
          one.bindTooltip(document.createTextNode(feature.properties.name), {
            permanent: permanent,
            sticky: !permanent,
            direction: "center",
            className: "basemap-label basemap-label-" + kind
          });
        });
        map.fire("basemap:ready", { layer: layer });
      })
      .catch(function (error) {
        if (window.console) console.warn(error);
      });
  }

  window.ZagrosBasemap = { add: addBasemap, url: basemapUrl };
  // A widget opens on its shape, but no closer than this: a point alone
  // would open at the widget's maximum zoom, streets apart on a basemap of
  // boundaries, with nothing to see around it.
  var WIDGET_MAX_ZOOM = 8;

  // django-leaflet announces each admin map widget with this event, before
  // its geometry field fits the view (to `map.maxZoom` at most, its option).
  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    map.maxZoom = WIDGET_MAX_ZOOM;
    // Marker icons from the static files (LEAFLET_CONFIG's FORCE_IMAGE_PATH
    // names them beside the widget). django-leaflet reads that name when its
    // script loads, in the admin's head, before the widget is in the page;
    // Leaflet's own guess from leaflet.css fails on the hashed file names
    // of production's static files and ends relative to the page.
    var forced = document.getElementById("force-img-path");
    if (forced && window.L) {
      var path = JSON.parse(forced.textContent);
      if (typeof path === "string") L.Icon.Default.imagePath = path;
    }
    addBasemap(map);
  });
})();
