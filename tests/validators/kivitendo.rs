//! kivitendo's customer document (the REST API slides' `<customer>` example: its elements
//! and their nesting), read with roxmltree, an XML parser kontor does not use.

/// The elements of the slides' customer document, by parent (kontor also writes
/// `payment-id`, an option, and `first-name`, the spelling fixed in April 2025).
const CUSTOMER: &[&str] = &[
    "name",
    "street",
    "zipcode",
    "city",
    "country",
    "phone",
    "fax",
    "homepage",
    "email",
    "ustid",
    "taxzone-id",
    "currency-id",
    "payment-id",
    "contacts",
    "shippings",
];
const CONTACT: &[&str] = &["gender", "title", "fist-name", "first-name", "last-name"];
const SHIPPING: &[&str] = &[
    "company", "contact", "gender", "street", "zipcode", "city", "country", "email",
];

/// Every rule the customer document breaks.
pub fn customer_violations(xml: &str) -> Vec<String> {
    let mut v = Vec::new();
    let doc = match roxmltree::Document::parse(xml) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed: {e}")],
    };
    let root = doc.root_element();
    if root.tag_name().name() != "customer" {
        v.push(format!("root <{}>", root.tag_name().name()));
    }
    let mut seen = Vec::new();
    for child in root.children().filter(|n| n.is_element()) {
        let name = child.tag_name().name();
        if !CUSTOMER.contains(&name) {
            v.push(format!("<customer> has no <{name}>"));
        }
        if seen.contains(&name) {
            v.push(format!("<{name}> twice"));
        }
        seen.push(name);
        let (item, allowed) = match name {
            "contacts" => ("contact", CONTACT),
            "shippings" => ("shipping", SHIPPING),
            _ => {
                if child.children().any(|n| n.is_element()) {
                    v.push(format!("<{name}> is a field, not a record"));
                }
                if child.text().unwrap_or("").trim().is_empty() {
                    v.push(format!("<{name}> is empty"));
                }
                continue;
            }
        };
        for rec in child.children().filter(|n| n.is_element()) {
            if rec.tag_name().name() != item {
                v.push(format!("<{name}> holds <{}>", rec.tag_name().name()));
            }
            for f in rec.children().filter(|n| n.is_element()) {
                if !allowed.contains(&f.tag_name().name()) {
                    v.push(format!("<{item}> has no <{}>", f.tag_name().name()));
                }
            }
        }
    }
    for required in ["name", "taxzone-id", "currency-id"] {
        if !seen.contains(&required) {
            v.push(format!("<{required}> missing"));
        }
    }
    for id in ["taxzone-id", "currency-id", "payment-id"] {
        if let Some(n) = root.children().find(|n| n.has_tag_name(id)) {
            if n.text().unwrap_or("").parse::<u64>().is_err() {
                v.push(format!("<{id}> is no id"));
            }
        }
    }
    v
}

/// Every leaf element of `xml` as (path with `_` for `-`, list indexes where a parent holds
/// several of one name or is a plural wrapper, text): what a reader must give back.
pub fn leaves(xml: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    if let Ok(doc) = roxmltree::Document::parse(xml) {
        walk(doc.root_element(), &mut Vec::new(), &mut out);
    }
    out
}

fn walk(n: roxmltree::Node<'_, '_>, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    let kids: Vec<_> = n.children().filter(|c| c.is_element()).collect();
    if kids.is_empty() {
        out.push((path.clone(), n.text().unwrap_or("").to_owned()));
        return;
    }
    let name = n.tag_name().name();
    // A plural wrapper (<contacts>, <shippings>, <orderitems>) is a list of its records.
    let list = kids
        .iter()
        .all(|k| format!("{}s", k.tag_name().name()) == name);
    for (i, k) in kids.iter().enumerate() {
        path.push(if list {
            i.to_string()
        } else {
            k.tag_name().name().replace('-', "_")
        });
        walk(*k, path, out);
        path.pop();
    }
}
