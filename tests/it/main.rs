//! The one integration test binary. Tests run against a real Kafka Connect cluster whose URL is
//! in `KCSH_TEST_URL` (broker bootstrap in `KCSH_TEST_BOOTSTRAP`, Kafka jars in
//! `KCSH_TEST_KAFKA_HOME`); `scripts/test` starts one and sets them. Without them the tests that
//! need a cluster fail with a message saying how to run them, never pass silently.
//! Each module names its connectors after itself (see `harness::unique_name`).

mod auth;
mod cluster;
mod exec_binary;
mod exec_cluster;
mod exec_connectors;
mod exec_lifecycle;
mod exec_trust;
mod exec_util;
mod fault_proxy;
mod faults;
mod fuzz_corpus;
mod harness;
mod secrets;
mod shell_common;
mod shell_pty;
mod shell_script;
