/* Heavy front-end libraries (YASGUI, vis-timeline, Leaflet, Cytoscape) load only when their
 * picture comes into view: a page that never shows its picture never pays for the library.
 *
 *   histgraphLibraries.whenVisible(element, callback)
 *
 * reads the element's data-libraries (space-separated URLs of this site's own
 * files: .css become <link>, .js become <script>, loaded in order), waits until
 * the element is within a screen of the viewport (IntersectionObserver), loads
 * them once per page, then calls callback(element). A library that fails to
 * load is reported in the element, as text. No inline code: the CSP allows
 * only this site's files, and these are.
 */
(function () {
  "use strict";

  var loaded = {};

  function load(url) {
    if (!loaded[url]) {
      loaded[url] = new Promise(function (resolve, reject) {
        var css = /\.css(\?|$)/.test(url);
        var el = document.createElement(css ? "link" : "script");
        if (css) { el.rel = "stylesheet"; el.href = url; } else { el.src = url; el.async = false; }
        el.onload = function () { resolve(url); };
        el.onerror = function () { reject(new Error("could not load " + url)); };
        document.head.appendChild(el);
      });
    }
    return loaded[url];
  }

  function loadAll(urls) {
    // In order: a script may need the one before it; stylesheets need not wait.
    return urls.reduce(function (previous, url) {
      return previous.then(function () { return load(url); });
    }, Promise.resolve());
  }

  function whenVisible(element, callback) {
    var urls = (element.getAttribute("data-libraries") || "").split(/\s+/).filter(Boolean);
    function go() {
      element.setAttribute("aria-busy", "true");
      loadAll(urls).then(function () {
        element.removeAttribute("aria-busy");
        callback(element);
      }, function (error) {
        element.removeAttribute("aria-busy");
        var note = document.createElement("p");
        note.className = "hg-library-error";
        note.textContent = "The picture could not be drawn: " + error.message + ". Reload the page to try again.";
        element.appendChild(note);
      });
    }
    if (!("IntersectionObserver" in window)) { go(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        observer.disconnect();
        go();
      }
    }, { rootMargin: "100% 0px" });
    observer.observe(element);
  }

  window.histgraphLibraries = { whenVisible: whenVisible, load: loadAll };
})();
