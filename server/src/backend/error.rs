//! The backend's one error type. An operation either refuses with something the person can act
//! on ([`Error::Refused`], passed to the app as it is), or fails inside the server: then the
//! cause and the line of the backend where it surfaced are logged once, when the error becomes
//! [`AppError::Internal`], and nothing of it reaches the person.
//!
//! `?` on a database or server error records where it happened: the conversions are
//! `#[track_caller]`, so the location is that of the `?` itself.

use std::fmt;
use std::future::Future;
use std::panic::Location;

use app::error::AppError;

/// What a backend operation answers.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a backend operation.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// A refusal or a problem with the input: the person is told.
    #[error("{0}")]
    Refused(AppError),
    /// The database answered with an error.
    #[error("database error at {at}: {source}")]
    Database { source: sqlx::Error, at: &'static Location<'static> },
    /// Another part of the server failed (the audit log, configuration, files).
    #[error("{source} (at {at})")]
    Server { source: crate::error::Error, at: &'static Location<'static> },
    /// Anything else that should not happen: a PDF that would not lay out, a task that panicked.
    #[error("{message} (at {at})")]
    Internal { message: String, at: &'static Location<'static> },
}

impl Error {
    /// An internal failure described by `cause`, located where this is called.
    #[track_caller]
    pub(crate) fn internal(cause: impl fmt::Display) -> Self {
        Self::Internal { message: cause.to_string(), at: Location::caller() }
    }
}

impl From<AppError> for Error {
    fn from(e: AppError) -> Self {
        Self::Refused(e)
    }
}

impl From<Vec<shared::validation::Problem>> for Error {
    fn from(problems: Vec<shared::validation::Problem>) -> Self {
        Self::Refused(problems.into())
    }
}

impl From<sqlx::Error> for Error {
    #[track_caller]
    fn from(source: sqlx::Error) -> Self {
        Self::Database { source, at: Location::caller() }
    }
}

impl From<crate::error::Error> for Error {
    #[track_caller]
    fn from(source: crate::error::Error) -> Self {
        Self::Server { source, at: Location::caller() }
    }
}

/// The one place a backend error becomes what the app sees: refusals pass through; every other
/// error is logged here (without personal data: database and server errors carry none) and
/// hidden.
impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::Refused(e) => e,
            other => {
                tracing::error!(error = %other, "internal error");
                AppError::Internal
            }
        }
    }
}

/// Turns any other failure into an internal error located at the call.
pub(crate) trait OrInternal<T> {
    /// The value, or [`Error::Internal`] with this call's location.
    fn or_internal(self) -> Result<T>;
}

impl<T, E: fmt::Display> OrInternal<T> for std::result::Result<T, E> {
    #[track_caller]
    fn or_internal(self) -> Result<T> {
        let at = Location::caller();
        self.map_err(|e| Error::Internal { message: e.to_string(), at })
    }
}

/// Runs one operation of the app's backend contract, giving the app its error.
pub(crate) async fn answer<T>(work: impl Future<Output = Result<T>>) -> std::result::Result<T, AppError> {
    work.await.map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails on a database error; answers the line of its `?` too.
    fn fails() -> (u32, Result<()>) {
        let line = line!() + 1;
        let run = || -> Result<()> { Err(sqlx::Error::RowNotFound)? };
        (line, run())
    }

    #[test]
    fn a_database_error_records_the_line_of_its_question_mark() {
        let (line, Err(Error::Database { at, .. })) = fails() else { unreachable!("fails() fails") };
        assert_eq!((at.file(), at.line()), (file!(), line));
    }

    #[test]
    fn refusals_pass_through_and_everything_else_is_hidden() {
        assert_eq!(AppError::from(Error::Refused(AppError::NotFound)), AppError::NotFound);
        assert_eq!(AppError::from(Error::internal("no")), AppError::Internal);
        assert_eq!(AppError::from(fails().1.unwrap_err()), AppError::Internal);
    }

    #[test]
    fn or_internal_records_its_call() {
        let line = line!() + 1;
        let Err(Error::Internal { at, message }) = Err::<(), _>("broken").or_internal() else { unreachable!() };
        assert_eq!((at.line(), message.as_str()), (line, "broken"));
    }
}
