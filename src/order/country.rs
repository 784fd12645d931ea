//! Country normalisation: ISO 3166-1 alpha-2 codes and German / English country names.
//!
//! [`normalize_country`] turns whatever a shop or customer typed into the country field
//! ("DE", "deu", "Deutschland", "Germany", "U.S.A.", "Großbritannien", ...) into the
//! ISO 3166-1 alpha-2 code; [`country_name_de`] gives the German short name for a code,
//! the way German ERPs keep it on addresses.
//!
//! Every assigned alpha-2 code is accepted. Names and alpha-3 codes are known for the EU and
//! EEA states, Switzerland, the United Kingdom and the United States, and for a few more
//! trading partners (CA, AU, NZ, JP, CN, MC, AD, SM, VA, TR, UA, RS, RU, IL, ZA, BR, MX, SG,
//! HK); other countries are best given by code. The list is kept this short on purpose: every
//! entry costs bytes in the Wasm module.
//!
//! All data lives in sorted static tables that are binary-searched; nothing is built at
//! startup. Names are compared in a normalised form (see `normalize_name`): lowercase,
//! `ß` → `ss`, `ä`/`ö`/`ü` → `ae`/`oe`/`ue`, other common Latin diacritics dropped, dots
//! removed, hyphens treated as spaces and runs of whitespace collapsed to one space.

/// Inputs longer than this (in bytes) are rejected without looking at them.
const MAX_INPUT_LEN: usize = 100;

/// Returns the ISO 3166-1 alpha-2 code (uppercase) for a country code or name.
///
/// Accepts an assigned alpha-2 code (any case), an alpha-3 code (`"DEU"`, `"AUT"`), the
/// EU / common aliases `"EL"` (→ `"GR"`) and `"UK"` (→ `"GB"`), or a German or English
/// country name including common variants (`"Bundesrepublik Deutschland"`, `"Holland"`,
/// `"Czechia"`, `"USA"`). Matching ignores case, surrounding whitespace and dots, and
/// treats `ß`/`ss`, `ä`/`ae`, `ö`/`oe`, `ü`/`ue` as equal. Returns `None` for anything
/// else, including unassigned codes such as `"XX"` and inputs over 100 bytes.
pub fn normalize_country(input: &str) -> Option<&'static str> {
    if input.len() > MAX_INPUT_LEN {
        return None;
    }
    let trimmed = crate::text::trim(input);
    if trimmed.is_empty() {
        return None;
    }
    if let Some(code) = lookup_code(trimmed) {
        return Some(code);
    }
    let key = normalize_name(trimmed);
    if let Some(code) = lookup_name(&key) {
        return Some(code);
    }
    match key.strip_prefix("the ") {
        Some(rest) => lookup_name(rest),
        None => None,
    }
}

/// Returns the German short name ("Deutschland", "Österreich", "Schweiz", ...) for an
/// ISO 3166-1 alpha-2 code (any case, surrounding whitespace ignored), or `None` if the
/// code is not one of the countries known by name.
pub fn country_name_de(code: &str) -> Option<&'static str> {
    if code.len() > MAX_INPUT_LEN {
        return None;
    }
    let mut buf = [0u8; 3];
    let code = ascii_code(crate::text::trim(code), &mut buf)?;
    if code.len() != 2 {
        return None;
    }
    let index = NAMES_DE.binary_search_by(|(c, _)| c.cmp(&code)).ok()?;
    NAMES_DE.get(index).map(|&(_, name)| name)
}

/// Reads a code candidate: ASCII letters only (dots skipped), at most three, uppercased
/// into `buf`. Returns `None` for anything else.
fn ascii_code<'b>(input: &str, buf: &'b mut [u8; 3]) -> Option<&'b str> {
    let mut len = 0usize;
    for b in input.bytes() {
        if b == b'.' {
            continue;
        }
        if !b.is_ascii_alphabetic() {
            return None;
        }
        let slot = buf.get_mut(len)?;
        *slot = b.to_ascii_uppercase();
        len += 1;
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

/// Looks `input` up as an alpha-2 code, an alias (`UK`, `EL`) or an alpha-3 code.
fn lookup_code(input: &str) -> Option<&'static str> {
    let mut buf = [0u8; 3];
    let code = ascii_code(input, &mut buf)?;
    match code.len() {
        2 => lookup_alpha2(code).or(match code {
            "UK" => Some("GB"),
            "EL" => Some("GR"),
            _ => None,
        }),
        3 => {
            let index = ALPHA3.binary_search_by(|(a3, _)| a3.cmp(&code)).ok()?;
            ALPHA3.get(index).map(|&(_, a2)| a2)
        }
        _ => None,
    }
}

/// Returns the static copy of `code` if it is an assigned alpha-2 code (uppercase input).
fn lookup_alpha2(code: &str) -> Option<&'static str> {
    let index = ALPHA2.binary_search(&code).ok()?;
    ALPHA2.get(index).copied()
}

/// Looks up an already normalised name in [`NAMES`].
fn lookup_name(key: &str) -> Option<&'static str> {
    let index = NAMES.binary_search_by(|(name, _)| name.cmp(&key)).ok()?;
    NAMES.get(index).map(|&(_, code)| code)
}

/// Normalises a country name for comparison (see the module documentation).
fn normalize_name(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let mut pending_space = false;
    for c in input.chars().map(crate::text::lower_char) {
        match c {
            '.' => {}
            '-' | '\u{2010}'..='\u{2015}' => pending_space = true,
            c if c.is_whitespace() => pending_space = true,
            // Combining diaeresis (decomposed input): "a\u{308}" is "ä", i.e. "ae".
            '\u{0308}' => {
                if out.ends_with(['a', 'o', 'u']) {
                    out.push('e');
                }
            }
            // Any other combining diacritic is dropped.
            '\u{0300}'..='\u{036f}' => {}
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                push_folded(&mut out, c);
            }
        }
    }
    out
}

/// Appends `c` (already lowercase) to `out`, spelling out umlauts and `ß` and dropping
/// the diacritics of other common Latin letters.
fn push_folded(out: &mut String, c: char) {
    let folded = match c {
        'ß' => "ss",
        'ä' | 'æ' => "ae",
        'ö' | 'ø' | 'œ' => "oe",
        'ü' => "ue",
        '\u{2018}' | '\u{2019}' | '`' | '\u{b4}' => "'",
        'á' | 'à' | 'â' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'é' | 'è' | 'ê' | 'ë' | 'ě' | 'ē' | 'ę' | 'ė' => "e",
        'ğ' => "g",
        'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ó' | 'ò' | 'ô' | 'õ' | 'ő' | 'ō' => "o",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ť' | 'ţ' | 'ț' => "t",
        'ú' | 'ù' | 'û' | 'ů' | 'ű' | 'ū' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        other => {
            out.push(other);
            return;
        }
    };
    out.push_str(folded);
}

/// Every assigned ISO 3166-1 alpha-2 code, sorted.
static ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// ISO 3166-1 alpha-3 codes of the countries known by name, with their alpha-2 codes,
/// sorted by alpha-3.
static ALPHA3: &[(&str, &str)] = &[
    ("AND", "AD"),
    ("AUS", "AU"),
    ("AUT", "AT"),
    ("BEL", "BE"),
    ("BGR", "BG"),
    ("BRA", "BR"),
    ("CAN", "CA"),
    ("CHE", "CH"),
    ("CHN", "CN"),
    ("CYP", "CY"),
    ("CZE", "CZ"),
    ("DEU", "DE"),
    ("DNK", "DK"),
    ("ESP", "ES"),
    ("EST", "EE"),
    ("FIN", "FI"),
    ("FRA", "FR"),
    ("GBR", "GB"),
    ("GRC", "GR"),
    ("HKG", "HK"),
    ("HRV", "HR"),
    ("HUN", "HU"),
    ("IRL", "IE"),
    ("ISL", "IS"),
    ("ISR", "IL"),
    ("ITA", "IT"),
    ("JPN", "JP"),
    ("LIE", "LI"),
    ("LTU", "LT"),
    ("LUX", "LU"),
    ("LVA", "LV"),
    ("MCO", "MC"),
    ("MEX", "MX"),
    ("MLT", "MT"),
    ("NLD", "NL"),
    ("NOR", "NO"),
    ("NZL", "NZ"),
    ("POL", "PL"),
    ("PRT", "PT"),
    ("ROU", "RO"),
    ("RUS", "RU"),
    ("SGP", "SG"),
    ("SMR", "SM"),
    ("SRB", "RS"),
    ("SVK", "SK"),
    ("SVN", "SI"),
    ("SWE", "SE"),
    ("TUR", "TR"),
    ("UKR", "UA"),
    ("USA", "US"),
    ("VAT", "VA"),
    ("ZAF", "ZA"),
];

/// Normalised German, English and native country names → alpha-2 code, sorted by name.
static NAMES: &[(&str, &str)] = &[
    ("allemagne", "DE"),
    ("america", "US"),
    ("amerika", "US"),
    ("andorra", "AD"),
    ("aotearoa", "NZ"),
    ("australia", "AU"),
    ("australien", "AU"),
    ("austria", "AT"),
    ("autriche", "AT"),
    ("belgie", "BE"),
    ("belgien", "BE"),
    ("belgique", "BE"),
    ("belgium", "BE"),
    ("brasil", "BR"),
    ("brasilien", "BR"),
    ("brazil", "BR"),
    ("brd", "DE"),
    ("britain", "GB"),
    ("bulgaria", "BG"),
    ("bulgarien", "BG"),
    ("bundesrepublik deutschland", "DE"),
    ("canada", "CA"),
    ("ceska republika", "CZ"),
    ("cesko", "CZ"),
    ("china", "CN"),
    ("citta del vaticano", "VA"),
    ("commonwealth of australia", "AU"),
    ("confederation suisse", "CH"),
    ("confoederatio helvetica", "CH"),
    ("croatia", "HR"),
    ("cyprus", "CY"),
    ("czech republic", "CZ"),
    ("czechia", "CZ"),
    ("daenemark", "DK"),
    ("danmark", "DK"),
    ("denmark", "DK"),
    ("deutschland", "DE"),
    ("eesti", "EE"),
    ("eire", "IE"),
    ("ellada", "GR"),
    ("england", "GB"),
    ("espagne", "ES"),
    ("espana", "ES"),
    ("estland", "EE"),
    ("estonia", "EE"),
    ("etats unis", "US"),
    ("federal republic of germany", "DE"),
    ("finland", "FI"),
    ("finnland", "FI"),
    ("france", "FR"),
    ("frankreich", "FR"),
    ("franzoesische republik", "FR"),
    ("french republic", "FR"),
    ("fuerstentum andorra", "AD"),
    ("fuerstentum liechtenstein", "LI"),
    ("fuerstentum monaco", "MC"),
    ("germania", "DE"),
    ("germany", "DE"),
    ("grand duchy of luxembourg", "LU"),
    ("great britain", "GB"),
    ("greece", "GR"),
    ("griechenland", "GR"),
    ("grossbritannien", "GB"),
    ("grossherzogtum luxemburg", "LU"),
    ("heiliger stuhl", "VA"),
    ("hellas", "GR"),
    ("hellenic republic", "GR"),
    ("hellenische republik", "GR"),
    ("helvetia", "CH"),
    ("holland", "NL"),
    ("holy see", "VA"),
    ("hong kong", "HK"),
    ("hongkong", "HK"),
    ("hrvatska", "HR"),
    ("hungary", "HU"),
    ("iceland", "IS"),
    ("ireland", "IE"),
    ("irland", "IE"),
    ("island", "IS"),
    ("israel", "IL"),
    ("italia", "IT"),
    ("italian republic", "IT"),
    ("italien", "IT"),
    ("italienische republik", "IT"),
    ("italy", "IT"),
    ("japan", "JP"),
    ("kanada", "CA"),
    ("kingdom of belgium", "BE"),
    ("kingdom of denmark", "DK"),
    ("kingdom of norway", "NO"),
    ("kingdom of spain", "ES"),
    ("kingdom of sweden", "SE"),
    ("kingdom of the netherlands", "NL"),
    ("koenigreich belgien", "BE"),
    ("koenigreich daenemark", "DK"),
    ("koenigreich der niederlande", "NL"),
    ("koenigreich norwegen", "NO"),
    ("koenigreich schweden", "SE"),
    ("koenigreich spanien", "ES"),
    ("kroatien", "HR"),
    ("latvia", "LV"),
    ("latvija", "LV"),
    ("lettland", "LV"),
    ("letzebuerg", "LU"),
    ("liechtenstein", "LI"),
    ("lietuva", "LT"),
    ("litauen", "LT"),
    ("lithuania", "LT"),
    ("luxembourg", "LU"),
    ("luxemburg", "LU"),
    ("magyarorszag", "HU"),
    ("malta", "MT"),
    ("mexico", "MX"),
    ("mexiko", "MX"),
    ("monaco", "MC"),
    ("nederland", "NL"),
    ("netherlands", "NL"),
    ("neuseeland", "NZ"),
    ("new zealand", "NZ"),
    ("niederlande", "NL"),
    ("nihon", "JP"),
    ("nippon", "JP"),
    ("nordirland", "GB"),
    ("noreg", "NO"),
    ("norge", "NO"),
    ("northern ireland", "GB"),
    ("norvege", "NO"),
    ("norway", "NO"),
    ("norwegen", "NO"),
    ("oesterreich", "AT"),
    ("osterreich", "AT"),
    ("pays bas", "NL"),
    ("people's republic of china", "CN"),
    ("peoples republic of china", "CN"),
    ("poland", "PL"),
    ("polen", "PL"),
    ("pologne", "PL"),
    ("polska", "PL"),
    ("portugal", "PT"),
    ("portugiesische republik", "PT"),
    ("portuguese republic", "PT"),
    ("principality of andorra", "AD"),
    ("principality of liechtenstein", "LI"),
    ("principality of monaco", "MC"),
    ("republic of austria", "AT"),
    ("republic of bulgaria", "BG"),
    ("republic of croatia", "HR"),
    ("republic of cyprus", "CY"),
    ("republic of finland", "FI"),
    ("republic of ireland", "IE"),
    ("republic of malta", "MT"),
    ("republic of poland", "PL"),
    ("republic of san marino", "SM"),
    ("republic of serbia", "RS"),
    ("republic of south africa", "ZA"),
    ("republik bulgarien", "BG"),
    ("republik estland", "EE"),
    ("republik finnland", "FI"),
    ("republik irland", "IE"),
    ("republik island", "IS"),
    ("republik kroatien", "HR"),
    ("republik lettland", "LV"),
    ("republik litauen", "LT"),
    ("republik malta", "MT"),
    ("republik oesterreich", "AT"),
    ("republik polen", "PL"),
    ("republik san marino", "SM"),
    ("republik serbien", "RS"),
    ("republik singapur", "SG"),
    ("republik slowenien", "SI"),
    ("republik suedafrika", "ZA"),
    ("republik tuerkei", "TR"),
    ("republik zypern", "CY"),
    ("republique francaise", "FR"),
    ("romania", "RO"),
    ("rossija", "RU"),
    ("roumanie", "RO"),
    ("royaume uni", "GB"),
    ("rumaenien", "RO"),
    ("russia", "RU"),
    ("russian federation", "RU"),
    ("russische foederation", "RU"),
    ("russland", "RU"),
    ("san marino", "SM"),
    ("schottland", "GB"),
    ("schweden", "SE"),
    ("schweiz", "CH"),
    ("schweizerische eidgenossenschaft", "CH"),
    ("scotland", "GB"),
    ("serbia", "RS"),
    ("serbien", "RS"),
    ("singapore", "SG"),
    ("singapur", "SG"),
    ("slovak republic", "SK"),
    ("slovakia", "SK"),
    ("slovenia", "SI"),
    ("slovenija", "SI"),
    ("slovensko", "SK"),
    ("slowakei", "SK"),
    ("slowakische republik", "SK"),
    ("slowenien", "SI"),
    ("south africa", "ZA"),
    ("spain", "ES"),
    ("spanien", "ES"),
    ("srbija", "RS"),
    ("staat israel", "IL"),
    ("staat vatikanstadt", "VA"),
    ("state of israel", "IL"),
    ("suedafrika", "ZA"),
    ("suede", "SE"),
    ("suisse", "CH"),
    ("suomi", "FI"),
    ("sverige", "SE"),
    ("svizra", "CH"),
    ("svizzera", "CH"),
    ("sweden", "SE"),
    ("swiss confederation", "CH"),
    ("switzerland", "CH"),
    ("the netherlands", "NL"),
    ("tschechien", "CZ"),
    ("tschechische republik", "CZ"),
    ("tuerkei", "TR"),
    ("tuerkiye", "TR"),
    ("turkey", "TR"),
    ("turkiye", "TR"),
    ("ukraina", "UA"),
    ("ukraine", "UA"),
    ("ungarn", "HU"),
    ("united kingdom", "GB"),
    ("united kingdom of great britain and northern ireland", "GB"),
    ("united states", "US"),
    ("united states of america", "US"),
    ("usa", "US"),
    ("vatican", "VA"),
    ("vatican city", "VA"),
    ("vatican city state", "VA"),
    ("vatikan", "VA"),
    ("vatikanstadt", "VA"),
    ("vereinigte staaten", "US"),
    ("vereinigte staaten von amerika", "US"),
    ("vereinigtes koenigreich", "GB"),
    (
        "vereinigtes koenigreich grossbritannien und nordirland",
        "GB",
    ),
    ("volksrepublik china", "CN"),
    ("vr china", "CN"),
    ("wales", "GB"),
    ("zypern", "CY"),
];

/// Alpha-2 code → German short name, sorted by code; covers every code in [`NAMES`].
static NAMES_DE: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AT", "Österreich"),
    ("AU", "Australien"),
    ("BE", "Belgien"),
    ("BG", "Bulgarien"),
    ("BR", "Brasilien"),
    ("CA", "Kanada"),
    ("CH", "Schweiz"),
    ("CN", "China"),
    ("CY", "Zypern"),
    ("CZ", "Tschechien"),
    ("DE", "Deutschland"),
    ("DK", "Dänemark"),
    ("EE", "Estland"),
    ("ES", "Spanien"),
    ("FI", "Finnland"),
    ("FR", "Frankreich"),
    ("GB", "Vereinigtes Königreich"),
    ("GR", "Griechenland"),
    ("HK", "Hongkong"),
    ("HR", "Kroatien"),
    ("HU", "Ungarn"),
    ("IE", "Irland"),
    ("IL", "Israel"),
    ("IS", "Island"),
    ("IT", "Italien"),
    ("JP", "Japan"),
    ("LI", "Liechtenstein"),
    ("LT", "Litauen"),
    ("LU", "Luxemburg"),
    ("LV", "Lettland"),
    ("MC", "Monaco"),
    ("MT", "Malta"),
    ("MX", "Mexiko"),
    ("NL", "Niederlande"),
    ("NO", "Norwegen"),
    ("NZ", "Neuseeland"),
    ("PL", "Polen"),
    ("PT", "Portugal"),
    ("RO", "Rumänien"),
    ("RS", "Serbien"),
    ("RU", "Russland"),
    ("SE", "Schweden"),
    ("SG", "Singapur"),
    ("SI", "Slowenien"),
    ("SK", "Slowakei"),
    ("SM", "San Marino"),
    ("TR", "Türkei"),
    ("UA", "Ukraine"),
    ("US", "Vereinigte Staaten"),
    ("VA", "Vatikanstadt"),
    ("ZA", "Südafrika"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_variants() {
        let cases: &[(&str, &str)] = &[
            ("Deutschland", "DE"),
            ("Germany", "DE"),
            ("Bundesrepublik Deutschland", "DE"),
            ("  deutschland  ", "DE"),
            ("DEUTSCHLAND", "DE"),
            ("BRD", "DE"),
            ("Österreich", "AT"),
            ("Oesterreich", "AT"),
            ("ÖSTERREICH", "AT"),
            ("O\u{308}sterreich", "AT"),
            ("Austria", "AT"),
            ("Schweiz", "CH"),
            ("Switzerland", "CH"),
            ("Suisse", "CH"),
            ("Svizzera", "CH"),
            ("Vereinigtes Königreich", "GB"),
            ("Vereinigtes Koenigreich", "GB"),
            ("Großbritannien", "GB"),
            ("Grossbritannien", "GB"),
            ("GROSSBRITANNIEN", "GB"),
            ("United Kingdom", "GB"),
            ("UK", "GB"),
            ("uk", "GB"),
            ("U.K.", "GB"),
            ("Great Britain", "GB"),
            ("England", "GB"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("u.s.", "US"),
            ("Vereinigte Staaten", "US"),
            ("  Vereinigte \t  Staaten\n", "US"),
            ("Vereinigte Staaten von Amerika", "US"),
            ("United States", "US"),
            ("United States of America", "US"),
            ("Niederlande", "NL"),
            ("Netherlands", "NL"),
            ("The Netherlands", "NL"),
            ("Holland", "NL"),
            ("Tschechien", "CZ"),
            ("Tschechische Republik", "CZ"),
            ("Czech Republic", "CZ"),
            ("Czechia", "CZ"),
            ("Česko", "CZ"),
            ("Irland", "IE"),
            ("Ireland", "IE"),
            ("Éire", "IE"),
            ("Frankreich", "FR"),
            ("France", "FR"),
            ("Luxemburg", "LU"),
            ("Luxembourg", "LU"),
            ("Belgien", "BE"),
            ("Belgique", "BE"),
            ("Bulgarien", "BG"),
            ("Kroatien", "HR"),
            ("Zypern", "CY"),
            ("Cyprus", "CY"),
            ("Dänemark", "DK"),
            ("Daenemark", "DK"),
            ("Denmark", "DK"),
            ("Estland", "EE"),
            ("Finnland", "FI"),
            ("Finland", "FI"),
            ("Griechenland", "GR"),
            ("Greece", "GR"),
            ("EL", "GR"),
            ("el", "GR"),
            ("Ungarn", "HU"),
            ("Hungary", "HU"),
            ("Italien", "IT"),
            ("Italy", "IT"),
            ("Lettland", "LV"),
            ("Latvia", "LV"),
            ("Litauen", "LT"),
            ("Lithuania", "LT"),
            ("Malta", "MT"),
            ("Polen", "PL"),
            ("Poland", "PL"),
            ("Portugal", "PT"),
            ("Rumänien", "RO"),
            ("Romania", "RO"),
            ("România", "RO"),
            ("Slowakei", "SK"),
            ("Slovakia", "SK"),
            ("Slowenien", "SI"),
            ("Slovenia", "SI"),
            ("Spanien", "ES"),
            ("Spain", "ES"),
            ("España", "ES"),
            ("Schweden", "SE"),
            ("Sweden", "SE"),
            ("Island", "IS"),
            ("Iceland", "IS"),
            ("Liechtenstein", "LI"),
            ("Norwegen", "NO"),
            ("Norway", "NO"),
            ("Norge", "NO"),
            ("Kanada", "CA"),
            ("Canada", "CA"),
            ("Australien", "AU"),
            ("Neuseeland", "NZ"),
            ("New Zealand", "NZ"),
            ("Japan", "JP"),
            ("Volksrepublik China", "CN"),
            ("People\u{2019}s Republic of China", "CN"),
            ("Monaco", "MC"),
            ("Andorra", "AD"),
            ("San Marino", "SM"),
            ("Vatikanstadt", "VA"),
            ("Vatican City", "VA"),
            ("Türkei", "TR"),
            ("Turkey", "TR"),
            ("Türkiye", "TR"),
            ("Ukraine", "UA"),
            ("Serbien", "RS"),
            ("Russland", "RU"),
            ("Russian Federation", "RU"),
            ("Israel", "IL"),
            ("Südafrika", "ZA"),
            ("South Africa", "ZA"),
            ("Brasilien", "BR"),
            ("Mexiko", "MX"),
            ("México", "MX"),
            ("Singapur", "SG"),
            ("Singapore", "SG"),
            ("Hongkong", "HK"),
            ("Hong Kong", "HK"),
        ];
        for &(input, want) in cases {
            assert_eq!(normalize_country(input), Some(want), "input {input:?}");
        }
    }

    #[test]
    fn codes() {
        let cases: &[(&str, &str)] = &[
            ("DE", "DE"),
            ("de", "DE"),
            (" De ", "DE"),
            ("at", "AT"),
            ("CH", "CH"),
            ("GB", "GB"),
            ("gr", "GR"),
            ("DEU", "DE"),
            ("deu", "DE"),
            ("AUT", "AT"),
            ("CHE", "CH"),
            ("GBR", "GB"),
            ("USA", "US"),
            ("NLD", "NL"),
            ("CZE", "CZ"),
            ("IRL", "IE"),
            ("FRA", "FR"),
            ("LUX", "LU"),
            ("GRC", "GR"),
            ("NOR", "NO"),
            ("AQ", "AQ"),
            ("ZW", "ZW"),
            ("AX", "AX"),
        ];
        for &(input, want) in cases {
            assert_eq!(normalize_country(input), Some(want), "input {input:?}");
        }
    }

    #[test]
    fn negatives() {
        let cases: &[&str] = &[
            "XX",
            "",
            "   ",
            ".",
            "..",
            "Atlantis",
            "D",
            "d",
            "Deutschlandd",
            "Deutsch land",
            "Deutschlan",
            "EU",
            "AA",
            "QQ",
            "ZZ",
            "XK",
            "ZZZ",
            "DEUT",
            "D E",
            "Ä",
            "the",
            "the ",
            "Republik",
            "DE1",
            "1DE",
            "D-E",
        ];
        for &input in cases {
            assert_eq!(normalize_country(input), None, "input {input:?}");
        }
    }

    #[test]
    fn never_panics() {
        let huge_ascii = "a".repeat(1 << 20);
        let huge_eszett = "ß".repeat(1 << 19);
        let at_limit = format!("{}Deutschland", " ".repeat(MAX_INPUT_LEN - 11));
        let over_limit = format!("{}Deutschland", " ".repeat(MAX_INPUT_LEN - 10));
        assert_eq!(normalize_country(&huge_ascii), None);
        assert_eq!(normalize_country(&huge_eszett), None);
        assert_eq!(normalize_country(&at_limit), Some("DE"));
        assert_eq!(normalize_country(&over_limit), None);
        assert_eq!(country_name_de(&huge_ascii), None);

        let odd = [
            "\u{0}",
            "\u{308}",
            "\u{308}\u{308}a\u{308}",
            "İ",
            "İİİİ",
            "\u{10FFFF}",
            "\u{FEFF}DE",
            "𝔇𝔢𝔲𝔱𝔰𝔠𝔥𝔩𝔞𝔫𝔡",
            "ﬀ",
            "- - -",
            "'",
            "Ǆ",
        ];
        for input in odd {
            let _ = normalize_country(input);
            let _ = country_name_de(input);
        }

        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let single: &str = c.encode_utf8(&mut buf);
            let _ = normalize_country(single);
            let _ = country_name_de(single);
        }
    }

    #[test]
    fn name_de() {
        let cases: &[(&str, &str)] = &[
            ("DE", "Deutschland"),
            ("de", "Deutschland"),
            (" AT ", "Österreich"),
            ("CH", "Schweiz"),
            ("GB", "Vereinigtes Königreich"),
            ("US", "Vereinigte Staaten"),
            ("NL", "Niederlande"),
            ("CZ", "Tschechien"),
            ("VA", "Vatikanstadt"),
        ];
        for &(code, want) in cases {
            assert_eq!(country_name_de(code), Some(want), "code {code:?}");
        }
        for code in ["", "XX", "D", "DEU", "Deutschland", "AQ", "1A"] {
            assert_eq!(country_name_de(code), None, "code {code:?}");
        }
    }

    fn is_upper_ascii(s: &str, len: usize) -> bool {
        s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase())
    }

    #[test]
    fn alpha2_table_is_complete_and_sorted() {
        assert_eq!(ALPHA2.len(), 249);
        assert!(
            ALPHA2.windows(2).all(|w| w[0] < w[1]),
            "ALPHA2 not strictly sorted"
        );
        for &code in ALPHA2 {
            assert!(is_upper_ascii(code, 2), "{code:?}");
            assert_eq!(normalize_country(code), Some(code));
            assert_eq!(normalize_country(&code.to_ascii_lowercase()), Some(code));
        }
        // Reserved or user-assigned codes are not assigned codes.
        for code in ["UK", "EL", "EU", "XK", "AA", "QM", "XX", "ZZ"] {
            assert_eq!(lookup_alpha2(code), None, "{code:?}");
        }
    }

    #[test]
    fn alpha3_table_is_consistent() {
        assert!(
            ALPHA3.windows(2).all(|w| w[0].0 < w[1].0),
            "ALPHA3 not strictly sorted"
        );
        let mut targets: Vec<&str> = Vec::new();
        for &(a3, a2) in ALPHA3 {
            assert!(is_upper_ascii(a3, 3), "{a3:?}");
            assert!(ALPHA2.binary_search(&a2).is_ok(), "{a3:?} -> {a2:?}");
            assert_eq!(normalize_country(a3), Some(a2), "{a3:?}");
            targets.push(a2);
        }
        targets.sort_unstable();
        let before = targets.len();
        targets.dedup();
        assert_eq!(
            before,
            targets.len(),
            "no alpha-2 code has two alpha-3 codes"
        );
        for &(_, code) in NAMES {
            assert!(
                targets.binary_search(&code).is_ok(),
                "{code} has a name but no alpha-3 code"
            );
        }
    }

    #[test]
    fn name_table_is_consistent() {
        assert!(
            NAMES.windows(2).all(|w| w[0].0 < w[1].0),
            "NAMES not strictly sorted"
        );
        for &(name, code) in NAMES {
            assert_eq!(normalize_name(name), name, "key not normalised: {name:?}");
            assert!(ALPHA2.binary_search(&code).is_ok(), "{name:?} -> {code:?}");
            assert!(
                country_name_de(code).is_some(),
                "no German name for {code:?}"
            );
            assert_eq!(normalize_country(name), Some(code), "{name:?}");
        }
    }

    #[test]
    fn german_names_are_consistent() {
        assert!(
            NAMES_DE.windows(2).all(|w| w[0].0 < w[1].0),
            "NAMES_DE not strictly sorted"
        );
        for &(code, name) in NAMES_DE {
            assert!(ALPHA2.binary_search(&code).is_ok(), "{code:?}");
            assert_eq!(normalize_country(name), Some(code), "{name:?}");
            assert!(
                NAMES.iter().any(|&(_, c)| c == code),
                "{code:?} has no names"
            );
        }
    }

    #[test]
    fn required_coverage() {
        // EU 27, EEA, Switzerland, United Kingdom, United States and the nice-to-haves.
        let required = [
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
            "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS",
            "LI", "NO", "CH", "GB", "US", "CA", "AU", "NZ", "JP", "CN", "MC", "AD", "SM", "VA",
            "TR", "UA", "RS", "RU", "IL", "ZA", "BR", "MX", "SG", "HK",
        ];
        for code in required {
            assert!(country_name_de(code).is_some(), "{code:?} missing");
        }
    }

    #[test]
    fn normalisation() {
        let cases: &[(&str, &str)] = &[
            ("  Groß  Britannien ", "gross britannien"),
            ("U.S.A.", "usa"),
            ("Bosnien-Herzegowina", "bosnien herzegowina"),
            ("ÄÖÜ äöü ß", "aeoeue aeoeue ss"),
            ("Česká republika", "ceska republika"),
            ("a\u{308}o\u{308}u\u{308}", "aeoeue"),
            ("e\u{301}", "e"),
            ("", ""),
        ];
        for &(input, want) in cases {
            assert_eq!(normalize_name(input), want, "input {input:?}");
        }
    }
}
