//! The one test-support module of the integration tests. No assertions about kcsh's behaviour
//! live here, only what the tests stand on:
//! - `cluster`: the shared test cluster from the environment `scripts/test` sets, skipping (or,
//!   under `KCSH_TEST_REQUIRE_CLUSTER=1`, failing) a test that needs one when none is set, and
//!   extra Connect workers on its Kafka;
//! - `command`: the built `kcsh` in a pinned environment, transcripts and snapshot filters;
//! - `http`: plain HTTP to a worker, polling, unique names, cleanup guards;
//! - `session`: an in-process `Session` on the cluster and readers of its `Output`;
//! - `plugin_cluster`: one separate embedded cluster for tests that install plugins or restart
//!   its worker (started on first use, locked per test, stopped at exit);
//! - `fake_connect`: an in-process fake Connect on loopback (canned answers, scripted faults,
//!   optionally forwarding to a real worker) for what a real worker cannot show;
//! - `postgres`: a throwaway PostgreSQL (logical decoding on) for the real-connector tests.
//!
//! A test that needs the cluster starts with `require_cluster!();`.

#![allow(dead_code, unused_imports)] // each test module uses a different subset

pub mod cluster;
pub mod command;
pub mod fake_connect;
pub mod http;
pub mod plugin_cluster;
pub mod postgres;
pub mod session;

pub use cluster::*;
pub use command::*;
pub use fake_connect::*;
pub use http::*;
pub use plugin_cluster::*;
pub use session::*;

/// Return early, saying so on stderr, when no test cluster is configured (`KCSH_TEST_URL`);
/// fail instead under `KCSH_TEST_REQUIRE_CLUSTER=1` (what `scripts/test` and CI set).
macro_rules! require_cluster {
    () => {
        if !$crate::harness::cluster::available() {
            return;
        }
    };
}

/// Return early, saying so on stderr, when PostgreSQL's binaries are missing; fail instead under
/// `KCSH_TEST_REQUIRE_CLUSTER=1` (`scripts/test` installs them).
macro_rules! require_postgres {
    () => {
        if !$crate::harness::postgres::available() {
            return;
        }
    };
}
