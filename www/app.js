// The admin page: shows an order as each API will see it (the package's builders, in the
// browser), marks every issue at its field, explains every payload field (the builders'
// `explain` lineage), sends through the worker and follows the deliveries. Every rule comes
// from the package or the worker; this file only shows and forwards.
import * as kontor from "kontor";
import { init, targets, readCatalogue, missingFromCatalogue } from "kontor";
import { parseTree, findNodeAtLocation, getLocation, modify, applyEdits } from "jsonc-parser";
import { showHistory } from "./history.js";
import { initPulls, renderPulls, loadPulls } from "./pulls.js";

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
};

// ------------------------------------------------------------------ words

const WORDS = {
  en: {
    tagline: "See an order as each API will, fix it, send it, follow it.",
    language: "Language",
    orderHeading: "Order",
    example: "Example",
    load: "Load",
    target: "Target",
    order: "Order",
    optionsHeading: "Target options for the preview",
    options: "Target options (JSON)",
    optionsHint:
      "The worker sends with its own configuration (ids, secret salt); these options only shape the preview here (a kivitendo order's customerId is found or created by the worker).",
    issuesHeading: "Issues",
    payloadHeading: "Payload",
    fieldsHeading: "Fields",
    fieldsHint: "Choose a field to see where it comes from.",
    sendHeading: "Send",
    token: "Caller token",
    send: "Send through the worker",
    cancel: "Cancel at Geisenheim…",
    deliveriesHeading: "Deliveries",
    status: "Status",
    all: "all",
    refresh: "Refresh",
    colTarget: "Target",
    colKey: "Key",
    colStatus: "Status",
    colAttempts: "Attempts",
    colUpdated: "Updated",
    keep: "Keep the order",
    confirmCancel: "Cancel it at Geisenheim",
    noIssues: "No issues.",
    noPayload: "No payload: fix the errors above.",
    madeFrom: "made from",
    rule: "rule",
    updated: (ms) => `updated in ${ms} ms`,
    malformed: "The order is not JSON yet.",
    tokenMissing: "no caller token: paste it below, or open the address npm start printed",
    tokenSet: "caller token set for this session",
    sending: "sending…",
    showAttempts: "Attempts",
    retry: "Retry",
    retryWithEditor: "Retry with the order in the editor",
    attempt: "attempt",
    nextAttempt: "next attempt",
    confirmText: (id, n) => `Cancel Geisenheim order (invoice id ${id}, shop order ${n})? Geisenheim removes it from the statistics.`,
    noInvoiceId: "This order has no invoiceId: nothing to cancel at Geisenheim.",
    outcome: {
      accepted: "accepted",
      rejected: "rejected",
      queued: "queued: the worker retries",
      dead: "dead: every attempt failed",
      auth_failed: "the worker's credentials were refused",
      uncertain: "uncertain: it may have arrived; check at the target, then send again or confirm",
      cancelled: "cancelled before it was sent: never sent",
    },
    uncertainHint:
      "The worker stopped, or the target did not answer, while this order was on its way. The target cannot be asked, so nothing more is sent until you decide: look for the order there.",
    resendUncertain: "It is not there: send again",
    confirmUncertain: "It is there: confirm",
    newDelivery: (id) => `The corrected order has another key: sent as a new delivery; ${id} stays as it was.`,
    upstream: "upstream",
    none: "none",
    errorSending: "The worker could not be reached",
    saltNote: "The worker computes the recipient id with its own secret salt.",
    catalogueHeading: "Product catalogue",
    catalogueText: "Catalogue (CSV or JSON)",
    catalogueFile: "Open a file (CSV or JSON)",
    catalogueHint:
      "Per SKU what a shop order lacks (kind, bottles, bottle size, quality, grapes, …, ISBN, weight, kivitendo part id). The worker completes webhook orders from it and refuses an order whose SKU is missing.",
    catalogueSave: "Save the catalogue",
    catalogueReload: "Show the worker's catalogue",
    colSku: "SKU",
    colKind: "Kind",
    colBottles: "Bottles",
    colSize: "Bottle size (ml)",
    colQuality: "Quality",
    colGrapes: "Grapes",
    colWeight: "Weight (g)",
    colPart: "kivitendo part",
    catalogueEntries: (n, at) => `${plural(n, "SKU", "SKUs")} in the worker's catalogue${at ? `, saved ${when(at)}` : ""}`,
    catalogueSaved: (n) => `saved: ${plural(n, "SKU", "SKUs")}`,
    catalogueNotSaved: "not saved: fix the rows below",
    catalogueUnread: "The worker's catalogue could not be read",
    catalogueReady: (n) => `${plural(n, "row", "rows")} read, no issues`,
    missingHeading: "Missing from the catalogue:",
    allInCatalogue: "Every SKU of the order is in the catalogue.",
    overviewHeading: "Overview",
    countsHeading: "Deliveries per target and status",
    needsActionHeading: "Needs action",
    lastSyncHeading: "Last sync",
    lastDay: "last 24 hours",
    made: "Made",
    anyTime: "any time",
    lastWeek: "last 7 days",
    chartTitle: "Deliveries per day, last 7 days",
    nothingNeedsAction: "Nothing needs action.",
    noDeliveriesWeek: "No deliveries in the last 7 days.",
    noSync: "No sync has run yet.",
    overviewAt: (at) => `as of ${at}`,
    syncResult: (r) => `${plural(r.listed, "order", "orders")} listed, ${r.delivered} delivered, ${r.skipped} skipped, ${r.failed} failed`,
    syncOk: "ran",
    syncFailed: { worker_misconfigured: "not configured", shop_unavailable: "the shop could not be read" },
    syncKind: { sync: "sync", reconciliation: "reconciliation" },
    showList: (n, target, status) => `${n} ${target} ${status}: show them`,
    deliveriesTo: "Deliveries to",
    allTargets: "all targets",
    noDeliveries: "No deliveries.",
    formHeading: "The order as a form",
    formHint: "The same order as the JSON editor: a change in either shows in the other. The JSON path of a field is one click away ({ }).",
    formNotJson: "The order is not JSON yet: fix it in the editor to see the form.",
    jsonPath: (p) => `JSON path: ${p}`,
    addField: "Add a field…",
    item: (n) => `Item ${n}`,
    yes: "yes",
    no: "no",
    consequence: "consequence",
    tokenRefused:
      "The worker refused the caller token (npm start makes a new one each time it starts): open the address it printed last (…#token=…), or paste the new token below.",
    ledgerAnswer: (status, at) =>
      status === "accepted"
        ? `already delivered on ${at}: the ledger answered, nothing was sent`
        : status === "cancelled"
          ? `cancelled on ${at}: the ledger answered, nothing was sent`
          : `already in the ledger since ${at} (${statusWord(status)}): nothing was sent`,
    sendHint: {
      geisenheim: "Sends the order to Geisenheim.",
      "kivitendo-order": "Sends the order to kivitendo: its customer is found or created first, then the order.",
      "kivitendo-customer": "A preview only: the worker creates the customer when it sends the order. Choose “kivitendo order” to send.",
      westarp: "Sends the order to Westarp.",
    },
    missingWarning: "A shop webhook with this order would be refused. Missing from the worker's catalogue:",
    catalogueEmpty: "The worker's catalogue is empty: shop webhooks are refused until it is saved.",
    catalogueRefused: "The worker refused the caller token: the catalogue could not be read.",
    targets: {
      geisenheim: "Geisenheim",
      "kivitendo-customer": "kivitendo customer",
      "kivitendo-order": "kivitendo order",
      westarp: "Westarp",
    },
    statuses: {
      accepted: "accepted",
      rejected: "rejected",
      queued: "queued",
      dead: "dead",
      auth_failed: "credentials refused",
      uncertain: "uncertain",
      cancelled: "cancelled",
    },
    examples: {
      b2c_online_wine: "Online wine order (consumer)",
      b2b_gastronomy: "Restaurant order (business)",
      local_farm_shop_sale: "Sale in the farm shop",
      sparkling_wine: "Sparkling wine",
      return: "Return",
      westarp_book_order: "Book order (Westarp)",
    },
  },
  de: {
    tagline: "Eine Bestellung so sehen, wie jede API sie sieht, korrigieren, senden, verfolgen.",
    language: "Sprache",
    orderHeading: "Bestellung",
    example: "Beispiel",
    load: "Laden",
    target: "Ziel",
    order: "Bestellung",
    optionsHeading: "Zieloptionen für die Vorschau",
    options: "Zieloptionen (JSON)",
    optionsHint:
      "Der Worker sendet mit seiner eigenen Konfiguration (IDs, geheimes Salz); diese Optionen gelten nur für die Vorschau hier (die customerId eines kivitendo-Auftrags sucht oder legt der Worker an).",
    issuesHeading: "Probleme",
    payloadHeading: "Nutzdaten",
    fieldsHeading: "Felder",
    fieldsHint: "Ein Feld wählen, um zu sehen, woher es kommt.",
    sendHeading: "Senden",
    token: "Aufrufer-Token",
    send: "Über den Worker senden",
    cancel: "Bei Geisenheim stornieren…",
    deliveriesHeading: "Zustellungen",
    status: "Status",
    all: "alle",
    refresh: "Aktualisieren",
    colTarget: "Ziel",
    colKey: "Schlüssel",
    colStatus: "Status",
    colAttempts: "Versuche",
    colUpdated: "Geändert",
    keep: "Bestellung behalten",
    confirmCancel: "Bei Geisenheim stornieren",
    noIssues: "Keine Probleme.",
    noPayload: "Keine Nutzdaten: bitte die Fehler oben beheben.",
    madeFrom: "gebildet aus",
    rule: "Regel",
    updated: (ms) => `aktualisiert in ${ms} ms`,
    malformed: "Die Bestellung ist noch kein JSON.",
    tokenMissing: "kein Aufrufer-Token: unten einfügen oder die von npm start ausgegebene Adresse öffnen",
    tokenSet: "Aufrufer-Token für diese Sitzung gesetzt",
    sending: "wird gesendet…",
    showAttempts: "Versuche",
    retry: "Erneut senden",
    retryWithEditor: "Mit der Bestellung im Editor erneut senden",
    attempt: "Versuch",
    nextAttempt: "nächster Versuch",
    confirmText: (id, n) =>
      `Geisenheim-Bestellung stornieren (Rechnungs-ID ${id}, Shop-Bestellung ${n})? Geisenheim nimmt sie aus der Statistik.`,
    noInvoiceId: "Diese Bestellung hat keine invoiceId: bei Geisenheim gibt es nichts zu stornieren.",
    outcome: {
      accepted: "angenommen",
      rejected: "abgelehnt",
      queued: "in der Warteschlange: der Worker versucht es erneut",
      dead: "gescheitert: alle Versuche sind fehlgeschlagen",
      auth_failed: "die Zugangsdaten des Workers wurden abgelehnt",
      uncertain: "unsicher: kann angekommen sein; beim Ziel prüfen, dann erneut senden oder bestätigen",
      cancelled: "storniert, bevor sie gesendet wurde: nie gesendet",
    },
    uncertainHint:
      "Der Worker wurde angehalten oder das Ziel hat nicht geantwortet, während diese Bestellung unterwegs war. Das Ziel lässt sich nicht fragen, daher wird nichts mehr gesendet, bis Sie entscheiden: bitte dort nach der Bestellung sehen.",
    resendUncertain: "Nicht vorhanden: erneut senden",
    confirmUncertain: "Vorhanden: bestätigen",
    newDelivery: (id) => `Die korrigierte Bestellung hat einen anderen Schlüssel: als neue Zustellung gesendet; ${id} bleibt, wie sie war.`,
    upstream: "Gegenstelle",
    none: "keine",
    errorSending: "Der Worker ist nicht erreichbar",
    saltNote: "Der Worker bildet die Empfänger-ID mit seinem eigenen geheimen Salz.",
    catalogueHeading: "Produktkatalog",
    catalogueText: "Katalog (CSV oder JSON)",
    catalogueFile: "Datei öffnen (CSV oder JSON)",
    catalogueHint:
      "Je Artikelnummer, was einer Shop-Bestellung fehlt (Art, Flaschen, Flaschengröße, Qualität, Rebsorten, …, ISBN, Gewicht, kivitendo-Artikel-ID). Der Worker ergänzt Webhook-Bestellungen daraus und lehnt eine Bestellung ab, deren Artikelnummer fehlt.",
    catalogueSave: "Katalog speichern",
    catalogueReload: "Katalog des Workers zeigen",
    colSku: "Artikelnummer",
    colKind: "Art",
    colBottles: "Flaschen",
    colSize: "Flaschengröße (ml)",
    colQuality: "Qualität",
    colGrapes: "Rebsorten",
    colWeight: "Gewicht (g)",
    colPart: "kivitendo-Artikel",
    catalogueEntries: (n, at) =>
      `${plural(n, "Artikelnummer", "Artikelnummern")} im Katalog des Workers${at ? `, gespeichert ${when(at)}` : ""}`,
    catalogueSaved: (n) => `gespeichert: ${plural(n, "Artikelnummer", "Artikelnummern")}`,
    catalogueNotSaved: "nicht gespeichert: bitte die Zeilen unten korrigieren",
    catalogueUnread: "Der Katalog des Workers konnte nicht gelesen werden",
    catalogueReady: (n) => `${plural(n, "Zeile", "Zeilen")} gelesen, keine Probleme`,
    missingHeading: "Fehlt im Katalog:",
    allInCatalogue: "Jede Artikelnummer der Bestellung steht im Katalog.",
    overviewHeading: "Überblick",
    countsHeading: "Zustellungen je Ziel und Status",
    needsActionHeading: "Zu erledigen",
    lastSyncHeading: "Letzter Abgleich",
    lastDay: "letzte 24 Stunden",
    made: "Erstellt",
    anyTime: "jederzeit",
    lastWeek: "letzte 7 Tage",
    chartTitle: "Zustellungen je Tag, letzte 7 Tage",
    nothingNeedsAction: "Nichts zu erledigen.",
    noDeliveriesWeek: "Keine Zustellungen in den letzten 7 Tagen.",
    noSync: "Noch kein Abgleich gelaufen.",
    overviewAt: (at) => `Stand ${at}`,
    syncResult: (r) =>
      `${plural(r.listed, "Bestellung", "Bestellungen")} gelistet, ${r.delivered} zugestellt, ${r.skipped} übersprungen, ${r.failed} fehlgeschlagen`,
    syncOk: "gelaufen",
    syncFailed: { worker_misconfigured: "nicht eingerichtet", shop_unavailable: "der Shop war nicht lesbar" },
    syncKind: { sync: "Abgleich", reconciliation: "Kontrollabgleich" },
    showList: (n, target, status) => `${n} ${target} ${status}: anzeigen`,
    deliveriesTo: "Zustellungen an",
    allTargets: "alle Ziele",
    noDeliveries: "Keine Zustellungen.",
    formHeading: "Die Bestellung als Formular",
    formHint:
      "Dieselbe Bestellung wie im JSON-Editor: eine Änderung in einem zeigt sich im anderen. Der JSON-Pfad eines Felds ist einen Klick entfernt ({ }).",
    formNotJson: "Die Bestellung ist noch kein JSON: bitte im Editor korrigieren, um das Formular zu sehen.",
    jsonPath: (p) => `JSON-Pfad: ${p}`,
    addField: "Feld hinzufügen…",
    item: (n) => `Position ${n}`,
    yes: "ja",
    no: "nein",
    consequence: "Folge",
    tokenRefused:
      "Der Worker hat das Aufrufer-Token abgelehnt (npm start erzeugt bei jedem Start ein neues): bitte die zuletzt ausgegebene Adresse öffnen (…#token=…) oder das neue Token unten einfügen.",
    ledgerAnswer: (status, at) =>
      status === "accepted"
        ? `bereits am ${at} zugestellt: das Journal hat geantwortet, nichts wurde gesendet`
        : status === "cancelled"
          ? `am ${at} storniert: das Journal hat geantwortet, nichts wurde gesendet`
          : `seit ${at} im Journal (${statusWord(status)}): nichts wurde gesendet`,
    sendHint: {
      geisenheim: "Sendet die Bestellung an Geisenheim.",
      "kivitendo-order": "Sendet die Bestellung an kivitendo: zuerst wird der Kunde gesucht oder angelegt, dann der Auftrag.",
      "kivitendo-customer":
        "Nur eine Vorschau: der Worker legt den Kunden an, wenn er die Bestellung sendet. Zum Senden „kivitendo-Auftrag“ wählen.",
      westarp: "Sendet die Bestellung an Westarp.",
    },
    missingWarning: "Ein Shop-Webhook mit dieser Bestellung würde abgelehnt. Fehlt im Katalog des Workers:",
    catalogueEmpty: "Der Katalog des Workers ist leer: Shop-Webhooks werden abgelehnt, bis er gespeichert ist.",
    catalogueRefused: "Der Worker hat das Aufrufer-Token abgelehnt: der Katalog konnte nicht gelesen werden.",
    targets: {
      geisenheim: "Geisenheim",
      "kivitendo-customer": "kivitendo-Kunde",
      "kivitendo-order": "kivitendo-Auftrag",
      westarp: "Westarp",
    },
    statuses: {
      accepted: "angenommen",
      rejected: "abgelehnt",
      queued: "wartend",
      dead: "gescheitert",
      auth_failed: "Zugang abgelehnt",
      uncertain: "unsicher",
      cancelled: "storniert",
    },
    examples: {
      b2c_online_wine: "Online-Weinbestellung (Privatkunde)",
      b2b_gastronomy: "Bestellung eines Restaurants (Gewerbe)",
      local_farm_shop_sale: "Verkauf im Hofladen",
      sparkling_wine: "Sekt",
      return: "Rücksendung",
      westarp_book_order: "Buchbestellung (Westarp)",
    },
  },
};

/** The order's field names for people, by the field's key (the form view's labels and the
 * issues' fields); the fields themselves come from the package's types (order-fields.json). */
const FIELD_WORDS = {
  number: ["Order number", "Bestellnummer"],
  invoiceId: ["Invoice id", "Rechnungs-ID"],
  orderedAt: ["Ordered at", "Bestellt am"],
  invoiceDate: ["Invoice date", "Rechnungsdatum"],
  channel: ["Sales channel", "Vertriebsweg"],
  currency: ["Currency", "Währung"],
  pricesIncludeTax: ["Prices include VAT", "Preise inklusive MwSt."],
  customer: ["Customer", "Kunde"],
  billingAddress: ["Billing address", "Rechnungsadresse"],
  shippingAddress: ["Shipping address", "Lieferadresse"],
  payment: ["Payment", "Zahlung"],
  shipping: ["Shipping", "Versand"],
  deliveryDate: ["Delivery date", "Lieferdatum"],
  notes: ["Notes", "Anmerkungen"],
  items: ["Items", "Positionen"],
  id: ["Customer number", "Kundennummer"],
  email: ["E-mail", "E-Mail"],
  type: ["Customer type", "Kundenart"],
  company: ["Company", "Firma"],
  gender: ["Gender", "Geschlecht"],
  title: ["Title", "Titel"],
  firstName: ["First name", "Vorname"],
  lastName: ["Last name", "Nachname"],
  phone: ["Phone", "Telefon"],
  fax: ["Fax", "Fax"],
  homepage: ["Website", "Webseite"],
  vatId: ["VAT id", "USt-IdNr."],
  birthYear: ["Year of birth", "Geburtsjahr"],
  marketingConsent: ["Marketing consent", "Werbeeinwilligung"],
  tradeNumber: ["Trade number", "Händlernummer"],
  name: ["Name", "Name"],
  street: ["Street", "Straße"],
  houseNumber: ["House number", "Hausnummer"],
  zip: ["Postcode", "PLZ"],
  city: ["City", "Ort"],
  country: ["Country", "Land"],
  method: ["Payment method", "Zahlungsart"],
  carrier: ["Carrier", "Versanddienst"],
  methodName: ["Shipping method", "Versandart"],
  cost: ["Shipping cost", "Versandkosten"],
  taxRate: ["VAT rate (%)", "MwSt.-Satz (%)"],
  sku: ["SKU", "Artikelnummer"],
  quantity: ["Quantity", "Menge"],
  unitPrice: ["Unit price", "Einzelpreis"],
  discount: ["Discount", "Rabatt"],
  discountPercent: ["Discount (%)", "Rabatt (%)"],
  unit: ["Unit", "Einheit"],
  weightGrams: ["Weight (g)", "Gewicht (g)"],
  isbn: ["ISBN", "ISBN"],
  product: ["Product facts", "Produktangaben"],
  kind: ["Kind", "Art"],
  bottles: ["Bottles", "Flaschen"],
  bottleSizeMl: ["Bottle size (ml)", "Flaschengröße (ml)"],
  organic: ["Organic", "Bio"],
  quality: ["Quality", "Qualitätsstufe"],
  grapes: ["Grapes", "Rebsorten"],
  wineType: ["Wine type", "Weinart"],
  taste: ["Taste", "Geschmack"],
  vdp: ["VDP classification", "VDP-Klassifikation"],
};

let lang = localStorage.getItem("kontor.lang") === "de" ? "de" : "en";
const t = (key) => WORDS[lang][key];
const message = (issue) => (lang === "de" ? issue.messageDe || issue.message : issue.message);
const locale = () => (lang === "de" ? "de-DE" : navigator.language?.startsWith("en") ? navigator.language : "en-GB");
/** `n` with its noun in the chosen language: "1 SKU", "2 SKUs". */
const plural = (n, one, many) => `${n.toLocaleString(locale())} ${new Intl.PluralRules(locale()).select(n) === "one" ? one : many}`;
/** An ISO time in the browser's time zone and the chosen language. */
const when = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
};
/** A `<time>` of an ISO time, as `when` writes it. */
const timeEl = (iso) => el("time", { dateTime: iso ?? "" }, iso ? when(iso) : "–");
const statusWord = (status) => t("statuses")[status] ?? status;

/** The fields of the order by type (order-fields.json, made from the package's TypeScript
 * declarations by scripts/order-fields.mjs). */
let ORDER_FIELDS = null;

/** A field of the order at `segs` (its declaration), or null when the types have none. */
function fieldAt(segs) {
  if (!ORDER_FIELDS) return null;
  let fields = ORDER_FIELDS.Order;
  let field = null;
  for (const s of segs) {
    if (typeof s === "number") {
      if (field?.kind !== "list") return null;
      field = { ...field.of, name: field.name, index: s };
      fields = field.kind === "object" ? (field.fields ?? ORDER_FIELDS[field.type]) : null;
      continue;
    }
    field = fields?.find((f) => f.name === s) ?? null;
    if (!field) return null;
    fields = field.kind === "object" ? (field.fields ?? ORDER_FIELDS[field.type]) : null;
  }
  return field;
}

/** A field's name for people: "Billing address › Postcode", "Item 1 › Product facts ›
 * Bottle size (ml)"; null for a path that is not the order's (options, configuration). */
function fieldName(path) {
  if (!path || !fieldAt(segments(path))) return null;
  const segs = segments(path);
  const words = [];
  segs.forEach((s, i) => {
    if (typeof s === "number") {
      if (segs[i - 1] === "items") words[words.length - 1] = t("item")(s + 1);
      else words[words.length - 1] += ` ${s + 1}`;
    } else words.push(FIELD_WORDS[s]?.[lang === "de" ? 1 : 0] ?? s);
  });
  return words.join(" › ");
}

/** An issue for people: its field's name (its path where the order has no such field), then
 * the core's message as it is (which never repeats the path); `atField`: the message alone,
 * shown where the field already is. */
function issueText(issue, atField = false) {
  const frag = document.createDocumentFragment();
  const name = atField ? null : fieldName(issue.path);
  if (name) frag.append(el("strong", { className: "field-name" }, name), ": ");
  else if (issue.path && !atField) frag.append(el("code", { className: "path" }, issue.path), ": ");
  frag.append(message(issue));
  return frag;
}

/** Issues by field: one entry per path, its first error (else its first issue) with the
 * others at the same path as its consequences. */
function byField(issues) {
  const groups = new Map();
  for (const i of issues) {
    const g = groups.get(i.path) ?? [];
    g.push(i);
    groups.set(i.path, g);
  }
  return [...groups.values()].map((g) => {
    const main = g.find((i) => i.severity === "error") ?? g[0];
    return { ...main, consequences: g.filter((i) => i !== main) };
  });
}

/** An issue's entry: its message, then its consequences as hints. `atField`: shown at its
 * field (the form), which names the field already. */
function issueContent(issue, atField = false) {
  const frag = document.createDocumentFragment();
  frag.append(el("span", { className: "message" }, issueText(issue, atField)));
  for (const c of issue.consequences ?? []) {
    // The field is said once: a consequence is its message alone.
    const text = el("span", {}, issueText(c, true));
    frag.append(el("small", { className: "consequence" }, `${t("consequence")}: `, text));
  }
  return frag;
}

function applyWords() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").value = lang;
  // The choosers' names: examples, statuses and targets in the chosen language.
  const example = $("example").value;
  $("example").replaceChildren(...EXAMPLES.map((name) => el("option", { value: name }, t("examples")[name] ?? name)));
  if (example) $("example").value = example;
  const status = $("status-filter").value;
  $("status-filter").replaceChildren(
    el("option", { value: "" }, t("all")),
    ...STATUSES.map((s) => el("option", { value: s }, statusWord(s))),
  );
  $("status-filter").value = status;
  const since = $("since-filter").value;
  $("since-filter").replaceChildren(
    el("option", { value: "" }, t("anyTime")),
    el("option", { value: "day" }, t("lastDay")),
    el("option", { value: "week" }, t("lastWeek")),
  );
  $("since-filter").value = since;
  const target = $("target-filter").value;
  $("target-filter").replaceChildren(
    el("option", { value: "" }, t("allTargets")),
    ...WORKER_TARGETS.map((s) => el("option", { value: s }, TARGET_NAMES[s])),
  );
  $("target-filter").value = target;
  for (const option of $("target").options) option.textContent = t("targets")[option.value] ?? option.textContent;
  showToken();
  showControls();
}

const STATUSES = ["accepted", "queued", "rejected", "dead", "auth_failed", "uncertain", "cancelled"];
/** The targets the worker delivers to, from the package's registry (`targets()`, read once the
 * module is loaded). */
let WORKER_TARGETS = [];
/** Short names of the targets; a target without one shows its registry title. */
const TARGET_NAMES = { geisenheim: "Geisenheim", kivitendo: "kivitendo", westarp: "Westarp" };
/** Each order document (the target chooser's entries) with its builder and its target. */
let DOCUMENTS = [];

/** Reads the targets and their order documents from the package's registry. */
function readRegistry() {
  const list = targets();
  WORKER_TARGETS = list.map((x) => x.name);
  for (const x of list) TARGET_NAMES[x.name] ??= x.title;
  DOCUMENTS = list.flatMap((x) => x.documents.map((d) => ({ name: d.name, target: x.name, build: kontor[d.builder] })));
  $("target").replaceChildren(...DOCUMENTS.map((d) => el("option", { value: d.name }, t("targets")[d.name] ?? d.name)));
}

// ------------------------------------------------------------------ the caller token

// `#token=…` (as npm start prints it) is kept for this browser session, then removed from the
// address so that it is not bookmarked or shared.
/** Takes `#token=…` from the address, if there; true when it did. */
function takeTokenFromAddress() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (!fragment.get("token")) return false;
  sessionStorage.setItem("kontor.token", fragment.get("token"));
  history.replaceState(null, "", location.pathname + location.search);
  tokenRefused = false;
  return true;
}
/** The worker refused the token last used (401): npm start made a new one. */
let tokenRefused = false;
takeTokenFromAddress();
const token = () => sessionStorage.getItem("kontor.token") ?? "";

function showToken() {
  const state = $("token-state");
  state.textContent = tokenRefused ? t("tokenRefused") : token() ? t("tokenSet") : t("tokenMissing");
  state.classList.toggle("refused", tokenRefused);
  $("token-row").hidden = Boolean(token()) && !tokenRefused;
}

async function api(method, path, body, type = "application/json") {
  const headers = { authorization: `Bearer ${token()}` };
  if (body !== undefined) headers["content-type"] = type;
  const text0 = body === undefined || typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(path, { method, headers, body: text0 });
  if ((res.status === 401) !== tokenRefused) {
    tokenRefused = res.status === 401;
    showToken();
  }
  const text = await res.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = { error: text };
  }
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
  "kivitendo-customer": { taxzoneId: 4, currencyId: 1 },
  "kivitendo-order": { taxzoneId: 4, currencyId: 1, customerId: 1, productIds: {} },
  westarp: { type: "shop", paymentMethodIds: { paypal: 8, credit_card: 9 } },
};

// ------------------------------------------------------------------ building, as you type

let current = { result: null, orderText: "", tree: null, selected: null };

function readOptions() {
  const text = $("options").value.trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function update() {
  const started = performance.now();
  const orderText = $("order").value;
  const target = $("target").value;
  const options = readOptions();
  let result;
  if (options === null) {
    result = {
      ok: false,
      issues: [
        {
          path: "options",
          code: "malformed_json",
          severity: "error",
          message: "The target options are not JSON",
          messageDe: "Die Zieloptionen sind kein JSON",
        },
      ],
    };
  } else {
    result = DOCUMENTS.find((d) => d.name === target).build(orderText, { ...options, explain: true });
  }
  const selected = current.selected;
  current = { result, orderText, tree: parseTree(orderText), selected: null };
  renderIssues(result.issues);
  renderMarks(result.issues);
  renderPayload(result);
  scheduleForm();
  renderMissing();
  if (selected) showLineage(selected); // kept while typing, if the field is still there
  const ms = Math.max(0, performance.now() - started).toFixed(1);
  $("timing").textContent = t("updated")(Number(ms).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
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
  return path
    .split(/\.|(?=\[)/)
    .filter(Boolean)
    .map((s) => (s.startsWith("[") ? Number(s.slice(1, -1)) : s));
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
  for (const issue of byField(shown)) {
    const button = el(
      "button",
      { type: "button", className: `issue ${issue.severity}`, title: t("jsonPath")(issue.path || "(order)") },
      issueContent(issue),
    );
    button.dataset.path = issue.path;
    button.dataset.code = issue.code;
    button.dataset.codes = [issue, ...issue.consequences].map((i) => i.code).join(" ");
    button.addEventListener("click", () => selectInOrder(issue.path));
    list.append(el("li", {}, button));
  }
}

function escapeHtml(s) {
  return s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);
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
    const button = el(
      "button",
      { type: "button", className: "field" },
      el("code", {}, entry.field),
      value === undefined ? "" : ` = ${JSON.stringify(value)}`,
    );
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
  box.append(
    el("h3", {}, el("code", {}, entry.field)),
    el("p", {}, `${t("madeFrom")}:`),
    from,
    el("p", { className: "rule" }, `${t("rule")}: ${lang === "de" ? entry.ruleDe : entry.rule}`),
  );
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
/** The target an order document goes to (`kivitendo-order` → `kivitendo`). */
const workerTarget = (document) => DOCUMENTS.find((d) => d.name === document)?.target ?? document;

function renderOutcome(status, data) {
  const box = $("outcome");
  box.replaceChildren();
  const delivery = data.delivery ?? data.deliveries?.[0] ?? data;
  const state = delivery?.status ?? (status === 401 ? "unauthorised" : "error");
  // The same key again: the ledger answered and nothing left for the target.
  const fromLedger = Boolean(delivery?.duplicate);
  const words =
    status === 401
      ? t("tokenRefused")
      : fromLedger
        ? t("ledgerAnswer")(state, when(delivery.updatedAt ?? delivery.createdAt))
        : (t("outcome")[state] ?? `${status} ${data.error ?? ""}`);
  const p = el("p", { className: `outcome ${state}` }, el("strong", {}, words));
  p.dataset.status = state;
  if (fromLedger) p.dataset.ledger = "true";
  box.append(p);
  if (data.newDelivery) box.append(el("p", { className: "hint", id: "new-delivery" }, t("newDelivery")(data.retriedFrom)));
  if (delivery?.upstreamId) box.append(el("p", {}, `${t("upstream")}: ${delivery.upstreamId}`));
  if (delivery?.nextAttemptAt && state === "queued") box.append(el("p", {}, `${t("nextAttempt")}: `, timeEl(delivery.nextAttemptAt)));
  const issues = delivery?.issues ?? data.issues ?? [];
  if (issues.length) {
    const list = el("ul", {});
    for (const issue of byField(issues)) {
      const b = el(
        "button",
        { type: "button", className: `issue ${issue.severity ?? "error"}`, title: t("jsonPath")(issue.path || "(order)") },
        issueContent(issue),
      );
      b.addEventListener("click", () => selectInOrder(issue.path));
      list.append(el("li", {}, b));
    }
    box.append(list);
    renderMarks(issues);
  }
}

async function send() {
  if ($("target").value === "kivitendo-customer") return; // a preview only (showControls hides the button)
  let order;
  try {
    order = JSON.parse($("order").value);
  } catch {
    renderOutcome(0, { error: t("malformed") });
    return;
  }
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
  if ($("target").value !== "geisenheim") return;
  let order;
  try {
    order = JSON.parse($("order").value);
  } catch {
    renderOutcome(0, { error: t("malformed") });
    return;
  }
  if (order.invoiceId === undefined) {
    renderOutcome(0, { error: t("noInvoiceId") });
    return;
  }
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
  const body = document.querySelector("#deliveries tbody");
  if (!token()) {
    body.replaceChildren();
    $("deliveries-state").textContent = t("tokenMissing");
    return;
  }
  const status = $("status-filter").value;
  const target = $("target-filter").value;
  const query = new URLSearchParams({ limit: "50" });
  if (status) query.set("status", status);
  if (target) query.set("target", target);
  const since = sinceOf($("since-filter").value);
  if (since) query.set("since", since);
  const { status: http, data } = await api("GET", `/v1/deliveries?${query}`);
  body.replaceChildren();
  const list = data.deliveries ?? [];
  $("deliveries-state").textContent = http === 401 ? t("tokenRefused") : list.length ? "" : t("noDeliveries");
  // Each cell names its column (data-label): at phone width the rows are cards.
  const cell = (column, ...content) => {
    const td = el("td", {}, ...content);
    td.dataset.label = t(column);
    return td;
  };
  for (const d of list) {
    const open = el("button", { type: "button" }, t("showAttempts"));
    open.addEventListener("click", () => showDelivery(d.id));
    const statusCell = cell("colStatus", statusWord(d.status));
    statusCell.className = `status ${d.status}`;
    const row = el(
      "tr",
      {},
      cell("colTarget", TARGET_NAMES[d.target] ?? d.target),
      cell("colKey", el("code", {}, d.key ?? "")),
      statusCell,
      cell("colAttempts", String(d.attempts ?? 0)),
      cell("colUpdated", timeEl(d.updatedAt)),
      el("td", { className: "actions" }, open),
    );
    row.dataset.id = d.id;
    row.dataset.status = d.status;
    body.append(row);
  }
}

async function showDelivery(id) {
  const { data } = await api("GET", `/v1/deliveries/${encodeURIComponent(id)}`);
  const d = data.delivery ?? data;
  const box = $("delivery");
  box.replaceChildren(el("h3", {}, `${TARGET_NAMES[d.target] ?? d.target} · ${d.key} · ${statusWord(d.status)}`));
  const attempts = el("ol", { className: "attempts" });
  for (const a of d.attemptLog ?? []) {
    const first = a.issues?.[0];
    const li = el("li", {}, `${t("attempt")} ${a.n} · `, timeEl(a.at), ` · ${statusWord(a.outcome)} · HTTP ${a.upstreamStatus ?? "–"}`);
    if (first) li.append(" · ", issueText(first));
    li.dataset.outcome = a.outcome;
    attempts.append(li);
  }
  box.append(attempts);
  for (const issue of byField(d.issues ?? [])) box.append(el("p", { className: `issue ${issue.severity}` }, issueContent(issue)));
  // A shop webhook's delivery: the shop order's history (www/history.js).
  await showHistory(box, d.key, api);
  if (d.status === "uncertain") {
    // Only the operator decides: the target cannot say whether the order arrived.
    const resend = el("button", { type: "button", id: "resend-uncertain" }, t("resendUncertain"));
    const confirm = el("button", { type: "button", id: "confirm-uncertain" }, t("confirmUncertain"));
    for (const [button, action] of [
      [resend, "retry"],
      [confirm, "confirm"],
    ]) {
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
        try {
          body = { order: JSON.parse($("order").value) };
        } catch {
          renderOutcome(0, { error: t("malformed") });
          return;
        }
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
  try {
    order = JSON.parse($("order").value);
  } catch {
    return;
  }
  if (!order || typeof order !== "object" || !Array.isArray(order.items)) return;
  // An empty catalogue is one note, not every SKU in red: it matters to shop webhooks only.
  if (!catalogue.catalogue.length) {
    box.dataset.missing = "";
    box.append(el("p", { className: "hint" }, t("catalogueEmpty")));
    return;
  }
  const { missing, issues } = missingFromCatalogue(order, catalogue.catalogue);
  box.dataset.missing = missing.join(",");
  if (!missing.length) {
    box.append(el("p", { className: "none" }, t("allInCatalogue")));
    return;
  }
  const list = el("ul", {});
  for (const sku of missing) {
    const issue = issues.find(
      (i) => i.code === "missing_from_catalogue" && order.items[Number(/\[(\d+)\]/.exec(i.path)?.[1])]?.sku?.trim() === sku,
    );
    const b = el(
      "button",
      { type: "button", className: "issue warning" },
      issue ? issueText(issue) : el("code", { className: "path" }, sku),
    );
    b.dataset.sku = sku;
    b.addEventListener("click", () => issue && selectInOrder(issue.path));
    list.append(el("li", {}, b));
  }
  box.append(el("p", { className: "missing-heading" }, t("missingWarning")), list);
}

function cell(v) {
  return el("td", {}, v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v));
}

function renderCatalogue() {
  const body = document.querySelector("#catalogue tbody");
  body.replaceChildren();
  for (const e of catalogue?.catalogue ?? []) {
    const row = el(
      "tr",
      {},
      cell(e.sku),
      cell(e.kind),
      cell(e.bottles),
      cell(e.bottleSizeMl),
      cell(e.quality),
      cell(e.grapes),
      cell(e.isbn),
      cell(e.weightGrams),
      cell(e.kivitendoPartId),
    );
    row.dataset.sku = e.sku;
    body.append(row);
  }
  $("catalogue-state").textContent = catalogue
    ? t("catalogueEntries")(catalogue.catalogue.length, catalogue.updatedAt)
    : tokenRefused
      ? t("catalogueRefused")
      : t("catalogueUnread");
}

function renderCatalogueIssues(issues) {
  const list = $("catalogue-issues");
  list.replaceChildren();
  for (const issue of issues) {
    const li = el("li", { className: `issue ${issue.severity}` }, issueText(issue));
    li.dataset.path = issue.path;
    list.append(li);
  }
}

/** The catalogue text as the package reads it, as you type: bad rows with their lines. */
function checkCatalogueText() {
  const text = $("catalogue-text").value;
  if (!text.trim()) {
    renderCatalogueIssues([]);
    return null;
  }
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
  } catch {
    catalogue = null;
  }
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
  $("load-example").addEventListener("click", () => loadExample($("example").value));
  $("order").addEventListener("input", scheduleUpdate);
  $("order").addEventListener("scroll", syncScroll);
  $("options").addEventListener("input", scheduleUpdate);
  $("target").addEventListener("change", () => {
    $("options").value = JSON.stringify(PREVIEW_OPTIONS[$("target").value] ?? {}, null, 2);
    showControls();
    update();
  });
  $("lang").addEventListener("change", () => {
    lang = $("lang").value === "de" ? "de" : "en";
    localStorage.setItem("kontor.lang", lang);
    applyWords();
    renderCatalogue();
    update();
    clearTimeout(formTimer);
    renderForm(); // the field names at once
    renderOverview();
    refreshDeliveries();
    renderPulls();
  });
  $("token").addEventListener("change", async () => {
    sessionStorage.setItem("kontor.token", $("token").value.trim());
    $("token").value = "";
    tokenRefused = false;
    await reloadFromWorker();
  });
  // A new `#token=…` pasted into this tab's address is taken at once, without a reload.
  window.addEventListener("hashchange", async () => {
    if (takeTokenFromAddress()) await reloadFromWorker();
  });
  $("overview-refresh").addEventListener("click", loadOverview);
  $("target-filter").addEventListener("change", refreshDeliveries);
  $("since-filter").addEventListener("change", refreshDeliveries);
  $("order-form").addEventListener("submit", (e) => e.preventDefault());
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

/** Everything the page reads from the worker, again (a new token). */
async function reloadFromWorker() {
  showToken();
  await loadWorkerOptions();
  $("options").value = JSON.stringify(PREVIEW_OPTIONS[$("target").value] ?? {}, null, 2);
  update();
  await loadCatalogue();
  await loadOverview();
  await refreshDeliveries();
  await loadPulls();
}

/** Only the actions the chosen target has: a kivitendo customer is a preview (the worker
 * creates it when it sends the order), a cancel is Geisenheim's. */
function showControls() {
  const target = $("target").value;
  $("send").hidden = target === "kivitendo-customer";
  $("cancel").hidden = target !== "geisenheim";
  $("send-hint").textContent = t("sendHint")[target] ?? "";
}

// ------------------------------------------------------------------ the overview

/** GET /v1/overview as last answered (null: not read). */
let overviewData = null;

async function loadOverview() {
  if (!token()) {
    overviewData = null;
    renderOverview();
    return;
  }
  try {
    const { status, data } = await api("GET", "/v1/overview");
    overviewData = status === 200 ? data : null;
  } catch {
    overviewData = null;
  }
  renderOverview();
}

/** Opens the deliveries list filtered to `target` and `status`. */
/** The time a window of the overview starts (`day`, `week`): the overview's own bounds, so that
 * the list holds what its number counted; `""` for any time. */
function sinceOf(window) {
  if (window === "day") return overviewData?.dayFrom ?? new Date(Date.now() - 24 * 3600_000).toISOString();
  if (window === "week") return overviewData?.weekFrom ?? new Date(Date.now() - 7 * 24 * 3600_000).toISOString();
  return "";
}

async function openList(target, status, window = "") {
  $("target-filter").value = target;
  $("status-filter").value = status;
  $("since-filter").value = window;
  await refreshDeliveries();
  $("h-deliveries").scrollIntoView({ block: "start" });
  document.querySelector("#deliveries tbody button")?.focus({ preventScroll: true });
}

function countButton(n, target, status, window = "") {
  if (!n) return el("span", { className: "zero" }, "0");
  const b = el(
    "button",
    { type: "button", className: `count ${status}`, title: t("showList")(n, TARGET_NAMES[target] ?? target, statusWord(status)) },
    n.toLocaleString(locale()),
  );
  b.setAttribute("aria-label", t("showList")(n, TARGET_NAMES[target] ?? target, statusWord(status)));
  b.dataset.target = target;
  b.dataset.status = status;
  b.dataset.since = window;
  b.addEventListener("click", () => openList(target, status, window));
  return b;
}

const STATUS_COLOURS = {
  accepted: "#1e6b30",
  queued: "#7a4a00",
  rejected: "#a4161a",
  dead: "#5c0a0d",
  auth_failed: "#c2185b",
  uncertain: "#d98e04",
  cancelled: "#6b6b66",
};

function renderOverview() {
  const state = $("overview-state");
  const head = document.querySelector("#overview-counts thead");
  const body = document.querySelector("#overview-counts tbody");
  head.replaceChildren();
  body.replaceChildren();
  $("overview-chart").replaceChildren();
  $("needs-action").replaceChildren();
  $("last-sync").replaceChildren();
  const o = overviewData;
  if (!o) {
    state.textContent = !token() ? t("tokenMissing") : tokenRefused ? t("tokenRefused") : "";
    return;
  }
  state.replaceChildren(t("overviewAt")(""), timeEl(o.at));
  // Per target and status: the last 24 hours and the last 7 days, each number a link to the list.
  if (!o.counts.length) body.append(el("tr", {}, el("td", { colSpan: 4 }, t("noDeliveriesWeek"))));
  else {
    head.append(
      el("tr", {}, el("th", {}, t("colTarget")), el("th", {}, t("colStatus")), el("th", {}, t("lastDay")), el("th", {}, t("lastWeek"))),
    );
    for (const c of o.counts) {
      const row = el(
        "tr",
        {},
        el("td", {}, TARGET_NAMES[c.target] ?? c.target),
        el("td", { className: `status ${c.status}` }, statusWord(c.status)),
        el("td", {}, countButton(c.lastDay, c.target, c.status, "day")),
        el("td", {}, countButton(c.lastWeek, c.target, c.status, "week")),
      );
      row.children[2].dataset.label = t("lastDay");
      row.children[3].dataset.label = t("lastWeek");
      row.dataset.target = c.target;
      row.dataset.status = c.status;
      body.append(row);
    }
    $("overview-chart").append(chart(o));
  }
  if (!o.needsAction.length) $("needs-action").append(el("li", { className: "none" }, t("nothingNeedsAction")));
  for (const a of o.needsAction) {
    const li = el(
      "li",
      { className: `needs ${a.status}` },
      countButton(a.count, a.target, a.status),
      ` ${TARGET_NAMES[a.target] ?? a.target}: ${statusWord(a.status)}`,
    );
    li.dataset.status = a.status;
    $("needs-action").append(li);
  }
  const run = o.lastSync;
  if (!run) {
    $("last-sync").append(el("p", { className: "hint" }, t("noSync")));
    return;
  }
  const result = run.ok ? t("syncOk") : (t("syncFailed")[run.error] ?? run.error);
  const p = el(
    "p",
    { className: `sync ${run.ok ? "ok" : "failed"}` },
    `${t("syncKind")[run.kind] ?? run.kind}${run.source ? ` (${run.source})` : ""}: `,
    timeEl(run.at),
    ` · `,
    el("strong", {}, result),
  );
  p.dataset.ok = String(run.ok);
  $("last-sync").append(p);
  if (run.ok) $("last-sync").append(el("p", {}, t("syncResult")(run)));
  const issues = el("ul", { className: "sync-issues" });
  for (const i of byField(run.issues).slice(0, 5)) issues.append(el("li", { className: `issue ${i.severity}` }, issueText(i)));
  $("last-sync").append(issues);
}

/** The last 7 days as stacked bars per day and status (plain SVG). */
function chart(o) {
  const days = [];
  const from = new Date(o.weekFrom);
  for (let i = 0; i < 7; i++) days.push(new Date(from.getTime() + i * 86400_000).toISOString().slice(0, 10));
  const perDay = days.map((day) => {
    const parts = {};
    for (const c of o.counts) for (const b of c.byDay) if (b.day === day) parts[c.status] = (parts[c.status] ?? 0) + b.count;
    return parts;
  });
  const max = Math.max(1, ...perDay.map((p) => Object.values(p).reduce((a, b) => a + b, 0)));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const W = 280,
    H = 120,
    bar = 28,
    gap = (W - 7 * bar) / 8;
  svg.setAttribute("viewBox", `0 0 ${W} ${H + 18}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("chartTitle"));
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const dayName = new Intl.DateTimeFormat(locale(), { weekday: "short", timeZone: "UTC" });
  perDay.forEach((parts, i) => {
    const x = gap + i * (bar + gap);
    let y = H;
    for (const status of STATUSES) {
      const n = parts[status];
      if (!n) continue;
      const h = (n / max) * (H - 4);
      y -= h;
      const r = add("rect", { x, y, width: bar, height: h, fill: STATUS_COLOURS[status] });
      r.append(add("title", {}, `${days[i]}: ${n} ${statusWord(status)}`));
      svg.append(r);
    }
    svg.append(
      add(
        "text",
        { x: x + bar / 2, y: H + 14, "text-anchor": "middle", "font-size": 10 },
        dayName.format(new Date(`${days[i]}T12:00:00Z`)),
      ),
    );
  });
  svg.append(add("line", { x1: 0, y1: H, x2: W, y2: H, stroke: "#6b6b66" }));
  const legend = el("ul", { className: "legend" });
  for (const status of STATUSES.filter((s) => o.counts.some((c) => c.status === s))) {
    const swatch = el("span", { className: "swatch" });
    swatch.style.background = STATUS_COLOURS[status];
    legend.append(el("li", {}, swatch, statusWord(status)));
  }
  const figure = el("figure", { className: "chart" }, svg, el("figcaption", {}, t("chartTitle")), legend);
  return figure;
}

// ------------------------------------------------------------------ the order as a form

/** Sets the order's field at `segs` to `value` (undefined: removes it) in the JSON text, as
 * jsonc-parser edits it (the rest of the text as it was), and updates the page. */
function setField(segs, value) {
  const text = $("order").value;
  const edits = modify(text, segs, value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" } });
  $("order").value = applyEdits(text, edits);
  update();
}

/** The value a form input stands for, by the field's declared kind. */
function valueOf(field, input, previous) {
  if (field.kind === "yes/no") return input.value === "" ? undefined : input.value === "true";
  const text = input.value;
  if (text === "" && !field.required) return undefined;
  const numeric = /^-?\d+(\.\d+)?$/.test(text.trim());
  if (field.kind === "number" && numeric) return Number(text);
  if (field.kind === "amount" && numeric && typeof previous === "number") return Number(text);
  if (field.kind === "list") {
    const items = text
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
    return items.map((x) => (field.of?.kind !== "text" && /^-?\d+$/.test(x) ? Number(x) : x));
  }
  return text;
}

let formSerial = 0;
let formTimer = 0;
/** The form follows the text a moment after typing stops (a large order's form takes longer to
 * build than the preview), and at once when it is empty. */
function scheduleForm() {
  clearTimeout(formTimer);
  if (!$("order-form").childElementCount) {
    renderForm();
    return;
  }
  formTimer = setTimeout(renderForm, 150);
}

/** The form of the order in the editor: each object a group, each field with its name in the
 * chosen language, its issues beside it and its JSON path one click away. Shown: the fields
 * the order has, the required ones and those an issue names; the others to add. */
function renderForm() {
  const form = $("order-form");
  if (!ORDER_FIELDS) return;
  const active = document.activeElement;
  const focus =
    form.contains(active) && active.dataset.path
      ? { path: active.dataset.path, start: active.selectionStart, end: active.selectionEnd }
      : null;
  let order;
  try {
    order = JSON.parse(current.orderText);
  } catch {
    order = undefined;
  }
  form.replaceChildren();
  form.shows = current.orderText; // what the form shows (the page tests wait for it)
  if (!order || typeof order !== "object" || Array.isArray(order)) {
    form.append(el("p", { className: "hint" }, t("formNotJson")));
    return;
  }
  const issues = (current.result?.issues ?? []).filter((i) => i.code !== "missing_recipient_salt");
  const named = new Set(issues.map((i) => i.path));
  const under = (path) => [...named].some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  const pathOf = (segs) => segs.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i ? "." : ""}${s}`)).join("");

  const group = (legend, fields, value, segs) => {
    const fs = el("fieldset", { className: "group" }, el("legend", {}, legend));
    fs.dataset.path = pathOf(segs);
    const hidden = [];
    for (const f of fields) {
      const fsegs = [...segs, f.name];
      const path = pathOf(fsegs);
      const v = value?.[f.name];
      if (v === undefined && !f.required && !under(path)) {
        hidden.push(f);
        continue;
      }
      if (f.kind === "object") {
        const sub = f.fields ?? ORDER_FIELDS[f.type];
        fs.append(group(FIELD_WORDS[f.name]?.[lang === "de" ? 1 : 0] ?? f.name, sub, v, fsegs));
      } else if (f.kind === "list" && f.of?.kind === "object") {
        const list = Array.isArray(v) ? v : [];
        list.forEach((item, i) =>
          fs.append(
            group(f.name === "items" ? t("item")(i + 1) : `${f.name} ${i + 1}`, f.of.fields ?? ORDER_FIELDS[f.of.type], item, [
              ...fsegs,
              i,
            ]),
          ),
        );
        fieldIssues(fs, path, true);
      } else fs.append(fieldRow(f, fsegs, path, v));
    }
    if (hidden.length) {
      const add = el(
        "select",
        { className: "add-field" },
        el("option", { value: "" }, t("addField")),
        ...hidden.map((f) => el("option", { value: f.name }, FIELD_WORDS[f.name]?.[lang === "de" ? 1 : 0] ?? f.name)),
      );
      add.setAttribute("aria-label", `${legend}: ${t("addField")}`);
      add.addEventListener("change", () => {
        const f = hidden.find((h) => h.name === add.value);
        if (!f) return;
        const segsNew = [...segs, f.name];
        if (value === undefined) setField(segs, {});
        setField(segsNew, f.kind === "object" ? {} : f.kind === "yes/no" ? false : f.kind === "list" ? [] : "");
        clearTimeout(formTimer);
        renderForm();
        form.querySelector(`[data-path="${CSS.escape(pathOf(segsNew))}"]:is(input, select)`)?.focus();
      });
      fs.append(el("div", { className: "row" }, add));
    }
    return fs;
  };

  /** The issues at exactly `path` (or, for a list, its own), after `node`. */
  const fieldIssues = (node, path, list = false) => {
    const here = byField(issues.filter((i) => i.path === path));
    const box = el("div", { className: "field-issues", id: `fi-${++formSerial}` });
    for (const i of here) {
      const p = el("p", { className: `issue ${i.severity}` }, issueContent(i, path !== ""));
      p.dataset.path = i.path;
      box.append(p);
    }
    if (here.length || list) node.append(box);
    return here.length ? box.id : null;
  };

  const fieldRow = (f, fsegs, path, v) => {
    const id = `ff-${++formSerial}`;
    const label = el("label", { htmlFor: id }, FIELD_WORDS[f.name]?.[lang === "de" ? 1 : 0] ?? f.name);
    let input;
    if (f.kind === "yes/no") {
      input = el(
        "select",
        { id },
        el("option", { value: "" }, "–"),
        el("option", { value: "true" }, t("yes")),
        el("option", { value: "false" }, t("no")),
      );
      input.value = v === true ? "true" : v === false ? "false" : "";
    } else {
      const shown =
        v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v);
      input = el("input", { id, type: "text", value: shown, autocomplete: "off", spellcheck: false });
      if (f.kind === "number" || f.kind === "amount") input.inputMode = "decimal";
      if (f.values?.length) {
        const listId = `${id}-values`;
        input.setAttribute("list", listId);
        label.append(el("datalist", { id: listId }, ...f.values.map((x) => el("option", { value: x }))));
      }
    }
    input.dataset.path = path;
    input.required = f.required;
    input.addEventListener(f.kind === "yes/no" ? "change" : "input", () => setField(fsegs, valueOf(f, input, v)));
    const pathButton = el("button", { type: "button", className: "json-path", title: t("jsonPath")(path) }, "{ }");
    pathButton.setAttribute("aria-label", t("jsonPath")(path));
    const pathText = el("code", { className: "path-text", hidden: true }, path);
    pathButton.addEventListener("click", () => {
      pathText.hidden = !pathText.hidden;
      selectInOrder(path);
    });
    const row = el("div", { className: "field" }, label, el("div", { className: "input-row" }, input, pathButton), pathText);
    row.dataset.path = path;
    const issueId = fieldIssues(row, path);
    if (issueId) {
      input.setAttribute("aria-describedby", issueId);
      input.setAttribute("aria-invalid", String(issues.some((i) => i.path === path && i.severity === "error")));
      row.classList.add(issues.some((i) => i.path === path && i.severity === "error") ? "has-error" : "has-warning");
    }
    return row;
  };

  const order0 = group(t("order"), ORDER_FIELDS.Order, order, []);
  form.append(order0);
  // Issues of the whole order (no field): at the top.
  fieldIssues(order0, "");
  if (focus) {
    const again = form.querySelector(`[data-path="${CSS.escape(focus.path)}"]:is(input, select)`);
    if (again) {
      again.focus({ preventScroll: true });
      if (again.setSelectionRange && focus.start !== null && focus.start !== undefined) again.setSelectionRange(focus.start, focus.end);
    }
  }
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
  } catch {
    /* the placeholders stay */
  }
}

await init();
readRegistry();
ORDER_FIELDS = await fetch("./order-fields.json")
  .then((r) => (r.ok ? r.json() : null))
  .catch(() => null);
await loadWorkerOptions();
wire();
applyWords();
$("options").value = JSON.stringify(PREVIEW_OPTIONS[$("target").value] ?? {}, null, 2);
await loadCatalogue();
await loadExample(EXAMPLES[0]);
await loadOverview();
await refreshDeliveries();
// The backfill view (www/pulls.js).
await initPulls(
  $("pulls"),
  api,
  () => Boolean(token()),
  (issue) => issueText(issue),
);
document.body.dataset.ready = "true";
