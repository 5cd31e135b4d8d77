/* The annotation editor (histgraph edit): the text with its passages and suggestions,
   keyboard review, selections made into mentions, entities and facts, save and undo. */
(function () {
  "use strict";
  const main = document.getElementById("main");
  const doc = main.dataset.document;
  const $ = (id) => document.getElementById(id);
  const state = { view: null, current: 0, selection: null, decisions: new Map(), mentions: [], entities: [], facts: [] };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else if (k.startsWith("data-")) node.setAttribute(k, v); else node[k] = v;
    }
    for (const c of children) node.append(c);
    return node;
  }

  async function call(method, url, body) {
    const options = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    const response = await fetch(url, options);
    const data = await response.json().catch(() => ({ error: "the editor answered " + response.status }));
    if (!response.ok) throw new Error(data.error || ("the editor answered " + response.status));
    return data;
  }

  function status(message, kind) {
    const box = $("edit-status");
    box.textContent = message;
    box.className = "edit-status " + (kind || "");
    box.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  // --- the text -------------------------------------------------------------------------
  function renderText() {
    const view = state.view, text = view.text;
    const marks = [];
    for (const p of view.passages) marks.push({ start: p.start, end: p.end, cls: p.kind === "fact" ? "edit-fact" : "edit-mention", title: p.label });
    view.suggestions.forEach((s, i) => {
      for (const span of s.spans) marks.push({ start: span.start, end: span.end, cls: "edit-suggestion " + s.status + (i === state.current ? " current" : ""), suggestion: i });
    });
    const findings = view.findings.filter((f) => f.start !== null);
    for (const f of findings) marks.push({ start: f.start, end: f.end, cls: "edit-finding-words" });
    const cuts = new Set([0, text.length]);
    for (const m of marks) { cuts.add(m.start); cuts.add(m.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const box = $("edit-text");
    box.replaceChildren();
    for (let i = 0; i + 1 < points.length; i++) {
      const start = points[i], end = points[i + 1];
      const covering = marks.filter((m) => m.start <= start && m.end >= end);
      const span = el("span", { "data-start": String(start), "data-end": String(end) }, text.slice(start, end));
      if (covering.length) {
        span.className = [...new Set(covering.map((m) => m.cls))].join(" ");
        const titles = covering.filter((m) => m.title).map((m) => m.title);
        if (titles.length) span.title = titles.join("; ");
        const s = covering.find((m) => m.suggestion !== undefined);
        if (s) span.dataset.suggestion = String(s.suggestion);
      }
      box.append(span);
      for (const f of findings.filter((f) => f.end === end)) {
        box.append(el("aside", { class: "edit-finding " + f.severity, role: "note" }, f.message));
      }
    }
  }

  // --- suggestions and the keyboard ---------------------------------------------------
  function decisionOf(s) { return state.decisions.get(s.id); }

  function renderSuggestions() {
    const list = $("edit-suggestions");
    list.replaceChildren();
    state.view.suggestions.forEach((s, i) => {
      const decided = decisionOf(s);
      const shown = decided ? decided.status + " (not saved)" : s.status;
      const item = el("li", { class: "edit-suggestion-item " + (decided ? decided.status : s.status), "data-id": s.id },
        el("span", { class: "edit-s-kind" }, s.kind), " ",
        el("q", {}, s.words), " ",
        el("span", { class: "edit-s-label" }, s.kind === "date" ? (s.begin ? s.begin.slice(0, 10) + (s.end && s.end.slice(0, 10) !== s.begin.slice(0, 10) ? " to " + s.end.slice(0, 10) : "") : "unresolved") : (s.kind === "mention" ? s.label : "")),
        " ", el("span", { class: "edit-s-status" }, shown));
      if (s.choices.length) {
        const pick = el("select", { class: "edit-s-choice", "aria-label": "accept " + s.words + " as" });
        for (const c of s.choices) pick.append(el("option", { value: c.value }, c.label));
        if (decided && decided.choice) pick.value = decided.choice;
        item.append(" ", pick);
      }
      if (i === state.current) item.setAttribute("aria-current", "true");
      item.addEventListener("click", () => { state.current = i; refresh(); });
      list.append(item);
    });
  }

  function move(step) {
    const n = state.view.suggestions.length;
    if (!n) return;
    state.current = (state.current + step + n) % n;
    refresh();
    const span = document.querySelector('#edit-text [data-suggestion="' + state.current + '"]');
    if (span) span.scrollIntoView({ block: "center" });
  }

  function decide(accept) {
    const s = state.view.suggestions[state.current];
    if (!s) return;
    if (accept && s.kind === "date" && s.unresolved) { status("this date is not resolved (" + s.unresolved + "): write its time-span in a fact", "error"); return; }
    const d = { id: s.id, status: accept ? "accepted" : "rejected" };
    const pick = document.querySelector('#edit-suggestions li[data-id="' + CSS.escape(s.id) + '"] select');
    if (accept && pick && pick.value) d.choice = pick.value;
    state.decisions.set(s.id, d);
    move(1);
  }

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); return; }
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, button")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "ArrowDown" || event.key === "ArrowRight" || event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp" || event.key === "ArrowLeft" || event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "a") { event.preventDefault(); decide(true); }
    else if (event.key === "r") { event.preventDefault(); decide(false); }
  });

  // --- selections ------------------------------------------------------------------------
  function offsetOf(node, offset) {
    const span = (node.nodeType === Node.TEXT_NODE ? node.parentElement : node).closest("[data-start]");
    if (!span) return null;
    return Number(span.dataset.start) + (node.nodeType === Node.TEXT_NODE ? offset : 0);
  }

  function onSelect() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !$("edit-text").contains(selection.anchorNode)) return;
    const range = selection.getRangeAt(0);
    let start = offsetOf(range.startContainer, range.startOffset), end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null) return;
    const text = state.view.text;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end <= start) return;
    select(start, end);
  }

  function select(start, end) {
    const words = state.view.text.slice(start, end);
    state.selection = { start, end, words };
    $("edit-selection").hidden = false;
    $("edit-selected-words").textContent = words;
    $("edit-entity-label").value = words;
    $("edit-fact-label").value = "";
    const date = state.view.suggestions.find((s) => s.kind === "date" && s.begin && s.spans.some((p) => p.start >= start && p.end <= end));
    $("edit-date-words").value = date ? date.words : "";
    $("edit-date-begin").value = date ? date.begin : "";
    $("edit-date-end").value = date ? date.end : "";
  }
  $("edit-text").addEventListener("mouseup", onSelect);
  $("edit-text").addEventListener("keyup", (e) => { if (e.shiftKey) onSelect(); });

  // An entity search box: type, pick one of the build's entities.
  function picker(box, kinds, onPick) {
    const input = box.querySelector("input"), results = box.querySelector(".edit-results");
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      delete box.dataset.iri;
      timer = setTimeout(async () => {
        const params = new URLSearchParams({ q: input.value });
        for (const k of kinds || []) params.append("kind", k);
        const data = await call("GET", "/api/entities?" + params).catch(() => ({ results: [] }));
        results.replaceChildren(...data.results.map((r) => {
          const choose = el("button", { type: "button", class: "edit-result", "data-iri": r.iri }, r.label + " (" + (r.kind || "") + ")");
          choose.addEventListener("click", () => { box.dataset.iri = r.iri; input.value = r.label; results.replaceChildren(); if (onPick) onPick(r); });
          return el("li", {}, choose);
        }));
      }, 150);
    });
  }

  picker(document.querySelector('.edit-picker[data-role="link"]'), null, (r) => {
    if (!state.selection) return;
    state.mentions.push({ entity: r.iri, words: state.selection.words, label: r.label });
    status("“" + state.selection.words + "” will be linked to " + r.label + " when you save");
    refresh();
  });
  picker(document.querySelector('.edit-picker[data-role="according_to"]'), ["person", "group", "role"]);

  $("edit-entity-add").addEventListener("click", () => {
    if (!state.selection) return;
    const label = $("edit-entity-label").value.trim(), kind = $("edit-entity-kind").value;
    if (!label) { status("give the new entity a name", "error"); return; }
    state.entities.push({ ref: label, kind, label });
    state.mentions.push({ entity: "new:" + label, words: state.selection.words, label });
    refresh();
  });

  function fillFactForm() {
    const kinds = state.view.fact_kinds;
    const kindSelect = $("edit-fact-kind");
    if (!kindSelect.options.length) {
      for (const k of kinds) kindSelect.append(el("option", { value: k.segment }, k.title));
      kindSelect.addEventListener("change", fillFactForm);
      for (const k of state.view.entity_kinds) $("edit-entity-kind").append(el("option", { value: k }, k));
    }
    const kind = kinds.find((k) => k.segment === kindSelect.value) || kinds[0];
    $("edit-fact-modality").replaceChildren(...kind.modalities.map((m) => el("option", { value: m }, m)));
    $("edit-fact-type").replaceChildren(el("option", { value: "" }, kind.needs_type ? "(choose)" : "(none)"), ...kind.types.map((t) => el("option", { value: t }, t)));
    $("edit-fact-type-box").hidden = !kind.types.length;
    $("edit-fact-plan-box").hidden = kind.segment !== "step";
    $("edit-fact-plan").replaceChildren(el("option", { value: "" }, "a new plan stated by these words"), ...state.view.plans.map((p) => el("option", { value: p.iri }, p.label)));
    $("edit-fact-date").hidden = !kind.date;
    const roles = $("edit-fact-roles");
    roles.replaceChildren(...kind.roles.map((r) => {
      const box = el("div", { class: "edit-picker", "data-property": r.property },
        el("input", { type: "search", placeholder: r.name + (r.required ? " (needed)" : "") + "…", ariaLabel: r.name }),
        el("ul", { class: "edit-results" }));
      picker(box, r.kinds);
      return el("div", { class: "edit-role" }, el("span", {}, r.name), box);
    }));
  }

  $("edit-fact-add").addEventListener("click", () => {
    if (!state.selection) return;
    const fact = {
      kind: $("edit-fact-kind").value, modality: $("edit-fact-modality").value, label: $("edit-fact-label").value.trim(),
      start: state.selection.start, end: state.selection.end, type: $("edit-fact-type").value,
      according_to: document.querySelector('.edit-picker[data-role="according_to"]').dataset.iri || "",
      plan: $("edit-fact-plan").value, roles: {},
    };
    for (const box of document.querySelectorAll("#edit-fact-roles .edit-picker")) {
      if (box.dataset.iri) fact.roles[box.dataset.property] = [box.dataset.iri];
    }
    if (!$("edit-fact-date").hidden && $("edit-date-words").value.trim()) {
      fact.date = { words: $("edit-date-words").value.trim(), begin: $("edit-date-begin").value.trim(), end: $("edit-date-end").value.trim() };
    }
    if (!fact.label) { status("give the fact a short label", "error"); return; }
    if (!fact.according_to) { status("say who states it: choose 'According to' from the search", "error"); return; }
    state.facts.push(fact);
    refresh();
  });

  // --- pending changes, save, undo ------------------------------------------------------
  function pendingCount() { return state.decisions.size + state.mentions.length + state.entities.length + state.facts.length; }

  function renderPending() {
    const list = $("edit-pending");
    const rows = [];
    for (const d of state.decisions.values()) rows.push(d.status + ": " + d.id + (d.choice ? " as " + d.choice : ""));
    for (const e of state.entities) rows.push("new " + e.kind + ": " + e.label);
    for (const m of state.mentions) rows.push("link “" + m.words + "” to " + m.label);
    for (const f of state.facts) rows.push(f.kind + " (" + f.modality + "): " + f.label);
    list.replaceChildren(...rows.map((r) => el("li", {}, r)));
    $("edit-pending-count").textContent = pendingCount() ? pendingCount() + " changes not saved" : "";
  }

  function renderFindings() {
    const list = $("edit-findings");
    const findings = state.view.findings;
    list.replaceChildren(...findings.map((f) => el("li", { class: f.severity }, f.message + (f.start === null ? " (" + f.focus + ")" : ""))));
    if (!findings.length) list.append(el("li", {}, "No messages from the last build."));
  }

  function refresh() {
    renderText();
    renderSuggestions();
    renderPending();
    renderFindings();
    $("edit-undo").disabled = !state.view.can_undo;
  }

  async function save() {
    const reviewer = $("edit-reviewer").value.trim();
    if (!reviewer) { status("say who you are: fill in Reviewer", "error"); $("edit-reviewer").focus(); return; }
    localStorage.setItem("histgraph-reviewer", reviewer);
    const changes = { decisions: [...state.decisions.values()], mentions: state.mentions.map(({ entity, words }) => ({ entity, words })),
                      entities: state.entities, facts: state.facts };
    status("saving and building…");
    try {
      const result = await call("POST", "/api/document/" + encodeURIComponent(doc) + "/save", { version: state.view.version, reviewer, changes });
      state.decisions.clear(); state.mentions = []; state.entities = []; state.facts = [];
      finish(result);
    } catch (error) { status(error.message, "error"); }
  }

  async function undo() {
    status("undoing the last save and building…");
    try { finish(await call("POST", "/api/document/" + encodeURIComponent(doc) + "/undo", { version: state.view.version })); }
    catch (error) { status(error.message, "error"); }
  }

  function finish(result) {
    state.view = result.view;
    state.current = Math.min(state.current, Math.max(0, state.view.suggestions.length - 1));
    refresh();
    if (result.published) status("Saved and published: build " + result.build, "ok");
    else status("Saved in the files, NOT published: " + (result.problems.join(" ") || "the build refused the data") + " Fix what the messages say, or undo.", "error");
    main.dataset.lastOutcome = result.published ? "published" : "refused";
  }

  $("edit-save").addEventListener("click", save);
  $("edit-undo").addEventListener("click", undo);
  $("edit-reviewer").value = localStorage.getItem("histgraph-reviewer") || "";

  call("GET", "/api/document/" + encodeURIComponent(doc)).then((view) => {
    state.view = view;
    fillFactForm();
    refresh();
    main.dataset.ready = "true";
  }).catch((error) => status(error.message, "error"));
})();
