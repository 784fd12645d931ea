// A competent hand-written JavaScript mapper doing the same job as kontor's toGeisenheim for
// the benchmark: required-field checks with paths, value-list look-ups (Maps), integer-cent
// arithmetic, consumer/online rules, a salted recipient hash (FNV-1a here; kontor uses
// HMAC-SHA256, which is slower). It is the yardstick, not a product: fewer rules than kontor.
const GRAPES = new Map(
  Object.entries({
    riesling: 10077,
    muellerthurgau: 8141,
    rivaner: 8141,
    grauburgunder: 9275,
    grauerburgunder: 9275,
    pinotgris: 9275,
    weissburgunder: 9272,
    pinotblanc: 9272,
    silvaner: 11805,
    kerner: 6123,
    chardonnay: 2455,
    bacchus: 851,
    scheurebe: 10818,
    sauvignonblanc: 10790,
    gutedel: 2473,
    traminer: 12609,
    gewuerztraminer: 12609,
    elbling: 3865,
    ortega: 8811,
    huxelrebe: 5463,
    spaetburgunder: 9279,
    pinotnoir: 9279,
    dornfelder: 3659,
    portugieser: 9620,
    trollinger: 12665,
    lemberger: 1459,
    blaufraenkisch: 1459,
    schwarzriesling: 9278,
    regent: 4572,
    merlot: 7657,
    stlaurent: 10470,
    acolon: 17123,
    cabernetsauvignon: 1929,
    domina: 3632,
    cabernetmitos: 15499,
    cabernetdorsa: 20002,
    fruehburgunder: 9280,
    dunkelfelder: 3724,
  }),
);
const GRAPE_NUMBERS = new Set(GRAPES.values());
const QUALITY = new Map(
  Object.entries({
    deutscherwein: [1, 1],
    landwein: [2, 1],
    qualitaetswein: [3, 1],
    praedikatswein: [4, 1],
    winzersekt: [5, 2],
    sektba: [6, 2],
    sekt: [7, 2],
  }),
);
const WINE_TYPE = new Map(
  Object.entries({
    red: "red",
    rot: "red",
    rotwein: "red",
    white: "white",
    weiss: "white",
    weisswein: "white",
    rose: "rose",
    rosewein: "rose",
    rotling: "rotling",
    blancdenoir: "blanc de noir",
  }),
);
const TASTE = new Map(
  Object.entries({
    dry: "dry",
    trocken: "dry",
    mediumdry: "medium-dry",
    halbtrocken: "medium-dry",
    offdry: "off-dry",
    feinherb: "off-dry",
    mediumsweet: "medium-sweet",
    lieblich: "medium-sweet",
    sweet: "sweet",
    brut: "brut",
    extrabrut: "extra-brut",
    brutnature: "brut-natur",
    extratrocken: "extra-dry",
    mild: "mild",
  }),
);
const VDP = new Map(Object.entries({ grosselage: 1, erstelage: 2, ortswein: 3, gutswein: 4, grossesgewaechs: 6 }));
const KIND = { wine: 1, sparkling: 2, semi_sparkling: 3, alcohol_free_wine: 4, open_wine: 5, other: 9, book: 9 };
const CUSTOMER = {
  consumer: 1,
  specialist_retail: 2,
  gastronomy: 3,
  food_retail: 4,
  wholesale: 5,
  export: 6,
  online_retail: 7,
  duty_free: 8,
  airline: 9,
  other_business: 10,
};
const PAYMENT = { cash: "cash", paypal: "paypal", invoice: "invoice", advance: "advance", credit_card: "credit", sepa: "sepa" };
const COUNTRY = new Map(Object.entries({ de: "DE", deutschland: "DE", germany: "DE", at: "AT", oesterreich: "AT" }));

const fold = (s) =>
  s
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]/g, "");
const cents = (v) => Math.round(Number(v) * 100);
const hash = (salt, key) => {
  let h = 0x811c9dc5;
  const s = salt + key;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
};

export function mapGeisenheim(order, salt) {
  const issues = [];
  const need = (v, path) => {
    if (v === undefined || v === null || v === "") issues.push({ path, code: "missing_field" });
    return v;
  };
  need(order.number, "number");
  const id = need(order.invoiceId, "invoiceId");
  const orderedAt = need(order.orderedAt, "orderedAt");
  const c = order.customer || {};
  const category = c.type ? (CUSTOMER[c.type] ?? c.type) : 1;
  const online = (order.channel ?? "online") === "online";
  const addr = order.shippingAddress || order.billingAddress || {};
  const recipient = {
    id: hash(salt, c.id ? "customer:" + c.id : "email:" + String(c.email).toLowerCase()),
    category,
    source: order.channel ?? "online",
  };
  if (online) {
    recipient.delivery = need(order.shipping?.carrier, "shipping.carrier");
    recipient.postalCode = String(need(addr.zip, "shippingAddress.zip")).slice(0, 3);
    recipient.country = COUNTRY.get(fold(String(addr.country))) ?? addr.country;
  }
  if (category === 1) {
    if (c.birthYear != null) recipient.yearOfBirth = c.birthYear;
    if (c.marketingConsent != null) recipient.agreesToMarketing = c.marketingConsent;
    if (c.gender) recipient.gender = c.gender;
    if (order.payment) recipient.paymentMethod = PAYMENT[order.payment.method] ?? order.payment.method;
  }
  const gross = order.pricesIncludeTax !== false;
  const items = order.items.map((it, i) => {
    const p = it.product || {};
    const cat = KIND[p.kind] ?? 9;
    const bottles = p.bottles || 1;
    const rate = Number(need(it.taxRate, `items[${i}].taxRate`));
    const toGross = (v) => (gross ? cents(v) : Math.round((cents(v) * (100 + rate)) / 100));
    const unit = toGross(need(it.unitPrice, `items[${i}].unitPrice`));
    const disc =
      it.discount != null ? toGross(it.discount) : it.discountPercent != null ? Math.round((unit * Number(it.discountPercent)) / 100) : 0;
    const price = Math.round((unit - disc) / bottles);
    const tax = Math.round((price * rate) / (100 + rate));
    const out = {
      id: need(it.sku, `items[${i}].sku`),
      quantity: it.quantity * bottles,
      category: cat,
      size: p.bottleSizeMl,
      price: price / 100,
      tax: tax / 100,
      discount: Math.round(disc / bottles) / 100,
    };
    if (p.organic != null) out.organic = p.organic;
    if (cat === 1 || cat === 2) {
      const q = typeof p.quality === "number" ? [p.quality, p.quality < 5 ? 1 : 2] : QUALITY.get(fold(String(p.quality)));
      if (!q || q[1] !== cat) issues.push({ path: `items[${i}].product.quality`, code: "quality" });
      else out.quality = q[0];
      if (p.taste) out.taste = TASTE.get(fold(p.taste)) ?? p.taste;
    }
    if (cat === 1) {
      out.grapes = (p.grapes || []).map((g) => (typeof g === "number" && GRAPE_NUMBERS.has(g) ? g : (GRAPES.get(fold(String(g))) ?? g)));
      out.wineType = WINE_TYPE.get(fold(String(p.wineType))) ?? p.wineType;
      out.vdp = p.vdp ? (VDP.get(fold(String(p.vdp)).replace(/^vdp/, "")) ?? p.vdp) : null;
    }
    return out;
  });
  const date = order.invoiceDate ?? new Date(Date.parse(orderedAt) + 2 * 3600e3).toISOString().slice(0, 10);
  return issues.length ? { issues } : { payload: { date, id, recipient, items }, issues };
}
