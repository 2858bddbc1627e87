//! Storage for referrals and cases: references, the people in a referral, repeat-candidate
//! lookup, how a person stands to a case and a meeting, cases as held, meetings with room.
//! Backend operations compose these inside their transactions; nothing here decides who may do
//! what.

pub mod exposure;
pub mod file;
pub mod intake;
pub mod meetings;
pub mod people;
pub mod references;
pub mod repeat_lookup;
pub mod search_key;

/// A JSON column read as `T` (a typed row holds it with `#[sqlx(try_from = "String")]`). What no
/// longer reads as `T` reads as its default, an empty list or map, as stored lists always have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredJson<T>(pub T);

impl<T: serde::de::DeserializeOwned + Default> From<String> for StoredJson<T> {
    fn from(raw: String) -> Self {
        StoredJson(serde_json::from_str(&raw).unwrap_or_default())
    }
}

/// Whether the agency exists and has not been suspended or withdrawn from the ISA.
pub async fn agency_is_active(conn: &mut sqlx::AnyConnection, agency_id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies WHERE id = $1 AND isa_state = 'active'").bind(agency_id).fetch_one(conn).await?;
    Ok(n > 0)
}
