//! The error every server function returns: what a person can act on, and nothing more.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use shared::validation::Problem;

/// Why a request did not succeed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Not found, or not allowed: the two are never told apart.
    #[error("We could not find that. It may not exist, or you may not have access to it.")]
    NotFound,
    /// Not signed in, or the session has ended.
    #[error("Your session has ended. Sign in again to continue.")]
    SignInRequired,
    /// A sensitive operation needs a fresh passkey check.
    #[error("Confirm it is you with your passkey, then try again.")]
    ReauthenticationRequired,
    /// The input was not acceptable; the message says how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// The passkey check failed or was cancelled. Never says whether an account exists.
    #[error("That passkey could not be used to sign in. Try again, or ask your coordinator for a new enrolment link.")]
    SignInFailed,
    /// Too many attempts in a short time.
    #[error("Too many attempts. Wait a minute, then try again.")]
    RateLimited,
    /// Some fields were not acceptable; each problem names its field.
    #[error("{}", first_message(.0))]
    InvalidFields(Vec<Problem>),
    /// Someone else changed the record first.
    #[error("{0}")]
    Conflict(String),
    /// Something failed on the server; details are only in the server's log.
    #[error("Sorry, something went wrong. Nothing was changed. Try again later.")]
    Internal,
    /// The request could not reach the server or its answer could not be read.
    #[error("The request could not be completed ({0}). Check your connection and try again.")]
    Transport(String),
}

/// The answer to a request whose arguments could not be read.
const MALFORMED: &str = "Some of what was sent was missing or not in the expected form.";

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Invalid(MALFORMED.into()),
            // On the server, a body that cannot be decoded (malformed, wrongly encoded) is the
            // sender's mistake; in the browser it means the answer could not be read.
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => AppError::Invalid(MALFORMED.into()),
            other => AppError::Transport(short(&other.to_string())),
        }
    }

    /// Encodes the error for the browser and, on the server, sets the answer's HTTP status
    /// through the response options (Leptos answers every server-function error with 500
    /// otherwise), so logs and monitoring count only real failures as server errors.
    fn ser(&self) -> server_fn::Bytes {
        #[cfg(feature = "ssr")]
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(self.status());
        }
        <JsonEncoding as server_fn::Encodes<AppError>>::encode(self).unwrap_or_else(|_| server_fn::Bytes::from_static(br#""Internal""#))
    }
}

impl From<Vec<Problem>> for AppError {
    fn from(problems: Vec<Problem>) -> Self {
        AppError::InvalidFields(problems)
    }
}

impl AppError {
    /// The HTTP status of the answer: 404 for "not found or not allowed", 401 for "sign in",
    /// 403 for "confirm it is you", 422 for input problems, 409 for a conflict, 429 for too many
    /// attempts, 500 for the server's own failures.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::SignInRequired | AppError::SignInFailed => StatusCode::UNAUTHORIZED,
            AppError::ReauthenticationRequired => StatusCode::FORBIDDEN,
            AppError::Invalid(_) | AppError::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// One problem with one field.
    pub fn field(field: &str, message: &str) -> Self {
        AppError::InvalidFields(vec![Problem { field: field.into(), message: message.into() }])
    }

    /// The problem reported for one field, if any.
    pub fn for_field(&self, field: &str) -> Option<String> {
        match self {
            AppError::InvalidFields(problems) => problems.iter().find(|p| p.field == field).map(|p| p.message.clone()),
            _ => None,
        }
    }
}

fn first_message(problems: &[Problem]) -> &str {
    problems.first().map_or("Check what you entered", |p| p.message.as_str())
}

fn short(s: &str) -> String {
    s.chars().take(120).collect()
}
