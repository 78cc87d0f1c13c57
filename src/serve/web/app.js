// The web view of `maestroc serve`: runs, a run (graph, timeline, logs), workflows.
// Plain JavaScript, no dependencies; everything it shows comes from /api/ (docs/api.md).
// Text from the store is only ever set with textContent, never parsed as HTML.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
let stream = null; // the open EventSource of the page shown

function token() { return sessionStorage.getItem("maestroc-token") || ""; }

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  if (options.body) headers["Content-Type"] = "application/json";
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401) { $("#token-box").hidden = false; throw new Error("this server needs its token"); }
  const type = res.headers.get("content-type") || "";
  const data = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new Error((e.code ? e.code + ": " : "") + (e.message || res.statusText) + (e.help ? " (" + e.help + ")" : ""));
  }
  return data;
}

function listen(path, handlers) {
  if (stream) stream.close();
  const url = token() ? path + (path.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(token()) : path;
  stream = new EventSource(url);
  stream.onopen = () => $("#live").classList.add("on");
  stream.onerror = () => $("#live").classList.remove("on");
  for (const [name, fn] of Object.entries(handlers)) stream.addEventListener(name, (ev) => fn(ev.data));
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === "class") e.className = v;
    else if (k === "style") e.style.cssText = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const badge = (state) => el("span", { class: "state " + state, "data-state": state }, state);
const when = (t) => (t ? new Date(t).toLocaleString() : "");
function dur(ms) {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return ms + " ms";
  const s = ms / 1000;
  return s < 120 ? s.toFixed(1) + " s" : Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
}
function show(...nodes) { const m = $("#main"); m.replaceChildren(...nodes.filter((n) => n)); }
function fail(e) { show(el("p", { class: "error" }, String(e.message || e))); }

// ---- Runs ---------------------------------------------------------------------------

const STATES = ["", "queued", "running", "succeeded", "failed", "timed_out", "cancelled"];

async function runsPage(params) {
  const wf = params.get("workflow") || "", state = params.get("state") || "";
  let workflows = [];
  try { workflows = (await api("/api/workflows")).workflows.map((w) => w.name); } catch (e) { /* shown below */ }
  const wfSelect = el("select", { id: "filter-workflow" }, el("option", { value: "" }, "all"),
    [...new Set(workflows)].map((n) => el("option", { value: n }, n)));
  wfSelect.value = wf;
  const stSelect = el("select", { id: "filter-state" }, STATES.map((s) => el("option", { value: s }, s || "all")));
  stSelect.value = state;
  const apply = () => {
    const q = new URLSearchParams();
    if (wfSelect.value) q.set("workflow", wfSelect.value);
    if (stSelect.value) q.set("state", stSelect.value);
    location.hash = "#/runs" + (q.toString() ? "?" + q : "");
  };
  wfSelect.onchange = apply; stSelect.onchange = apply;
  const body = el("tbody");
  const more = el("button", { id: "older", hidden: "" }, "Older runs");
  const table = el("table", { id: "runs" }, el("thead", {}, el("tr", {}, ["Run", "Workflow", "State", "Created", "Duration", "Message"].map((h) => el("th", {}, h)))), body);
  show(el("h1", {}, "Runs"), el("div", { class: "filters" }, el("label", {}, "Workflow", wfSelect), el("label", {}, "State", stSelect)), table, more);
  let next = null;
  async function load(append) {
    const q = new URLSearchParams({ limit: "50" });
    if (wf) q.set("workflow", wf);
    if (state) q.set("state", state);
    if (append && next) q.set("before", next);
    const page = await api("/api/runs?" + q);
    if (!append) body.replaceChildren();
    for (const r of page.runs) {
      body.append(el("tr", { "data-run": r.run_id },
        el("td", {}, el("a", { href: "#/run/" + encodeURIComponent(r.run_id) }, r.run_id)),
        el("td", {}, r.workflow), el("td", {}, badge(r.state)), el("td", {}, when(r.created_at)),
        el("td", {}, dur(r.duration_ms)), el("td", { class: "muted" }, r.message || "")));
    }
    if (!page.runs.length && !append) body.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No runs yet.")));
    next = page.next;
    more.hidden = next === null;
  }
  more.onclick = () => load(true).catch(fail);
  await load(false);
  listen("/api/events", { runs: () => load(false).catch(() => {}) });
}

// ---- A run --------------------------------------------------------------------------

function worst(states) {
  for (const s of ["failed", "timed_out", "running", "retrying", "cancelled", "queued", "pending", "succeeded", "skipped"]) if (states[s]) return s;
  return "pending";
}

function summary(step) {
  if (!step) return "not started";
  if (step.total === 1) {
    const i = step.instances[0];
    return i.state + (i.attempts > 1 ? " · " + i.attempts + " attempts" : "");
  }
  return step.total + " instances: " + Object.entries(step.states).map(([s, n]) => n + " " + s).join(", ");
}

function drawGraph(run, onDrill) {
  const g = run.graph;
  if (!g) return el("p", { class: "muted" }, "The graph is shown for workflows this server serves.");
  const byId = {};
  g.nodes.forEach((n) => (byId[n.id] = { kind: "node", v: n }));
  g.clusters.forEach((c) => (byId[c.id] = { kind: "cluster", v: c }));
  const box = (id) => {
    const item = byId[id];
    if (!item) return null;
    if (item.kind === "node") {
      const n = item.v, step = run.steps[n.name];
      const state = step ? worst(step.states) : "pending";
      const drill = step && step.total > 1;
      return el("div", { class: "node " + state + (drill ? " drill" : ""), id: "g-" + id, "data-step": n.name, "data-state": state,
        title: drill ? "show the instances" : null, onclick: drill ? () => onDrill(n.name) : null },
        el("div", { class: "name" }, n.name), el("div", { class: "summary" }, n.kind + " · " + summary(step)));
    }
    const c = item.v;
    let inner = c.topological_order.map(box);
    if (c.kind === "if") inner = g.clusters.filter((x) => x.parent === c.id).map((x) => box(x.id));
    return el("div", { class: "cluster", id: "g-" + id }, el("div", { class: "label" }, c.label), inner);
  };
  // Top-level items in columns by dependency depth.
  const level = {};
  const top = g.topological_order;
  for (const id of top) {
    level[id] = 0;
    for (const e of g.edges) if (e.to === id && level[e.from] !== undefined) level[id] = Math.max(level[id], level[e.from] + 1);
  }
  const columns = [];
  for (const id of top) (columns[level[id]] = columns[level[id]] || []).push(id);
  const graph = el("div", { class: "graph", id: "graph" }, columns.map((ids) => el("div", { class: "column" }, ids.map(box))));
  const wrap = el("div", { class: "graph-wrap" }, graph);
  requestAnimationFrame(() => drawEdges(wrap, graph, g.edges));
  return wrap;
}

function drawEdges(wrap, graph, edges) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "edges");
  svg.setAttribute("width", wrap.scrollWidth);
  svg.setAttribute("height", wrap.scrollHeight);
  const origin = wrap.getBoundingClientRect();
  for (const e of edges) {
    const a = document.getElementById("g-" + e.from), b = document.getElementById("g-" + e.to);
    if (!a || !b) continue;
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    const line = document.createElementNS(ns, "path");
    const x1 = ra.right - origin.left + wrap.scrollLeft, y1 = ra.top + ra.height / 2 - origin.top + wrap.scrollTop;
    const x2 = rb.left - origin.left + wrap.scrollLeft, y2 = rb.top + rb.height / 2 - origin.top + wrap.scrollTop;
    const mid = (x1 + x2) / 2;
    line.setAttribute("d", `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`);
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", e.kind === "data" ? "#777" : "#bbb");
    line.setAttribute("stroke-dasharray", e.kind === "data" ? "" : "4 3");
    svg.append(line);
  }
  wrap.prepend(svg);
}

function timeline(run) {
  const attempts = run.attempts;
  if (!attempts.length) return el("p", { class: "muted" }, "No attempts yet.");
  const t0 = Math.min(...attempts.map((a) => Date.parse(a.started_at)));
  const now = Date.now();
  const t1 = Math.max(...attempts.map((a) => (a.ended_at ? Date.parse(a.ended_at) : now)), t0 + 1);
  const pct = (t) => ((t - t0) / (t1 - t0)) * 100;
  return el("div", { class: "timeline", id: "timeline" },
    attempts.slice(0, 300).map((a) => {
      const s = Date.parse(a.started_at), e = a.ended_at ? Date.parse(a.ended_at) : now;
      return el("div", { class: "bar-row" },
        el("span", { class: "who", title: a.step }, a.step + " #" + a.attempt),
        el("div", { class: "bar-track" }, el("div", { class: "bar " + a.state, title: a.state + " · " + dur(e - s) + (a.message ? " · " + a.message : ""),
          style: `left:${pct(s).toFixed(2)}%;width:${Math.max(pct(e) - pct(s), 0.2).toFixed(2)}%` })));
    }),
    attempts.length > 300 ? el("p", { class: "muted" }, "… and " + (attempts.length - 300) + " more attempts") : null);
}

function kv(obj) {
  const rows = Object.entries(obj || {});
  if (!rows.length) return el("p", { class: "muted" }, "none");
  return el("table", { class: "kv" }, rows.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, typeof v === "string" ? v : JSON.stringify(v)))));
}

async function runPage(id) {
  const head = el("div");
  const graphBox = el("div"), drill = el("div"), time = el("div"), values = el("div"), errs = el("div");
  const logStep = el("select", { id: "log-step" }), logStream = el("select", { id: "log-stream" }, el("option", {}, "stdout"), el("option", {}, "stderr"));
  const logText = el("pre", { class: "log", id: "log" });
  const showLog = async () => {
    if (!logStep.value) { logText.textContent = ""; return; }
    try {
      logText.textContent = await api(`/api/runs/${encodeURIComponent(id)}/logs?step=${encodeURIComponent(logStep.value)}&stream=${logStream.value}`) || "(empty)";
    } catch (e) { logText.textContent = e.message; }
  };
  logStep.onchange = showLog; logStream.onchange = showLog;
  show(head, el("h2", {}, "Steps"), graphBox, drill, el("h2", {}, "Timeline"), time, values, errs,
    el("h2", {}, "Logs"), el("div", { class: "filters" }, el("label", {}, "Step", logStep), el("label", {}, "Stream", logStream)), logText);
  const onDrill = async (node) => {
    const page = await api(`/api/runs/${encodeURIComponent(id)}/steps?node=${encodeURIComponent(node)}&limit=200`);
    drill.replaceChildren(...[el("h2", {}, `Instances of ${node} (${page.total})`),
      el("table", { id: "instances" }, page.steps.map((s) => el("tr", {}, el("td", {}, s.name), el("td", {}, badge(s.state)), el("td", {}, s.attempts + " attempt(s)"), el("td", { class: "muted" }, s.message || "")))),
      page.total > page.steps.length ? el("p", { class: "muted" }, `first ${page.steps.length} of ${page.total}`) : null].filter((n) => n));
  };
  const render = (run) => {
    const live = run.state === "running" || run.state === "queued";
    const cancel = el("button", { id: "cancel", class: "danger", disabled: live ? null : "" }, "Cancel");
    const resume = el("button", { id: "resume", disabled: ["failed", "cancelled", "timed_out"].includes(run.state) ? null : "" }, "Resume");
    const note = el("span", { class: "muted", id: "action-note" });
    cancel.onclick = async () => { cancel.disabled = true; try { await api(`/api/runs/${encodeURIComponent(id)}/cancel`, { method: "POST" }); note.textContent = "asked to stop"; } catch (e) { note.textContent = e.message; } };
    resume.onclick = async () => { resume.disabled = true; try { await api(`/api/runs/${encodeURIComponent(id)}/resume`, { method: "POST" }); note.textContent = "resumed"; } catch (e) { note.textContent = e.message; } };
    head.replaceChildren(...[el("h1", {}, "Run ", el("span", { id: "run-id" }, run.run_id), " ", el("span", { id: "run-state" }, badge(run.state))),
      el("p", { class: "muted" }, `${run.workflow} · ${run.file} · created ${when(run.created_at)} · ${dur(run.duration_ms)} · strategy ${run.strategy}` + (run.resumes ? ` · resumed ${run.resumes}×` : "")),
      run.message ? el("p", { class: "error" }, run.message) : null,
      el("div", { class: "actions" }, cancel, resume, note)].filter((n) => n));
    graphBox.replaceChildren(drawGraph(run, (n) => onDrill(n).catch(fail)));
    time.replaceChildren(timeline(run));
    values.replaceChildren(el("h2", {}, "Params"), kv(run.params), el("h2", {}, "Outputs"), kv(run.outputs));
    errs.replaceChildren(...(run.errors.length ? [el("h2", {}, "Errors"), el("table", {}, run.errors.map((e) => el("tr", {}, el("td", {}, e.step), el("td", {}, badge(e.state)), el("td", {}, e.message || ""))))] : []));
    const chosen = logStep.value;
    const names = run.attempts.filter((a) => a.has_logs).map((a) => a.step);
    logStep.replaceChildren(el("option", { value: "" }, "choose a step"), [...new Set(names)].map((n) => el("option", { value: n }, n)));
    logStep.value = names.includes(chosen) ? chosen : "";
    if (logStep.value) showLog();
  };
  render(await api("/api/runs/" + encodeURIComponent(id)));
  listen(`/api/runs/${encodeURIComponent(id)}/events`, { run: (data) => render(JSON.parse(data)), end: () => stream && stream.close() });
}

// ---- Workflows ----------------------------------------------------------------------

async function workflowsPage() {
  const data = await api("/api/workflows");
  const rows = data.workflows.map((w) => {
    const triggers = w.triggers.map((t) => el("div", { class: "trigger" },
      t.kind === "schedule"
        ? [el("code", {}, t.cron), ` in ${t.zone}, catchup ${t.catchup}`, el("div", { class: "muted" }, "next: " + (t.next_fires.map(when).join(", ") || "never"))]
        : [`on signal "${t.signal}"`, t.where ? el("code", {}, " where " + t.where) : null],
      t.last_fires.length ? el("div", { class: "muted" }, "last: " + t.last_fires.map((f) => `${f.tick} ${f.outcome}${f.run_id ? " → " + f.run_id : ""}${f.message ? " (" + f.message + ")" : ""}`).join("; ")) : null));
    const inputs = w.params.map((p) => el("label", {}, p.name + (p.required ? "*" : "") + " ", el("input", { name: p.name, placeholder: p.type })));
    const note = el("span", { class: "muted" });
    const start = el("button", { "data-start": w.key }, "Start");
    start.onclick = async () => {
      const params = {};
      for (const i of inputs) { const input = i.querySelector("input"); if (input.value !== "") params[input.name] = input.value; }
      try { const r = await api("/api/runs", { method: "POST", body: JSON.stringify({ workflow: w.key, params }) }); location.hash = "#/run/" + encodeURIComponent(r.run_id); }
      catch (e) { note.textContent = e.message; }
    };
    return el("tr", { "data-workflow": w.name },
      el("td", {}, el("strong", {}, w.name), el("div", { class: "muted" }, w.file), w.current ? null : el("div", { class: "error" }, "the file does not check now; its previous version is served")),
      el("td", {}, w.strategy), el("td", {}, triggers.length ? triggers : el("span", { class: "muted" }, "started by hand")),
      el("td", {}, el("a", { href: "#/runs?workflow=" + encodeURIComponent(w.name) }, "runs")),
      el("td", {}, inputs, start, note));
  });
  const files = data.files.filter((f) => !f.check.ok).map((f) => el("div", {}, el("h2", { class: "error" }, f.file + (f.serving ? " (serving its previous version)" : " (not served)")), el("pre", { class: "diag" }, f.check.diagnostics)));
  show(el("h1", {}, "Workflows"), el("table", { id: "workflows" }, el("thead", {}, el("tr", {}, ["Workflow", "Strategy", "Triggers", "", "Start"].map((h) => el("th", {}, h)))), el("tbody", {}, rows)), files);
}

// ---- Routing ------------------------------------------------------------------------

async function route() {
  if (stream) { stream.close(); stream = null; $("#live").classList.remove("on"); }
  const hash = location.hash || "#/runs";
  const [path, query] = hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  for (const a of document.querySelectorAll("header nav a")) a.classList.toggle("active", hash.startsWith(a.getAttribute("href")));
  try {
    if (path.startsWith("/run/")) await runPage(decodeURIComponent(path.slice(5)));
    else if (path === "/workflows") await workflowsPage();
    else await runsPage(params);
  } catch (e) { fail(e); }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => {
  $("#token-save").onclick = () => { sessionStorage.setItem("maestroc-token", $("#token").value.trim()); $("#token-box").hidden = true; route(); };
  route();
});
