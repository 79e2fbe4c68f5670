//! The one integration test binary. Tests that need a real Kafka Connect cluster find it in
//! `KCSH_TEST_URL` (broker bootstrap in `KCSH_TEST_BOOTSTRAP`, Kafka jars in
//! `KCSH_TEST_KAFKA_HOME`); `scripts/test` starts one and sets them. Without them those tests
//! print that they were skipped (or fail, under `KCSH_TEST_REQUIRE_CLUSTER=1`, which
//! `scripts/test` sets), and every test that needs no cluster still runs.
//! All support code is in `harness`. Each module names its connectors after itself (see
//! `harness::unique_name`).

#[macro_use]
mod harness;

mod auth;
mod cluster;
mod data_lag;
mod exec_binary;
mod exec_cluster;
mod exec_connectors;
mod exec_lifecycle;
mod exec_moving;
mod exec_trust;
mod faults;
mod fleet_filters;
mod fuzz_corpus;
mod kafka_client;
mod kafka_print;
mod plan;
mod plugins;
mod real_connectors;
mod secrets;
mod shell_pty;
mod shell_script;
mod watch;
