/* histgraph network viewer (Cytoscape.js).
 *
 * Renders every element with class "hg-network": reads the JSON at its
 * data-src (/network.json, or /network.json?focus=IRI&depth=1 on entity pages),
 * draws nodes by kind and modality, and opens a node's page on click. A form
 * with data-for="<element id>" filters by kind and modality. No data and no
 * code are inline in the page (the Content-Security-Policy forbids it).
 */
(function () {
  "use strict";

  // Above this many nodes: a fast, deterministic layout and lighter drawing.
  var LARGE = 400;
  // Mirrors the modality colours of histgraph.css.
  var MODALITY_COLORS = {
    reported: "#2e6b3a", planned: "#8a5a00", proposed: "#3b4fa0",
    requested: "#7a2f7a", asked: "#0d6e76", conditional: "#6b6b6b", none: "#555555"
  };

  function shorten(text, limit) {
    return text.length <= limit ? text : text.slice(0, limit - 1).trim() + "\u2026";
  }

  function elementsOf(data) {
    var elements = [];
    data.nodes.forEach(function (n) {
      var style = data.styles[n.kind] || { color: "#777", shape: "ellipse" };
      elements.push({
        group: "nodes",
        data: {
          id: n.id, label: n.label, short: shorten(n.label, 38), kind: n.kind,
          modality: n.modality || "none", href: n.href || "", origin: n.origin || "",
          color: style.color, shape: style.shape, legend: style.legend || n.kind,
          according: (n.according_to || []).map(function (a) { return a.label; }).join("; ")
        }
      });
    });
    data.edges.forEach(function (e) {
      elements.push({
        group: "edges",
        data: { id: e.id, source: e.source, target: e.target, label: e.label,
                relation: e.relation, modality: e.modality || "none",
                facts: (e.facts || []).map(function (f) { return f.label; }),
                // fact_count: the actors' view names only the first few facts of a tie.
                count: e.fact_count || (e.facts || []).length,
                weight: Math.max(1, e.fact_count || (e.facts || []).length) }
      });
    });
    return elements;
  }

  function styleSheet(large, focused, actors) {
    var intended = 'node[modality != "reported"][modality != "none"]';
    var intendedEdge = 'edge[modality != "reported"][modality != "none"]';
    return [
      { selector: "node", style: {
        "background-color": "data(color)", "shape": "data(shape)", "label": "data(short)",
        "width": large ? 12 : 22, "height": large ? 12 : 22, "border-width": large ? 1 : 2, "border-color": "data(color)",
        "font-family": "system-ui, sans-serif", "font-size": 9, "color": "#1d232a",
        "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "wrap", "text-max-width": 120,
        "text-background-color": "#fbfaf7", "text-background-opacity": 0.75, "text-background-padding": 1,
        "min-zoomed-font-size": focused ? 0 : large ? 10 : 5
      } },
      { selector: intended, style: {
        "background-opacity": 0.25, "border-style": "dashed", "border-width": 2.5,
        "font-style": "italic"
      } },
      { selector: 'node[origin = "other sources"]', style: { "border-style": "double", "border-width": 5 } },
      { selector: "node.focus", style: { "width": 36, "height": 36, "border-width": 4, "font-size": 11, "font-weight": "bold" } },
      { selector: "node.hover", style: { "underlay-color": "#ffc94a", "underlay-opacity": 0.6, "underlay-padding": 6, "z-index": 10 } },
      { selector: "edge", style: {
        "width": 1.2, "curve-style": large ? "haystack" : "bezier", "line-color": "#9aa3ad",
        "target-arrow-shape": large ? "none" : "triangle", "target-arrow-color": "#9aa3ad", "arrow-scale": 0.7,
        "label": large ? "" : "data(label)", "font-size": 7, "color": "#4b5560",
        "font-family": "system-ui, sans-serif", "text-rotation": "autorotate",
        "text-background-color": "#fbfaf7", "text-background-opacity": 0.8, "min-zoomed-font-size": 6
      } },
      { selector: intendedEdge, style: { "line-style": "dashed", "line-dash-pattern": [5, 3] } },
      // Who dealt with whom: a line's width says how many things tie the pair; what they are is
      // read by pointing at it (and in the table), since a label per line would cover the picture.
      { selector: actors ? "edge" : "edge.never", style: {
        "label": "", "target-arrow-shape": "none", "curve-style": "straight",
        "width": "mapData(weight, 1, 10, 1.2, 7)", "line-color": "#7d8894"
      } },
      { selector: actors ? "node" : "node.never", style: { "font-size": 11, "width": 26, "height": 26, "text-max-width": 140 } },
      { selector: "edge.hover", style: { "width": 2.5, "line-color": "#c98a00", "target-arrow-color": "#c98a00", "z-index": 10 } },
      { selector: ".hidden", style: { "display": "none" } }
    ];
  }

  function layoutFor(cy, focus, large, actors) {
    if (focus) {
      return { name: "concentric", animate: false, fit: true, padding: 30, minNodeSpacing: 30,
               concentric: function (n) { return n.id() === focus ? 2 : 1; },
               levelWidth: function () { return 1; } };
    }
    if (large) {
      // cose is quadratic; rings by degree stay readable (hubs in the middle) at thousands of nodes.
      return { name: "concentric", animate: false, fit: true, padding: 20, minNodeSpacing: 2,
               concentric: function (n) { return n.degree(); },
               levelWidth: function () { return Math.max(1, cy.nodes().maxDegree() / 8); } };
    }
    return { name: "cose", animate: false, fit: true, padding: 30, randomize: true,
             // Actors are few and their names long: give them room.
             nodeRepulsion: function () { return actors ? 120000 : 40000; },
             idealEdgeLength: function () { return actors ? 130 : 55; },
             edgeElasticity: function () { return 100; }, nodeOverlap: 20, componentSpacing: 50,
             gravity: 0.5, numIter: 2500 };
  }

  function text(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (className) { el.className = className; }
    return el;
  }

  function showDetails(panel, item) {
    if (!panel) { return; }
    panel.replaceChildren();
    var d = item.data();
    if (item.isNode()) {
      panel.appendChild(text("p", d.legend, "kind"));
      panel.appendChild(text("h3", d.label));
      if (d.modality !== "none") {
        panel.appendChild(text("span", d.modality, "modality modality-" + d.modality));
      }
      if (d.according) { panel.appendChild(text("p", "According to " + d.according + ".")); }
      if (d.origin === "other sources") { panel.appendChild(text("p", "Recorded by other sources, not by the archive's documents.")); }
      panel.appendChild(text("p", d.href ? "Click the node to open its page." : d.id, "hint"));
    } else {
      var src = item.source().data("label"), tgt = item.target().data("label");
      panel.appendChild(text("p", "relation", "kind"));
      panel.appendChild(text("h3", src + " \u2014 " + d.label + " \u2192 " + tgt));
      if (d.modality !== "none") {
        panel.appendChild(text("span", d.modality, "modality modality-" + d.modality));
      }
      if (d.facts && d.facts.length) {
        var list = document.createElement("ul");
        d.facts.forEach(function (f) { list.appendChild(text("li", f)); });
        panel.appendChild(text("p", "What ties them (" + (d.count || d.facts.length) + "):"));
        panel.appendChild(list);
      } else {
        panel.appendChild(text("p", d.relation, "hint"));
      }
    }
  }

  function applyFilters(el, cy, form) {
    var kinds = {}, modalities = {}, allModalities = true;
    form.querySelectorAll('input[name="kind"]').forEach(function (box) { kinds[box.value] = box.checked; });
    form.querySelectorAll('input[name="modality"]').forEach(function (box) {
      modalities[box.value] = box.checked;
      if (!box.checked) { allModalities = false; }
    });
    if (el.dataset.view === "actors" && !el.dataset.focus) {
      // Actors only: a line shows when its modality is on and both its actors' kinds are;
      // with a modality filtered out, an actor left without lines is hidden too.
      cy.batch(function () {
        cy.nodes().forEach(function (n) { n.toggleClass("hidden", !kinds[n.data("kind")]); });
        cy.edges().forEach(function (e) {
          var m = e.data("modality");
          e.toggleClass("hidden", e.source().hasClass("hidden") || e.target().hasClass("hidden") ||
                        !(m === "none" || modalities[m]));
        });
        if (!allModalities) {
          cy.nodes().forEach(function (n) {
            if (!n.connectedEdges().some(function (e) { return !e.hasClass("hidden"); })) { n.addClass("hidden"); }
          });
        }
      });
      publish(el, cy);
      return;
    }
    cy.batch(function () {
      // Facts (they have a modality) show when their kind and modality are on.
      cy.nodes().forEach(function (n) {
        var m = n.data("modality");
        if (m !== "none") { n.toggleClass("hidden", !(kinds[n.data("kind")] && modalities[m])); }
      });
      // People, places and works show with the facts they belong to, or all of them
      // when no modality is filtered out.
      cy.nodes('[modality = "none"]').forEach(function (n) {
        var show = kinds[n.data("kind")] && (allModalities ||
          n.neighborhood("node").some(function (o) { return o.data("modality") !== "none" && !o.hasClass("hidden"); }));
        n.toggleClass("hidden", !show);
      });
      cy.edges().forEach(function (e) {
        var m = e.data("modality");
        var show = !e.source().hasClass("hidden") && !e.target().hasClass("hidden") && (m === "none" || modalities[m]);
        e.toggleClass("hidden", !show);
      });
    });
    publish(el, cy);
  }

  function publish(el, cy) {
    el.dataset.visibleNodes = String(cy.nodes().not(".hidden").length);
    el.dataset.visibleEdges = String(cy.edges().not(".hidden").length);
  }

  function wireForm(el, cy) {
    if (!el.id) { return; }
    var form = document.querySelector('form[data-for="' + el.id + '"]');
    if (!form) { return; }
    form.querySelectorAll(".swatch[data-color]").forEach(function (s) { s.style.backgroundColor = s.dataset.color; });
    form.addEventListener("change", function () { applyFilters(el, cy, form); });
    form.addEventListener("reset", function () { setTimeout(function () { applyFilters(el, cy, form); }, 0); });
    form.querySelectorAll("button[data-modalities]").forEach(function (button) {
      button.addEventListener("click", function () {
        var wanted = button.dataset.modalities.split(" ");
        form.querySelectorAll('input[name="modality"]').forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
        applyFilters(el, cy, form);
      });
    });
  }

  function render(el, data) {
    var large = data.nodes.length > LARGE;
    var focus = data.focus || el.dataset.focus || null;
    var cy = cytoscape({
      container: el,
      elements: elementsOf(data),
      // A neighbourhood is small: keep its names even when it is fitted into a small box.
      style: styleSheet(large, Boolean(focus), data.view === "actors" && !focus),
      minZoom: large ? 0.005 : 0.05, maxZoom: 4,
      textureOnViewport: large, hideEdgesOnViewport: large, pixelRatio: large ? 1 : "auto"
    });
    if (focus) { cy.getElementById(focus).addClass("focus"); }
    cy.layout(layoutFor(cy, focus, large, data.view === "actors" && !focus)).run();
    var panel = el.dataset.details ? document.getElementById(el.dataset.details) : null;
    cy.on("mouseover", "node, edge", function (evt) { evt.target.addClass("hover"); showDetails(panel, evt.target); });
    cy.on("mouseout", "node, edge", function (evt) { evt.target.removeClass("hover"); });
    cy.on("tap", "node", function (evt) {
      var href = evt.target.data("href");
      if (href && href !== window.location.pathname) { window.location.assign(href); }
    });
    el.hgCy = cy;
    el.dataset.totalNodes = String(data.nodes.length);
    el.dataset.totalEdges = String(data.edges.length);
    publish(el, cy);
    wireForm(el, cy);
    el.dataset.state = "ready";
  }

  function fail(el, message) {
    el.dataset.state = "failed";
    el.replaceChildren(text("p", "The network could not be drawn: " + message, "hg-network-error"));
  }

  function init(el) {
    // A neighbourhood is drawn as rings: it needs some height to be legible wherever it is embedded.
    if (el.clientHeight < 420) { el.style.height = "420px"; }
    if (typeof cytoscape === "undefined") { fail(el, "the Cytoscape.js library did not load."); return; }
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        if (!data.nodes.length) {
          el.dataset.state = "empty";
          el.style.height = "auto";
          el.replaceChildren(text("p", "Nothing to draw here: " + (data.note || "no relations."), "hint"));
          return;
        }
        render(el, data);
      })
      .catch(function (err) { fail(el, err.message); });
  }

  // Sortable tables (table.sortable): a button in each header sorts by that column, and says so (aria-sort).
  function sortTable(table, column, numeric, header) {
    var body = table.tBodies[0];
    var current = header.getAttribute("aria-sort");
    var descending = current === "ascending" || (current === "none" && numeric);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.value || a.cells[column].textContent;
      var y = b.cells[column].dataset.value || b.cells[column].textContent;
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th[aria-sort]").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function wireTables() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      table.querySelectorAll("th button[data-sort]").forEach(function (button) {
        button.addEventListener("click", function () {
          sortTable(table, Number(button.dataset.sort), button.dataset.numeric === "true", button.closest("th"));
        });
      });
    });
  }

  function start() {
    wireTables();
    document.querySelectorAll(".hg-network[data-src]").forEach(function (el) {
      // A picture that names its library (data-libraries) waits until it comes into view.
      if (el.hasAttribute("data-libraries") && window.histgraphLibraries) {
        window.histgraphLibraries.whenVisible(el, init);
      } else {
        init(el);
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
