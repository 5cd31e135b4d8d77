// The document view, better with JavaScript. Without this file the page reads the
// same: the text is calm (marks on hover), names are links, and the statement list
// below the text and the filter form do the rest.
//
// With it:
// - "Show all highlights" toggles calm reading; the choice is remembered.
// - Clicking marked words opens a panel listing what they state, with modality.
// - The keyboard meets one tab stop per paragraph (not one per name and fact):
//   Enter on a paragraph opens the panel with its statements and names.
// - The panel takes focus when it opens; Escape or "close" shuts it and gives
//   focus back to where the reader was.
(function () {
  "use strict";
  var text = document.getElementById("annotated-text");
  var panel = document.getElementById("fact-panel");
  if (!text || !panel) { return; }
  var title = document.getElementById("fact-panel-title");
  var list = panel.querySelector(".panel-facts");
  var names = panel.querySelector(".panel-names");
  var opener = null;
  var STORE_KEY = "histgraph.highlights";

  // Calm reading, remembered (storage can be refused: then the default stays).
  var toggle = document.getElementById("highlight-toggle");
  function setCalm(calm) {
    text.classList.toggle("calm", calm);
    toggle.setAttribute("aria-pressed", calm ? "false" : "true");
    toggle.textContent = calm ? "Show all highlights" : "Calm reading (highlights on hover)";
  }
  if (toggle) {
    var saved = null;
    try { saved = window.localStorage.getItem(STORE_KEY); } catch (e) { saved = null; }
    setCalm(saved !== "all");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var calm = !text.classList.contains("calm");
      setCalm(calm);
      try { window.localStorage.setItem(STORE_KEY, calm ? "calm" : "all"); } catch (e) { /* not kept */ }
    });
  }

  // One tab stop per paragraph; names are reached through the panel.
  var paragraphs = text.querySelectorAll(".para");
  Array.prototype.forEach.call(paragraphs, function (p) {
    p.setAttribute("tabindex", "0");
    p.setAttribute("aria-describedby", "reading-keys");
  });
  Array.prototype.forEach.call(text.querySelectorAll("a.mention"), function (a) {
    a.setAttribute("tabindex", "-1");
  });

  var close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.textContent = "close ×";
  close.setAttribute("aria-label", "Close the panel");
  panel.insertBefore(close, panel.firstChild);

  function select(ids) {
    Array.prototype.forEach.call(text.querySelectorAll(".fact.selected"), function (el) {
      el.classList.remove("selected");
    });
    Array.prototype.forEach.call(text.querySelectorAll(".fact"), function (el) {
      var shared = (el.getAttribute("data-facts") || "").split(" ").some(function (id) {
        return ids.indexOf(id) >= 0;
      });
      if (shared) { el.classList.add("selected"); }
    });
  }

  function open(ids, heading, paragraph, from) {
    list.textContent = "";
    ids.forEach(function (id) {
      var item = document.getElementById("fact-" + id);
      if (item) {
        var copy = item.cloneNode(true);
        copy.removeAttribute("id");
        list.appendChild(copy);
      }
    });
    if (!list.children.length) {
      var none = document.createElement("li");
      none.textContent = "No statement begins in this passage.";
      list.appendChild(none);
    }
    var nameList = names.querySelector("ul");
    nameList.textContent = "";
    if (paragraph) {
      var seen = {};
      Array.prototype.forEach.call(paragraph.querySelectorAll("a.mention"), function (a) {
        var key = a.getAttribute("href").split("?")[0];
        if (seen[key]) { return; }
        seen[key] = true;
        var li = document.createElement("li");
        var link = a.cloneNode(true);
        link.removeAttribute("tabindex");
        link.className = "";
        li.appendChild(link);
        nameList.appendChild(li);
      });
    }
    names.hidden = !nameList.children.length;
    title.textContent = heading;
    select(ids);
    opener = from;
    panel.hidden = false;
    title.focus();
  }

  function shut() {
    if (panel.hidden) { return; }
    panel.hidden = true;
    select([]);
    if (opener && document.contains(opener)) { opener.focus(); }
    opener = null;
  }

  close.addEventListener("click", shut);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { event.preventDefault(); shut(); }
  });

  function ofParagraph(p) {
    var ids = (p.getAttribute("data-facts") || "").split(" ").filter(Boolean);
    open(ids, "Statements in " + p.getAttribute("data-place"), p, p);
  }

  text.addEventListener("click", function (event) {
    if (event.target.closest("a")) { return; }  // a name: follow the link
    var span = event.target.closest(".fact");
    if (!span) { return; }
    var ids = (span.getAttribute("data-facts") || "").split(" ").filter(Boolean);
    var p = span.closest(".para");
    open(ids, "What these words state", null, p);
  });
  text.addEventListener("keydown", function (event) {
    var p = event.target.classList && event.target.classList.contains("para") ? event.target : null;
    if (p && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); ofParagraph(p); }
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
