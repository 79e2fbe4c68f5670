//! Real third-party connectors end to end (issue 12): Debezium's PostgreSQL source and its JDBC
//! sink on a dedicated Connect worker, against the harness's throwaway PostgreSQL. Checks what
//! reaches the topic and the target table, and that kcsh's statements (DESCRIBE, offsets,
//! STOP / RESUME, SHOW CREATE) hold on connectors that are not Kafka's own.

use crate::harness::postgres;

/// The harness's PostgreSQL is what Debezium needs: logical decoding, loopback only, and a
/// password that is really checked over TCP.
#[test]
fn postgres_harness_is_logical_on_loopback_with_password_auth() {
    require_postgres!();
    let pg = postgres::shared();
    assert_eq!(pg.psql("postgres", "SHOW wal_level"), "logical");
    assert_eq!(pg.psql("postgres", "SHOW listen_addresses"), "127.0.0.1");
    assert_eq!(
        pg.psql(
            "postgres",
            "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' LIMIT 1"
        ),
        "scram-sha-256"
    );
}
