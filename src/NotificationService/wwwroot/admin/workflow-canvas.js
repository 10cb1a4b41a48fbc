// The workflow page's canvas: the definition drawn as step cards (branches and waits as lanes side by side), edited by a
// form per step type. The JSON text area stays the one source of truth (the "Advanced" tab): the canvas is drawn from
// it, and only a canvas edit writes it back, so a document the canvas did not change keeps its bytes. See
// docs/decisions/workflow-canvas-json.md. Served by the service under the console's CSP (script-src 'self').
"use strict";

(() => {
  const root = document.getElementById("workflow-canvas");
  const text = document.getElementById("workflow-definition");
  if (!root || !text) return;
  const editable = root.dataset.editable === "true";
  const csrf = () => document.querySelector("input[name=__csrf]")?.value ?? "";
  const el = (tag, props = {}, ...children) => { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; };

  // Each type's form: [property, label, kind]; kind "list" is a comma-separated array. Other properties stay untouched.
  const forms = {
    send: [["channel", "Channel"], ["template", "Template key"]],
    delay: [["for", "For (ISO 8601 duration)"]],
    waitFor: [["step", "Send step"], ["status", "Statuses (comma-separated)", "list"], ["event", "Or event name"],
      ["timeout", "Timeout (ISO 8601 duration)"]],
    digest: [["window", "Window (ISO 8601 duration)"], ["key", "Key (JMESPath)"], ["maxEvents", "At most events", "number"]],
    throttle: [["limit", "Limit", "number"], ["window", "Window (ISO 8601 duration)"], ["key", "Key (JMESPath)"]],
    exit: [["reason", "Reason"]],
  };
  const fresh = { send: () => ({ channel: "email", template: "" }), delay: () => ({ for: "PT1H" }),
    waitFor: () => ({ step: "", status: ["read"], timeout: "PT1H", then: [] }),
    branch: () => ({ arms: [{ when: "data.x == 'y'", steps: [] }], otherwise: [] }),
    digest: () => ({ window: "PT1H" }), throttle: () => ({ limit: 1, window: "PT1H" }), exit: () => ({ reason: "done" }) };

  const isObject = v => typeof v === "object" && v !== null && !Array.isArray(v);
  let definition = null, problems = { steps: {}, definition: {} }, timer = 0, sequence = 0;
  // A lane the definition leaves out is drawn empty and written only once a step is added to it (drawing adds nothing).
  const lane = (label, owner, key) => ({ label, list: owner[key] ?? [], attach: list => { owner[key] = list; } });
  const lanes = step => step.type === "branch"
    ? [...(step.arms ?? []).map((arm, i) => lane(`when (arm ${i + 1})`, arm, "steps")), lane("otherwise", step, "otherwise")]
    : step.type === "waitFor" ? [lane("then", step, "then"), lane("on timeout", step, "onTimeout")] : [];

  // A change redraws the canvas, which would drop the focus: `target` names where it goes in the new drawing (by default
  // the control the user was heading to with Tab or Shift+Tab), so the canvas can be edited by keyboard alone.
  let tabbing = 0;
  root.addEventListener("keydown", e => { tabbing = e.key === "Tab" ? (e.shiftKey ? -1 : 1) : 0; });
  const controls = () => [...root.querySelectorAll("input, select, button")];
  const changed = (target = null) => {
    text.value = JSON.stringify(definition, null, 2);
    draw();
    target?.()?.focus();
    check();
  };
  const stayAt = control => { const at = controls().indexOf(control) + tabbing; tabbing = 0; return () => controls()[Math.max(0, at)]; };
  const named = label => () => controls().find(c => c.getAttribute("aria-label") === label);

  function field(step, [name, label, kind]) {
    const id = step === definition ? `workflow-${name}` : `step-${step.id}-${name}`;
    const value = step[name] ?? "";
    const input = el("input", { id, name: id, value: kind === "list" && Array.isArray(value) ? value.join(", ") : String(value),
      readOnly: !editable, autocomplete: "off", type: kind === "number" ? "number" : "text" });
    input.addEventListener("change", () => {
      const v = input.value.trim();
      if (v === "") delete step[name];
      else step[name] = kind === "list" ? v.split(",").map(s => s.trim()).filter(Boolean) : kind === "number" ? Number(v) : v;
      changed(stayAt(input));
    });
    return el("div", { className: "wf-field" }, el("label", { htmlFor: id, textContent: label }), input);
  }

  // The builder above the raw condition: editing it rewrites the condition; a condition it cannot show leaves it blank.
  function conditionBuilder(arm, id, index, raw) {
    const { operators, build, parse } = window.workflowConditions;
    const parts = parse(arm.when) ?? { field: "", operator: "==", value: "" };
    const shown = parse(arm.when) !== null;
    const control = (tag, suffix, label, props, ...children) => {
      const c = el(tag, { id: `${id}-${suffix}`, disabled: !editable, ...props }, ...children);
      return el("div", { className: "wf-field" }, el("label", { htmlFor: c.id, textContent: label }), c);
    };
    const field = control("input", "field", "Field (data.… or recipient.…)", { value: shown ? parts.field : "", autocomplete: "off",
      spellcheck: false, placeholder: "data.priority" });
    const operator = control("select", "operator", "Comparison", {},
      ...operators.map(o => el("option", { value: o, textContent: o, selected: o === parts.operator })));
    const value = control("input", "value", "Value", { value: shown ? parts.value : "", autocomplete: "off", spellcheck: false });
    const note = shown || !arm.when ? []
      : [el("p", { className: "note", textContent: "Not a simple comparison: edit it as JMESPath below." })];
    const inputs = [field, operator, value].map(d => d.lastChild);
    inputs.forEach(c => c.addEventListener("change", () => {
      const when = build({ field: inputs[0].value.trim(), operator: inputs[1].value, value: inputs[2].value });
      if (when === null) return;   // no field yet: nothing to write
      arm.when = when;
      changed(stayAt(c));
    }));
    return el("fieldset", { className: "wf-builder" }, el("legend", { textContent: `Arm ${index + 1}: when` }),
      ...note, field, operator, value);
  }

  function conditionField(step, arm, index) {
    const id = `step-${step.id}-when-${index}`;
    const input = el("input", { id, name: id, value: arm.when ?? "", readOnly: !editable, autocomplete: "off", spellcheck: false });
    input.addEventListener("change", () => { arm.when = input.value; changed(stayAt(input)); });
    return el("div", { className: "wf-condition" }, conditionBuilder(arm, id, index, input),
      el("div", { className: "wf-field" },
        el("label", { htmlFor: id, textContent: `Arm ${index + 1} condition (JMESPath over data.*, recipient.*)` }), input));
  }

  // The send form's picker: the tenant's templates for the step's channel(s), and the variables the chosen one reads.
  let templates = [];
  function templatePicker(step) {
    const id = `step-${step.id}-template-pick`;
    const channels = step.channels ?? [step.channel];
    const offered = templates.filter(t => channels.includes(t.channel));
    const chosen = offered.find(t => t.key === step.template);
    const pick = el("select", { id, disabled: !editable },
      el("option", { value: "", textContent: offered.length > 0 ? "(choose)" : "(none for this channel)" }),
      ...offered.map(t => el("option", { value: t.key, textContent: `${t.key} (${t.channel})`, selected: t === chosen })));
    pick.addEventListener("change", () => { if (pick.value) { step.template = pick.value; changed(stayAt(pick)); } });
    const variables = el("p", { id: `${id}-variables`, className: "note wf-variables",
      textContent: chosen ? `Variables: ${chosen.variables.length > 0 ? chosen.variables.join(", ") : "none"}` : "" });
    return el("div", { className: "wf-field" }, el("label", { htmlFor: id, textContent: "Template of this channel" }), pick, variables);
  }

  function button(label, name, action) {
    const b = el("button", { type: "button", textContent: label });
    b.setAttribute("aria-label", name);
    b.addEventListener("click", action);
    return b;
  }

  function card(step, list, index) {
    const item = el("li", { className: `wf-card wf-${step.type}` });
    item.dataset.stepId = step.id ?? "";
    const titleId = `card-${step.id}-title`;
    item.setAttribute("aria-labelledby", titleId);
    item.append(el("p", { id: titleId, className: "wf-card-title" }, el("span", { className: "wf-kind", textContent: step.type }), " ",
      el("strong", { textContent: step.id ?? "(no id)" })));
    // A property holding an object (a digest's calendar window) has no form here: it rides along, edited as JSON.
    [["id", "Step id"], ...(forms[step.type] ?? [])].filter(([name]) => !isObject(step[name])).forEach(f => item.append(field(step, f)));
    if (step.type === "send") item.append(templatePicker(step));
    if (step.type === "branch") (step.arms ?? []).forEach((arm, i) => item.append(conditionField(step, arm, i)));
    if (editable) {
      const name = step.id ?? "step";
      item.append(el("div", { className: "actions" },
        button("Up", `Move ${name} up`, () => {
          if (index > 0) { list.splice(index - 1, 0, ...list.splice(index, 1)); changed(named(`Move ${name} up`)); } }),
        button("Down", `Move ${name} down`, () => {
          if (index < list.length - 1) { list.splice(index + 1, 0, ...list.splice(index, 1)); changed(named(`Move ${name} down`)); } }),
        button("Remove", `Remove ${name}`, e => { const next = stayAt(e.currentTarget); list.splice(index, 1); changed(next); })));
    }
    const arms = lanes(step);
    if (arms.length > 0) {
      item.append(el("div", { className: "wf-lanes" }, ...arms.map(l =>
        el("div", { className: "wf-lane" }, el("p", { className: "wf-arm-label", textContent: l.label }), flow(l.list, `${step.id}: ${l.label}`, l.attach)))));
    }
    return item;
  }

  let added = 0;
  function flow(list, label, attach = () => {}) {
    const ol = el("ol", { className: "wf-cards" }, ...list.map((s, i) => card(s, list, i)));
    ol.setAttribute("aria-label", label);
    const box = el("div", { className: "wf-flow-box" }, ol);
    if (editable) {
      const id = `add-${++added}`;
      const pick = el("select", { id }, ...Object.keys(fresh).map(t => el("option", { value: t, textContent: t })));
      const ids = new Set(); const walk = l => l.forEach(s => { ids.add(s.id); lanes(s).forEach(x => walk(x.list)); }); walk(definition.steps);
      box.append(el("div", { className: "wf-add" }, el("label", { htmlFor: id, textContent: `Step to add (${label})` }), pick,
        button("Add step", `Add step to ${label}`, () => {
          let n = 1; while (ids.has(`${pick.value}-${n}`)) n++;
          const stepId = `${pick.value}-${n}`;
          list.push({ id: stepId, type: pick.value, ...fresh[pick.value]() });
          attach(list);
          changed(() => root.querySelector(`[data-step-id="${CSS.escape(stepId)}"] input`));
        })));
    }
    return box;
  }

  function draw() {
    added = 0;
    try { definition = JSON.parse(text.value); } catch { definition = null; }
    if (!definition || !Array.isArray(definition.steps)) {
      root.replaceChildren(el("p", { className: "note", textContent: "The JSON does not parse: fix it in the Advanced tab." }));
      return;
    }
    const about = el("div", { className: "wf-about" }, ...[["key", "Workflow key"], ["name", "Workflow name"], ["category", "Category"]]
      .map(f => field(definition, f)));
    root.replaceChildren(about, el("div", { id: "canvas-problems" }),
      flow(definition.steps, `Steps of ${definition.name ?? definition.key ?? "the workflow"}`));
    showProblems();
  }

  // Problems go on their cards without redrawing the forms, so an answer arriving mid-typing loses no keystroke.
  function showProblems() {
    const list = messages => el("div", { className: "error wf-problems", role: "alert" }, el("ul", {}, ...messages.map(m => el("li", { textContent: m }))));
    root.querySelectorAll(".wf-problems").forEach(p => p.remove());
    root.querySelectorAll("[data-step-id]").forEach(card => {
      const own = problems.steps[card.dataset.stepId] ?? [];
      card.classList.toggle("wf-invalid", own.length > 0);
      if (own.length > 0) card.querySelector(".wf-card-title").after(list(own));
    });
    const general = Object.entries(problems.definition).map(([path, ms]) => `${path}: ${ms.join(" ")}`);
    if (general.length > 0) root.querySelector("#canvas-problems")?.append(list(general));
  }

  async function check() {
    const mine = ++sequence;
    let answer;
    try {
      const response = await fetch(root.dataset.problemsUrl, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() }, body: text.value });
      if (!response.ok) return;
      answer = await response.json();
    } catch { return; }
    if (mine !== sequence) return;   // a newer edit's answer wins
    problems = { steps: answer.steps ?? {}, definition: answer.definition ?? {} };
    root.dataset.valid = String(answer.valid);
    showProblems();
  }

  // Tabs: the canvas and the Advanced (JSON) view; switching draws from the text and never rewrites it.
  const advanced = document.getElementById("workflow-advanced");
  const tabCanvas = document.getElementById("tab-canvas"), tabJson = document.getElementById("tab-json");
  const show = canvas => {
    root.hidden = !canvas; advanced.hidden = canvas;
    tabCanvas.setAttribute("aria-pressed", String(canvas)); tabJson.setAttribute("aria-pressed", String(!canvas));
    if (canvas) { draw(); check(); }
  };
  let picked = false;   // a tab the user chose before the templates arrived stays chosen
  tabCanvas.hidden = tabJson.hidden = false;
  tabCanvas.addEventListener("click", () => { picked = true; show(true); });
  tabJson.addEventListener("click", () => { picked = true; show(false); });
  text.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 300); });
  // The picker's templates come first (one small request), so the first drawing already offers them; had the user
  // opened a tab meanwhile, an open canvas is drawn again with them and the Advanced view is left as it is.
  fetch(root.dataset.templatesUrl, { credentials: "same-origin" })
    .then(r => r.ok ? r.json() : []).then(list => { templates = Array.isArray(list) ? list : []; }, () => {})
    .finally(() => { if (!picked) show(true); else if (!root.hidden) draw(); });
})();
