//! The canonical order (docs/order.md): the one shape every target is built from.
//!
//! [`Order::parse_json`] and [`Order::from_value`] read it from JSON in one pass that keeps
//! going after a problem, so every issue is reported with its path. Missing required values
//! are replaced by empty defaults (and reported), so that target builders can still report
//! their own issues; a payload is never produced while any error stands.

pub mod country;
pub mod mapping;
mod parse;
pub(crate) use parse::ADDRESS_PLACE_KEYS;
pub mod street;
pub mod time;

use crate::decimal::Decimal;

use crate::issue::Issues;

pub(crate) use parse::fold_key_into;
pub(crate) use parse::malformed_json;
pub use parse::MAX_ITEMS;

/// A canonical order, parsed and normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// Shop order number.
    pub number: String,
    /// Sequential invoice database id (no gaps); Geisenheim needs it.
    pub invoice_id: Option<u64>,
    /// When the order was placed.
    pub ordered_at: Option<time::Timestamp>,
    /// The invoice date: given, or the calendar date of `ordered_at` in Germany.
    pub invoice_date: Option<time::Date>,
    /// Where the sale happened.
    pub channel: Channel,
    /// ISO 4217 currency code, `EUR` by default.
    pub currency: String,
    /// True when unit prices are gross (b2c), false when net (b2b).
    pub prices_include_tax: bool,
    /// The buyer.
    pub customer: Customer,
    /// The invoice address.
    pub billing_address: Address,
    /// The delivery address, when it differs from the billing address.
    pub shipping_address: Option<Address>,
    /// How the order is paid.
    pub payment: Option<PaymentMethod>,
    /// How the order is shipped.
    pub shipping: Option<Shipping>,
    /// Requested delivery date.
    pub delivery_date: Option<time::Date>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// The order lines.
    pub items: Vec<Item>,
}

impl Order {
    /// Parses an order from JSON text: malformed JSON is one issue naming line and column.
    pub fn parse_json(text: &str) -> (Order, Issues) {
        parse::parse_json(text)
    }

    /// Reads an order from a borrowed JSON document, collecting every issue with its path.
    pub fn from_json(doc: &crate::json::Doc<'_>) -> (Order, Issues) {
        parse::from_json(doc)
    }

    /// Reads an order from a [`serde_json::Value`] (through its text; [`Order::parse_json`]
    /// and [`Order::from_json`] are faster).
    pub fn from_value(value: &serde_json::Value) -> (Order, Issues) {
        parse::from_value(value)
    }

    /// The address goods go to: the shipping address, or else the billing address.
    pub fn delivery_address(&self) -> &Address {
        self.shipping_address
            .as_ref()
            .unwrap_or(&self.billing_address)
    }

    /// The path of [`Order::delivery_address`] in the input.
    pub fn delivery_address_path(&self) -> &'static str {
        if self.shipping_address.is_some() {
            "shippingAddress"
        } else {
            "billingAddress"
        }
    }
}

/// A value list entry or free text, as the documents allow.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $canon:literal $(| $alias:literal)*,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value outside the list, kept as given.
            Other(String),
        }

        impl $name {
            /// Reads a value: the canonical name or a known alias (case-insensitive), else free text.
            pub fn parse(s: &str) -> Self {
                let mut buf = [0u8; 48];
                if let Some(key) = $crate::order::fold_key_into(s, &mut buf) {
                    $(if key == $canon $(|| key == $alias)* { return Self::$variant; })*
                }
                Self::Other($crate::text::trim(s).to_owned())
            }

            /// The canonical name (the free text for [`Self::Other`]).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $canon,)*
                    Self::Other(s) => s,
                }
            }

            /// The canonical name as a static text (`None` for [`Self::Other`], whose text is
            /// the caller's).
            pub fn static_name(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => Some($canon),)*
                    Self::Other(_) => None,
                }
            }

            /// The canonical names of the list.
            pub const NAMES: &'static [&'static str] = &[$($canon),*];
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// Where the sale happened (`channel`).
    Channel {
        /// Web shop.
        Online = "online" | "onlineshop" | "webshop" | "shop" | "web",
        /// Direct sale, farm shop ("Hofverkauf").
        Local = "local" | "hofverkauf" | "direktverkauf" | "ab_hof" | "vor_ort",
    }
}

text_enum! {
    /// The kind of customer (`customer.type`).
    CustomerType {
        /// End consumer.
        Consumer = "consumer" | "endverbraucher" | "privatkunde" | "b2c",
        /// Specialist retail.
        SpecialistRetail = "specialist_retail" | "fachhandel",
        /// Restaurants, bars, hotels.
        Gastronomy = "gastronomy" | "gastronomie",
        /// Food retail.
        FoodRetail = "food_retail" | "lebensmitteleinzelhandel" | "lebensmittelhandel",
        /// Wholesaler or importer.
        Wholesale = "wholesale" | "großhändler" | "grosshaendler" | "großhandel" | "importeur",
        /// Export.
        Export = "export",
        /// Online retail.
        OnlineRetail = "online_retail" | "onlinehandel",
        /// Duty free.
        DutyFree = "duty_free",
        /// Airline.
        Airline = "airline",
        /// Another business customer.
        OtherBusiness = "other_business" | "sonstiger_firmenkunde" | "firmenkunde" | "b2b",
    }
}

text_enum! {
    /// How an order is paid (`payment.method`).
    PaymentMethod {
        /// Cash on pick-up.
        Cash = "cash" | "bar" | "barzahlung",
        /// PayPal.
        Paypal = "paypal",
        /// Invoice.
        Invoice = "invoice" | "rechnung" | "kauf_auf_rechnung",
        /// Payment in advance.
        Advance = "advance" | "vorkasse" | "prepayment",
        /// Credit card.
        CreditCard = "credit_card" | "credit" | "kreditkarte" | "creditcard",
        /// SEPA direct debit.
        Sepa = "sepa" | "lastschrift" | "sepa_lastschrift" | "direct_debit",
    }
}

text_enum! {
    /// Who delivers (`shipping.carrier`).
    Carrier {
        /// DHL.
        Dhl = "dhl",
        /// DPD.
        Dpd = "dpd",
        /// GLS.
        Gls = "gls",
        /// The shop delivers itself ("Zufuhr").
        OwnDelivery = "own_delivery" | "zufuhr" | "eigene_zustellung",
        /// The customer picks up ("Abholung").
        Pickup = "pickup" | "abholung" | "selbstabholung",
    }
}

/// A person's gender, as the documents code it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// Male (`m`).
    M,
    /// Female (`f`).
    F,
    /// Diverse (`x`).
    X,
}

impl Gender {
    /// Reads `m`/`f`/`x` and common spellings (`w`, `d`, `male`, `weiblich`, …).
    pub fn parse(s: &str) -> Option<Gender> {
        let mut buf = [0u8; 48];
        match parse::fold_key_into(s, &mut buf)? {
            "m" | "male" | "männlich" | "maennlich" | "herr" | "mr" => Some(Gender::M),
            "f" | "w" | "female" | "weiblich" | "frau" | "mrs" | "ms" => Some(Gender::F),
            "x" | "d" | "diverse" | "divers" | "other" => Some(Gender::X),
            _ => None,
        }
    }

    /// The one-letter code: `m`, `f` or `x`.
    pub fn code(self) -> &'static str {
        match self {
            Gender::M => "m",
            Gender::F => "f",
            Gender::X => "x",
        }
    }
}

/// The buyer (`customer`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Customer {
    /// The shop's customer id.
    pub id: Option<String>,
    /// E-mail address (normalised to trimmed text).
    pub email: Option<String>,
    /// Kind of customer; `None` means not given (consumer is assumed by targets that need one).
    pub customer_type: Option<CustomerType>,
    /// Company name.
    pub company: Option<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Title (`Dr.`).
    pub title: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Fax.
    pub fax: Option<String>,
    /// Homepage.
    pub homepage: Option<String>,
    /// VAT id (USt-IdNr.).
    pub vat_id: Option<String>,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// Consent to online marketing.
    pub marketing_consent: Option<bool>,
    /// Book trade "Verkehrsnummer".
    pub trade_number: Option<u64>,
}

/// A postal address (`billingAddress`, `shippingAddress`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Address {
    /// Company.
    pub company: Option<String>,
    /// A person's full name where it differs from the customer's.
    pub name: Option<String>,
    /// Street, with the house number unless `house_number` is given.
    pub street: String,
    /// House number, when kept apart from the street.
    pub house_number: Option<String>,
    /// Postal code.
    pub zip: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 code, or the text as given when it is no known country.
    pub country: String,
    /// True when `country` is a known ISO code.
    pub country_known: bool,
    /// E-mail at this address.
    pub email: Option<String>,
    /// Phone at this address.
    pub phone: Option<String>,
    /// Gender of the person named at this address.
    pub gender: Option<Gender>,
}

/// Shipping details (`shipping`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shipping {
    /// Who delivers.
    pub carrier: Option<Carrier>,
    /// The shop's name for the shipping method.
    pub method_name: Option<String>,
    /// Shipping cost, gross or net as `pricesIncludeTax` says.
    pub cost: Option<Decimal>,
    /// VAT rate of the shipping cost in percent.
    pub tax_rate: Option<Decimal>,
}

/// An order line (`items[]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    /// Article number.
    pub sku: String,
    /// Article name.
    pub name: Option<String>,
    /// Units ordered; negative for a return.
    pub quantity: i64,
    /// Price of one unit before discount, gross or net as `pricesIncludeTax` says.
    pub unit_price: Decimal,
    /// Discount per unit, as an amount on the same basis as `unit_price`.
    pub discount: Option<Decimal>,
    /// Discount per unit, in percent of `unit_price`.
    pub discount_percent: Option<Decimal>,
    /// VAT rate in percent.
    pub tax_rate: Decimal,
    /// Unit name (`Stck`).
    pub unit: Option<String>,
    /// Weight of one unit in grams.
    pub weight_grams: Option<u64>,
    /// ISBN as given.
    pub isbn: Option<String>,
    /// What the article is.
    pub product: Option<Product>,
}

impl Item {
    /// The discount of one unit as an amount (exact), from `discount` or `discount_percent`.
    pub fn unit_discount(&self) -> Decimal {
        if let Some(d) = self.discount {
            d
        } else if let Some(p) = self.discount_percent {
            self.unit_price * p / Decimal::ONE_HUNDRED
        } else {
            Decimal::ZERO
        }
    }
}

/// What kind of article a line is (`items[].product.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductKind {
    /// Still wine.
    Wine,
    /// Sparkling wine (Sekt, Schaumwein).
    Sparkling,
    /// Semi-sparkling wine (Perlwein, Secco).
    SemiSparkling,
    /// Alcohol-free wine.
    AlcoholFreeWine,
    /// Open wine (by the glass or from the tank).
    OpenWine,
    /// A book.
    Book,
    /// Anything else (spirits, juice, vouchers).
    Other,
}

impl ProductKind {
    /// Reads a kind by its canonical name or a German alias.
    pub fn parse(s: &str) -> Option<ProductKind> {
        let mut buf = [0u8; 48];
        Some(match parse::fold_key_into(s, &mut buf)? {
            "wine" | "wein" | "stillwein" => ProductKind::Wine,
            "sparkling" | "schaumwein" | "sekt" | "sparkling_wine" => ProductKind::Sparkling,
            "semi_sparkling" | "perlwein" | "secco" | "semi_sparkling_wine" => {
                ProductKind::SemiSparkling
            }
            "alcohol_free_wine" | "alkoholfreier_wein" | "alcohol_free" => {
                ProductKind::AlcoholFreeWine
            }
            "open_wine" | "offenwein" | "offener_wein" => ProductKind::OpenWine,
            "book" | "buch" => ProductKind::Book,
            "other" | "sonstiges" => ProductKind::Other,
            _ => return None,
        })
    }

    /// The canonical names.
    pub const NAMES: &'static [&'static str] = &[
        "wine",
        "sparkling",
        "semi_sparkling",
        "alcohol_free_wine",
        "open_wine",
        "book",
        "other",
    ];
}

/// A code from a value list, given as its number or as a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// A number (official code).
    Number(i64),
    /// A name or free text.
    Text(String),
}

/// Product details of a line (`items[].product`).
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// What it is.
    pub kind: ProductKind,
    /// Bottles per unit: a case of 6 is 6.
    pub bottles: u32,
    /// Bottle size in millilitres.
    pub bottle_size_ml: Option<u32>,
    /// Certified organic.
    pub organic: Option<bool>,
    /// Quality level (official code or name).
    pub quality: Option<Code>,
    /// Grape varieties (names, synonyms or official variety numbers).
    pub grapes: Vec<Code>,
    /// Wine type (red, white, …) in German or English.
    pub wine_type: Option<String>,
    /// Taste (trocken, dry, …) in German or English.
    pub taste: Option<String>,
    /// VDP classification; `None` when outside it.
    pub vdp: Option<Code>,
}
