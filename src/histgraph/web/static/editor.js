/* The SPARQL editor page: YASGUI pointed at this site's /sparql, with the project's
 * prefixes and named queries. Data comes from the JSON at #yasgui[data-config],
 * since the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  var root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") {
    return;
  }

  function start(config) {
    Yasgui.Yasqe.defaults.value = config.starter;
    var yasgui = new Yasgui(root, {
      requestConfig: { endpoint: config.endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      // Always open on this site's endpoint and our starter query, not a stale saved state.
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
      yasqe: { value: config.starter }
    });
    var tab = yasgui.getTab();
    if (tab && !tab.getQuery().trim()) {
      tab.setQuery(config.starter);
    }
    var texts = {};
    config.queries.forEach(function (query) { texts[query.name] = query.text; });
    document.querySelectorAll("button.editor-example").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-query-name");
        var current = yasgui.getTab();
        current.setQuery(texts[name] || "");
        current.setName(name);
      });
    });
    root.setAttribute("data-ready", "true");
    window.histgraphEditor = yasgui;
  }

  fetch(root.getAttribute("data-config"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(start)
    .catch(function (error) {
      root.textContent = "The editor could not start: " + error;
    });
})();
