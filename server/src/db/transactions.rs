//! The two kinds of transaction: a write, which waits its turn behind the one writer before it,
//! in arrival order, and a read, which runs beside every other read and every write.
//!
//! Both dereference to the connection, so queries run on `&mut *tx` either way. Only a
//! [`WriteTx`] can append to the audit log; a read hands its entries to the audit appender.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The turn to write: one writer in this process at a time, first come first served, so
/// writers queue here rather than poll SQLite's busy handler (whose back-off, up to 100 ms a
/// try, made every contended write slow and some fail with "database is locked").
#[derive(Clone, Debug, Default)]
pub struct WriterTurn(Arc<Mutex<()>>);

impl WriterTurn {
    /// Waits for the turn.
    pub async fn take(&self) -> OwnedMutexGuard<()> {
        self.0.clone().lock_owned().await
    }
}

/// A transaction that writes: holds the writer's turn until it commits or is dropped.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    pub(super) fn new(tx: Transaction<'static, Any>, turn: OwnedMutexGuard<()>) -> Self {
        Self { tx, _turn: turn }
    }

    /// Commits, then gives up the turn.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// A transaction that only reads: a snapshot (SQLite's WAL, PostgreSQL's repeatable read)
/// on a connection that refuses writes.
pub struct ReadTx {
    tx: Transaction<'static, Any>,
}

impl ReadTx {
    pub(super) fn new(tx: Transaction<'static, Any>) -> Self {
        Self { tx }
    }

    /// Ends the snapshot and returns the connection to the pool.
    pub async fn finish(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

macro_rules! connection_deref {
    ($t:ty) => {
        impl Deref for $t {
            type Target = AnyConnection;
            fn deref(&self) -> &AnyConnection {
                &self.tx
            }
        }

        impl DerefMut for $t {
            fn deref_mut(&mut self) -> &mut AnyConnection {
                &mut self.tx
            }
        }
    };
}

connection_deref!(WriteTx);
connection_deref!(ReadTx);
