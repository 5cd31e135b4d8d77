/* histgraph timeline (vis-timeline): reported events, the plan, and the record of other sources.
 *
 * Renders every element with class "hg-timeline" from the JSON at its data-src.
 * Every item is a range between the outer bounds the data gives (never an
 * invented point); vague spans are marked and carry the source's words.
 * Selecting a planned step also selects what other sources record for it, and
 * the other way round. Text is always set as text, never as HTML.
 */
(function () {
  "use strict";

  function text(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (className) { el.className = className; }
    return el;
  }

  function shortLabel(item) {
    // "(planned) " repeats what the row says, a closing "(10 January 1950)" what the axis says;
    // the full label is in the tooltip and the details panel.
    return item.label.replace(/^\((planned|decided)\)\s*/, "").replace(/\s*\([^()]*\b1[0-9]{3}\b[^()]*\)$/, "");
  }

  function content(item) {
    var box = document.createElement("span");
    if (item.flags.length) { box.appendChild(text("span", "\u2691", "flag")); }
    box.appendChild(text("span", shortLabel(item), "label"));
    if (item.as_written) { box.appendChild(text("span", "\u201c" + item.as_written + "\u201d", "as-written")); }
    return box;
  }

  function tooltip(item, flags) {
    var lines = [item.label];
    lines.push((item.modality || "no modality") + (item.as_written ? ": \u201c" + item.as_written + "\u201d" : "") +
               (item.vague ? " (vague: drawn as the widest reading)" : ""));
    if (item.according_to.length) { lines.push("according to " + item.according_to.map(function (a) { return a.label; }).join("; ")); }
    item.flags.forEach(function (f) { lines.push("\u2691 " + (flags[f] || f)); });
    return lines.join(" \u00b7 ");
  }

  function classes(item) {
    var names = ["modality-" + (item.modality || "none"), "group-" + item.group, "kind-" + item.kind];
    if (item.vague) { names.push("vague"); }
    if (item.flags.length) { names.push("flagged"); }
    if (item.realised_by.length) { names.push("has-record"); }
    if (item.corresponds_to.length) { names.push("realises-plan"); }
    return names.join(" ");
  }

  function linkList(label, entries) {
    var p = document.createElement("p");
    p.appendChild(document.createTextNode(label + " "));
    entries.forEach(function (entry, i) {
      if (i) { p.appendChild(document.createTextNode("; ")); }
      p.appendChild(text("span", entry.label));
    });
    return p;
  }

  function showDetails(panel, item, flags) {
    if (!panel) { return; }
    panel.replaceChildren();
    var title = document.createElement("h3");
    if (item.href) {
      var a = text("a", item.label);
      a.href = item.href;
      title.appendChild(a);
    } else {
      title.textContent = item.label;
    }
    panel.appendChild(title);
    if (item.modality) { panel.appendChild(text("span", item.modality, "modality modality-" + item.modality)); }
    panel.appendChild(text("p", (item.when || "") + (item.as_written ? " \u2014 as written: \u201c" + item.as_written + "\u201d" : "") +
                                (item.vague ? " (vague)" : "")));
    if (item.according_to.length) { panel.appendChild(linkList("According to", item.according_to)); }
    if (item.realised_by.length) { panel.appendChild(linkList("What other sources record:", item.realised_by)); }
    if (item.corresponds_to.length) { panel.appendChild(linkList("The planned step it realised:", item.corresponds_to)); }
    item.flags.forEach(function (f) { panel.appendChild(text("p", "\u2691 " + (flags[f] || f), "flag-note")); });
  }

  function windowOf(items) {
    var starts = items.map(function (i) { return Date.parse(i.start); });
    var ends = items.map(function (i) { return Date.parse(i.end); });
    var day = 86400000, first = Math.min.apply(null, starts), last = Math.max.apply(null, ends);
    // Room on the right for the words of the last items, which run past their bars.
    return { start: new Date(first - 2 * day), end: new Date(last + Math.max(6 * day, 0.45 * (last - first))) };
  }

  function render(el, data) {
    var flags = {};
    data.flags.forEach(function (f) { flags[f.id] = f.label; });
    var byId = {};
    data.items.forEach(function (i) { byId[i.id] = i; });
    var groups = new vis.DataSet(data.groups.map(function (g, index) {
      return { id: g.id, content: text("span", g.label), order: index, className: "row-" + g.id };
    }));
    var items = new vis.DataSet(data.items.map(function (i) {
      return { id: i.id, group: i.group, start: i.start, end: i.end, type: "range",
               content: content(i), title: tooltip(i, flags), className: classes(i) };
    }));
    var span = windowOf(data.items);
    var days = (span.end - span.start) / 86400000;
    var timeline = new vis.Timeline(el, items, groups, {
      // Dates in the sources are days: label every day (every week for long spans) rather than months.
      timeAxis: days <= 120 ? { scale: "day", step: days <= 40 ? 1 : 2 } : undefined,
      start: span.start, end: span.end, min: new Date(span.start.getTime() - 60 * 86400000),
      max: new Date(span.end.getTime() + 60 * 86400000), zoomMin: 3600000 * 6,
      // Earlier items on the upper lines: each row reads left to right, top to bottom.
      order: function (a, b) { return new Date(a.start) - new Date(b.start); },
      stack: true, showCurrentTime: false, selectable: true, multiselect: true,
      groupOrder: "order", orientation: { axis: "top" }, margin: { item: { horizontal: 6, vertical: 6 } },
      tooltip: { followMouse: true, overflowMethod: "cap" }
    });
    var panel = el.dataset.details ? document.getElementById(el.dataset.details) : null;
    timeline.on("select", function (props) {
      var first = byId[props.items[0]];
      if (!first) { return; }
      showDetails(panel, first, flags);
      var linked = [first.id].concat(
        first.realised_by.map(function (r) { return r.id; }),
        first.corresponds_to.map(function (s) { return s.id; })
      ).filter(function (id) { return byId[id]; });
      timeline.setSelection(linked);
    });
    el.hgTimeline = timeline;
    el.dataset.items = String(data.items.length);
    // vis-timeline keeps itself hidden until its first complete drawing: say "ready" only then.
    var root = el.querySelector(".vis-timeline");
    (function whenVisible() {
      if (!root || getComputedStyle(root).visibility === "visible") { el.dataset.state = "ready"; return; }
      window.requestAnimationFrame(whenVisible);
    })();
  }

  function fail(el, message) {
    el.dataset.state = "failed";
    el.replaceChildren(text("p", "The timeline could not be drawn: " + message, "hg-network-error"));
  }

  function init(el) {
    if (typeof vis === "undefined") { fail(el, "the vis-timeline library did not load."); return; }
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        if (!data.items.length) { fail(el, "no dated events or steps."); return; }
        render(el, data);
      })
      .catch(function (err) { fail(el, err.message); });
  }

  function start() {
    document.querySelectorAll(".hg-timeline[data-src]").forEach(function (el) {
      window.histgraphLibraries.whenVisible(el, init);  // vis-timeline loads once the timeline is in view
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
