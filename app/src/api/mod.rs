//! Server functions, one module per area. Each is thin: actor and backend from context, one
//! backend operation, errors mapped.

pub mod auth;
