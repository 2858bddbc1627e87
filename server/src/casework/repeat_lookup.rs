//! Finding earlier cases that may be the same victim: by normalised name key and by date of
//! birth, each through an index, so the lookup stays fast however many cases are on record.

use std::collections::BTreeMap;

use shared::repeat::{match_strength, MatchStrength, PersonKey};
use shared::validation::parse_iso_date;
use sqlx::AnyConnection;

use super::exposure::{per_case, placeholders};

/// At most this many name keys are looked up for one person.
const MAX_KEYS: usize = 24;
/// At most this many earlier cases are offered.
const MAX_CANDIDATES: usize = 50;

/// An earlier case that may be the same victim.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The case.
    pub case_id: String,
    /// Its reference.
    pub reference: String,
    /// Its current victim record.
    pub victim_id: Option<String>,
    /// Its victim's date of birth (ISO).
    pub victim_dob: Option<String>,
    /// When it was last heard (ISO).
    pub last_heard_on: Option<String>,
    /// How strongly it matches.
    pub strength: MatchStrength,
}

/// A candidate case as stored.
#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    reference: String,
    victim_id: Option<String>,
    victim_dob: Option<String>,
    last_heard_on: Option<String>,
}

/// Earlier cases whose victim may be `person` (excluding `except_case`), strongest first.
pub async fn candidates(
    conn: &mut AnyConnection,
    person: &PersonKey,
    dob: Option<&str>,
    except_case: Option<&str>,
) -> Result<Vec<Candidate>, sqlx::Error> {
    let keys: Vec<&String> = person.name_keys.iter().filter(|k| !k.is_empty()).take(MAX_KEYS).collect();
    let mut ids: Vec<String> = Vec::new();
    if !keys.is_empty() {
        let sql = format!("SELECT DISTINCT case_id FROM case_name_keys WHERE key IN ({}) LIMIT {}", placeholders(1, keys.len()), MAX_CANDIDATES * 4);
        let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for k in &keys {
            q = q.bind(k.as_str());
        }
        ids.extend(q.fetch_all(&mut *conn).await?);
    }
    if let Some(dob) = dob {
        let same_dob: Vec<String> =
            sqlx::query_scalar("SELECT id FROM cases WHERE victim_dob = $1 LIMIT 400").bind(dob).fetch_all(&mut *conn).await?;
        ids.extend(same_dob);
    }
    ids.sort();
    ids.dedup();
    ids.retain(|id| Some(id.as_str()) != except_case);
    let cases: Vec<CaseRow> =
        per_case(conn, "SELECT id, reference, victim_id, victim_dob, last_heard_on FROM cases WHERE id IN ({ids})", &[], &ids).await?;
    let mut keys_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (case_id, key) in per_case::<(String, String)>(conn, "SELECT case_id, key FROM case_name_keys WHERE case_id IN ({ids})", &[], &ids).await? {
        keys_of.entry(case_id).or_default().push(key);
    }
    let mut found = Vec::new();
    for c in cases {
        let theirs =
            PersonKey { name_keys: keys_of.remove(&c.id).unwrap_or_default(), date_of_birth: c.victim_dob.as_deref().and_then(parse_iso_date) };
        if let Some(strength) = match_strength(person, &theirs) {
            found.push(Candidate {
                case_id: c.id,
                reference: c.reference,
                victim_id: c.victim_id,
                victim_dob: c.victim_dob,
                last_heard_on: c.last_heard_on,
                strength,
            });
        }
    }
    found.sort_by(|a, b| a.strength.cmp(&b.strength).then_with(|| b.last_heard_on.cmp(&a.last_heard_on)).then_with(|| a.case_id.cmp(&b.case_id)));
    found.truncate(MAX_CANDIDATES);
    Ok(found)
}

/// Indexes a victim's names for a case: the matching keys, and each word for search.
pub async fn index_names(conn: &mut AnyConnection, case_id: &str, name: &str, other_names: &[String]) -> Result<(), sqlx::Error> {
    add_keys(conn, case_id, &shared::names::name_keys(name, other_names)).await?;
    let mut words: Vec<String> = std::iter::once(name)
        .chain(other_names.iter().map(String::as_str))
        .flat_map(|n| shared::names::normalise_name(n).split(' ').map(str::to_string).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words.dedup();
    for word in words {
        sqlx::query("INSERT INTO case_name_words (word, case_id) VALUES ($1, $2) ON CONFLICT (word, case_id) DO NOTHING")
            .bind(&word)
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Adds name keys for a case's victim to those already stored.
pub async fn add_keys(conn: &mut AnyConnection, case_id: &str, keys: &[String]) -> Result<(), sqlx::Error> {
    for key in keys.iter().filter(|k| !k.is_empty()) {
        sqlx::query("INSERT INTO case_name_keys (key, case_id) VALUES ($1, $2) ON CONFLICT (key, case_id) DO NOTHING")
            .bind(key)
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
