//! Typed records of Westarp's answers: books, stocks and orders, each list with its paging.
//!
//! Ids are read as text (`"78.154"`, or a number written as text), amounts exactly, and the
//! book status accepts the list filter's `nonweb` as well as the update body's `non_web`.

use crate::decimal::Decimal;
use serde_json::Value;

use super::requests::{page_info, PageInfo};
use crate::order::text_enum;

text_enum! {
    /// A book's publication / delivery status.
    BookStatus {
        /// Lieferbar.
        Available = "available",
        /// Knapp.
        Shortage = "shortage",
        /// Vergriffen.
        OutOfStock = "out_of_stock",
        /// In Planung (internal).
        Planned = "planned",
        /// Not on the web (internal): `nonweb` in filters, `non_web` in bodies.
        NonWeb = "non_web" | "nonweb",
        /// Erscheint nicht.
        Discontinued = "discontinued",
        /// Gesperrt.
        Blocked = "blocked",
        /// Nachdruck ohne Termin.
        Reprint = "reprint",
        /// Vergriffen, siehe Neuauflage.
        NewEdition = "new_edition",
        /// Lieferbar ohne VLB-Eintrag.
        AvailableWithoutVlb = "available_without_vlb",
        /// In Vorbereitung.
        Pending = "pending",
    }
}

/// A page of a list answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Paging, when the answer has it.
    pub page: Option<PageInfo>,
}

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int(v: &Value, k: &str) -> Option<i64> {
    v.get(k).and_then(Value::as_i64)
}

fn amount(v: &Value, k: &str) -> Option<Decimal> {
    crate::money::from_value(v.get(k)?).ok()
}

/// A book of `GET /books`.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// Book id (`"78.154"`).
    pub id: String,
    /// Publisher.
    pub publisher_id: Option<i64>,
    /// Title.
    pub title: String,
    /// ISBN-10 as given.
    pub isbn10: Option<String>,
    /// ISBN-13 as given.
    pub isbn13: Option<String>,
    /// Status.
    pub status: Option<BookStatus>,
    /// Retail price.
    pub price: Option<Decimal>,
    /// Copies available.
    pub total_available: Option<i64>,
    /// Authors.
    pub authors: Vec<String>,
}

impl Book {
    /// Reads a book record; `None` without an id.
    pub fn from_value(v: &Value) -> Option<Book> {
        Some(Book {
            id: text(v, "id")?,
            publisher_id: int(v, "publisher_id"),
            title: text(v, "title").unwrap_or_default(),
            isbn10: text(v, "isbn10"),
            isbn13: text(v, "isbn13"),
            status: text(v, "status").map(|s| BookStatus::parse(&s)),
            price: amount(v, "price"),
            total_available: int(v, "total_available"),
            authors: v
                .get("authors")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// A stock of `GET /stocks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stock {
    /// Stock id.
    pub id: String,
    /// Storage.
    pub storage_id: Option<i64>,
    /// Place in the storage.
    pub place: Option<String>,
    /// Book.
    pub book_id: Option<String>,
    /// Copies.
    pub quantity: i64,
}

impl Stock {
    /// Reads a stock record.
    pub fn from_value(v: &Value) -> Option<Stock> {
        Some(Stock {
            id: text(v, "id")?,
            storage_id: int(v, "storage_id"),
            place: text(v, "place"),
            book_id: text(v, "book_id"),
            quantity: int(v, "quantity").unwrap_or(0),
        })
    }
}

/// An order of `GET /orders` (the list wraps its fields in `content`) or `GET /orders/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRecord {
    /// Order id (`"74.1121"`).
    pub id: String,
    /// Publisher.
    pub publisher_id: Option<i64>,
    /// The order's reference.
    pub code: Option<String>,
    /// pending, processing, completed or cancelled.
    pub status: Option<String>,
    /// Gross total.
    pub total: Option<Decimal>,
    /// Net total.
    pub total_net: Option<Decimal>,
    /// Customer name.
    pub client_name: Option<String>,
}

impl OrderRecord {
    /// Reads an order record, with or without the list's `content` wrapper.
    pub fn from_value(v: &Value) -> Option<OrderRecord> {
        let c = v.get("content").unwrap_or(v);
        Some(OrderRecord {
            id: text(v, "id")?,
            publisher_id: int(c, "publisher_id"),
            code: text(c, "code"),
            status: text(c, "status"),
            total: amount(c, "total"),
            total_net: amount(c, "total_net"),
            client_name: text(c, "client_name"),
        })
    }
}

/// Reads a list answer (`{ data: [...], current_page, last_page }` or with `meta`), keeping
/// the records `read` understands.
pub fn page<T>(body: &Value, read: fn(&Value) -> Option<T>) -> Page<T> {
    let items = body
        .get("data")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(read).collect())
        .unwrap_or_default();
    Page {
        items,
        page: page_info(body),
    }
}
