/* ESSor — the directory search: the map beside the list, and the few touches htmx
   needs. The page works without this file (plain GET form, the list, no map). */
(function () {
  "use strict";

  var CELL_PIXELS = 60;
  var MAX_ZOOM = 18;
  var map = null;
  var markers = null;
  var root = null;
  var pending = null;
  var lastExtent = null;
  var restoring = false;

  function form() { return document.getElementById("search-form"); }
  function state() { return document.getElementById("search-state"); }

  function parseBox(text) {
    var parts = (text || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) return null;
    return L.latLngBounds([parts[1], parts[0]], [parts[3], parts[2]]);
  }

  function boxText(bounds) {
    function f(x) { return x.toFixed(4); }
    return [f(Math.max(bounds.getWest(), -180)), f(Math.max(bounds.getSouth(), -90)),
            f(Math.min(bounds.getEast(), 180)), f(Math.min(bounds.getNorth(), 90))].join(",");
  }

  function currentQuery() {
    var div = state();
    return div ? div.getAttribute("data-query") || "" : "";
  }

  /* The map's view lives in the URL (carte=lat,lon,zoom) so that going back to the
     search shows the same place; replaceState, so panning adds no history entries. */
  function saveView() {
    var c = map.getCenter();
    var value = c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom();
    var input = document.getElementById("id_carte");
    if (input) input.value = value;
    var url = new URL(window.location.href);
    url.searchParams.set("carte", value);
    window.history.replaceState(window.history.state, "", url.pathname + "?" + url.searchParams.toString());
  }

  function label(marker, text) {
    var el = marker.getElement();
    if (el) {
      el.setAttribute("aria-label", text);
      el.removeAttribute("title");
    }
  }

  function activate(marker, handler) {
    marker.on("click", handler);
    marker.on("keypress", function (event) {
      var key = event.originalEvent && event.originalEvent.key;
      if (key === "Enter" || key === " ") handler();
    });
  }

  function openCard(url) {
    var target = document.getElementById("map-card");
    htmx.ajax("GET", url, { target: target, swap: "innerHTML" }).then(function () {
      var heading = target.querySelector("[tabindex='-1']");
      if (heading) heading.focus();
    });
  }

  function cellDegrees() {
    return 360 / (256 * Math.pow(2, map.getZoom())) * CELL_PIXELS;
  }

  function render(data) {
    markers.clearLayers();
    data.clusters.forEach(function (c) {
      var count = c[2];
      var size = count < 10 ? "s" : count < 100 ? "m" : count < 1000 ? "l" : "xl";
      var marker = L.marker([c[0], c[1]], {
        keyboard: true,
        icon: L.divIcon({ className: "map-cluster map-cluster-" + size, html: "<span>" + count.toLocaleString("fr-FR") + "</span>", iconSize: null })
      }).addTo(markers);
      var stacked = c[3] === 1 || map.getZoom() >= MAX_ZOOM;
      label(marker, count.toLocaleString("fr-FR") + " établissements" + (stacked ? " au même endroit : afficher la liste" : " : zoomer sur ce groupe"));
      activate(marker, function () {
        if (stacked) {
          var d = cellDegrees() / 2;
          var box = [c[1] - d, c[0] - d, c[1] + d, c[0] + d].map(function (x) { return x.toFixed(5); }).join(",");
          var query = currentQuery();
          openCard(root.dataset.placeUrl + "?" + (query ? query + "&" : "") + "bbox=" + box);
        } else {
          map.setView([c[0], c[1]], Math.min(map.getZoom() + 2, MAX_ZOOM));
        }
      });
    });
    data.points.forEach(function (p) {
      var marker = L.marker([p[0], p[1]], {
        keyboard: true,
        icon: L.divIcon({ className: "map-point", html: "", iconSize: [16, 16] })
      }).addTo(markers);
      label(marker, p[3] + " : afficher la fiche");
      activate(marker, function () {
        openCard(root.dataset.cardUrl.replace(/0\/$/, p[2] + "/"));
      });
    });
    root.setAttribute("data-loaded", String(data.total));
  }

  function load() {
    if (!map) return;
    if (pending) pending.abort();
    pending = new AbortController();
    var query = currentQuery();
    var url = root.dataset.endpoint + "?" + (query ? query + "&" : "") +
      "bbox=" + boxText(map.getBounds()) + "&zoom=" + map.getZoom();
    root.setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        root.removeAttribute("aria-busy");
        if (data) render(data);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") root.removeAttribute("aria-busy");
      });
  }

  /* After a search, frame the territory chosen (if it changed) then reload the points. */
  function follow() {
    var div = state();
    if (!div || !map) return;
    var extent = div.getAttribute("data-extent");
    if (extent && extent !== lastExtent && !div.getAttribute("data-zone")) {
      var bounds = parseBox(extent);
      lastExtent = extent;
      var outside = bounds && !map.getBounds().contains(bounds);
      var tooFar = bounds && map.getZoom() < map.getBoundsZoom(bounds) - 2;
      if (outside || tooFar) {
        map.fitBounds(bounds);
        return; /* moveend reloads */
      }
    }
    lastExtent = extent;
    load();
  }

  function setup() {
    root = document.querySelector("[data-search-map]");
    if (!root || typeof L === "undefined") return;
    var canvas = root.querySelector(".search-map-canvas");
    if (map) {
      try { map.remove(); } catch (error) { /* its container went with the old page */ }
      map = null;
    }
    /* Hidden (a phone showing the list): built when first shown, at its real size. */
    if (!canvas.offsetWidth) return;
    canvas.innerHTML = "";
    map = L.map(canvas, { keyboard: true, minZoom: 3, maxZoom: MAX_ZOOM, zoomSnap: 1 });
    window.ESSOR.baseLayer(map, root.dataset.tileUrl,
      '<a href="https://www.openstreetmap.org/copyright">' + root.dataset.tileAttribution + "</a>");
    markers = L.layerGroup().addTo(map);

    var view = (document.getElementById("id_carte") || {}).value || "";
    var parts = view.split(",").map(Number);
    var div = state();
    lastExtent = div ? div.getAttribute("data-extent") : null;
    if (parts.length === 3 && !parts.some(isNaN)) {
      map.setView([parts[0], parts[1]], parts[2]);
    } else {
      map.fitBounds(parseBox(lastExtent) || L.latLngBounds([41.3, -5.2], [51.1, 9.6]));
    }
    map.on("moveend", function () { saveView(); load(); });
    saveView();
    load();

    var zone = root.querySelector("[data-map-zone]");
    zone.hidden = false;
    zone.addEventListener("click", function () {
      var input = document.getElementById("id_zone");
      if (!input) return;
      input.value = boxText(map.getBounds());
      var f = form();
      if (f.requestSubmit) f.requestSubmit(); else htmx.trigger(f, "submit");
    });
  }

  /* Phones: « Filtrer » shows the filters, which stay as they were across searches. */
  var facetsOpen = false;
  function setupFacets() {
    var button = document.querySelector(".facets-toggle");
    var panel = document.getElementById("search-facets-panel");
    if (!button || !panel) return;
    button.closest(".search-facets").classList.add("js-facets");
    button.hidden = false;
    button.setAttribute("aria-expanded", facetsOpen ? "true" : "false");
    panel.classList.toggle("is-open", facetsOpen);
    button.addEventListener("click", function () {
      facetsOpen = !facetsOpen;
      button.setAttribute("aria-expanded", facetsOpen ? "true" : "false");
      panel.classList.toggle("is-open", facetsOpen);
    });
  }

  /* Phones: the list or the map, one at a time. A map built hidden has no size: measure
     it again and frame the results when it is shown. */
  function setupViews() {
    var page = document.querySelector(".search-page");
    var toggle = document.querySelector(".view-toggle");
    if (!page || !toggle) return;
    page.classList.add("js-views", "showing-list");
    toggle.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-view]");
      if (!button) return;
      var showMap = button.getAttribute("data-view") === "map";
      page.classList.toggle("showing-map", showMap);
      page.classList.toggle("showing-list", !showMap);
      toggle.querySelectorAll("button[data-view]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      if (showMap && !map) setup();
      else if (showMap) map.invalidateSize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setupViews(); setupFacets(); setup(); });
  /* Back to a search pushed by htmx: it re-renders the page from the URL (hx-history
     is off), so the map is built again on the new content. */
  document.addEventListener("htmx:historyRestore", function () { restoring = true; setup(); restoring = false; });

  /* The criteria of a query string, without the map's view and empty fields, sorted. */
  function criteria(pairs) {
    var kept = [];
    pairs.forEach(function (value, key) {
      if (value !== "" && key !== "carte" && key !== "page") kept.push(key + "=" + value);
    });
    return kept.sort().join("&");
  }

  /* The query box fires "change" when it loses focus: do not search (and push a
     history entry) again for the criteria already shown. */
  document.addEventListener("htmx:configRequest", function (event) {
    var f = form();
    var div = state();
    if (!f || event.detail.elt !== f || !div) return;
    var asked = criteria(new FormData(f));
    if (asked === criteria(new URLSearchParams(div.getAttribute("data-query") || ""))) {
      event.preventDefault();
    }
  });

  /* The fragment lists errors with a 400: show them rather than keep stale results. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "search-dynamic" && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "search-dynamic") return;
    var summary = document.querySelector("[data-results-summary]");
    var status = document.getElementById("search-status");
    if (summary && status) status.textContent = summary.textContent.replace(/\s+/g, " ").trim();
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.hasAttribute && trigger.hasAttribute("data-focus-results") && summary) summary.focus();
    setupFacets();
    if (!restoring) follow();
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-close-card]");
    if (close) {
      document.getElementById("map-card").innerHTML = "";
      if (map) map.getContainer().focus();
    }
  });
})();
