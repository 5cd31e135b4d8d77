// Autocomplete for every search box (input.hg-autocomplete): names as written in
// the text and their variants, from /api/labels. Without it, the form still
// submits to /search.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("input.hg-autocomplete");
  Array.prototype.forEach.call(boxes, function (input, n) {
    var menu = document.createElement("ul");
    menu.className = "autocomplete";
    menu.id = "autocomplete-" + n;
    menu.setAttribute("role", "listbox");
    menu.hidden = true;
    input.setAttribute("aria-controls", menu.id);
    input.parentNode.style.position = "relative";
    input.parentNode.appendChild(menu);
    var timer = null, seq = 0;

    function render(results) {
      menu.textContent = "";
      results.forEach(function (r) {
        if (!r.href) { return; }
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        var a = document.createElement("a");
        a.href = r.href;  // a local path or an http(s) IRI: the API gives nothing else
        a.textContent = r.label;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = " " + (r.kind || "");
        a.appendChild(kind);
        if (r.matched && r.matched !== r.label) {
          var m = document.createElement("span");
          m.className = "matched";
          m.textContent = " “" + r.matched + "”";
          a.appendChild(m);
        }
        li.appendChild(a);
        menu.appendChild(li);
      });
      menu.hidden = menu.children.length === 0;
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { menu.hidden = true; return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetch("/api/labels?limit=10&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) { if (mine === seq) { render(data.results || []); } })
          .catch(function () { menu.hidden = true; });
      }, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { menu.hidden = true; }
      if (event.key === "ArrowDown" && !menu.hidden && menu.querySelector("a")) {
        event.preventDefault();
        menu.querySelector("a").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!menu.contains(event.target) && event.target !== input) { menu.hidden = true; }
    });
  });
})();
