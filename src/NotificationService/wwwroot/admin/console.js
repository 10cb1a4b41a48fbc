// The admin console's only script (no inline script anywhere: the CSP forbids it). Progressive: every page works as
// plain forms; this adds the live template preview, the bulk progress bar (with rows/s) and column-mapping helper, live queue
// counts, "select all", the confirmation of destructive buttons and the CSRF header on fetches.
"use strict";

const csrf = () => document.querySelector("input[name=__csrf]")?.value ?? "";

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`preview failed: HTTP ${response.status}`);
  return response.json();
}

function livePreview(editor) {
  const form = editor.querySelector("form");
  const errors = editor.querySelector("#preview-errors");
  const missing = editor.querySelector("#preview-missing");
  const output = editor.querySelector("#preview-parts");
  let timer = 0, sequence = 0;

  const render = async () => {
    const mine = ++sequence;
    const parts = {};
    form.querySelectorAll("[data-part]").forEach(t => { parts[t.dataset.part] = t.value; });
    const data = form.querySelector("[data-json]").value;
    let result;
    try { result = await postJson(editor.dataset.previewUrl, { parts, data }); }
    catch (e) { errors.replaceChildren(Object.assign(document.createElement("li"), { textContent: e.message })); return; }
    if (mine !== sequence) return;   // a newer keystroke's answer wins
    errors.replaceChildren(...result.errors.map(e =>
      Object.assign(document.createElement("li"), { textContent: `${e.part}, line ${e.line}, column ${e.column}: ${e.message}` })));
    // Each part's own problems also beside its field, at their line (the list above keeps every problem, partials' too).
    const byPart = {};
    for (const e of result.errors) (byPart[e.part.replace(/^parts\./, "")] ??= []).push(e);
    form.querySelectorAll("[data-errors-for]").forEach(list => {
      const mine = byPart[list.dataset.errorsFor] ?? [];
      list.replaceChildren(...mine.map(e => Object.assign(document.createElement("li"), { textContent: `Line ${e.line}, column ${e.column}: ${e.message}` })));
      form.querySelector(`[data-part="${CSS.escape(list.dataset.errorsFor)}"]`)?.setAttribute("aria-invalid", mine.length ? "true" : "false");
    });
    missing.textContent = result.missingVariables.length ? `Missing variables: ${result.missingVariables.join(", ")}` : "";
    output.replaceChildren(...Object.entries(result.parts).map(([name, value]) => {
      const section = document.createElement("div");
      section.className = "preview-part";
      section.dataset.part = name;
      section.append(Object.assign(document.createElement("h3"), { textContent: name }));
      if (name === "html") {
        const frame = document.createElement("iframe");
        frame.setAttribute("sandbox", "");      // no scripts, opaque origin: the email cannot touch the console
        frame.title = "Rendered email HTML";
        frame.className = "email";
        frame.srcdoc = value;
        section.append(frame);
      } else {
        section.append(Object.assign(document.createElement("pre"), { className: "part", textContent: value }));
      }
      return section;
    }));
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(render, 200); });
  render();
}

function bulkProgress(panel) {
  const bar = panel.querySelector("progress");
  const label = panel.querySelector("[data-progress-label]");
  const rate = bulkRate(panel.querySelector("[data-rate]"));
  const tick = async () => {
    const response = await fetch(panel.dataset.progressUrl, { credentials: "same-origin" });
    const s = response.ok ? await response.json().catch(() => null) : null;
    if (!s) { label.textContent = `progress unavailable (HTTP ${response.status})`; return; }
    const percent = s.state === "completed" ? 100 : Math.floor(s.percent);
    bar.value = percent;
    bar.textContent = `${percent} %`;
    label.textContent = s.label ?? `${percent} % · ${s.processedRows} rows · ${s.rejectedRows} rejected · ${s.state}`;   // a fan-out says its own
    panel.dataset.state = s.state;
    rate(s);
    if (s.done) panel.querySelector("form[data-cancel-job]")?.remove();   // nothing left to cancel
    else setTimeout(tick, 500);
  };
  tick();
}

// Bulk rows/s: worked out here from the processed-row counts of successive polls (the rate now, not the average since
// the start); once the job is done, the server's average over its whole run.
function bulkRate(output) {
  let previous = null;
  return s => {
    if (!output) return;
    const now = performance.now();
    if (s.done) output.textContent = s.rowsPerSecond > 0 ? `${Math.round(s.rowsPerSecond).toLocaleString("en")} rows/s (average)` : "";
    else if (previous && now > previous.at && s.processedRows >= previous.rows) {
      const perSecond = (s.processedRows - previous.rows) / ((now - previous.at) / 1000);
      output.textContent = `${Math.round(perSecond).toLocaleString("en")} rows/s`;
    }
    previous = { rows: s.processedRows, at: now };
  };
}

// Bulk column mapping: reads the chosen file's header row here in the browser (the first 64 KB, split like the server's
// CsvSniffer: delimiter , ; or tab, quotes) and offers one select per recipient field; the choices become the `mapping`
// JSON ({"column": "field"}) the upload already accepts. Without script the JSON field is typed by hand.
function bulkColumnMapping(form) {
  const helper = form.querySelector("#mapping-helper");
  const mapping = form.querySelector("#mapping");
  const problem = form.querySelector("#mapping-error");
  const dataColumns = form.querySelector("#data-columns");
  const selects = [...helper.querySelectorAll("select[data-field]")];
  let header = [];
  const write = () => {
    const byColumn = {}, taken = new Set();
    let clash = "";
    for (const select of selects) {
      select.setCustomValidity("");
      if (!select.value) continue;
      if (byColumn[select.value]) { clash = `“${select.value}” is chosen for both ${byColumn[select.value]} and ${select.dataset.field}.`; select.setCustomValidity(clash); }
      else byColumn[select.value] = select.dataset.field;
      taken.add(select.value.toLowerCase());
    }
    problem.textContent = clash;
    mapping.value = Object.keys(byColumn).length ? JSON.stringify(byColumn) : "";
    const data = header.filter(h => !taken.has(h.toLowerCase()));
    dataColumns.textContent = data.length ? `Template data columns: ${data.join(", ")}` : "No columns left for template data.";
  };
  form.querySelector("input[type=file]").addEventListener("change", async event => {
    const file = event.target.files[0];
    header = file ? bulkCsvHeader(await file.slice(0, 65536).text()) : [];
    helper.hidden = header.length === 0;
    for (const select of selects) {
      const same = header.find(h => h.toLowerCase() === select.dataset.field);
      select.replaceChildren(new Option("— none —", ""), ...header.map(h => new Option(h, h)));
      select.value = same ?? "";
    }
    write();
  });
  selects.forEach(select => select.addEventListener("change", write));
}

function bulkCsvHeader(text) {
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const end = text.indexOf("\n");
  const line = (end < 0 ? text : text.slice(0, end)).replace(/\r$/, "");
  const outsideQuotes = c => { let n = 0, quoted = false; for (const ch of line) { if (ch === '"') quoted = !quoted; else if (ch === c && !quoted) n++; } return n; };
  const delimiter = [",", ";", "\t"].reduce((best, d) => outsideQuotes(d) > outsideQuotes(best) ? d : best);
  const fields = [];
  let current = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"' && quoted && line[i + 1] === '"') { current += '"'; i++; }
    else if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) { fields.push(current.trim()); current = ""; }
    else current += ch;
  }
  fields.push(current.trim());
  return fields.filter(f => f.length > 0);
}

// Queue counts: re-read the small JSON handler every few seconds and rewrite the cells; the page itself still works
// without script (its counts are as of the last load).
function liveQueueStats(table) {
  const tick = async () => {
    try {
      const response = await fetch(table.dataset.statsUrl, { credentials: "same-origin" });
      if (response.ok) {
        for (const q of await response.json()) {
          const row = table.querySelector(`tr[data-queue="${CSS.escape(q.queue)}"]`);
          if (!row) continue;
          for (const cell of row.querySelectorAll("[data-stat]")) {
            const value = q[cell.dataset.stat];
            cell.textContent = cell.dataset.stat === "oldestReadySeconds" ? (value == null ? "—" : `${Math.round(value)} s`) : value;
          }
        }
        table.dataset.refreshedAt = new Date().toISOString();
      }
    } finally { setTimeout(tick, 3000); }
  };
  setTimeout(tick, 3000);
}

// Bulk upload: fetch with the token in a header, so the server validates it without buffering the file to read a form field.
function bulkUpload(form) {
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const error = form.querySelector("#upload-error");
    error.textContent = "";
    const body = new FormData(form);
    body.delete("__csrf");
    for (const [name, value] of [...body.entries()]) if (value === "") body.delete(name);   // unset options are absent, not empty
    const file = body.get("file");
    body.delete("file");
    body.append("file", file);   // the file is the last part: options first, then the stream
    const response = await fetch(form.action, { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf() }, body });
    const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (response.ok) location.assign(answer.url); else error.textContent = answer.error ?? `HTTP ${response.status}`;
  });
}

// The nav's groups are <details> menus that work without script; this only closes an open one on Escape (focus back on
// its summary) or on a click outside it, as a menu is expected to.
function navMenus(nav) {
  const groups = [...nav.querySelectorAll("details")];
  document.addEventListener("click", event => groups.forEach(g => { if (g.open && !g.contains(event.target)) g.open = false; }));
  document.addEventListener("keydown", event => {
    if (event.key !== "Escape") return;
    const open = groups.find(g => g.open);
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
}

// A destructive button (or its form) carries a data-confirm sentence: the browser's own dialog asks it first, and Cancel
// posts nothing. Deletes with a confirmation the server checks too (a provider, erasing a user) need no second one.
document.addEventListener("submit", event => {
  const question = event.submitter?.dataset.confirm ?? event.target.dataset.confirm;
  if (question && !confirm(question)) event.preventDefault();
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("header nav.menu").forEach(navMenus);
  document.querySelectorAll("form[data-upload]").forEach(bulkUpload);
  document.querySelectorAll("form[data-upload]").forEach(bulkColumnMapping);
  document.querySelectorAll(".editor[data-preview-url]").forEach(livePreview);
  document.querySelectorAll("[data-progress-url]:not([data-progress-url=''])").forEach(bulkProgress);   // only a running job has a URL
  document.querySelectorAll("table[data-stats-url]").forEach(liveQueueStats);
  document.querySelectorAll("input[data-select-all]").forEach(all => all.addEventListener("change", () =>
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`).forEach(box => { box.checked = all.checked; })));
});
