//! Local Postgres servers for development and tests, with no docker.

mod tempserver;

pub use tempserver::TempServer;
