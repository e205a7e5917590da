// Draws the project's own boundaries under every map, so maps work with no
// network: countries, provinces, the Kurdistan Region and the borders.
(function () {
  "use strict";

  var STYLES = {
    country: { color: "#4b5563", weight: 1.2, fillColor: "#f5f2ea", fillOpacity: 1 },
    admin1: { color: "#9ca3af", weight: 0.6, dashArray: "3 3", fill: false },
    region: { color: "#b45309", weight: 2, dashArray: "6 4", fillColor: "#fbbf24", fillOpacity: 0.15 },
    border: { color: "#b91c1c", weight: 3, fill: false }
  };

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
          style: function (feature) { return STYLES[feature.properties.kind] || STYLES.admin1; }
        });
        layer.addTo(map);
        layer.bringToBack();
        collection.features.forEach(function (feature) {
          var kind = feature.properties.kind;
          if (kind !== "region" && kind !== "border") return;
          var one = L.geoJSON(feature, { style: STYLES[kind] }).addTo(map);
          one.bindTooltip(feature.properties.name, { sticky: true, className: "basemap-label" });
        });
        map.fire("basemap:ready", { layer: layer });
      })
      .catch(function (error) {
        if (window.console) console.warn(error);
      });
  }

  window.ZagrosBasemap = { add: addBasemap, url: basemapUrl };
  // django-leaflet announces each admin map widget with this event.
  window.addEventListener("map:init", function (event) { addBasemap(event.detail.map); });
})();
