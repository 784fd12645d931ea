// The admin page: shows an order as each API will see it (the package's builders, in the
// browser), marks every issue at its field, explains every payload field (the builders'
// `explain` lineage), sends through the worker and follows the deliveries. Every rule comes
// from the package or the worker; this file only shows and forwards.
import { init, toGeisenheim, toKivitendoCustomerXml, toKivitendoOrderXml, toWestarpOrder, readCatalogue, missingFromCatalogue } from "kontor";
import { parseTree, findNodeAtLocation, getLocation } from "jsonc-parser";
import { showHistory } from "./history.js";

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
};

// ------------------------------------------------------------------ words

const WORDS = {
  en: {
    tagline: "See an order as each API will, fix it, send it, follow it.", language: "Language",
    orderHeading: "Order", example: "Example", load: "Load", target: "Target", order: "Order",
    optionsHeading: "Target options for the preview", options: "Target options (JSON)",
    optionsHint: "The worker sends with its own configuration (ids, secret salt); these options only shape the preview here (a kivitendo order's customerId is found or created by the worker).",
    issuesHeading: "Issues", payloadHeading: "Payload", fieldsHeading: "Fields",
    fieldsHint: "Choose a field to see where it comes from.", sendHeading: "Send", token: "Caller token",
    send: "Send through the worker", cancel: "Cancel at Geisenheim…", deliveriesHeading: "Deliveries",
    status: "Status", all: "all", refresh: "Refresh", colTarget: "Target", colKey: "Key", colStatus: "Status",
    colAttempts: "Attempts", colUpdated: "Updated", keep: "Keep the order", confirmCancel: "Cancel it at Geisenheim",
    noIssues: "No issues.", noPayload: "No payload: fix the errors above.", madeFrom: "made from",
    rule: "rule", updated: (ms) => `updated in ${ms} ms`, malformed: "The order is not JSON yet.",
    tokenMissing: "no caller token: paste it below, or open the address npm start printed",
    tokenSet: "caller token set for this session", sending: "sending…", showAttempts: "Attempts",
    retry: "Retry", retryWithEditor: "Retry with the order in the editor", attempt: "attempt",
    nextAttempt: "next attempt", confirmText: (id, n) => `Cancel Geisenheim order (invoice id ${id}, shop order ${n})? Geisenheim removes it from the statistics.`,
    noInvoiceId: "This order has no invoiceId: nothing to cancel at Geisenheim.",
    outcome: { accepted: "accepted", rejected: "rejected", queued: "queued: the worker retries", dead: "dead: every attempt failed", auth_failed: "the worker's credentials were refused",
      uncertain: "uncertain: it may have arrived; check at the target, then send again or confirm", cancelled: "cancelled before it was sent: never sent" },
    uncertainHint: "The worker stopped, or the target did not answer, while this order was on its way. The target cannot be asked, so nothing more is sent until you decide: look for the order there.",
    resendUncertain: "It is not there: send again", confirmUncertain: "It is there: confirm",
    newDelivery: (id) => `The corrected order has another key: sent as a new delivery; ${id} stays as it was.`,
    upstream: "upstream", none: "none", errorSending: "The worker could not be reached",
    saltNote: "The worker computes the recipient id with its own secret salt.",
    catalogueHeading: "Product catalogue", catalogueText: "Catalogue (CSV or JSON)", catalogueFile: "Open a file (CSV or JSON)",
    catalogueHint: "Per SKU what a shop order lacks (kind, bottles, bottle size, quality, grapes, …, ISBN, weight, kivitendo part id). The worker completes webhook orders from it and refuses an order whose SKU is missing.",
    catalogueSave: "Save the catalogue", catalogueReload: "Show the worker's catalogue", colKind: "Kind", colBottles: "Bottles",
    colSize: "Bottle size (ml)", colQuality: "Quality", colGrapes: "Grapes", colWeight: "Weight (g)", colPart: "kivitendo part",
    catalogueEntries: (n, at) => `${n} SKUs in the worker's catalogue${at ? `, saved ${at}` : ""}`,
    catalogueSaved: (n) => `saved: ${n} SKUs`, catalogueNotSaved: "not saved: fix the rows below",
    catalogueUnread: "The worker's catalogue could not be read", catalogueReady: (n) => `${n} rows read, no issues`,
    missingHeading: "Missing from the catalogue:", allInCatalogue: "Every SKU of the order is in the catalogue.",
  },
  de: {
    tagline: "Eine Bestellung so sehen, wie jede API sie sieht, korrigieren, senden, verfolgen.", language: "Sprache",
    orderHeading: "Bestellung", example: "Beispiel", load: "Laden", target: "Ziel", order: "Bestellung",
    optionsHeading: "Zieloptionen für die Vorschau", options: "Zieloptionen (JSON)",
    optionsHint: "Der Worker sendet mit seiner eigenen Konfiguration (IDs, geheimes Salz); diese Optionen gelten nur für die Vorschau hier (die customerId eines kivitendo-Auftrags sucht oder legt der Worker an).",
    issuesHeading: "Probleme", payloadHeading: "Nutzdaten", fieldsHeading: "Felder",
    fieldsHint: "Ein Feld wählen, um zu sehen, woher es kommt.", sendHeading: "Senden", token: "Aufrufer-Token",
    send: "Über den Worker senden", cancel: "Bei Geisenheim stornieren…", deliveriesHeading: "Zustellungen",
    status: "Status", all: "alle", refresh: "Aktualisieren", colTarget: "Ziel", colKey: "Schlüssel", colStatus: "Status",
    colAttempts: "Versuche", colUpdated: "Geändert", keep: "Bestellung behalten", confirmCancel: "Bei Geisenheim stornieren",
    noIssues: "Keine Probleme.", noPayload: "Keine Nutzdaten: bitte die Fehler oben beheben.", madeFrom: "gebildet aus",
    rule: "Regel", updated: (ms) => `aktualisiert in ${ms} ms`, malformed: "Die Bestellung ist noch kein JSON.",
    tokenMissing: "kein Aufrufer-Token: unten einfügen oder die von npm start ausgegebene Adresse öffnen",
    tokenSet: "Aufrufer-Token für diese Sitzung gesetzt", sending: "wird gesendet…", showAttempts: "Versuche",
    retry: "Erneut senden", retryWithEditor: "Mit der Bestellung im Editor erneut senden", attempt: "Versuch",
    nextAttempt: "nächster Versuch", confirmText: (id, n) => `Geisenheim-Bestellung stornieren (Rechnungs-ID ${id}, Shop-Bestellung ${n})? Geisenheim nimmt sie aus der Statistik.`,
    noInvoiceId: "Diese Bestellung hat keine invoiceId: bei Geisenheim gibt es nichts zu stornieren.",
    outcome: { accepted: "angenommen", rejected: "abgelehnt", queued: "in der Warteschlange: der Worker versucht es erneut", dead: "gescheitert: alle Versuche sind fehlgeschlagen", auth_failed: "die Zugangsdaten des Workers wurden abgelehnt",
      uncertain: "unsicher: kann angekommen sein; beim Ziel prüfen, dann erneut senden oder bestätigen", cancelled: "storniert, bevor sie gesendet wurde: nie gesendet" },
    uncertainHint: "Der Worker wurde angehalten oder das Ziel hat nicht geantwortet, während diese Bestellung unterwegs war. Das Ziel lässt sich nicht fragen, daher wird nichts mehr gesendet, bis Sie entscheiden: bitte dort nach der Bestellung sehen.",
    resendUncertain: "Nicht vorhanden: erneut senden", confirmUncertain: "Vorhanden: bestätigen",
    newDelivery: (id) => `Die korrigierte Bestellung hat einen anderen Schlüssel: als neue Zustellung gesendet; ${id} bleibt, wie sie war.`,
    upstream: "Gegenstelle", none: "keine", errorSending: "Der Worker ist nicht erreichbar",
    saltNote: "Der Worker bildet die Empfänger-ID mit seinem eigenen geheimen Salz.",
    catalogueHeading: "Produktkatalog", catalogueText: "Katalog (CSV oder JSON)", catalogueFile: "Datei öffnen (CSV oder JSON)",
    catalogueHint: "Je Artikelnummer, was einer Shop-Bestellung fehlt (Art, Flaschen, Flaschengröße, Qualität, Rebsorten, …, ISBN, Gewicht, kivitendo-Artikel-ID). Der Worker ergänzt Webhook-Bestellungen daraus und lehnt eine Bestellung ab, deren Artikelnummer fehlt.",
    catalogueSave: "Katalog speichern", catalogueReload: "Katalog des Workers zeigen", colKind: "Art", colBottles: "Flaschen",
    colSize: "Flaschengröße (ml)", colQuality: "Qualität", colGrapes: "Rebsorten", colWeight: "Gewicht (g)", colPart: "kivitendo-Artikel",
    catalogueEntries: (n, at) => `${n} Artikelnummern im Katalog des Workers${at ? `, gespeichert ${at}` : ""}`,
    catalogueSaved: (n) => `gespeichert: ${n} Artikelnummern`, catalogueNotSaved: "nicht gespeichert: bitte die Zeilen unten korrigieren",
    catalogueUnread: "Der Katalog des Workers konnte nicht gelesen werden", catalogueReady: (n) => `${n} Zeilen gelesen, keine Probleme`,
    missingHeading: "Fehlt im Katalog:", allInCatalogue: "Jede Artikelnummer der Bestellung steht im Katalog.",
  },
};

let lang = localStorage.getItem("kontor.lang") === "de" ? "de" : "en";
const t = (key) => WORDS[lang][key];
const message = (issue) => (lang === "de" ? issue.messageDe || issue.message : issue.message);

function applyWords() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").value = lang;
  showToken();
}

// ------------------------------------------------------------------ the caller token

// `#token=…` (as npm start prints it) is kept for this browser session, then removed from the
// address so that it is not bookmarked or shared.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get("token")) {
  sessionStorage.setItem("kontor.token", fragment.get("token"));
  history.replaceState(null, "", location.pathname + location.search);
}
const token = () => sessionStorage.getItem("kontor.token") ?? "";

function showToken() {
  $("token-state").textContent = token() ? t("tokenSet") : t("tokenMissing");
  $("token-row").hidden = Boolean(token());
}

async function api(method, path, body, type = "application/json") {
  const headers = { authorization: `Bearer ${token()}` };
  if (body !== undefined) headers["content-type"] = type;
  const text0 = body === undefined || typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(path, { method, headers, body: text0 });
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch { data = { error: text }; }
  return { status: res.status, data };
}

// ------------------------------------------------------------------ examples

const EXAMPLES = ["b2c_online_wine", "b2b_gastronomy", "local_farm_shop_sale", "sparkling_wine", "return", "westarp_book_order"];

async function loadExample(name) {
  const res = await fetch(`./examples/${name}.json`);
  $("order").value = await res.text();
  if (name.startsWith("westarp")) $("target").value = "westarp";
  update();
}

// Preview options per target: placeholders where the worker holds the real values.
const PREVIEW_OPTIONS = {
  geisenheim: {},
  "kivitendo-customer": { taxzoneId: 4, currencyId: 1 },
  "kivitendo-order": { taxzoneId: 4, currencyId: 1, customerId: 1, productIds: {} },
  westarp: { type: "shop", paymentMethodIds: { paypal: 8, credit_card: 9 } },
};

// ------------------------------------------------------------------ building, as you type

const BUILDERS = {
  geisenheim: toGeisenheim,
  "kivitendo-customer": toKivitendoCustomerXml,
  "kivitendo-order": toKivitendoOrderXml,
  westarp: toWestarpOrder,
};

let current = { result: null, orderText: "", tree: null, selected: null };

function readOptions() {
  const text = $("options").value.trim();
  if (!text) return {};
  try { return JSON.parse(text); } catch { return null; }
}

function update() {
  const started = performance.now();
  const orderText = $("order").value;
  const target = $("target").value;
  const options = readOptions();
  let result;
  if (options === null) {
    result = { ok: false, issues: [{ path: "options", code: "malformed_json", severity: "error",
      message: "The target options are not JSON", messageDe: "Die Zieloptionen sind kein JSON" }] };
  } else {
    result = BUILDERS[target](orderText, { ...options, explain: true });
  }
  const selected = current.selected;
  current = { result, orderText, tree: parseTree(orderText), selected: null };
  renderIssues(result.issues);
  renderMarks(result.issues);
  renderPayload(result);
  renderMissing();
  if (selected) showLineage(selected); // kept while typing, if the field is still there
  const ms = Math.max(0, performance.now() - started).toFixed(1);
  $("timing").textContent = t("updated")(ms);
  $("timing").dataset.ms = ms;
}

let pending = 0;
function scheduleUpdate() {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(update);
}

// ------------------------------------------------------------------ issues, at their fields

/** `items[2].product.grapes[0]` → ["items", 2, "product", "grapes", 0] */
function segments(path) {
  return path.split(/\.|(?=\[)/).filter(Boolean).map((s) => (s.startsWith("[") ? Number(s.slice(1, -1)) : s));
}

/** The text range of `path` in the order, or of its nearest existing ancestor (a missing
 * field is marked at the object that lacks it). */
function rangeOf(path) {
  if (!current.tree || !path || /^(options|config|target|operation)\b/.test(path)) return null;
  const segs = segments(path);
  for (let n = segs.length; n > 0; n--) {
    const node = findNodeAtLocation(current.tree, segs.slice(0, n));
    if (node) {
      const prop = node.parent?.type === "property" ? node.parent : node;
      return { start: prop.offset, end: prop.offset + prop.length, exact: n === segs.length };
    }
  }
  return null;
}

function selectInOrder(path) {
  const r = rangeOf(path);
  const editor = $("order");
  editor.focus();
  if (r) editor.setSelectionRange(r.start, r.end);
}

function renderIssues(issues) {
  const list = $("issues");
  list.replaceChildren();
  const shown = issues.filter((i) => i.code !== "missing_recipient_salt");
  if (issues.length !== shown.length) list.append(el("li", { className: "note" }, t("saltNote")));
  if (!shown.length) list.append(el("li", { className: "none" }, t("noIssues")));
  for (const issue of shown) {
    const button = el("button", { type: "button", className: `issue ${issue.severity}` },
      el("code", { className: "path" }, issue.path || "(order)"), " ", el("span", {}, message(issue)));
    button.dataset.path = issue.path;
    button.dataset.code = issue.code;
    button.addEventListener("click", () => selectInOrder(issue.path));
    list.append(el("li", {}, button));
  }
}

function escapeHtml(s) {
  return s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" }[c]));
}

/** Marks each issue's field in the editor's backdrop (errors over warnings). */
function renderMarks(issues) {
  const text = current.orderText;
  const ranges = [];
  for (const issue of issues) {
    const r = rangeOf(issue.path);
    if (r) ranges.push({ ...r, severity: issue.severity });
  }
  ranges.sort((a, b) => a.start - b.start || (a.severity === "error" ? -1 : 1));
  let html = "";
  let at = 0;
  for (const r of ranges) {
    if (r.start < at) continue; // nested or overlapping: the outer mark shows it
    html += escapeHtml(text.slice(at, r.start));
    html += `<mark class="${r.severity}">${escapeHtml(text.slice(r.start, r.end))}</mark>`;
    at = r.end;
  }
  html += escapeHtml(text.slice(at)) + "\n";
  $("marks").innerHTML = html;
  $("marks").dataset.marked = String(ranges.length);
  syncScroll();
}

function syncScroll() {
  const backdrop = document.querySelector(".backdrop");
  backdrop.scrollTop = $("order").scrollTop;
  backdrop.scrollLeft = $("order").scrollLeft;
}

// ------------------------------------------------------------------ payload and lineage

function payloadText(result) {
  if (!result.ok) return "";
  return result.xml ?? JSON.stringify(result.payload, null, 2);
}

function valueAt(result, field) {
  if (!result.payload) return undefined;
  let v = result.payload;
  for (const s of segments(field)) v = v?.[s];
  return v;
}

function renderPayload(result) {
  $("payload").textContent = result.ok ? payloadText(result) : t("noPayload");
  const list = $("fields");
  list.replaceChildren();
  for (const entry of result.lineage ?? []) {
    const value = valueAt(result, entry.field);
    const button = el("button", { type: "button", className: "field" }, el("code", {}, entry.field),
      value === undefined ? "" : ` = ${JSON.stringify(value)}`);
    button.dataset.field = entry.field;
    button.addEventListener("click", () => showLineage(entry.field));
    list.append(el("li", {}, button));
  }
  $("lineage").replaceChildren();
}

function showLineage(field) {
  const entry = current.result?.lineage?.find((e) => e.field === field);
  const box = $("lineage");
  box.replaceChildren();
  if (!entry) return;
  current.selected = field;
  for (const b of document.querySelectorAll("#fields button")) b.setAttribute("aria-pressed", String(b.dataset.field === field));
  const from = el("ul", { className: "from" });
  for (const source of entry.from) {
    const b = el("button", { type: "button" }, el("code", {}, source));
    b.addEventListener("click", () => selectInOrder(source));
    from.append(el("li", {}, b));
  }
  box.append(el("h3", {}, el("code", {}, entry.field)), el("p", {}, `${t("madeFrom")}:`), from,
    el("p", { className: "rule" }, `${t("rule")}: ${lang === "de" ? entry.ruleDe : entry.rule}`));
}

// A click in a JSON payload selects the field under the cursor.
$("payload").addEventListener("click", () => {
  const sel = window.getSelection();
  if (!current.result?.payload || !sel || !sel.anchorNode || current.result.xml) return;
  const offset = textOffset($("payload"), sel.anchorNode, sel.anchorOffset);
  const loc = getLocation($("payload").textContent, offset);
  const field = loc.path.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i ? "." : ""}${s}`)).join("");
  if (current.result.lineage?.some((e) => e.field === field)) showLineage(field);
});

function textOffset(root, node, offset) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let total = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n === node) return total + offset;
    total += n.textContent.length;
  }
  return total;
}

// ------------------------------------------------------------------ sending and deliveries

/** The worker's route for a page target: kivitendo's customer-then-order flow is one target. */
const workerTarget = (target) => (target.startsWith("kivitendo") ? "kivitendo" : target);

function renderOutcome(status, data) {
  const box = $("outcome");
  box.replaceChildren();
  const delivery = data.delivery ?? data.deliveries?.[0] ?? data;
  const state = delivery?.status ?? (status === 401 ? "unauthorised" : "error");
  const words = t("outcome")[state] ?? `${status} ${data.error ?? ""}`;
  const p = el("p", { className: `outcome ${state}` }, el("strong", {}, words));
  p.dataset.status = state;
  box.append(p);
  if (data.newDelivery) box.append(el("p", { className: "hint", id: "new-delivery" }, t("newDelivery")(data.retriedFrom)));
  if (delivery?.upstreamId) box.append(el("p", {}, `${t("upstream")}: ${delivery.upstreamId}`));
  if (delivery?.nextAttemptAt) box.append(el("p", {}, `${t("nextAttempt")}: ${delivery.nextAttemptAt}`));
  const issues = delivery?.issues ?? data.issues ?? [];
  if (issues.length) {
    const list = el("ul", {});
    for (const issue of issues) {
      const b = el("button", { type: "button", className: `issue ${issue.severity ?? "error"}` },
        el("code", { className: "path" }, issue.path || "(order)"), " ", message(issue));
      b.addEventListener("click", () => selectInOrder(issue.path));
      list.append(el("li", {}, b));
    }
    box.append(list);
    renderMarks(issues);
  }
}

async function send() {
  let order;
  try { order = JSON.parse($("order").value); } catch { renderOutcome(0, { error: t("malformed") }); return; }
  $("outcome").replaceChildren(el("p", {}, t("sending")));
  try {
    const { status, data } = await api("POST", `/v1/${workerTarget($("target").value)}/orders`, { order });
    renderOutcome(status, data);
  } catch (e) {
    renderOutcome(0, { error: `${t("errorSending")}: ${e.message}` });
  }
  await refreshDeliveries();
}

async function cancel() {
  let order;
  try { order = JSON.parse($("order").value); } catch { renderOutcome(0, { error: t("malformed") }); return; }
  if (order.invoiceId === undefined) { renderOutcome(0, { error: t("noInvoiceId") }); return; }
  $("confirm-text").textContent = t("confirmText")(order.invoiceId, order.number);
  const dialog = $("confirm");
  dialog.returnValue = "";
  dialog.showModal();
  const answer = await new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true }));
  if (answer !== "ok") return;
  const { status, data } = await api("DELETE", `/v1/geisenheim/orders/${encodeURIComponent(order.invoiceId)}`);
  renderOutcome(status, data);
  await refreshDeliveries();
}

async function refreshDeliveries() {
  if (!token()) return;
  const status = $("status-filter").value;
  const { data } = await api("GET", `/v1/deliveries?limit=50${status ? `&status=${encodeURIComponent(status)}` : ""}`);
  const body = document.querySelector("#deliveries tbody");
  body.replaceChildren();
  for (const d of data.deliveries ?? []) {
    const open = el("button", { type: "button" }, t("showAttempts"));
    open.addEventListener("click", () => showDelivery(d.id));
    const row = el("tr", {}, el("td", {}, d.target), el("td", {}, el("code", {}, d.key ?? "")),
      el("td", { className: `status ${d.status}` }, d.status), el("td", {}, String(d.attempts ?? 0)),
      el("td", {}, d.updatedAt ?? ""), el("td", {}, open));
    row.dataset.id = d.id;
    row.dataset.status = d.status;
    body.append(row);
  }
}

async function showDelivery(id) {
  const { data } = await api("GET", `/v1/deliveries/${encodeURIComponent(id)}`);
  const d = data.delivery ?? data;
  const box = $("delivery");
  box.replaceChildren(el("h3", {}, `${d.target} · ${d.key} · ${d.status}`));
  const attempts = el("ol", { className: "attempts" });
  for (const a of d.attemptLog ?? []) {
    const first = a.issues?.[0];
    attempts.append(el("li", {}, `${t("attempt")} ${a.n} · ${a.at} · ${a.outcome} · HTTP ${a.upstreamStatus ?? "–"}`
      + (first ? ` · ${first.path ? `${first.path}: ` : ""}${message(first)}` : "")));
  }
  box.append(attempts);
  for (const issue of d.issues ?? []) box.append(el("p", { className: `issue ${issue.severity}` }, el("code", {}, issue.path), " ", message(issue)));
  // A shop webhook's delivery: the shop order's history (www/history.js).
  await showHistory(box, d.key, api);
  if (d.status === "uncertain") {
    // Only the operator decides: the target cannot say whether the order arrived.
    const resend = el("button", { type: "button", id: "resend-uncertain" }, t("resendUncertain"));
    const confirm = el("button", { type: "button", id: "confirm-uncertain" }, t("confirmUncertain"));
    for (const [button, action] of [[resend, "retry"], [confirm, "confirm"]]) {
      button.addEventListener("click", async () => {
        const { status, data: answer } = await api("POST", `/v1/deliveries/${encodeURIComponent(id)}/${action}`, {});
        renderOutcome(status, answer);
        await refreshDeliveries();
        await showDelivery(id);
      });
    }
    box.append(el("p", { className: "hint" }, t("uncertainHint")), el("div", { className: "row" }, resend, confirm));
  }
  if (d.status === "dead" || d.status === "rejected" || d.status === "auth_failed") {
    const retry = el("button", { type: "button", id: "retry" }, t("retry"));
    const withEditor = el("input", { type: "checkbox", id: "retry-with-editor" });
    retry.addEventListener("click", async () => {
      let body = {};
      if (withEditor.checked) {
        try { body = { order: JSON.parse($("order").value) }; } catch { renderOutcome(0, { error: t("malformed") }); return; }
      }
      const { status, data: answer } = await api("POST", `/v1/deliveries/${encodeURIComponent(id)}/retry`, body);
      renderOutcome(status, answer);
      await refreshDeliveries();
      await showDelivery(id);
    });
    box.append(el("div", { className: "row" }, retry, withEditor, el("label", { htmlFor: "retry-with-editor" }, t("retryWithEditor"))));
  }
}

// ------------------------------------------------------------------ the product catalogue

/** The worker's catalogue as GET /v1/catalogue answered it (null: not read). */
let catalogue = null;

/** The SKUs of the order in the editor that the worker's catalogue lacks (the package's
 * missingFromCatalogue), each a button selecting its item's SKU. */
function renderMissing() {
  const box = $("missing");
  box.replaceChildren();
  if (!catalogue) return;
  let order;
  try { order = JSON.parse($("order").value); } catch { return; }
  if (!order || typeof order !== "object" || !Array.isArray(order.items)) return;
  const { missing, issues } = missingFromCatalogue(order, catalogue.catalogue);
  box.dataset.missing = missing.join(",");
  if (!missing.length) { box.append(el("p", { className: "none" }, t("allInCatalogue"))); return; }
  const list = el("ul", {});
  for (const sku of missing) {
    const issue = issues.find((i) => i.code === "missing_from_catalogue" && order.items[Number(/\[(\d+)\]/.exec(i.path)?.[1])]?.sku?.trim() === sku);
    const b = el("button", { type: "button", className: "issue error" }, el("code", { className: "path" }, sku), " ", issue ? message(issue) : "");
    b.dataset.sku = sku;
    b.addEventListener("click", () => issue && selectInOrder(issue.path));
    list.append(el("li", {}, b));
  }
  box.append(el("p", { className: "missing-heading" }, t("missingHeading")), list);
}

function cell(v) {
  return el("td", {}, v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v));
}

function renderCatalogue() {
  const body = document.querySelector("#catalogue tbody");
  body.replaceChildren();
  for (const e of catalogue?.catalogue ?? []) {
    const row = el("tr", {}, cell(e.sku), cell(e.kind), cell(e.bottles), cell(e.bottleSizeMl), cell(e.quality), cell(e.grapes), cell(e.isbn), cell(e.weightGrams), cell(e.kivitendoPartId));
    row.dataset.sku = e.sku;
    body.append(row);
  }
  $("catalogue-state").textContent = catalogue ? t("catalogueEntries")(catalogue.catalogue.length, catalogue.updatedAt) : t("catalogueUnread");
}

function renderCatalogueIssues(issues) {
  const list = $("catalogue-issues");
  list.replaceChildren();
  for (const issue of issues) {
    const li = el("li", { className: `issue ${issue.severity}` }, el("code", { className: "path" }, issue.path), " ", message(issue));
    li.dataset.path = issue.path;
    list.append(li);
  }
}

/** The catalogue text as the package reads it, as you type: bad rows with their lines. */
function checkCatalogueText() {
  const text = $("catalogue-text").value;
  if (!text.trim()) { renderCatalogueIssues([]); return null; }
  const read = readCatalogue(text);
  renderCatalogueIssues(read.issues);
  if (read.ok) $("catalogue-state").textContent = t("catalogueReady")(read.catalogue.length);
  return read;
}

async function loadCatalogue() {
  if (!token()) return;
  try {
    const { status, data } = await api("GET", "/v1/catalogue");
    catalogue = status === 200 ? data : null;
  } catch { catalogue = null; }
  renderCatalogue();
  if (catalogue) $("catalogue-text").value = JSON.stringify(catalogue.catalogue, null, 2);
  renderCatalogueIssues([]);
  renderMissing();
}

async function saveCatalogue() {
  const text = $("catalogue-text").value;
  const json = /^\s*[[{]/.test(text);
  const { status, data } = await api("PUT", "/v1/catalogue", text, json ? "application/json" : "text/csv");
  if (status !== 200) {
    renderCatalogueIssues(data.issues ?? []);
    $("catalogue-state").textContent = t("catalogueNotSaved");
    return;
  }
  await loadCatalogue();
  $("catalogue-state").textContent = t("catalogueSaved")(data.entries);
}

// ------------------------------------------------------------------ wiring

function wire() {
  for (const name of EXAMPLES) $("example").append(el("option", { value: name }, name.replaceAll("_", " ")));
  $("load-example").addEventListener("click", () => loadExample($("example").value));
  $("order").addEventListener("input", scheduleUpdate);
  $("order").addEventListener("scroll", syncScroll);
  $("options").addEventListener("input", scheduleUpdate);
  $("target").addEventListener("change", () => {
    $("options").value = JSON.stringify(PREVIEW_OPTIONS[$("target").value], null, 2);
    update();
  });
  $("lang").addEventListener("change", () => {
    lang = $("lang").value === "de" ? "de" : "en";
    localStorage.setItem("kontor.lang", lang);
    applyWords();
    renderCatalogue();
    update();
  });
  $("token").addEventListener("change", async () => {
    sessionStorage.setItem("kontor.token", $("token").value.trim());
    $("token").value = "";
    showToken();
    await loadWorkerOptions();
    await loadCatalogue();
    await refreshDeliveries();
  });
  $("send").addEventListener("click", send);
  $("cancel").addEventListener("click", cancel);
  $("refresh").addEventListener("click", refreshDeliveries);
  $("status-filter").addEventListener("change", refreshDeliveries);
  $("catalogue-text").addEventListener("input", checkCatalogueText);
  $("catalogue-save").addEventListener("click", saveCatalogue);
  $("catalogue-reload").addEventListener("click", loadCatalogue);
  $("catalogue-file").addEventListener("change", async () => {
    const file = $("catalogue-file").files?.[0];
    if (!file) return;
    $("catalogue-text").value = await file.text();
    checkCatalogueText();
  });
}

/** The worker's non-secret target options (its kivitendo ids, Westarp payment ids), so that
 * the preview shows what the worker will send. */
async function loadWorkerOptions() {
  if (!token()) return;
  try {
    const { status, data } = await api("GET", "/v1/options");
    if (status !== 200) return;
    PREVIEW_OPTIONS["kivitendo-customer"] = data.kivitendo ?? PREVIEW_OPTIONS["kivitendo-customer"];
    // The worker finds or creates the customer first; the preview shows a placeholder id.
    PREVIEW_OPTIONS["kivitendo-order"] = { customerId: 1, ...(data.kivitendo ?? PREVIEW_OPTIONS["kivitendo-order"]) };
    PREVIEW_OPTIONS.westarp = data.westarp ?? PREVIEW_OPTIONS.westarp;
  } catch { /* the placeholders stay */ }
}

await init();
await loadWorkerOptions();
wire();
applyWords();
$("options").value = JSON.stringify(PREVIEW_OPTIONS.geisenheim, null, 2);
await loadCatalogue();
await loadExample(EXAMPLES[0]);
await refreshDeliveries();
document.body.dataset.ready = "true";
