// The interactive operational picture: every <div class="cop-map" data-src="..."> becomes
// a Leaflet map (served from /static/vendor). The base layer is the countries' shapes
// (data-land, GeoJSON), or the installation's tile server (data-tiles) when it has one;
// over it four layers that can be switched off: units and airfields (clustered where they
// overlap), crises and planned movements, each unit, airfield and crisis drawn as its
// APP-6 symbol by milsymbol. A symbol's label shows beside it when zoomed in, its details
// on a click (or Enter); a legend explains the layers. No inline script or style anywhere.
(function () {
  "use strict";

  var SIZE = { crises: 24, units: 18, airfields: 15 };

  // Leaflet puts a string given to a tooltip in as HTML: every label (a crisis's title,
  // an alert's area, a place typed by someone) goes in as text
  function text(s) {
    var span = document.createElement("span");
    span.textContent = s == null ? "" : String(s);
    return span;
  }

  function icon(sym) {
    var size = SIZE[sym.layer] || 16;
    if (typeof ms !== "undefined") {
      var s = new ms.Symbol(sym.sidc, { size: size });
      if (s.isValid()) {
        var anchor = s.getAnchor(), box = s.getSize();
        var el = document.createElement("span");
        el.className = "sym-svg";
        el.appendChild(s.asDOM());
        return { icon: L.divIcon({ html: el, className: "sym " + sym.layer + (sym.overdue ? " overdue" : ""),
                                    iconSize: [box.width, box.height],
                                    iconAnchor: [anchor.x, anchor.y] }), valid: true };
      }
    }
    return { icon: L.divIcon({ className: "sym fallback " + sym.layer, iconSize: [12, 12] }),
             valid: false };
  }

  function details(sym, labels) {
    var box = document.createElement("div");
    box.className = "cop-details";
    var title = document.createElement("strong");
    title.textContent = sym.label;
    box.appendChild(title);
    var dl = document.createElement("dl");
    (sym.details || []).forEach(function (pair) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = pair[0];
      dd.textContent = pair[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    if (sym.href) {
      var a = document.createElement("a");
      a.href = sym.href;
      a.textContent = labels.open;
      box.appendChild(a);
    }
    return box;
  }

  function legend(data) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "cop-legend");
      div.setAttribute("data-legend", "1");
      data.legend.forEach(function (item) {
        var row = document.createElement("div");
        var key = document.createElement("span");
        key.className = "key " + item[0];
        var text = document.createElement("span");
        text.textContent = item[1];
        row.appendChild(key);
        row.appendChild(text);
        div.appendChild(row);
      });
      return div;
    };
    return control;
  }

  // the zoom buttons, their tooltips in the page's language (the map's data-zoom-in and
  // data-zoom-out, which the template writes; Leaflet's own are English)
  function zoomButtons(el, map) {
    L.control.zoom({ zoomInTitle: el.getAttribute("data-zoom-in") || "Zoom in",
                     zoomOutTitle: el.getAttribute("data-zoom-out") || "Zoom out" }).addTo(map);
  }

  function build(el) {
    if (typeof L === "undefined" || el.getAttribute("data-ready")) { return; }
    el.setAttribute("data-ready", "loading");
    // a reader who asks for reduced motion gets the map without zoom and fade animations
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var map = L.map(el, { zoomSnap: 0.5, minZoom: 2, maxZoom: 12, worldCopyJump: false,
                         attributionControl: false, zoomAnimation: !still,
                         fadeAnimation: !still, markerZoomAnimation: !still,
                         zoomControl: false });
    zoomButtons(el, map);
    el.leafletMap = map;
    map.fitBounds([[34, 22], [60, 90]]);
    var tiles = el.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 12 }).addTo(map);
    } else {
      el.classList.add("no-tiles");
      fetch(el.getAttribute("data-land"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          L.geoJSON(geo, { interactive: false, style: { className: "land", weight: 0.6 } })
            .addTo(map).bringToBack();
          el.setAttribute("data-land-ready", "1");
        });
    }
    fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { draw(el, map, data); })
      .catch(function (err) {
        el.setAttribute("data-ready", "failed");
        el.setAttribute("data-error", String(err));
      });
  }

  function draw(el, map, data) {
    var layers = {
      units: L.markerClusterGroup({ maxClusterRadius: 30, showCoverageOnHover: false }),
      airfields: L.markerClusterGroup({ maxClusterRadius: 24, showCoverageOnHover: false,
                                        iconCreateFunction: function (c) {
                                          return L.divIcon({ html: "<span>" + c.getChildCount() + "</span>",
                                                             className: "cluster airfields", iconSize: [28, 28] });
                                        } }),
      crises: L.layerGroup(),
      movements: L.layerGroup()
    };
    var valid = 0, invalid = 0;
    if (data.areas && data.areas.features && data.areas.features.length) {
      // the areas of the crisis's CAP alert, under its symbol
      L.geoJSON(data.areas, { style: { className: "cap-area", weight: 1.5 } })
        .bindTooltip(function (layer) { return text(layer.feature.properties.area); })
        .addTo(layers.crises);
      el.setAttribute("data-areas", String(data.areas.features.length));
    }
    data.moves.forEach(function (m) {
      L.polyline([m.from, m.to], { className: "move " + m.mode + " " + m.status, weight: 2 })
        .bindTooltip(text(m.label), { sticky: true })
        .addTo(layers.movements);
    });
    data.symbols.forEach(function (sym) {
      var made = icon(sym);
      if (made.valid) { valid += 1; } else { invalid += 1; }
      var marker = L.marker([sym.lat, sym.lon], { icon: made.icon, title: sym.label,
                                                  alt: sym.label, keyboard: true,
                                                  riseOnHover: true });
      marker.bindTooltip(text(sym.label), { permanent: true, direction: "right", offset: [10, 0],
                                      className: "lbl " + sym.layer });
      marker.bindPopup(details(sym, data.labels));
      marker.addTo(layers[sym.layer]);
    });
    var overlays = {};
    Object.keys(layers).forEach(function (k) {
      layers[k].addTo(map);
      overlays[data.layers[k]] = layers[k];
    });
    var switcher = L.control.layers(null, overlays, { collapsed: window.innerWidth < 700 })
      .addTo(map);
    // the button that opens the folded list of layers: its tooltip in the page's language
    var toggle = switcher.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (toggle && el.getAttribute("data-layers-title")) {
      toggle.title = el.getAttribute("data-layers-title");
      toggle.setAttribute("aria-label", toggle.title);
    }
    L.control.scale({ imperial: false }).addTo(map);
    legend(data).addTo(map);
    function labels() {
      el.classList.toggle("labels-all", map.getZoom() >= 7);
    }
    map.on("zoomend", labels);
    map.fitBounds(data.frame);
    labels();
    el.setAttribute("data-symbols", String(valid));
    el.setAttribute("data-invalid", String(invalid));
    el.setAttribute("data-moves", String(data.moves.length));
    el.setAttribute("data-ready", "1");
  }

  function start(root) {
    root.querySelectorAll(".cop-map[data-src]").forEach(build);
  }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  // a live part of a page replaced (the crisis room's place, when a CAP Update moves it):
  // the map it held is let go (its listeners and requests), the new one built
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var el = e.target;
    if (el.classList && el.classList.contains("cop-map") && el.leafletMap) {
      el.leafletMap.remove();
      el.leafletMap = null;
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) { start(e.target); });
})();

// Choosing a place in a form: a place or airfield of the list (the input's datalist) or
// a click on the form's small map fills the form's latitude and longitude, and the map
// shows the point.
(function () {
  "use strict";

  function fieldset(el) { return el.closest("[data-place-picker]"); }

  function setPoint(box, lat, lon, name) {
    box.querySelector("input[name=lat]").value = lat.toFixed(4);
    box.querySelector("input[name=lon]").value = lon.toFixed(4);
    if (name !== undefined) { box.querySelector("input[name=place]").value = name; }
    var mapEl = box.querySelector(".pick-map");
    var map = mapEl && mapEl.leafletMap;
    if (map) {
      if (mapEl.pickMarker) { mapEl.pickMarker.setLatLng([lat, lon]); }
      else { mapEl.pickMarker = L.circleMarker([lat, lon], { radius: 8, className: "picked" }).addTo(map); }
      mapEl.setAttribute("data-picked", lat.toFixed(4) + "," + lon.toFixed(4));
    }
  }

  function fromList(input) {
    var box = fieldset(input);
    var list = document.getElementById(input.getAttribute("list"));
    if (!box || !list) { return; }
    var want = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(list.options, function (o) {
      if (o.value.toLowerCase() === want) {
        setPoint(box, parseFloat(o.getAttribute("data-lat")), parseFloat(o.getAttribute("data-lon")));
      }
    });
  }

  function build(el) {
    if (typeof L === "undefined" || el.leafletMap) { return; }
    var map = L.map(el, { minZoom: 2, maxZoom: 12, attributionControl: false,
                          zoomControl: false });
    L.control.zoom({ zoomInTitle: el.getAttribute("data-zoom-in") || "Zoom in",
                     zoomOutTitle: el.getAttribute("data-zoom-out") || "Zoom out" }).addTo(map);
    el.leafletMap = map;
    map.fitBounds([[34, 22], [60, 90]]);
    var tiles = el.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 12 }).addTo(map);
    } else {
      fetch(el.getAttribute("data-land"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          L.geoJSON(geo, { interactive: false, style: { className: "land", weight: 0.6 } }).addTo(map);
          el.setAttribute("data-land-ready", "1");
        });
    }
    var box = fieldset(el);
    var list = box && box.querySelector("datalist");
    if (list) {
      Array.prototype.forEach.call(list.options, function (o) {
        var lat = parseFloat(o.getAttribute("data-lat")), lon = parseFloat(o.getAttribute("data-lon"));
        L.circleMarker([lat, lon], { radius: 5, className: "place" })
          .bindTooltip(document.createTextNode(o.value))
          .on("click", function (e) { L.DomEvent.stopPropagation(e); setPoint(box, lat, lon, o.value); })
          .addTo(map);
      });
    }
    map.on("click", function (e) { setPoint(box, e.latlng.lat, e.latlng.lng); });
    var lat = parseFloat(box.querySelector("input[name=lat]").value);
    var lon = parseFloat(box.querySelector("input[name=lon]").value);
    if (!isNaN(lat) && !isNaN(lon)) { setPoint(box, lat, lon); }
    el.setAttribute("data-ready", "1");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".pick-map[data-pick]").forEach(build);
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-place-picker] input[name=place]")) { fromList(e.target); }
  });
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("[data-place-picker] input[name=place]")) { fromList(e.target); }
  });
})();
