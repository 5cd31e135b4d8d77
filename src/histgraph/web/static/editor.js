/* The SPARQL editor page: YASGUI pointed at this site's /sparql, with the project's
 * prefixes and named queries. Data comes from the JSON at #yasgui[data-config],
 * since the Content-Security-Policy forbids inline scripts.
 *
 * YASGUI (1.1 MB) is loaded by lazy-libraries.js once the editor is in view.
 * On top of it:
 * - errors: the endpoint answers a bad query with JSON {message: "Unexpected 'x' at
 *   line 2, column 5; …"}; that sentence is shown (not the raw answer), and the line
 *   is marked in the editor;
 * - results: IRIs are shown by their label (asked of /editor/labels for the whole
 *   answer) and link to their page on this site; literals are shown as their value
 *   (154, not "154"^^xsd:integer), with a language tag kept as lang.
 * Every value is set as text or escaped, never inserted as HTML from the answer.
 */
(function () {
  "use strict";

  var root = document.getElementById("yasgui");
  if (!root || !window.histgraphLibraries) {
    return;
  }

  // IRI -> {label, href} once asked; null while asked and not answered.
  var known = {};

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function isWebLink(href) {
    return /^(https?:\/\/|\/(?!\/))/.test(href || "");
  }

  function shortIri(iri, prefixes) {
    for (var prefix in prefixes) {
      var ns = prefixes[prefix];
      if (ns && iri.indexOf(ns) === 0 && iri.length > ns.length) { return prefix + ":" + iri.slice(ns.length); }
    }
    return "<" + iri + ">";
  }

  function iriCell(iri, prefixes) {
    var entry = known[iri];
    var text = entry && entry.label ? entry.label : shortIri(iri, prefixes);
    var href = entry ? entry.href : (isWebLink(iri) ? iri : null);
    var title = escapeHtml(iri);
    if (href && isWebLink(href)) {
      return "<a class=\"hg-iri\" href=\"" + escapeHtml(href) + "\" title=\"" + title + "\">" + escapeHtml(text) + "</a>";
    }
    return "<span class=\"hg-iri\" title=\"" + title + "\">" + escapeHtml(text) + "</span>";
  }

  function literalCell(binding) {
    var value = escapeHtml(binding.value);
    var lang = binding["xml:lang"];
    if (lang) {
      return "<span lang=\"" + escapeHtml(lang) + "\">" + value + "</span> <span class=\"hg-lang\">" + escapeHtml(lang) + "</span>";
    }
    return "<span class=\"hg-literal\">" + value + "</span>";
  }

  function cellContent(binding, prefixes) {
    if (!binding) { return ""; }
    var inner = binding.type === "uri" ? iriCell(binding.value, prefixes || {})
      : binding.type === "bnode" ? "<span class=\"hg-bnode\">_:" + escapeHtml(binding.value) + "</span>"
      : literalCell(binding);
    return "<div>" + inner + "</div>";
  }

  function unlabelled(yasr) {
    var bindings = (yasr.results && yasr.results.getBindings && yasr.results.getBindings()) || [];
    var iris = {};
    bindings.forEach(function (row) {
      Object.keys(row).forEach(function (name) {
        var b = row[name];
        if (b && b.type === "uri" && !(b.value in known)) { iris[b.value] = true; }
      });
    });
    return Object.keys(iris);
  }

  // After each drawing, ask for the labels this answer still lacks, then draw it again with them.
  function labelResults(yasr) {
    var iris = unlabelled(yasr);
    if (!iris.length) { return; }
    iris.forEach(function (iri) { known[iri] = null; });
    fetch(root.getAttribute("data-labels"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ iris: iris.slice(0, 5000) })
    })
      .then(function (response) { return response.ok ? response.json() : { labels: {} }; })
      .then(function (data) {
        iris.forEach(function (iri) { known[iri] = data.labels[iri] || { label: null, href: null }; });
        root.setAttribute("data-labelled", "true");
        yasr.draw();
      })
      .catch(function () {
        iris.forEach(function (iri) { known[iri] = { label: null, href: null }; });
      });
  }

  function errorOf(error) {
    // The endpoint's JSON error {message, status}; anything else (a proxy's page) is not shown as source.
    try {
      var body = JSON.parse(error.text || "");
      if (body && body.message) { return { message: body.message, status: body.status || error.status }; }
    } catch (ignored) { /* not JSON */ }
    if (error.status) {
      return { message: "The endpoint answered " + error.status + (error.statusText ? " " + error.statusText : "") + ".",
               status: error.status };
    }
    return { message: "The endpoint could not be reached; check your connection and try again.", status: null };
  }

  function renderError(yasgui) {
    return function (error) {
      var found = errorOf(error);
      var message = found.message;
      var box = document.createElement("div");
      box.className = "hg-query-error";
      box.setAttribute("role", "alert");
      var lead = document.createElement("strong");
      lead.textContent = found.status === 400 ? "The query was not run. " : "The query failed. ";
      box.appendChild(lead);
      box.appendChild(document.createTextNode(message));
      markLine(yasgui, message);
      return Promise.resolve(box);
    };
  }

  function markLine(yasgui, message) {
    var where = /line (\d+), column (\d+)/.exec(message);
    var tab = yasgui.getTab();
    var yasqe = tab && tab.getYasqe && tab.getYasqe();
    if (!where || !yasqe || !yasqe.addLineClass) { return; }
    var line = parseInt(where[1], 10) - 1;
    yasqe.addLineClass(line, "background", "hg-error-line");
    var unmark = function () {
      yasqe.removeLineClass(line, "background", "hg-error-line");
      yasqe.off("change", unmark);
    };
    yasqe.on("change", unmark);
  }

  // YASGUI's own controls, made accessible: names for its fields, no "add tab" button
  // inside the list of tabs (a tablist may hold only tabs).
  function tidy() {
    root.querySelectorAll(".autocompleteWrapper input, input.autocomplete").forEach(function (input) {
      input.setAttribute("aria-label", "SPARQL endpoint URL");
    });
    root.querySelectorAll(".CodeMirror textarea").forEach(function (area) {
      area.setAttribute("aria-label", "SPARQL query");
    });
  }

  function start(config) {
    Yasgui.Yasqe.defaults.value = config.starter;
    Yasgui.Yasr.defaults.errorRenderers = [];
    Yasgui.Yasr.defaults.prefixes = config.prefixes;
    var table = Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
    if (table && table.prototype) {
      table.prototype.getCellContent = cellContent;
    }
    var yasgui = new Yasgui(root, {
      requestConfig: { endpoint: config.endpoint, method: "POST",
                       acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9" },
      copyEndpointOnNewTab: false,
      // Always open on this site's endpoint and our starter query, not a stale saved state.
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
      // Lines wrap (no sideways scrolling on a phone); the page keeps the focus, so its skip link comes first.
      yasqe: { value: config.starter, lineWrapping: true, autofocus: false },
      yasr: { errorRenderers: [], prefixes: config.prefixes }
    });
    var tab = yasgui.getTab();
    if (tab && !tab.getQuery().trim()) {
      tab.setQuery(config.starter);
    }
    function watch(current) {
      var yasr = current && current.getYasr && current.getYasr();
      if (!yasr || yasr.hgWatched) { return; }
      yasr.hgWatched = true;
      yasr.config.errorRenderers = [renderError(yasgui)];
      yasr.on("drawn", function () { labelResults(yasr); tidy(); });
    }
    watch(tab);
    yasgui.on("tabSelect", function () { setTimeout(function () { watch(yasgui.getTab()); tidy(); }, 0); });
    yasgui.on("tabAdd", function () { setTimeout(function () { watch(yasgui.getTab()); tidy(); }, 0); });
    var texts = {};
    config.queries.forEach(function (query) { texts[query.name] = query.text; });
    document.querySelectorAll("button.editor-example").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-query-name");
        var current = yasgui.getTab();
        current.setQuery(texts[name] || "");
        current.setName(name);
        root.scrollIntoView({ block: "start" });
      });
    });
    tidy();
    if (root.contains(document.activeElement)) {
      // YASGUI focuses its editor on start; a keyboard user starts at the page's content instead.
      document.activeElement.blur();
      var main = document.getElementById("main");
      if (main) { main.focus({ preventScroll: true }); }
    }
    var loading = document.querySelector(".editor-loading");
    if (loading) { loading.remove(); }
    root.setAttribute("data-ready", "true");
    window.histgraphEditor = yasgui;
  }

  window.histgraphLibraries.whenVisible(root, function () {
    fetch(root.getAttribute("data-config"), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(start)
      .catch(function (error) {
        root.textContent = "The editor could not start: " + error;
      });
  });
})();
