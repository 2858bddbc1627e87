//! Finding earlier cases that may be the same victim: by normalised name key and by date of
//! birth, each through an index, so the lookup stays fast however many cases are on record.

use std::collections::BTreeMap;

use shared::repeat::{match_strength, MatchStrength, PersonKey};
use shared::validation::{iso_date, parse_iso_date};
use sqlx::AnyConnection;

use super::exposure::per_case;

/// At most this many name keys are looked up for one person.
const MAX_KEYS: usize = 24;
/// At most this many earlier cases are offered.
const MAX_CANDIDATES: usize = 50;
/// At most this many cases are looked at for one name key or one date of birth.
const MAX_PER_KEY: usize = 200;

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

/// For each of `people`, the earlier cases whose victim may be them, strongest first: in the
/// same few queries however many people there are (a triage list asks for every referral on it).
///
/// Each name key and each date of birth brings at most [`MAX_PER_KEY`] cases, so a common name
/// cannot crowd out the rarer keys of the same person.
pub async fn candidates(conn: &mut AnyConnection, people: &[PersonKey]) -> Result<Vec<Vec<Candidate>>, sqlx::Error> {
    let keys_of = |p: &PersonKey| p.name_keys.iter().filter(|k| !k.is_empty()).take(MAX_KEYS).cloned().collect::<Vec<_>>();
    let dob_of = |p: &PersonKey| p.date_of_birth.map(iso_date);
    let mut keys: Vec<String> = people.iter().flat_map(keys_of).collect();
    keys.sort();
    keys.dedup();
    let mut dobs: Vec<String> = people.iter().filter_map(dob_of).collect();
    dobs.sort();
    dobs.dedup();
    let by_key = capped(conn, "case_name_keys", "key", "case_id", &keys).await?;
    let by_dob = capped(conn, "cases", "victim_dob", "id", &dobs).await?;
    let mut ids: Vec<String> = by_key.iter().chain(&by_dob).map(|(_, id)| id.clone()).collect();
    ids.sort();
    ids.dedup();
    let cases: BTreeMap<String, CaseRow> =
        per_case::<CaseRow>(conn, "SELECT id, reference, victim_id, victim_dob, last_heard_on FROM cases WHERE id IN ({ids})", &[], &ids)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
    let mut keys_of_case: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (case_id, key) in per_case::<(String, String)>(conn, "SELECT case_id, key FROM case_name_keys WHERE case_id IN ({ids})", &[], &ids).await? {
        keys_of_case.entry(case_id).or_default().push(key);
    }
    let (of_key, of_dob) = (cases_by(&by_key), cases_by(&by_dob));
    Ok(people
        .iter()
        .map(|person| {
            let mut theirs: Vec<&str> = keys_of(person)
                .iter()
                .filter_map(|k| of_key.get(k.as_str()))
                .chain(dob_of(person).and_then(|d| of_dob.get(d.as_str())))
                .flatten()
                .copied()
                .collect();
            theirs.sort_unstable();
            theirs.dedup();
            let mut found: Vec<Candidate> = theirs
                .into_iter()
                .filter_map(|id| {
                    let c = cases.get(id)?;
                    let key = PersonKey {
                        name_keys: keys_of_case.get(id).cloned().unwrap_or_default(),
                        date_of_birth: c.victim_dob.as_deref().and_then(parse_iso_date),
                    };
                    Some(Candidate {
                        case_id: c.id.clone(),
                        reference: c.reference.clone(),
                        victim_id: c.victim_id.clone(),
                        victim_dob: c.victim_dob.clone(),
                        last_heard_on: c.last_heard_on.clone(),
                        strength: match_strength(person, &key)?,
                    })
                })
                .collect();
            found.sort_by(|a, b| {
                a.strength.cmp(&b.strength).then_with(|| b.last_heard_on.cmp(&a.last_heard_on)).then_with(|| a.case_id.cmp(&b.case_id))
            });
            found.truncate(MAX_CANDIDATES);
            found
        })
        .collect())
}

/// `(value, case id)` for each of `values` in `table.column`, at most [`MAX_PER_KEY`] cases a
/// value (those first by id).
async fn capped(
    conn: &mut AnyConnection,
    table: &'static str,
    column: &'static str,
    case_id: &'static str,
    values: &[String],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT {column}, {case_id} FROM (SELECT {column}, {case_id}, ROW_NUMBER() OVER (PARTITION BY {column} ORDER BY {case_id}) AS n \
         FROM {table} WHERE {column} IN ({{ids}})) AS capped WHERE n <= {MAX_PER_KEY}"
    );
    per_case(conn, &sql, &[], values).await
}

/// The case ids of `(key, case id)` rows, by key.
fn cases_by(rows: &[(String, String)]) -> BTreeMap<&str, Vec<&str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, id) in rows {
        out.entry(key.as_str()).or_default().push(id.as_str());
    }
    out
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
