// The document view, better with JavaScript: click (or focus + Enter) a stretch of
// text that states facts to see them, with their modality, in a panel; the kind
// filters apply at once. Without this file the page reads the same, with the
// statement list below the text and the filter form.
(function () {
  "use strict";
  var text = document.getElementById("annotated-text");
  var panel = document.getElementById("fact-panel");
  if (!text || !panel) { return; }
  var list = panel.querySelector("ul");
  var close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.textContent = "close ×";
  close.addEventListener("click", function () { panel.hidden = true; });
  panel.insertBefore(close, panel.firstChild);

  function show(span) {
    var ids = (span.getAttribute("data-facts") || "").split(" ");
    list.textContent = "";
    ids.forEach(function (id) {
      var item = document.getElementById("fact-" + id);
      if (item) { list.appendChild(item.cloneNode(true)); }
    });
    Array.prototype.forEach.call(text.querySelectorAll(".fact.selected"), function (el) {
      el.classList.remove("selected");
    });
    Array.prototype.forEach.call(text.querySelectorAll(".fact"), function (el) {
      var shared = (el.getAttribute("data-facts") || "").split(" ").some(function (id) {
        return ids.indexOf(id) >= 0;
      });
      if (shared) { el.classList.add("selected"); }
    });
    panel.hidden = false;
  }

  text.addEventListener("click", function (event) {
    if (event.target.closest("a")) { return; }  // a name: follow the link
    var span = event.target.closest(".fact");
    if (span) { show(span); }
  });
  text.addEventListener("keydown", function (event) {
    var span = event.target.closest ? event.target.closest(".fact") : null;
    if (span && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); show(span); }
  });
  text.addEventListener("mouseover", function (event) {
    var span = event.target.closest(".fact");
    if (span && !span.title) {
      var ids = (span.getAttribute("data-facts") || "").split(" ");
      span.title = ids.length + (ids.length === 1 ? " statement" : " statements") + ": click to see";
    }
  });

  var form = document.querySelector("form.filters");
  if (form) {
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "show") { return; }
      text.classList.toggle("hide-" + box.value, !box.checked);
    });
  }
})();
