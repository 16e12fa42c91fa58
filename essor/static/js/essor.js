/* ESSor — small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Commune picker: the ARIA 1.2 combobox pattern over an htmx-filled listbox. */
  function setupCombobox(root) {
    var input = root.querySelector("[role=combobox]");
    var list = root.querySelector("[role=listbox]");
    var status = root.querySelector("[data-combobox-status]");
    var active = -1;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[role=option]:not([aria-disabled])"));
    }
    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var opts = options();
      if (!opts.length) return;
      active = (index + opts.length) % opts.length;
      opts.forEach(function (opt, i) { opt.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      input.value = option.getAttribute("data-value");
      close();
      if (status) status.textContent = (root.dataset.chosen || "Commune choisie") + " : " + input.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    list.addEventListener("htmx:afterSwap", function () {
      var count = options().length;
      active = -1;
      if (list.children.length) open(); else close();
      if (status) status.textContent = count ? count + " " + (root.dataset.found || "commune(s) proposée(s)") + ", flèches pour parcourir, Entrée pour choisir" : (root.dataset.none || "Aucune commune trouvée");
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden && options().length) open(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) { event.preventDefault(); choose(options()[active]); }
      else if (event.key === "Escape") { close(); }
    });
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]:not([aria-disabled])");
      if (option) { event.preventDefault(); choose(option); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function init(scope) {
    scope.querySelectorAll("[data-combobox]").forEach(function (root) {
      if (!root.dataset.ready) { root.dataset.ready = "1"; setupCombobox(root); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });

  /* Phones: the header's menu button shows and hides the search, the account links and
     the sections. Without this script, everything stays visible. */
  function setupMenu(header) {
    var button = header.querySelector(".menu-button");
    var panels = [header.querySelector(".header-menu"), header.querySelector(".main-nav")];
    if (!button) return;
    button.hidden = false;
    header.classList.add("js-menu");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panels.forEach(function (panel) { if (panel) panel.classList.toggle("is-open", open); });
    });
  }
  document.querySelectorAll("[data-site-header]").forEach(setupMenu);

  /* Maps: the tiles of ESSOR_TILE_URL over shipped outlines of the départements and
     régions (essor/territories/static/territories/outlines.geojson). The outlines lie
     under the tiles: they show where tiles do not come (offline, an intranet, a server
     down, no URL configured) and are covered where they do. */
  window.ESSOR = window.ESSOR || {};
  /* The EPCI outlines (1,200 shapes) are fetched once the map is zoomed in on a
     département, and shown only there: at the scale of a région they would be noise. */
  var EPCI_ZOOM = 8;
  function epciOutlines(map, url) {
    if (!url) return;
    var layer = null, loading = false;
    function update() {
      var wanted = map.getZoom() >= EPCI_ZOOM;
      if (wanted && !layer && !loading) {
        loading = true;
        fetch(url).then(function (response) { return response.json(); }).then(function (data) {
          layer = L.geoJSON(data, {
            pane: "outlines",
            interactive: false,
            className: "outline-epci",
            style: { color: "#b3adc4", weight: 0.6, dashArray: "3 3", fill: false }
          });
          update();
        }).catch(function () { loading = false; });
        return;
      }
      if (!layer) return;
      if (wanted && !map.hasLayer(layer)) layer.addTo(map);
      if (!wanted && map.hasLayer(layer)) map.removeLayer(layer);
    }
    map.on("zoomend", update);
    map.whenReady(update);
  }
  window.ESSOR.baseLayer = function (map, tileUrl, attribution) {
    var meta = document.querySelector('meta[name="essor-outlines"]');
    var pane = map.createPane("outlines");
    pane.style.zIndex = 150; /* under the tiles (200) */
    map.getContainer().classList.add("map-with-outlines");
    if (meta) {
      fetch(meta.content).then(function (response) { return response.json(); }).then(function (data) {
        L.geoJSON(data, {
          pane: "outlines",
          interactive: false,
          style: function (feature) {
            return feature.properties.level === "region"
              ? { color: "#5b4a8b", weight: 1.6, fill: false }
              : { color: "#9a94ad", weight: 0.7, fillColor: "#f7f5ef", fillOpacity: 1 };
          },
          attribution: "Contours approximatifs : ESSor, d'après le Code officiel géographique"
        }).addTo(map);
      }).catch(function () { /* the tiles alone, as before */ });
      epciOutlines(map, meta.getAttribute("data-epci"));
    }
    if (!tileUrl) return null;
    return L.tileLayer(tileUrl, { maxZoom: 19, attribution: attribution }).addTo(map);
  };
})();
