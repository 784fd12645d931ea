//! The value lists of Geisenheim §3, with German and English names and synonyms.
//!
//! Every list except product categories also accepts free text ("freie Eingabe"); kontor
//! passes unknown values on as text with a warning (an error with `strict`).

/// Longest folded name kontor looks up; longer input matches nothing.
const FOLD_MAX: usize = 64;

/// Folds a name for look-up into `buf`: lower case, umlauts and ß spelled out, only letters
/// and digits. `"Weißburgunder"`, `"Weissburgunder"` and `"WEISS-BURGUNDER"` fold alike.
/// `None` when the folded name would not fit (no listed name is that long). No allocation.
pub fn fold_into<'b>(s: &str, buf: &'b mut [u8; FOLD_MAX]) -> Option<&'b str> {
    let mut n = 0;
    for c in crate::text::chars(s) {
        if c.is_ascii() {
            // Inline (the closure below is a call at opt-level "z").
            if c.is_ascii_alphanumeric() {
                *buf.get_mut(n)? = (c as u8).to_ascii_lowercase();
                n += 1;
            }
            continue;
        }
        let mut put = |bytes: &[u8]| -> Option<()> {
            let end = n + bytes.len();
            buf.get_mut(n..end)?.copy_from_slice(bytes);
            n = end;
            Some(())
        };
        match c {
            'ä' | 'Ä' => put(b"ae")?,
            'ö' | 'Ö' => put(b"oe")?,
            'ü' | 'Ü' => put(b"ue")?,
            'ß' | 'ẞ' => put(b"ss")?,
            'é' | 'è' | 'ê' | 'É' | 'È' | 'Ê' => put(b"e")?,
            'á' | 'à' | 'â' | 'Á' | 'À' | 'Â' => put(b"a")?,
            c if crate::text::is_latin_alphanumeric(c) => {
                let mut tmp = [0u8; 4];
                put(crate::text::lower_char(c).encode_utf8(&mut tmp).as_bytes())?;
            }
            _ => {}
        }
    }
    std::str::from_utf8(buf.get(..n)?).ok()
}

/// Folds a name (allocating); see [`fold_into`].
pub fn fold(s: &str) -> String {
    let mut buf = [0u8; FOLD_MAX];
    fold_into(s, &mut buf).unwrap_or_default().to_owned()
}

/// Looks `name` up in a table by folded synonyms.
fn find<'t, T>(name: &str, table: &'t [T], synonyms: impl Fn(&T) -> &[&str]) -> Option<&'t T> {
    let mut buf = [0u8; FOLD_MAX];
    let key = fold_into(name, &mut buf)?;
    table.iter().find(|row| synonyms(row).contains(&key))
}

/// Customer categories (§3.1): number, German name.
pub const CUSTOMER_CATEGORIES: &[(u8, &str)] = &[
    (1, "Endverbraucher"),
    (2, "Fachhandel"),
    (3, "Gastronomie"),
    (4, "Lebensmitteleinzelhandel"),
    (5, "Großhändler / Importeur"),
    (6, "Export"),
    (7, "Onlinehandel"),
    (8, "Duty Free"),
    (9, "Airline"),
    (10, "sonstiger Firmenkunde"),
];

/// Payment methods (§3.2): the wire value and its German description.
pub const PAYMENT_METHODS: &[(&str, &str)] = &[
    ("cash", "(Bar-)zahlung bei Abholung"),
    ("paypal", "PayPal"),
    ("invoice", "Rechnung"),
    ("advance", "Vorkasse"),
    ("credit", "Kreditkarte"),
    ("sepa", "SEPA Lastschrift"),
];

/// Product category (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductCategory {
    /// 1 Wein.
    Wine = 1,
    /// 2 Schaumwein.
    Sparkling = 2,
    /// 3 Perlwein.
    SemiSparkling = 3,
    /// 4 alkoholfreier Wein.
    AlcoholFree = 4,
    /// 5 Offenwein.
    OpenWine = 5,
    /// 9 Sonstiges (Tresterbrand, Traubensaft, …).
    Other = 9,
}

impl ProductCategory {
    /// The wire number.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// Quality levels (§3.5): number, the category it belongs to, names and synonyms (folded).
pub const QUALITIES: &[(i64, ProductCategory, &str, &[&str])] = &[
    (
        1,
        ProductCategory::Wine,
        "Deutscher Wein",
        &[
            "deutscherwein",
            "germanwine",
            "wein",
            "tafelwein",
            "deutschertafelwein",
        ],
    ),
    (
        2,
        ProductCategory::Wine,
        "Landwein",
        &["landwein", "countrywine", "regionalwine", "pgi"],
    ),
    (
        3,
        ProductCategory::Wine,
        "Qualitätswein",
        &[
            "qualitaetswein",
            "qualitaetsweinba",
            "qualitaetsweinbestimmteranbaugebiete",
            "qba",
            "qualitywine",
            "pdo",
        ],
    ),
    (
        4,
        ProductCategory::Wine,
        "Prädikatswein",
        &[
            "praedikatswein",
            "praedikat",
            "qmp",
            "kabinett",
            "spaetlese",
            "auslese",
            "beerenauslese",
            "trockenbeerenauslese",
            "eiswein",
            "predicatewine",
        ],
    ),
    (
        5,
        ProductCategory::Sparkling,
        "Winzersekt",
        &[
            "winzersekt",
            "winzersektba",
            "growersekt",
            "growerssparkling",
        ],
    ),
    (
        6,
        ProductCategory::Sparkling,
        "Sekt b.A.",
        &[
            "sektba",
            "sektbestimmteranbaugebiete",
            "qualitaetsschaumweinba",
            "qualitaetsschaumweinbestimmteranbaugebiete",
        ],
    ),
    (
        7,
        ProductCategory::Sparkling,
        "Sekt",
        &[
            "sekt",
            "qualitaetsschaumwein",
            "schaumwein",
            "sparklingwine",
            "qualitysparklingwine",
        ],
    ),
];

/// Grape varieties (§3.6): official variety number, name in the list, synonyms (folded).
pub const GRAPES: &[(i64, &str, &[&str])] = &[
    (
        10077,
        "Riesling",
        &[
            "riesling",
            "weisserriesling",
            "rheinriesling",
            "johannisbergriesling",
            "whiteriesling",
        ],
    ),
    (
        8141,
        "Müller-Thurgau",
        &["muellerthurgau", "mullerthurgau", "rivaner"],
    ),
    (
        9275,
        "Grauburgunder",
        &[
            "grauburgunder",
            "grauerburgunder",
            "ruelaender",
            "rulaender",
            "pinotgris",
            "pinotgrigio",
        ],
    ),
    (
        9272,
        "Weißburgunder",
        &[
            "weissburgunder",
            "weisserburgunder",
            "pinotblanc",
            "pinotbianco",
        ],
    ),
    (
        11805,
        "Silvaner",
        &["silvaner", "sylvaner", "gruenersilvaner"],
    ),
    (6123, "Kerner", &["kerner"]),
    (2455, "Chardonnay", &["chardonnay"]),
    (851, "Bacchus", &["bacchus"]),
    (10818, "Scheurebe", &["scheurebe", "saemling88"]),
    (
        10790,
        "Sauvignon Blanc",
        &["sauvignonblanc", "sauvignon", "fumeblanc"],
    ),
    (
        2473,
        "Gutedel",
        &["gutedel", "chasselas", "fendant", "weissergutedel"],
    ),
    (
        12609,
        "Traminer",
        &[
            "traminer",
            "gewuerztraminer",
            "gewurztraminer",
            "rotertraminer",
            "savagnin",
        ],
    ),
    (3865, "Elbling", &["elbling", "weisserelbling"]),
    (8811, "Ortega", &["ortega"]),
    (5463, "Huxelrebe", &["huxelrebe"]),
    (
        9279,
        "Spätburgunder",
        &[
            "spaetburgunder",
            "blauerspaetburgunder",
            "pinotnoir",
            "pinotnero",
            "blauburgunder",
        ],
    ),
    (3659, "Dornfelder", &["dornfelder"]),
    (9620, "Portugieser", &["portugieser", "blauerportugieser"]),
    (
        12665,
        "Trollinger",
        &["trollinger", "blauertrollinger", "vernatsch", "schiava"],
    ),
    (
        1459,
        "Lemberger/ Blaufränkisch",
        &[
            "lemberger",
            "blaufraenkisch",
            "blaufrankisch",
            "blauerlemberger",
            "limberger",
            "kekfrankos",
            "lembergerblaufraenkisch",
        ],
    ),
    (
        9278,
        "Schwarzriesling",
        &["schwarzriesling", "pinotmeunier", "meunier", "muellerrebe"],
    ),
    (4572, "Regent", &["regent"]),
    (7657, "Merlot", &["merlot"]),
    (
        10470,
        "St-Laurent",
        &["stlaurent", "sanktlaurent", "saintlaurent"],
    ),
    (17123, "Acolon", &["acolon"]),
    (1929, "Cabernet Sauvignon", &["cabernetsauvignon"]),
    (3632, "Domina", &["domina"]),
    (15499, "Cabernet Mitos", &["cabernetmitos"]),
    (20002, "Cabernet Dorsa", &["cabernetdorsa"]),
    (
        9280,
        "Frühburgunder",
        &["fruehburgunder", "blauerfruehburgunder", "pinotmadeleine"],
    ),
    (3724, "Dunkelfelder", &["dunkelfelder"]),
];

/// Wine types (§3.7): wire value, synonyms (folded).
pub const WINE_TYPES: &[(&str, &[&str])] = &[
    ("red", &["red", "rot", "rotwein", "redwine"]),
    ("white", &["white", "weiss", "weisswein", "whitewine"]),
    ("rose", &["rose", "rosewein", "rosewine", "weissherbst"]),
    ("rotling", &["rotling", "schillerwein", "badischrotgold"]),
    ("blanc de noir", &["blancdenoir", "blancdenoirs"]),
];

/// Which product categories a taste applies to (§3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TasteScope {
    /// Wines and sparkling wines.
    Both,
    /// Wines only (category 1).
    WineOnly,
    /// Sparkling wines only (category 2).
    SparklingOnly,
}

/// Tastes (§3.8): wire value, scope, synonyms (folded).
pub const TASTES: &[(&str, TasteScope, &[&str])] = &[
    ("dry", TasteScope::Both, &["dry", "trocken"]),
    (
        "medium-dry",
        TasteScope::Both,
        &["mediumdry", "halbtrocken"],
    ),
    ("off-dry", TasteScope::WineOnly, &["offdry", "feinherb"]),
    (
        "medium-sweet",
        TasteScope::WineOnly,
        &["mediumsweet", "lieblich"],
    ),
    (
        "sweet",
        TasteScope::WineOnly,
        &["sweet", "suess", "edelsuess"],
    ),
    (
        "brut-natur",
        TasteScope::SparklingOnly,
        &["brutnatur", "brutnature", "naturherb"],
    ),
    ("extra-brut", TasteScope::SparklingOnly, &["extrabrut"]),
    ("brut", TasteScope::SparklingOnly, &["brut", "herb"]),
    (
        "extra-dry",
        TasteScope::SparklingOnly,
        &["extradry", "extratrocken"],
    ),
    ("mild", TasteScope::SparklingOnly, &["mild"]),
];

/// VDP classifications (§3.9): number, name, synonyms (folded, without the `vdp` prefix).
pub const VDP: &[(i64, &str, &[&str])] = &[
    (1, "VDP.GROSSE LAGE®", &["grosselage", "gl"]),
    (2, "VDP.ERSTE LAGE®", &["erstelage", "el"]),
    (3, "VDP.ORTSWEIN", &["ortswein"]),
    (4, "VDP.GUTSWEIN", &["gutswein"]),
    (6, "VDP.GROSSES GEWÄCHS®", &["grossesgewaechs", "gg"]),
];

/// Looks up a grape by folded name.
pub fn grape_by_name(name: &str) -> Option<i64> {
    find(name, GRAPES, |row| row.2).map(|row| row.0)
}

/// True when `n` is a variety number of the list.
pub fn grape_number_known(n: i64) -> bool {
    GRAPES.iter().any(|(g, _, _)| *g == n)
}

/// Looks up a quality by number or folded name.
pub fn quality_by_name(name: &str) -> Option<(i64, ProductCategory)> {
    find(name, QUALITIES, |row| row.3).map(|row| (row.0, row.1))
}

/// The category a quality number belongs to.
pub fn quality_category(n: i64) -> Option<ProductCategory> {
    QUALITIES
        .iter()
        .find(|(q, _, _, _)| *q == n)
        .map(|(_, c, _, _)| *c)
}

/// Looks up a wine type by folded name.
pub fn wine_type(name: &str) -> Option<&'static str> {
    find(name, WINE_TYPES, |row| row.1).map(|row| row.0)
}

/// Looks up a taste by folded name.
pub fn taste(name: &str) -> Option<(&'static str, TasteScope)> {
    find(name, TASTES, |row| row.2).map(|row| (row.0, row.1))
}

/// Looks up a VDP class by folded name (a leading `VDP` is ignored).
pub fn vdp_by_name(name: &str) -> Option<i64> {
    let mut buf = [0u8; FOLD_MAX];
    let key = fold_into(name, &mut buf)?;
    let key = key.strip_prefix("vdp").unwrap_or(key);
    VDP.iter()
        .find(|(_, _, syn)| syn.contains(&key))
        .map(|(n, _, _)| *n)
}

/// True when `n` is a VDP class number.
pub fn vdp_number_known(n: i64) -> bool {
    VDP.iter().any(|(v, _, _)| *v == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_spells_out_umlauts_and_drops_punctuation() {
        assert_eq!(fold("WEISS-Burgunder"), "weissburgunder");
        assert_eq!(fold("Weißburgunder"), "weissburgunder");
        assert_eq!(fold("Müller-Thurgau"), "muellerthurgau");
        assert_eq!(fold("Rosé"), "rose");
        assert_eq!(fold(&"x".repeat(65)), "", "too long to be any listed name");
    }

    #[test]
    fn every_synonym_is_already_folded_and_none_is_empty() {
        // Look-ups compare the folded input with the synonyms as written, and a name too long
        // to fold finds nothing: both rely on this.
        let lists = GRAPES
            .iter()
            .flat_map(|r| r.2.iter())
            .chain(QUALITIES.iter().flat_map(|r| r.3.iter()))
            .chain(WINE_TYPES.iter().flat_map(|r| r.1.iter()))
            .chain(TASTES.iter().flat_map(|r| r.2.iter()))
            .chain(VDP.iter().flat_map(|r| r.2.iter()));
        for syn in lists {
            assert!(!syn.is_empty());
            assert_eq!(fold(syn), *syn);
        }
        assert_eq!(grape_by_name(&"Riesling".repeat(10)), None);
        assert_eq!(vdp_by_name("VDP.Grosse Lage"), Some(1));
        assert_eq!(vdp_by_name("Große Lage"), Some(1));
    }

    #[test]
    fn grape_synonyms_resolve_to_official_numbers() {
        for (name, n) in [
            ("Pinot Noir", 9279),
            ("Grauer Burgunder", 9275),
            ("Ruländer", 9275),
            ("Weissburgunder", 9272),
            ("Müller-Thurgau", 8141),
            ("Rivaner", 8141),
            ("Blaufränkisch", 1459),
            ("Lemberger/ Blaufränkisch", 1459),
            ("St. Laurent", 10470),
            ("Gewürztraminer", 12609),
            ("Chasselas", 2473),
        ] {
            assert_eq!(grape_by_name(name), Some(n), "{name}");
        }
        assert_eq!(grape_by_name("Zweigelt"), None);
    }

    #[test]
    fn every_listed_grape_name_resolves_to_itself() {
        for (n, name, _) in GRAPES {
            assert_eq!(grape_by_name(name), Some(*n), "{name}");
        }
        assert_eq!(GRAPES.len(), 31);
    }

    #[test]
    fn every_listed_quality_and_vdp_name_resolves() {
        for (n, c, name, _) in QUALITIES {
            assert_eq!(quality_by_name(name), Some((*n, *c)), "{name}");
        }
        for (n, name, _) in VDP {
            assert_eq!(vdp_by_name(name), Some(*n), "{name}");
        }
        assert_eq!(vdp_by_name("Großes Gewächs"), Some(6));
        assert_eq!(vdp_by_name("5"), None);
    }

    #[test]
    fn tastes_know_their_scope() {
        assert_eq!(taste("trocken"), Some(("dry", TasteScope::Both)));
        assert_eq!(taste("feinherb"), Some(("off-dry", TasteScope::WineOnly)));
        assert_eq!(
            taste("Brut Nature"),
            Some(("brut-natur", TasteScope::SparklingOnly))
        );
        assert_eq!(
            taste("Extra Trocken"),
            Some(("extra-dry", TasteScope::SparklingOnly))
        );
        assert_eq!(wine_type("Roséwein"), Some("rose"));
        assert_eq!(wine_type("Blanc de Noirs"), Some("blanc de noir"));
    }
}
