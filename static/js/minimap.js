// Small maps on detail pages: the basemap, the place's shape (an area or a
// line for approximate places) and, where known, the event's point.
(function () {
  "use strict";

  function readJson(id) {
    var node = id && document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (error) { return null; }
  }

  function asGeometry(value) {
    // Geometries arrive either as GeoJSON objects or as GeoJSON text.
    if (typeof value === "string") {
      try { return JSON.parse(value); } catch (error) { return null; }
    }
    return value;
  }

  document.querySelectorAll(".minimap").forEach(function (element) {
    var shape = asGeometry(readJson(element.dataset.shape));
    var point = asGeometry(readJson(element.dataset.point));
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: true });
    map.attributionControl.setPrefix("Boundaries: Natural Earth");
    map.setView([34.5, 46.0], 5);
    window.ZagrosBasemap.add(map);
    var bounds = null;
    if (shape) {
      var area = L.geoJSON(shape, {
        className: "place-shape",
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 7, className: "place-point" });
        }
      }).addTo(map);
      bounds = area.getBounds();
    }
    if (point && point.coordinates) {
      var latlng = [point.coordinates[1], point.coordinates[0]];
      L.circleMarker(latlng, { radius: 6, className: "event-point" }).addTo(map);
      if (!bounds) bounds = L.latLngBounds([latlng, latlng]);
    }
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds.pad(0.3), { maxZoom: 8 });
    }
    element.dataset.ready = "true";
  });
})();
