// The run page's timeline, live: while the run goes on, a short poll of the page's Timeline handler asks for the lines
// after those shown, appends them as the server draws them, and updates the state. The status line above the list says
// only what was just added, so a screen reader hears each new step once, never the whole timeline again. Without script
// the page is as of its load.
(() => {
  const list = document.querySelector("ol#run-timeline[data-timeline-url]");
  if (!list) return;
  const news = document.getElementById("timeline-news");
  const state = document.getElementById("run-state");
  let shown = Number(list.dataset.lines);

  const text = (tag, value, className) => {
    const el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  };
  const lineOf = l => {
    const li = document.createElement("li");
    if (l.stepId) li.dataset.step = l.stepId;
    li.dataset.what = l.what;
    const time = text("time", l.time);
    time.dateTime = l.at;
    li.append(time, " ");
    if (l.stepId) li.append(text("strong", l.stepId), " ");
    li.append(l.what.replaceAll("_", " "));
    if (l.detail) li.append(" ", text("span", `— ${l.detail}`, "note"));
    for (const id of l.notificationIds ?? []) {
      const link = text("a", "notification");
      link.href = `/admin/notifications/${id}`;
      link.setAttribute("aria-label", `Notification ${id} of step ${l.stepId}`);
      li.append(" ", link);
    }
    return li;
  };
  const said = l => [l.stepId, l.what.replaceAll("_", " ")].filter(Boolean).join(" ");

  const tick = async () => {
    let ended = false;
    try {
      const response = await fetch(`${list.dataset.timelineUrl}&after=${shown}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const t = await response.json();
        if (t.lines.length > 0) {
          list.append(...t.lines.map(lineOf));
          shown += t.lines.length;
          news.textContent = `New: ${t.lines.map(said).join("; ")}.`;
        }
        state.textContent = t.state;
        state.className = `status ${t.state}`;
        ended = t.ended;
        if (ended) news.textContent += ` The run is ${t.state}${t.reason ? `: ${t.reason}` : ""}.`;
      }
    } finally {
      if (ended) list.dataset.live = "ended";
      else setTimeout(tick, 1000);
    }
  };
  setTimeout(tick, 1000);
})();
