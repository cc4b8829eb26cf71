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

  // the legend: a fold of its own, open where the map is wide; on a phone's narrow map it
  // would hide half of it, so it starts folded (a tap on its title opens it)
  function legend(el, data) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = L.DomUtil.create("details", "cop-legend");
      box.setAttribute("data-legend", "1");
      box.open = el.clientWidth >= 700;
      var title = document.createElement("summary");
      title.textContent = el.getAttribute("data-legend-title") || "Legend";
      box.appendChild(title);
      data.legend.forEach(function (item) {
        var row = document.createElement("div");
        var key = document.createElement("span");
        key.className = "key " + item[0];
        var text = document.createElement("span");
        text.textContent = item[1];
        row.appendChild(key);
        row.appendChild(text);
        box.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  // the scale bar in the page's language (Leaflet writes "km" and "m")
  function scaleBar(el) {
    var bar = L.control.scale({ imperial: false });
    var km = el.getAttribute("data-km") || "km", m = el.getAttribute("data-m") || "m";
    bar._updateMetric = function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var text = meters < 1000 ? meters + " " + m : (meters / 1000) + " " + km;
      this._updateScale(this._mScale, text, meters / maxMeters);
    };
    return bar;
  }

  // On a touch screen a map inside a page does not catch the finger that scrolls the
  // page past it: one finger scrolls, two fingers move and zoom the map (a tap still
  // opens a symbol or picks a place), and a line on the map says so. A page that is the
  // map (data-drag) keeps one-finger dragging.
  function cooperative(el) {
    return !el.hasAttribute("data-drag") && !!window.matchMedia &&
      window.matchMedia("(pointer: coarse)").matches;
  }

  function touchHint(el, map) {
    if (!el.getAttribute("data-touch-hint")) { return; }
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var note = L.DomUtil.create("div", "cop-hint");
      note.textContent = el.getAttribute("data-touch-hint");
      return note;
    };
    control.addTo(map);
    el.setAttribute("data-cooperative", "1");
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
    var coop = cooperative(el);
    var map = L.map(el, { zoomSnap: 0.5, minZoom: 2, maxZoom: 12, worldCopyJump: false,
                         attributionControl: false, zoomAnimation: !still,
                         fadeAnimation: !still, markerZoomAnimation: !still,
                         zoomControl: false, dragging: !coop });
    zoomButtons(el, map);
    if (coop) { touchHint(el, map); }
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

  // Labels never cover one another: in order of weight (the crises', then the units',
  // then the airfields'), a label that would cover one already shown is left out until a
  // closer zoom parts them; its symbol keeps its name (its title and its details).
  var WEIGHT = ["crises", "units", "airfields"];
  function declutter(el) {
    var all = Array.prototype.slice.call(el.querySelectorAll(".leaflet-tooltip.lbl"));
    // every box read before any class is changed: reading one after a change would
    // make the browser lay the page out again for each label
    var boxes = all.map(function (n) { return n.getBoundingClientRect(); });
    var shown = [], hidden = all.map(function () { return false; }), covered = 0;
    WEIGHT.forEach(function (layer) {
      all.forEach(function (n, i) {
        if (!n.classList.contains(layer)) { return; }
        var r = boxes[i];
        if (!r.width || !r.height) { return; }  // not shown at this zoom
        var hit = shown.some(function (s) {
          return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
        });
        if (hit) { hidden[i] = true; covered += 1; } else { shown.push(r); }
      });
    });
    all.forEach(function (n, i) { n.classList.toggle("covered", hidden[i]); });
    el.setAttribute("data-labels-shown", String(shown.length));
    el.setAttribute("data-labels-covered", String(covered));
  }

  function draw(el, map, data) {
    // a cluster of symbols is a button of the keyboard: it says what it holds (the
    // template's data-cluster, "#" the number), not a bare number
    function clusterName(n) {
      var said = (el.getAttribute("data-cluster") || "#").replace("#", String(n));
      return '<span aria-hidden="true">' + n + '</span><span class="visually-hidden">' +
        said + "</span>";
    }
    var layers = {
      units: L.markerClusterGroup({ maxClusterRadius: 30, showCoverageOnHover: false,
                                    iconCreateFunction: function (c) {
                                      var n = c.getChildCount();
                                      var size = n < 10 ? "small" : (n < 100 ? "medium" : "large");
                                      return L.divIcon({ html: "<div>" + clusterName(n) + "</div>",
                                                         className: "marker-cluster marker-cluster-" + size,
                                                         iconSize: [40, 40] });
                                    } }),
      airfields: L.markerClusterGroup({ maxClusterRadius: 24, showCoverageOnHover: false,
                                        iconCreateFunction: function (c) {
                                          return L.divIcon({ html: clusterName(c.getChildCount()),
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
      // by air from a garrison without an airfield: by ground to where it boards first;
      // to a place without one: by ground from where its aircraft land (each leg drawn
      // as what it is)
      var legs = [];
      if (m.via) { legs.push(["road", [m.from, m.via]]); }
      legs.push([m.mode, [m.via || m.from, m.land || m.to]]);
      if (m.land) { legs.push(["road", [m.land, m.to]]); }
      legs.forEach(function (leg) {
        var line = L.polyline(leg[1], { className: "move " + leg[0] + " " + m.status, weight: 2 })
          .bindTooltip(text(m.label), { sticky: true });
        // the keyboard reaches the line (its tooltip opens on focus): a screen reader
        // says which movement it is
        line.on("add", function () {
          var path = line.getElement();
          if (path) {
            path.setAttribute("role", "img");
            path.setAttribute("aria-label", String(m.label == null ? "" : m.label));
          }
        });
        line.addTo(layers.movements);
      });
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
    scaleBar(el).addTo(map);
    legend(el, data).addTo(map);
    function labels() {
      el.classList.toggle("labels-all", map.getZoom() >= 7);
      soon();
    }
    var pending = false;
    function soon() {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; declutter(el); });
    }
    map.on("zoomend", labels);
    map.on("moveend overlayadd overlayremove", soon);
    layers.units.on("animationend", soon);
    layers.airfields.on("animationend", soon);
    frame(el, map, data);
    labels();
    el.setAttribute("data-symbols", String(valid));
    el.setAttribute("data-invalid", String(invalid));
    el.setAttribute("data-moves", String(data.moves.length));
    el.setAttribute("data-ready", "1");
  }

  // A map that a live update replaces (the crisis room's place, on every change of the
  // crisis) keeps the view its reader chose (zoomed or moved), by the map's id, while
  // the crisis's place is still in it; a place that moved out of it is shown in the new
  // map's frame, and the page says so (the map's data-news: a live region beside it).
  var kept = {};

  function keep(el, map) {
    var framed = el.framed;
    kept[el.id] = { center: map.getCenter(), zoom: map.getZoom(), bounds: map.getBounds(),
                    chosen: el.viewChosen || !framed || map.getZoom() !== framed.zoom ||
                      !map.getCenter().equals(framed.center, 1e-6) };
  }

  // the crisis's place: its symbol, or the middle of its alert's areas
  function placeOf(data) {
    var crisis = data.symbols.filter(function (sym) { return sym.layer === "crises"; })[0];
    if (crisis) { return L.latLng(crisis.lat, crisis.lon); }
    if (data.areas && data.areas.features && data.areas.features.length) {
      return L.geoJSON(data.areas).getBounds().getCenter();
    }
    return null;
  }

  function frame(el, map, data) {
    var before = el.id && kept[el.id], place = placeOf(data);
    delete kept[el.id];
    if (before && before.chosen && place && before.bounds.contains(place)) {
      map.setView(before.center, before.zoom, { animate: false });
      el.viewChosen = true;
      return;
    }
    map.fitBounds(data.frame, { animate: false });
    el.framed = { center: map.getCenter(), zoom: map.getZoom() };
    var news = document.getElementById(el.getAttribute("data-news") || "");
    if (before && place && news && !before.bounds.contains(place)) {
      news.textContent = "";  // (the same words again are said again)
      setTimeout(function () { news.textContent = news.getAttribute("data-moved"); }, 100);
    }
  }

  function start(root) {
    root.querySelectorAll(".cop-map[data-src]").forEach(build);
  }
  // (shared with the place picker below)
  window.cop = { cooperative: cooperative, touchHint: touchHint, scaleBar: scaleBar };
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  // a live part of a page replaced (the crisis room's place, when a CAP Update moves it):
  // the map it held is let go (its listeners and requests), the new one built
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var el = e.target;
    if (el.classList && el.classList.contains("cop-map") && el.leafletMap) {
      if (el.id && el.getAttribute("data-ready") === "1") { keep(el, el.leafletMap); }
      el.leafletMap.remove();
      el.leafletMap = null;
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    start(e.target);
    Object.keys(kept).forEach(function (id) {  // a map the update took away keeps nothing
      if (!document.getElementById(id)) { delete kept[id]; }
    });
  });
})();

// Choosing a place in a form: a place or airfield of the list (the input's datalist) or
// a click on the form's small map fills the form's latitude and longitude, and the map
// shows the point; coordinates typed in the form (a decimal comma too) stay as typed and
// move the point.
(function () {
  "use strict";

  function fieldset(el) { return el.closest("[data-place-picker]"); }

  // a coordinate as typed, with a decimal point or comma ("44,17"); NaN when it is not
  // a number
  function degrees(text) {
    var t = String(text || "").trim().replace(",", ".");
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
  }

  // `typed`: the point comes from the form's own fields, which keep what was written
  function setPoint(box, lat, lon, name, typed) {
    if (!typed) {
      box.querySelector("input[name=lat]").value = lat.toFixed(4);
      box.querySelector("input[name=lon]").value = lon.toFixed(4);
    }
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
    var coop = window.cop.cooperative(el);
    var map = L.map(el, { minZoom: 2, maxZoom: 12, attributionControl: false,
                          zoomControl: false, dragging: !coop });
    L.control.zoom({ zoomInTitle: el.getAttribute("data-zoom-in") || "Zoom in",
                     zoomOutTitle: el.getAttribute("data-zoom-out") || "Zoom out" }).addTo(map);
    if (coop) { window.cop.touchHint(el, map); }
    window.cop.scaleBar(el).addTo(map);
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
    fromFields(box);
    el.setAttribute("data-ready", "1");
  }

  function fromFields(box) {
    var lat = degrees(box.querySelector("input[name=lat]").value);
    var lon = degrees(box.querySelector("input[name=lon]").value);
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) { setPoint(box, lat, lon, undefined, true); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".pick-map[data-pick]").forEach(build);
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-place-picker] input[name=place]")) { fromList(e.target); }
  });
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("[data-place-picker] input[name=place]")) { fromList(e.target); }
    var typed = "[data-place-picker] input[name=lat], [data-place-picker] input[name=lon]";
    if (e.target.matches && e.target.matches(typed)) {
      fromFields(fieldset(e.target));
    }
  });
})();
