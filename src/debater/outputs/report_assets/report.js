"use strict";
(() => {
  const PAGE = 40; // notes rendered at a time; more as the reader scrolls
  const KEYS = ["q", "topic", "position", "firmness", "note", "backend"];
  const POSITIONS = {
    agree: "agrees",
    disagree: "disagrees",
    partly: "partly agrees",
    undecided: "undecided",
    "own-idea": "own idea",
  };
  const FIRMNESS = ["firm", "moderate", "tentative"];
  const LANGS = { zh: "zh-Hans", "zh-en": "zh-Hans", en: "en" };
  const state = { q: "", topic: "", position: "", firmness: "", note: "", backend: "" };
  const byId = (id) => document.getElementById(id);
  let data = null;
  let results = [];
  let pending = [];
  let terms = [];

  const norm = (text) => String(text).normalize("NFKC").toLowerCase();

  /** An element with a class and children; strings become text, never markup. */
  function el(tag, cls, ...kids) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    for (const kid of kids) if (kid !== null && kid !== undefined && kid !== "") node.append(kid);
    return node;
  }

  /** Text with the search terms marked. */
  function hl(value) {
    const text = String(value ?? "");
    const low = norm(text);
    if (!terms.length || low.length !== text.length) return text;
    const frag = document.createDocumentFragment();
    let at = 0;
    for (;;) {
      let best = -1;
      let len = 0;
      for (const t of terms) {
        const j = low.indexOf(t, at);
        if (j >= 0 && (best < 0 || j < best)) [best, len] = [j, t.length];
      }
      if (best < 0) break;
      frag.append(text.slice(at, best), el("mark", null, text.slice(best, best + len)));
      at = best + len;
    }
    frag.append(text.slice(at));
    return frag;
  }

  async function load() {
    const block = byId("report-data");
    if (block.type === "application/json") return JSON.parse(block.textContent);
    if (typeof DecompressionStream === "undefined") {
      throw new Error("this browser cannot open a compressed report; use a current one");
    }
    const raw = atob(block.textContent.trim());
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  const perspText = (p) =>
    [p.title, p.argument, p.reason, p.holders.join(" "), p.error || "", ...p.replies.map(perspText)]
      .join("\n");

  /** Number the stances within their notes. */
  function index() {
    for (const note of data.notes) note.stances.forEach((s, i) => (s.number = i + 1));
  }

  /** What the search looks in for a stance, built when first searched. */
  function hayOf(note, s) {
    if (s.hay === undefined) {
      const own = [note.path, note.title, s.claim, s.quote, s.target, s.reasoning, s.crux, s.error || ""];
      const lists = [s.topics, s.change, s.slips].map((l) => l.join("\n"));
      const sides = [...s.support, ...s.oppose].map(perspText);
      s.hay = norm([...own, ...lists, ...sides].join("\n"));
    }
    return s.hay;
  }

  const stanceFilters = () => Boolean(state.topic || state.position || state.firmness);
  const found = (hay) => terms.every((t) => hay.includes(t));

  function stanceMatches(note, s) {
    return (
      (!state.topic || s.topics.includes(state.topic)) &&
      (!state.position || s.position === state.position) &&
      (!state.firmness || s.firmness === state.firmness) &&
      (!terms.length || found(hayOf(note, s)))
    );
  }

  /** The notes and stances that pass the filters and the search. */
  function compute() {
    terms = norm(state.q).split(/\s+/).filter(Boolean);
    results = [];
    for (const note of data.notes) {
      if (state.note && note.path !== state.note) continue;
      if (state.backend && note.backend !== state.backend) continue;
      const stances = note.stances.filter((s) => stanceMatches(note, s));
      const bare = !note.stances.length && !stanceFilters() && found(norm(`${note.path}\n${note.title}`));
      if (stances.length || bare) results.push({ note, stances });
    }
    const open = !state.backend && !stanceFilters();
    pending = data.pending.filter(
      (p) => open && (!state.note || p === state.note) && found(norm(p)),
    );
  }

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const badge = (cls, text) => el("span", `badge ${cls}`, text);
  const lines = ([a, b]) => (a === b ? `line ${a}` : `lines ${a}–${b}`);
  /** A stance's word for a value (a position, firmness, kind, strength) in its note's labels. */
  const word = (L, value) => L[value === "undecided" ? "undecided_position" : value] || value;

  function para(cls, label, text) {
    return el("p", cls, label ? el("span", "label", label) : null, hl(text));
  }

  function perspective(p, top, L) {
    const reply = top ? null : el("span", "label", `${p.side === "oppose" ? L.objection : L.reply}:`);
    const head = el("div", "p-head", reply, hl(p.title), badge("str", word(L, p.strength)));
    if (top) head.append(badge("kind", word(L, p.kind)));
    const item = el("li", `persp ${p.side} s-${p.strength}`, head, para("arg", null, p.argument));
    if (p.reason) item.append(para("why", `${L.strength}:`, p.reason));
    if (p.holders.length) item.append(para("holders", `${L.held}:`, p.holders.join(", ")));
    if (p.error) item.append(para("error", `${L.missing}:`, p.error));
    if (p.replies.length) {
      item.append(el("ul", "replies", ...p.replies.map((r) => perspective(r, false, L))));
    }
    return item;
  }

  function side(s, key, L) {
    const items = s[key];
    const list = items.length
      ? el("ol", null, ...items.map((p) => perspective(p, true, L)))
      : el("p", "empty", L.empty_side);
    const title = key === "support" ? L.for : L.against;
    return el("section", `side ${key}`, el("h4", null, `${title} (${items.length})`), list);
  }

  const SVG_NS = "http://www.w3.org/2000/svg";

  /** An SVG element with attributes and children; strings become text. */
  function svg(tag, attrs, ...kids) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    node.append(...kids);
    return node;
  }

  function mapEdge(nodes, [x, y, , h, parent, cls, stroke]) {
    const [px, py, pw, ph] = nodes[parent];
    const [x1, y1, y2] = [px + pw, py + ph / 2, y + h / 2];
    const mid = (x1 + x) / 2;
    const d = `M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x} ${y2}`;
    return svg("path", { class: `e ${cls}`, "stroke-width": stroke, d });
  }

  function mapBox([x, y, w, h, , cls, stroke, labels, meta]) {
    const { pad, line } = data.map;
    const span = (i, text, attrs = {}) =>
      svg("tspan", { ...attrs, x: x + pad, y: y + pad + line * (i + 1) - 4 }, text);
    const text = svg("text", {}, ...labels.map((l, i) => span(i, l)));
    text.append(span(labels.length, meta, { class: "m" }));
    const rect = svg("rect", { x, y, width: w, height: h, rx: 6, "stroke-width": stroke });
    return svg("g", { class: `n ${cls}` }, rect, text);
  }

  /** The stance's argument map as an SVG picture, from the layout the report carries. */
  function argumentMap(s, L) {
    const { w, h, nodes } = s.map;
    const picture = svg("svg", { class: "amap", role: "img", width: w, height: h, viewBox: `0 0 ${w} ${h}` });
    picture.append(svg("title", {}, `${L.map}: ${s.claim}`));
    picture.append(...nodes.filter((n) => n[4] >= 0).map((n) => mapEdge(nodes, n)));
    picture.append(...nodes.map(mapBox));
    const box = el("details", "map", el("summary", null, L.map), el("div", "map-scroll", picture));
    box.open = true;
    return box;
  }

  function topicButton(topic) {
    const button = el("button", "badge topic", hl(topic));
    button.type = "button";
    button.title = "Show this topic only";
    button.addEventListener("click", () => setFilters({ topic }));
    return button;
  }

  function stanceTags(s, L) {
    const position = badge(`pos pos-${s.position}`, word(L, s.position));
    const topics = s.topics.map(topicButton);
    const firmness = badge("firm", word(L, s.firmness));
    return el("div", "tags", position, firmness, badge("lines", s.where), ...topics);
  }

  function stanceBody(s, art, L) {
    if (s.quote) art.append(el("blockquote", "quote", hl(s.quote)));
    if (s.target) art.append(para("target", `${L.reacting}:`, s.target));
    if (s.reasoning) art.append(para("reasoning", `${L.reasons}:`, s.reasoning));
    if (s.error) art.append(para("error", `${L.no_perspectives}:`, s.error));
    art.append(argumentMap(s, L)); // the overview first, then the arguments in full
    if (s.support.length || s.oppose.length) {
      art.append(el("div", "sides", side(s, "support", L), side(s, "oppose", L)));
    }
    if (s.crux) art.append(para("crux", `${L.crux}:`, s.crux));
    if (s.change.length) {
      art.append(el("p", "label", `${L.change}:`));
      art.append(el("ul", "change", ...s.change.map((c) => el("li", null, hl(c)))));
    }
    if (s.slips.length) art.append(para("slips", `${L.slips}:`, s.slips.join("; ")));
  }

  /** A stance, labelled in its note's language (`L`: one of the report's `words`). */
  function stance(s, L) {
    const art = el("article", "stance");
    art.id = s.id;
    art.lang = LANGS[s.language] || "";
    art.dataset.position = s.position;
    art.dataset.firmness = s.firmness;
    art.append(el("header", null, el("span", "num", `${s.number}.`), el("h3", "claim", hl(s.claim))));
    art.append(stanceTags(s, L));
    stanceBody(s, art, L);
    return art;
  }

  function noteHeader(note, shown) {
    const link = el("a", null, hl(note.title || note.path));
    link.href = `#${note.id}`;
    const all = note.stances.length;
    const count = shown === all ? plural(all, "stance") : `${shown} of ${all} stances`;
    const meta = el("div", "meta", note.title ? el("span", null, hl(note.path)) : null);
    if (note.date) meta.append(el("span", null, note.date));
    meta.append(el("span", "backend", `${note.backend} · ${note.model}`));
    if (note.backend === "mock") meta.append(badge("mock", "[mock]"));
    meta.append(el("span", null, count), el("span", null, `run ${note.created.slice(0, 10)}`));
    const header = el("header", null, el("h2", null, link), meta);
    if (note.backend === "mock") {
      header.append(el("p", "notice", "[mock] Offline placeholders, not arguments: run a real backend."));
    }
    return header;
  }

  function noteSection({ note, stances }) {
    const section = el("section", "note", noteHeader(note, stances.length));
    section.id = note.id;
    section.dataset.backend = note.backend;
    const L = data.words[note.words];
    if (!note.stances.length) section.append(el("p", "empty", L.none));
    for (const s of stances) section.append(stance(s, L));
    return section;
  }

  /** Render results up to the `upTo`th, after those already on the page. */
  function showUpTo(upTo) {
    const box = byId("results");
    const from = box.childElementCount;
    box.append(...results.slice(from, upTo).map(noteSection));
    const left = results.length - box.childElementCount;
    const more = byId("more");
    more.hidden = left <= 0;
    more.textContent = `Show ${Math.min(left, PAGE)} more of ${left} notes`;
  }

  function renderCount() {
    const total = data.notes.reduce((n, note) => n + note.stances.length, 0);
    const shown = results.reduce((n, r) => n + r.stances.length, 0);
    byId("count").textContent =
      `${shown} of ${total} stances in ${results.length} of ${data.notes.length} notes` +
      (data.pending.length ? ` · ${pending.length} not yet run` : "");
    byId("none").hidden = results.length > 0 || pending.length > 0;
  }

  function renderToc() {
    const items = results.map(({ note, stances }) => {
      const link = el("a", null, el("span", null, note.title || note.path), el("span", "n", String(stances.length)));
      link.href = `#${note.id}`;
      return el("li", null, link);
    });
    byId("toc").replaceChildren(el("ol", null, ...items));
  }

  function renderPending() {
    const box = byId("pending");
    box.hidden = !pending.length;
    const title = el("h2", "section-title", `Not yet run (${pending.length})`);
    const hint = el("p", "empty", "No sidecar beside these notes: run `debater run` on them.");
    box.replaceChildren(title, hint, el("ul", null, ...pending.map((p) => el("li", null, hl(p)))));
  }

  function apply() {
    compute();
    byId("results").replaceChildren();
    showUpTo(PAGE);
    renderCount();
    renderToc();
    renderPending();
  }

  function tensionSide(t) {
    const claim = t.ref ? el("a", null, t.claim) : el("span", null, t.claim);
    if (t.ref) claim.href = `#${t.ref}`;
    const where = `${t.note}, ${lines(t.lines)}${t.date ? ` · ${t.date}` : ""}`;
    const meta = `${POSITIONS[t.position] || t.position} (${t.firmness}) · ${where}`;
    const missing = t.ref ? null : el("span", "empty", " (not in this report)");
    return el("li", null, claim, missing, el("div", "meta", meta));
  }

  function renderTensions() {
    const box = byId("tensions");
    box.hidden = !data.tensions.length;
    if (!data.tensions.length) return;
    const cards = data.tensions.map((t) =>
      el(
        "article",
        `tension kind-${t.kind}`,
        badge("kind", t.kind),
        el("p", null, t.explanation),
        t.question ? el("p", "question", t.question) : null,
        el("ul", null, ...t.stances.map(tensionSide)),
      ),
    );
    box.replaceChildren(el("summary", null, `Tensions (${data.tensions.length})`), ...cards);
    box.open = true;
  }

  function renderSummary() {
    const stances = data.notes.reduce((n, note) => n + note.stances.length, 0);
    const models = [...new Set(data.notes.map((n) => `${n.backend} · ${n.model}`))];
    const parts = [plural(data.notes.length, "note"), plural(stances, "stance")];
    if (data.pending.length) parts.push(`${data.pending.length} not yet run`);
    if (data.tensions.length) parts.push(plural(data.tensions.length, "tension"));
    if (models.length) parts.push(`by ${models.join(", ")}`);
    byId("summary").textContent = parts.join(" · ");
  }

  function tally(values) {
    const counts = new Map();
    for (const v of values) counts.set(v, (counts.get(v) || 0) + 1);
    return counts;
  }

  function fillSelect(key, counts, order, label = (v) => v) {
    const select = byId(`f-${key}`);
    const values = order || [...counts.keys()].sort((a, b) => a.localeCompare(b));
    const options = values.filter((v) => counts.has(v)).map((v) => new Option(`${label(v)} (${counts.get(v)})`, v));
    select.replaceChildren(new Option("All", ""), ...options);
    select.disabled = !options.length;
  }

  function fillControls() {
    const stances = data.notes.flatMap((n) => n.stances);
    fillSelect("topic", tally(stances.flatMap((s) => s.topics)));
    fillSelect("position", tally(stances.map((s) => s.position)), Object.keys(POSITIONS), (v) => POSITIONS[v]);
    fillSelect("firmness", tally(stances.map((s) => s.firmness)), FIRMNESS);
    const notes = new Map(data.notes.map((n) => [n.path, n.stances.length]));
    data.pending.forEach((p) => notes.set(p, 0));
    fillSelect("note", notes, [...notes.keys()]);
    fillSelect("backend", tally(data.notes.map((n) => n.backend)));
  }

  /** Put the state into the controls, adding an option for a value the data lacks. */
  function syncControls() {
    byId("q").value = state.q;
    for (const key of KEYS.slice(1)) {
      const select = byId(`f-${key}`);
      const known = [...select.options].some((o) => o.value === state[key]);
      if (!known) select.append(new Option(`${state[key]} (0)`, state[key]));
      select.value = state[key];
    }
    const on = KEYS.slice(1).filter((key) => state[key]).length;
    byId("filter-box").querySelector("summary").textContent = on ? `Filters (${on} on)` : "Filters";
  }

  /** On a narrow screen the filters start folded, unless some are on. */
  function foldFilters() {
    const on = KEYS.slice(1).some((key) => state[key]);
    if (!on && matchMedia("(max-width: 55.99rem)").matches) byId("filter-box").open = false;
  }

  /** The URL fragment: filters (`#q=…&position=…`) put into the state, or the anchor of a note
   * or stance (`#n3`, `#n3-s2`) returned; any other fragment is the browser's. */
  function readHash() {
    const raw = location.hash.slice(1);
    if (!raw.includes("=")) return /^n\d+(-s\d+)?$/.test(raw) ? raw : null;
    const params = new URLSearchParams(raw);
    for (const key of KEYS) state[key] = params.get(key) || "";
    return null;
  }

  function writeHash() {
    const params = new URLSearchParams();
    for (const key of KEYS) if (state[key]) params.set(key, state[key]);
    const text = params.toString();
    try {
      history.replaceState(null, "", text ? `#${text}` : location.pathname + location.search);
    } catch {
      // some browsers refuse history changes on file: pages; the filters still apply
    }
  }

  const NO_FILTERS = Object.fromEntries(KEYS.map((key) => [key, ""]));

  function useFilters(changes) {
    Object.assign(state, changes);
    syncControls();
    apply();
  }

  function setFilters(changes) {
    useFilters(changes);
    writeHash();
  }

  /** Bring a note or stance into view: clear the filters if they hide it, and show its note
   * alone if it is too far down the list to draw everything before it. */
  function reveal(id) {
    if (!id) return;
    const noteId = id.split("-")[0];
    const has = (r) => r.note.id === noteId && (id === noteId || r.stances.some((s) => s.id === id));
    if (results.findIndex(has) < 0) useFilters(NO_FILTERS);
    const at = results.findIndex(has);
    if (at < 0) return;
    if (at >= byId("results").childElementCount + PAGE) useFilters({ note: results[at].note.path });
    showUpTo(results.findIndex(has) + 1);
    const target = byId(id);
    target.scrollIntoView({ block: "start" });
    document.querySelectorAll(".flash").forEach((n) => n.classList.remove("flash"));
    if (target.classList.contains("stance")) target.classList.add("flash");
  }

  function bind() {
    let timer = 0;
    byId("q").addEventListener("input", (e) => {
      clearTimeout(timer);
      timer = setTimeout(() => setFilters({ q: e.target.value }), 150);
    });
    for (const key of KEYS.slice(1)) {
      byId(`f-${key}`).addEventListener("change", (e) => setFilters({ [key]: e.target.value }));
    }
    byId("reset").addEventListener("click", () => setFilters(NO_FILTERS));
    const more = byId("more");
    more.addEventListener("click", () => showUpTo(byId("results").childElementCount + PAGE));
    if ("IntersectionObserver" in window) {
      const seen = new IntersectionObserver((hits) => {
        if (hits.some((h) => h.isIntersecting) && !more.hidden) more.click();
      }, { rootMargin: "600px" });
      seen.observe(more);
    }
    window.addEventListener("hashchange", () => {
      if (!location.hash.includes("=")) return reveal(readHash() || "");
      readHash();
      syncControls();
      apply();
    });
  }

  async function main() {
    try {
      data = await load();
    } catch (err) {
      byId("results").replaceChildren(el("p", "error", `The report could not be opened: ${err.message}`));
      return;
    }
    index();
    fillControls();
    renderSummary();
    renderTensions();
    const anchor = readHash();
    syncControls();
    foldFilters();
    apply();
    if (anchor) reveal(anchor);
    bind();
    document.body.dataset.ready = "1";
  }

  main();
})();
