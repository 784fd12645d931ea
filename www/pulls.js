// The admin page's "Backfill" (issue 24): the shops whose orders the worker can read from
// their own APIs (or what a shop lacks, named) and their watermarks; a backfill started from a
// date, its progress polled from GET /v1/pulls/{id} (orders read of the total, delivered,
// already known, refused, per target, pages, the worker's estimate of the time left),
// cancelled, and its summary with the orders refused for missing catalogue facts and "run
// again"; the recent runs, the Cron Trigger's reconciliations too. Every decision is the
// worker's (and the package's): this module only shows its answers. Plain ES module, no
// dependency; app.js calls `initPulls` once and `renderPulls` when the language changes.

const WORDS = {
  en: {
    heading: "Backfill: orders from the shops",
    hint: "Reads a shop's orders changed since a date from its own API and hands each on as its webhook would: orders already delivered are not sent again. The Cron Trigger reconciles every shop from its watermark.",
    shops: "Shops",
    noShops: "No shop is configured to be read from (WOOCOMMERCE_SHOPS, SHOPIFY_SHOPS, or a Shopware shop with the app).",
    ready: "ready to read",
    lacks: (names) => `cannot be read yet; it lacks: ${names}`,
    watermark: "reconciled up to",
    noWatermark: "not reconciled yet",
    shop: "Shop",
    since: "Orders from",
    start: "Start backfill",
    run: "Backfill run",
    runs: "Recent runs",
    noRuns: "No backfill or reconciliation has run yet.",
    colStarted: "Started",
    colKind: "Kind",
    colShop: "Shop",
    colSince: "From",
    colStatus: "Status",
    colResult: "Result",
    show: "Show",
    kinds: { backfill: "backfill", reconcile: "reconciliation" },
    kindTitles: { backfill: "Backfill", reconcile: "Reconciliation" },
    statuses: {
      running: "running",
      done: "done",
      cancelled: "cancelled",
      auth_failed: "access refused by the shop",
      failed: "failed",
    },
    readOf: (read, total) => (total === null || total === undefined ? `${read} orders read` : `${read} of ${total} orders read`),
    progressLabel: "Orders read",
    delivered: "delivered",
    known: "already known",
    refused: "refused",
    pages: "pages",
    perTarget: "Per target",
    targetLine: (target, d, k) => `${target}: ${d} delivered, ${k} already known`,
    left: (words) => `about ${words} left`,
    almostDone: "almost done",
    estimating: "estimating the time left…",
    cancel: "Cancel the backfill",
    runAgain: "Run again",
    summary: {
      done: "Finished",
      cancelled: "Cancelled",
      auth_failed: "Stopped: the shop refused kontor's access",
      failed: "Stopped",
    },
    took: (words) => `in ${words}`,
    counts: (p) =>
      `${p.read} orders read in ${p.pages} ${p.pages === 1 ? "page" : "pages"}: ${p.delivered} delivered, ${p.alreadyKnown} already known (not sent again), ${p.refused} refused`,
    refusedHeading: (n) => `Refused orders (${n})`,
    missing: "the catalogue lacks",
    invalid: "not a valid order",
    toCatalogue: "Add the missing products to the catalogue, then run the backfill again: orders already delivered are not sent twice.",
    catalogueLink: "Open the product catalogue",
    order: "Order",
    alreadyRunning: "A run for this shop is already running: shown below.",
    notStarted: "The backfill did not start",
    unreadable: "The runs could not be read",
    noToken: "No caller token: the shops and runs are shown once it is set.",
    pickShop: "choose a shop",
    refresh: "Refresh",
  },
  de: {
    heading: "Bestellungen aus den Shops nachholen",
    hint: "Liest die seit einem Datum geänderten Bestellungen eines Shops über dessen eigene API und gibt jede weiter wie ihr Webhook: bereits zugestellte Bestellungen werden nicht erneut gesendet. Der Cron Trigger gleicht jeden Shop ab seinem Wasserstand ab.",
    shops: "Shops",
    noShops: "Kein Shop ist zum Lesen eingerichtet (WOOCOMMERCE_SHOPS, SHOPIFY_SHOPS oder ein Shopware-Shop mit der App).",
    ready: "lesbar",
    lacks: (names) => `noch nicht lesbar; es fehlt: ${names}`,
    watermark: "abgeglichen bis",
    noWatermark: "noch nicht abgeglichen",
    shop: "Shop",
    since: "Bestellungen ab",
    start: "Nachholen starten",
    run: "Nachhol-Lauf",
    runs: "Letzte Läufe",
    noRuns: "Noch kein Nachholen und kein Kontrollabgleich gelaufen.",
    colStarted: "Gestartet",
    colKind: "Art",
    colShop: "Shop",
    colSince: "Ab",
    colStatus: "Status",
    colResult: "Ergebnis",
    show: "Anzeigen",
    kinds: { backfill: "Nachholen", reconcile: "Kontrollabgleich" },
    kindTitles: { backfill: "Nachholen", reconcile: "Kontrollabgleich" },
    statuses: {
      running: "läuft",
      done: "fertig",
      cancelled: "abgebrochen",
      auth_failed: "Zugang vom Shop abgelehnt",
      failed: "fehlgeschlagen",
    },
    readOf: (read, total) =>
      total === null || total === undefined ? `${read} Bestellungen gelesen` : `${read} von ${total} Bestellungen gelesen`,
    progressLabel: "Gelesene Bestellungen",
    delivered: "zugestellt",
    known: "bereits bekannt",
    refused: "abgelehnt",
    pages: "Seiten",
    perTarget: "Je Ziel",
    targetLine: (target, d, k) => `${target}: ${d} zugestellt, ${k} bereits bekannt`,
    left: (words) => `noch etwa ${words}`,
    almostDone: "gleich fertig",
    estimating: "die verbleibende Zeit wird geschätzt…",
    cancel: "Nachholen abbrechen",
    runAgain: "Erneut ausführen",
    summary: {
      done: "Fertig",
      cancelled: "Abgebrochen",
      auth_failed: "Angehalten: der Shop hat den Zugang von kontor abgelehnt",
      failed: "Angehalten",
    },
    took: (words) => `· Dauer ${words}`,
    counts: (p) =>
      `${p.read} Bestellungen in ${p.pages} ${p.pages === 1 ? "Seite" : "Seiten"} gelesen: ${p.delivered} zugestellt, ${p.alreadyKnown} bereits bekannt (nicht erneut gesendet), ${p.refused} abgelehnt`,
    refusedHeading: (n) => `Abgelehnte Bestellungen (${n})`,
    missing: "im Katalog fehlt",
    invalid: "keine gültige Bestellung",
    toCatalogue:
      "Die fehlenden Produkte im Katalog ergänzen und das Nachholen erneut ausführen: bereits zugestellte Bestellungen werden nicht doppelt gesendet.",
    catalogueLink: "Zum Produktkatalog",
    order: "Bestellung",
    alreadyRunning: "Für diesen Shop läuft bereits ein Lauf: unten gezeigt.",
    notStarted: "Das Nachholen wurde nicht gestartet",
    unreadable: "Die Läufe konnten nicht gelesen werden",
    noToken: "Kein Aufrufer-Token: Shops und Läufe erscheinen, sobald es gesetzt ist.",
    pickShop: "einen Shop wählen",
    refresh: "Aktualisieren",
  },
};
const lang = () => (document.documentElement.lang === "de" ? "de" : "en");
const w = () => WORDS[lang()];
const locale = () => (lang() === "de" ? "de-DE" : navigator.language?.startsWith("en") ? navigator.language : "en-GB");
const PLATFORMS = { woocommerce: "WooCommerce", shopify: "Shopify", shopware6: "Shopware 6" };
/** How often a running run's progress is read. */
const POLL_MS = 1000;

/** An element with properties and children. */
function h(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}
/** A time for people: the browser's time zone, the chosen language. */
function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}
const timeEl = (iso) => h("time", { dateTime: iso ?? "" }, iso ? when(iso) : "–");
/** A duration in words: "40 seconds", "3 minutes", "2 hours" (the language's own units). */
function duration(ms) {
  const s = Math.max(0, ms) / 1000;
  const [n, unit] =
    s < 60 ? [Math.max(1, Math.round(s)), "second"] : s < 5400 ? [Math.round(s / 60), "minute"] : [Math.round(s / 3600), "hour"];
  return new Intl.NumberFormat(locale(), { style: "unit", unit, unitDisplay: "long" }).format(n);
}
/** The worker's estimate of the time left, in words. */
function estimate(ms) {
  if (ms === undefined || ms === null) return w().estimating;
  if (ms < 5000) return w().almostDone;
  return w().left(duration(ms < 60_000 ? Math.ceil(ms / 5000) * 5000 : ms));
}
const statusWord = (s) => w().statuses[s] ?? s;
const kindWord = (k) => w().kinds[k] ?? k;
/** An issue as the page shows it: app.js's (the field's name, then the core's message, which
 * never repeats its path); until then its path, then the message. */
let issueText = (i) => `${i.path ? `${i.path}: ` : ""}${lang() === "de" ? i.messageDe || i.message : i.message}`;

/** The page's worker call (`{ status, data }`), the section, what the worker last answered. */
let api = null;
let tokenSet = () => true;
let section = null;
let overview = null;
/** The run shown (GET /v1/pulls/{id}'s answer) and a note above it (`{ id, words }`). */
let shown = null;
let note = null;
let timer = 0;
/** The newest `follow` (an older one's answer is dropped). */
let following = 0;
/** The form's elements (kept across renders: the choice and the date stay). */
const form = {};

/** Builds the view in `box` (the page's empty section) and reads the worker's shops and runs;
 * `call(method, path, body)` is the page's worker call, `hasToken()` whether it has a caller
 * token to call with, `showIssue(issue)` the page's way of showing an issue. */
export async function initPulls(box, call, hasToken, showIssue = issueText) {
  issueText = showIssue;
  api = call;
  tokenSet = hasToken;
  section = box;
  form.heading = h("h2", { id: "h-pulls" });
  form.hint = h("p", { className: "hint" });
  form.shopsHeading = h("h3", {});
  form.shops = h("ul", { id: "pull-shops", className: "pull-shops" });
  form.shopLabel = h("label", { htmlFor: "pull-shop" });
  form.shop = h("select", { id: "pull-shop" });
  form.sinceLabel = h("label", { htmlFor: "pull-since" });
  form.since = h("input", { id: "pull-since", type: "date", required: true });
  // A shop owner who just connected kontor expects the last months: three months back.
  const from = new Date();
  from.setMonth(from.getMonth() - 3);
  form.since.value = from.toISOString().slice(0, 10);
  form.start = h("button", { type: "submit", id: "pull-start" });
  form.state = h("div", { id: "pull-form-state", role: "status" });
  form.form = h(
    "form",
    { id: "pull-form", className: "pull-form" },
    h("div", { className: "row" }, form.shopLabel, form.shop),
    h("div", { className: "row" }, form.sinceLabel, form.since, form.start),
    form.state,
  );
  form.form.addEventListener("submit", (e) => {
    e.preventDefault();
    const [platform, ...rest] = form.shop.value.split(" ");
    if (platform) start(platform, rest.join(" "), form.since.value);
  });
  form.run = h("div", { id: "pull-run", role: "region", className: "pull-run" });
  form.run.setAttribute("aria-live", "polite");
  form.runsHeading = h("h3", {});
  form.refresh = h("button", { type: "button", id: "pulls-refresh" });
  form.refresh.addEventListener("click", loadPulls);
  form.runsState = h("p", { className: "hint", id: "pull-runs-state" });
  form.runs = h("table", { id: "pull-runs", className: "cards pull-runs" }, h("thead"), h("tbody"));
  section.setAttribute("aria-labelledby", "h-pulls");
  section.replaceChildren(
    h("div", { className: "row spread" }, form.heading, form.refresh),
    form.hint,
    form.shopsHeading,
    form.shops,
    form.form,
    form.run,
    form.runsHeading,
    form.runsState,
    h("div", { className: "table-wrap" }, form.runs),
  );
  await loadPulls();
}

/** Reads GET /v1/pulls again and shows it; a running run is followed. */
export async function loadPulls() {
  if (!api) return;
  if (!tokenSet()) {
    // Nothing to ask the worker without a token (the page's header asks for it).
    overview = null;
    form.unreadable = "token";
    renderPulls();
    return;
  }
  let answer;
  try {
    answer = await api("GET", "/v1/pulls");
  } catch {
    answer = { status: 0, data: {} };
  }
  overview = answer.status === 200 ? answer.data : null;
  form.unreadable = answer.status === 200 ? null : answer.status;
  // Follow a run still running (one started before the page was opened, or a reconciliation).
  const running = overview?.runs?.find((r) => r.status === "running");
  if (running && (!shown || shown.status !== "running")) await follow(running.id);
  renderPulls();
}

/** Shows everything again, in the page's language. */
export function renderPulls() {
  if (!section) return;
  const t = w();
  form.heading.textContent = t.heading;
  form.hint.textContent = t.hint;
  form.shopsHeading.textContent = t.shops;
  form.shopLabel.textContent = t.shop;
  form.sinceLabel.textContent = t.since;
  form.start.textContent = t.start;
  form.runsHeading.textContent = t.runs;
  form.refresh.textContent = t.refresh;
  form.run.setAttribute("aria-label", t.run);
  form.runs.setAttribute("aria-label", t.runs);
  renderShops();
  renderRun();
  renderRuns();
}

function renderShops() {
  const t = w();
  const shops = overview?.shops ?? [];
  form.shops.replaceChildren(
    ...shops.map((s) => {
      const mark = h("span", { className: "shop-mark" });
      if (s.watermark) mark.append(`${t.watermark} `, timeEl(s.watermark));
      else mark.append(t.noWatermark);
      const li = h(
        "li",
        { className: s.configured ? "ready" : "lacking" },
        h("strong", {}, PLATFORMS[s.platform] ?? s.platform),
        " ",
        h("code", { className: "shop-name" }, s.shop),
        h("span", { className: "shop-state" }, s.configured ? t.ready : t.lacks((s.missing ?? []).join(", "))),
        mark,
      );
      li.dataset.platform = s.platform;
      li.dataset.shop = s.shop;
      li.dataset.configured = String(s.configured);
      return li;
    }),
  );
  if (overview && !shops.length) form.shops.append(h("li", { className: "hint" }, t.noShops));
  const chosen = form.shop.value;
  form.shop.replaceChildren(
    h("option", { value: "", disabled: true }, t.pickShop),
    ...shops.map((s) =>
      h(
        "option",
        { value: `${s.platform} ${s.shop}`, disabled: !s.configured },
        `${PLATFORMS[s.platform] ?? s.platform} · ${s.shop}${s.configured ? "" : ` (${t.lacks((s.missing ?? []).join(", "))})`}`,
      ),
    ),
  );
  const first = shops.find((s) => s.configured);
  form.shop.value = chosen || (first ? `${first.platform} ${first.shop}` : "");
  form.start.disabled = !shops.some((s) => s.configured);
}

/** A run's numbers: read of total with a bar; while it runs, delivered, known, refused and
 * pages (its summary says them at the end); per target. */
function progressOf(run) {
  const t = w();
  const p = run.progress;
  const bar = h("progress", { id: "pull-progress", max: p.total || 1 });
  if (p.total !== null && p.total !== undefined) bar.value = Math.min(p.read, p.total);
  else if (run.status !== "running") bar.value = bar.max; // finished without a total: all read
  bar.setAttribute("aria-label", t.progressLabel);
  const count = (cls, n, word) => {
    const li = h("li", { className: cls }, h("strong", {}, n.toLocaleString(locale())), ` ${word}`);
    li.dataset.n = String(n);
    return li;
  };
  const running = run.status === "running";
  const box = h(
    "div",
    { className: "pull-progress" },
    running && h("p", { className: "pull-read" }, t.readOf(p.read.toLocaleString(locale()), p.total?.toLocaleString(locale()))),
    bar,
    running &&
      h(
        "ul",
        { className: "pull-counts" },
        count("delivered", p.delivered, t.delivered),
        count("known", p.alreadyKnown, t.known),
        count("refused", p.refused, t.refused),
        count("pages", p.pages, t.pages),
      ),
  );
  const targets = Object.entries(p.perTarget ?? {});
  if (targets.length) {
    const list = h("ul", { className: "pull-targets" });
    list.setAttribute("aria-label", t.perTarget);
    for (const [target, c] of targets) {
      const li = h("li", {}, t.targetLine(target, c.delivered ?? 0, c.known ?? 0));
      li.dataset.target = target;
      list.append(li);
    }
    box.append(h("div", { className: "pull-targets-line" }, h("span", {}, `${t.perTarget}:`), list));
  }
  return box;
}

function renderRun() {
  const t = w();
  const box = form.run;
  box.replaceChildren();
  const run = shown;
  if (!run) return;
  if (note?.id === run.id) box.append(h("p", { className: "hint pull-note" }, t[note.words]));
  box.dataset.id = run.id;
  box.dataset.status = run.status;
  box.append(
    h(
      "h3",
      {},
      `${t.kindTitles[run.kind] ?? run.kind} · ${PLATFORMS[run.platform] ?? run.platform} · `,
      h("code", { className: "shop-name" }, run.shop),
    ),
    h("p", { className: "pull-since" }, `${t.colSince} `, timeEl(run.since), ` · ${t.colStarted} `, timeEl(run.startedAt)),
  );
  if (run.status === "running") {
    box.append(
      h(
        "p",
        { className: "pull-status running" },
        h("strong", {}, statusWord("running")),
        " · ",
        h("span", { className: "pull-left" }, estimate(run.progress.estimatedMsLeft)),
      ),
      progressOf(run),
    );
    const cancel = h("button", { type: "button", id: "pull-cancel", className: "danger" }, t.cancel);
    cancel.addEventListener("click", () => cancelRun(run.id));
    box.append(h("div", { className: "row" }, cancel));
    return;
  }
  // The summary at the end.
  const took = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  const summary = h(
    "p",
    { className: `pull-summary ${run.status}` },
    h("strong", {}, t.summary[run.status] ?? statusWord(run.status)),
    " ",
    timeEl(run.finishedAt),
    took !== null && took >= 0 ? ` ${t.took(duration(took))}` : "",
  );
  summary.dataset.status = run.status;
  box.append(summary, h("p", { className: "pull-counts-text" }, t.counts(run.progress)), progressOf(run));
  if (run.issues?.length) {
    const issues = h("ul", { className: "pull-issues" });
    for (const i of run.issues) issues.append(h("li", { className: `issue ${i.severity ?? "error"}` }, issueText(i)));
    box.append(issues);
  }
  const refused = run.refusedOrders ?? [];
  if (refused.length) {
    const list = h("ul", { id: "pull-refused", className: "pull-refused" });
    list.setAttribute("aria-label", t.refusedHeading(refused.length));
    for (const o of refused) {
      const li = h("li", {}, h("strong", {}, `${t.order} ${o.number}`), ": ");
      if (o.missing?.length) {
        li.append(`${t.missing} `);
        o.missing.forEach((sku, i) => li.append(i ? ", " : "", h("code", { className: "sku" }, sku)));
      } else li.append(o.issues?.[0] ? issueText(o.issues[0]) : t.invalid);
      li.dataset.number = o.number;
      li.dataset.code = o.code;
      li.dataset.missing = (o.missing ?? []).join(",");
      list.append(li);
    }
    const link = h("a", { href: "#h-catalogue", className: "to-catalogue" }, t.catalogueLink);
    link.addEventListener("click", (e) => {
      e.preventDefault();
      document.getElementById("h-catalogue")?.scrollIntoView({ block: "start" });
      document.getElementById("catalogue-text")?.focus({ preventScroll: true });
    });
    box.append(h("h4", {}, t.refusedHeading(refused.length)), list, h("p", { className: "hint" }, t.toCatalogue, " ", link));
  }
  if (run.kind === "backfill") {
    const again = h("button", { type: "button", id: "pull-again" }, t.runAgain);
    again.addEventListener("click", () => start(run.platform, run.shop, run.since));
    box.append(h("div", { className: "row" }, again));
  }
}

function renderRuns() {
  const t = w();
  const head = form.runs.tHead;
  const body = form.runs.tBodies[0];
  head.replaceChildren(
    h("tr", {}, ...["colStarted", "colKind", "colShop", "colSince", "colStatus", "colResult"].map((c) => h("th", {}, t[c])), h("th", {})),
  );
  body.replaceChildren();
  const runs = overview?.runs ?? [];
  form.runsState.textContent =
    form.unreadable === "token"
      ? t.noToken
      : form.unreadable !== null && form.unreadable !== undefined
        ? `${t.unreadable} (HTTP ${form.unreadable})`
        : runs.length
          ? ""
          : t.noRuns;
  const cell = (column, ...content) => {
    const td = h("td", {}, ...content);
    td.dataset.label = t[column];
    return td;
  };
  for (const r of runs) {
    const p = r.progress;
    const open = h("button", { type: "button" }, t.show);
    open.setAttribute("aria-label", `${t.show}: ${kindWord(r.kind)} ${when(r.startedAt)}`);
    open.addEventListener("click", () => follow(r.id, true));
    // The shop's name under its column's name at phone width: a whole line for it.
    const shopCell = cell("colShop", h("span", {}, PLATFORMS[r.platform] ?? r.platform), h("code", { className: "shop-name" }, r.shop));
    shopCell.className = "stack";
    const status = cell("colStatus", statusWord(r.status));
    status.className = `status ${r.status}`;
    const row = h(
      "tr",
      {},
      cell("colStarted", timeEl(r.startedAt)),
      cell("colKind", kindWord(r.kind)),
      shopCell,
      cell("colSince", timeEl(r.since)),
      status,
      cell(
        "colResult",
        `${p.read}${p.total !== null && p.total !== undefined ? `/${p.total}` : ""} · ${p.delivered} ${t.delivered} · ${p.alreadyKnown} ${t.known} · ${p.refused} ${t.refused}`,
      ),
      h("td", { className: "actions" }, open),
    );
    row.dataset.id = r.id;
    row.dataset.kind = r.kind;
    row.dataset.status = r.status;
    body.append(row);
  }
}

/** Shows run `id` (GET /v1/pulls/{id}) and, while it runs, reads it again every second. */
async function follow(id, scroll = false) {
  clearTimeout(timer);
  const serial = ++following;
  const { status, data } = await api("GET", `/v1/pulls/${encodeURIComponent(id)}`);
  if (serial !== following) return;
  if (status !== 200) {
    // Not readable now (a restart, a refused token): tried again while it was running.
    if (shown?.id === id && shown.status === "running") timer = setTimeout(() => follow(id), POLL_MS);
    return;
  }
  const was = shown?.id === id ? shown.status : null;
  shown = data;
  renderRun();
  if (scroll) form.run.scrollIntoView({ block: "nearest" });
  if (data.status === "running") timer = setTimeout(() => follow(id), POLL_MS);
  else if (was === "running") {
    // It ended: the shops' watermarks and the list show its result.
    const answer = await api("GET", "/v1/pulls");
    if (answer.status === 200) overview = answer.data;
    renderPulls();
  }
}

/** POST /v1/pulls: a backfill of `platform`'s `shop` from `since`; the worker's refusal shown
 * with its reasons, the run already running for the shop followed instead. */
async function start(platform, shop, since) {
  form.state.replaceChildren();
  form.start.disabled = true;
  try {
    const { status, data } = await api("POST", "/v1/pulls", { platform, shop, since });
    if (status === 200 || status === 202) {
      note = status === 200 && data.alreadyRunning ? { id: data.id, words: "alreadyRunning" } : null;
      await follow(data.id, true);
      const answer = await api("GET", "/v1/pulls");
      if (answer.status === 200) overview = answer.data;
      renderShops();
      renderRuns();
      return;
    }
    const list = h("ul", { className: "pull-refusal" });
    for (const i of data.issues ?? []) list.append(h("li", { className: "issue error" }, issueText(i)));
    form.state.append(h("p", { className: "issue error" }, `${w().notStarted} (HTTP ${status})`), list);
  } finally {
    form.start.disabled = !(overview?.shops ?? []).some((s) => s.configured);
  }
}

/** POST /v1/pulls/{id}/cancel, then the run as it stands (cancelled, or ended meanwhile). */
async function cancelRun(id) {
  await api("POST", `/v1/pulls/${encodeURIComponent(id)}/cancel`, {});
  await follow(id);
}
