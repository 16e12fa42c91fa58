/* The Mois de l'ESS map: one marker per event placed in a commune. The list below the
   map carries the same information: without JavaScript the map stays hidden. */
(function () {
  "use strict";

  function init() {
    var element = document.querySelector("[data-events-map]");
    if (!element || typeof L === "undefined") return;
    var source = document.getElementById(element.getAttribute("data-points"));
    var points = source ? JSON.parse(source.textContent) : [];
    if (!points.length) return;
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    window.ESSOR.baseLayer(map, element.getAttribute("data-tile-url"), element.getAttribute("data-attribution"));
    var markers = points.map(function (point) {
      var label = point.name + " — " + point.commune + ", " + point.date;
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name;
      popup.appendChild(link);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(point.commune + ", " + point.date));
      return L.marker([point.lat, point.lon], { alt: label, title: label }).bindPopup(popup);
    });
    var group = L.featureGroup(markers).addTo(map);
    if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), 11);
    } else {
      map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 11 });
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
