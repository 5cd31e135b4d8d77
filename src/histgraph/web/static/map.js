/* histgraph map (Leaflet), offline: points on a plain longitude/latitude grid, no tile server.
 *
 * Renders every element with class "hg-map" from the JSON at its data-src.
 * Labels are set as text (DOM nodes), never as HTML.
 */
(function () {
  "use strict";

  function label(content, className) {
    var el = document.createElement("span");
    el.textContent = content;
    if (className) { el.className = className; }
    return el;
  }

  function graticule(map) {
    var style = { color: "#c9c3b6", weight: 1, interactive: false };
    for (var lon = -180; lon <= 180; lon += 10) {
      L.polyline([[-85, lon], [85, lon]], style).addTo(map);
      L.marker([0, lon], { interactive: false, keyboard: false,
        icon: L.divIcon({ className: "graticule-label", html: label(Math.abs(lon) + "\u00b0" + (lon < 0 ? "W" : lon > 0 ? "E" : "")), iconSize: null }) }).addTo(map);
    }
    for (var lat = -80; lat <= 80; lat += 10) {
      L.polyline([[lat, -180], [lat, 180]], style).addTo(map);
      L.marker([lat, 0], { interactive: false, keyboard: false,
        icon: L.divIcon({ className: "graticule-label", html: label(Math.abs(lat) + "\u00b0" + (lat < 0 ? "S" : lat > 0 ? "N" : "")), iconSize: null }) }).addTo(map);
    }
  }

  function render(el, data) {
    // EPSG:4326 keeps longitude and latitude as plain x and y: an honest grid without tiles.
    var map = L.map(el, { crs: L.CRS.EPSG4326, minZoom: 0, maxZoom: 8, worldCopyJump: false, attributionControl: false });
    graticule(map);
    var bounds = [];
    data.points.forEach(function (p, i) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 7, color: "#8a2d1c", weight: 2, fillColor: "#d9534f", fillOpacity: 0.85 });
      marker.bindTooltip(label(p.label), { permanent: true, direction: i % 2 ? "left" : "right", offset: [i % 2 ? -8 : 8, 0], className: "place-label" });
      if (p.href) { marker.on("click", function () { window.location.assign(p.href); }); }
      marker.addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    map.fitBounds(L.latLngBounds(bounds).pad(0.25), { maxZoom: 5 });
    el.hgMap = map;
    el.dataset.points = String(data.points.length);
    el.dataset.state = "ready";
  }

  function init(el) {
    if (typeof L === "undefined") { el.dataset.state = "failed"; el.replaceChildren(label("The map library did not load.")); return; }
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) { if (data.points.length) { render(el, data); } })
      .catch(function (err) { el.dataset.state = "failed"; el.replaceChildren(label("The map could not be drawn: " + err.message)); });
  }

  function start() {
    document.querySelectorAll(".hg-map[data-src]").forEach(function (el) {
      window.histgraphLibraries.whenVisible(el, init);  // Leaflet loads once the map is in view
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
