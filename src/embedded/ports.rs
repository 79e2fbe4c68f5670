//! Free TCP ports on the loopback interface, and a check that a given port is free.
//! Ports are found by binding to port 0; they are free when returned, not reserved.

use std::io;
use std::net::{TcpListener, ToSocketAddrs};

/// `n` distinct ports on 127.0.0.1 that were free a moment ago. All listeners are held until
/// every port is picked, so the kernel cannot hand out the same port twice.
pub fn free_loopback_ports(n: usize) -> io::Result<Vec<u16>> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind(("127.0.0.1", 0)))
        .collect::<io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect()
}

/// Whether something already listens on `host:port` (binding fails with "address in use").
pub fn is_taken(host: &str, port: u16) -> bool {
    let Ok(addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|a| matches!(TcpListener::bind(a), Err(e) if e.kind() == io::ErrorKind::AddrInUse))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_distinct_and_a_bound_port_is_taken() {
        let ports = free_loopback_ports(3).unwrap();
        assert_eq!(ports.len(), 3);
        assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
        let held = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        assert!(is_taken("127.0.0.1", port));
        drop(held);
        assert!(!is_taken("127.0.0.1", port));
    }
}
