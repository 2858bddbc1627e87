//! Name normalisation for matching people across referrals.
//!
//! Names are compared by keys, not as typed: accents are removed (NFKD, then combining
//! marks dropped), a few letters that NFKD leaves alone are spelled out ("ø" -> "o",
//! "ß" -> "ss"), everything is lowercased, and any run of spaces, hyphens, apostrophes,
//! dots or other punctuation becomes one space. Keys only suggest candidates: a person
//! confirms or rejects every match.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Spells out letters that NFKD does not decompose; `None` keeps the character as it is.
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' | 'Ø' => "o",
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ħ' | 'Ħ' => "h",
        'ı' => "i",
        _ => return None,
    })
}

/// Normalises a name for matching: "  Zoë  O'Brien-Łukasz " -> "zoe o brien lukasz".
///
/// Letters and digits of any script are kept; every other character (whitespace,
/// hyphens, apostrophes, dots, other punctuation and symbols) separates words, and a
/// run of separators becomes a single space. The result has no leading or trailing
/// space and may be empty.
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    };
    for decomposed in s.nfkd() {
        if is_combining_mark(decomposed) {
            continue;
        }
        for lower in decomposed.to_lowercase() {
            // Lowercasing can itself produce a combining mark (e.g. "İ").
            if is_combining_mark(lower) {
                continue;
            }
            match fold_letter(lower) {
                Some(spelled) => spelled.chars().for_each(|c| push(c, &mut out)),
                None => push(lower, &mut out),
            }
        }
    }
    out
}

/// The normalised name with its words sorted, so "Smith Anna" and "Anna Smith" agree.
pub fn sorted_key(normalised: &str) -> String {
    let mut words: Vec<&str> = normalised.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.join(" ")
}

/// Distinct matching keys for a person's main name and other names (aliases, maiden
/// names, other spellings), main name first.
///
/// For each name: its normalised form; the same words sorted (if different); and, for
/// names of more than one word, the words run together (so "Mary-Jane" matches
/// "Maryjane" and "O'Brien" matches "OBrien"). Names that normalise to nothing give no
/// key; duplicates are dropped, keeping first appearance.
pub fn name_keys(name: &str, other_names: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |k: String| {
        if !k.is_empty() && !keys.contains(&k) {
            keys.push(k);
        }
    };
    for raw in std::iter::once(name).chain(other_names.iter().map(String::as_str)) {
        let key = normalise_name(raw);
        let sorted = sorted_key(&key);
        let joined = key.replace(' ', "");
        let multi_word = joined.len() != key.len();
        add(key);
        add(sorted);
        if multi_word {
            add(joined);
        }
    }
    keys
}

/// The last word of a key (usually the surname), if the key has any words.
pub fn last_word(key: &str) -> Option<&str> {
    key.split(' ').rev().find(|w| !w.is_empty())
}

/// Whether any key of one person equals any key of the other.
pub fn keys_overlap(a: &[String], b: &[String]) -> bool {
    a.iter().any(|k| !k.is_empty() && b.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn strips_accents_and_lowercases() {
        assert_eq!(normalise_name("Zoë"), "zoe");
        assert_eq!(normalise_name("José"), "jose");
        assert_eq!(normalise_name("ÉLODIE Müller"), "elodie muller");
        assert_eq!(normalise_name("Ñuñez Çelik"), "nunez celik");
        // Precomposed and decomposed input give the same key.
        assert_eq!(normalise_name("Zo\u{0065}\u{0308}"), normalise_name("Zo\u{00EB}"));
    }

    #[test]
    fn folds_letters_nfkd_leaves_alone() {
        assert_eq!(normalise_name("Søren Strauß"), "soren strauss");
        assert_eq!(normalise_name("Ænid Łucja Đorđević"), "aenid lucja dordevic");
        assert_eq!(normalise_name("STRAUẞ"), "strauss");
        assert_eq!(normalise_name("Œlla Þóra"), "oella thora");
        assert_eq!(normalise_name("İlkay"), "ilkay");
    }

    #[test]
    fn punctuation_and_whitespace_collapse() {
        assert_eq!(normalise_name("  Mary-Jane   O'Neill  "), "mary jane o neill");
        assert_eq!(normalise_name("J. R. Doe"), "j r doe");
        assert_eq!(normalise_name("Ann--Marie\t\n Brown"), "ann marie brown");
        assert_eq!(normalise_name("O\u{2019}Brien"), "o brien");
        assert_eq!(normalise_name("Smith, Anna (Annie)"), "smith anna annie");
        assert_eq!(normalise_name("ｊｏｈｎ"), "john"); // full-width letters (NFKD)
    }

    #[test]
    fn empty_and_symbol_only_names() {
        assert_eq!(normalise_name(""), "");
        assert_eq!(normalise_name("  - . ' "), "");
        assert!(name_keys(" -- ", &s(&["", "..."])).is_empty());
    }

    #[test]
    fn keeps_other_scripts() {
        assert_eq!(normalise_name("Анна Иванова"), "анна иванова");
        assert_eq!(normalise_name("李 小龍"), "李 小龍");
    }

    #[test]
    fn keys_include_sorted_and_joined_forms() {
        let keys = name_keys("Anna Smith", &[]);
        assert_eq!(keys, s(&["anna smith", "annasmith"]));
        let reversed = name_keys("Smith Anna", &[]);
        assert_eq!(reversed, s(&["smith anna", "anna smith", "smithanna"]));
        assert_eq!(name_keys("Cher", &[]), s(&["cher"]));
        assert!(keys_overlap(&keys, &reversed));
    }

    #[test]
    fn keys_are_distinct_across_names() {
        let keys = name_keys("Zoë Adams", &s(&["Zoe Adams", "ADAMS, Zoë", "Zoe Baker"]));
        assert_eq!(keys, s(&["zoe adams", "adams zoe", "zoeadams", "adamszoe", "zoe baker", "baker zoe", "zoebaker"]));
    }

    #[test]
    fn joined_form_matches_hyphen_and_apostrophe_variants() {
        assert!(keys_overlap(&name_keys("Mary-Jane Fox", &[]), &name_keys("Maryjane Fox", &[])));
        assert!(keys_overlap(&name_keys("Ciara O'Brien", &[]), &name_keys("Ciara OBrien", &[])));
        assert!(!keys_overlap(&name_keys("Anna Smith", &[]), &name_keys("Anna Smyth", &[])));
        assert!(!keys_overlap(&[String::new()], &[String::new()]));
    }

    #[test]
    fn last_word_of_key() {
        assert_eq!(last_word("anna smith"), Some("smith"));
        assert_eq!(last_word("cher"), Some("cher"));
        assert_eq!(last_word(""), None);
    }
}
