//! The one integration test binary. Tests run against a real Kafka Connect cluster whose URL is
//! in `KCSH_TEST_URL` (and broker bootstrap in `KCSH_TEST_BOOTSTRAP`); they fail without it.

mod exec_cluster;
mod exec_connectors;
mod exec_lifecycle;
mod exec_util;
