/* The organisation page's map of establishments. The table beside it carries the same
   information: without JavaScript the map simply stays hidden. */
(function () {
  "use strict";

  function init() {
    var element = document.querySelector("[data-organisation-map]");
    if (!element || typeof L === "undefined") return;
    var source = document.getElementById(element.getAttribute("data-points"));
    var points = source ? JSON.parse(source.textContent) : [];
    if (!points.length) return;
    element.hidden = false;

    var map = L.map(element, {
      scrollWheelZoom: false,
      zoomControl: false,
    });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    window.ESSOR.baseLayer(map, element.getAttribute("data-tile-url"), element.getAttribute("data-attribution"));

    var markers = points.map(function (point) {
      var label = point.name + (point.commune ? " — " + point.commune : "");
      // Text nodes, never HTML: names come from registers and users.
      var popup = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = point.name;
      popup.appendChild(title);
      if (point.commune) {
        popup.appendChild(document.createElement("br"));
        popup.appendChild(document.createTextNode(point.commune));
      }
      return L.marker([point.lat, point.lon], { alt: label, title: label }).bindPopup(popup);
    });
    var group = L.featureGroup(markers).addTo(map);
    if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), 13);
    } else {
      map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 13 });
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
