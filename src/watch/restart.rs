//! `WATCH ... RESTART FAILED`'s policy, pure: when a failing connector may be restarted again.
//! Per connector: the first restart at once, then waits that double from [`Backoff::FIRST`] up
//! to [`Backoff::CAP`]; after [`Backoff::MAX_RESTARTS`] restarts it is left alone (said once).
//! A connector seen healthy for [`Backoff::STABLE`] is forgotten, so a connector that fails
//! once a night starts afresh, while one that fails again soon after each restart runs into
//! the cap. Decides only; the shell sends the restarts as RESTART CONNECTOR statements.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What to do about one failing connector now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Restart it; this is restart number `attempt` (1-based) of at most `MAX_RESTARTS`.
    Restart { attempt: u32 },
    /// It failed again after the last allowed restart: leave it (reported once).
    GiveUp { restarts: u32 },
}

#[derive(Debug, Clone)]
struct Entry {
    restarts: u32,
    last: Instant,
    gave_up: bool,
    healthy_since: Option<Instant>,
}

/// The restart history of every connector one WATCH has restarted.
#[derive(Debug, Default)]
pub struct Backoff {
    entries: HashMap<String, Entry>,
}

impl Backoff {
    /// Wait after the first restart before a second one.
    pub const FIRST: Duration = Duration::from_secs(10);
    /// Longest wait between two restarts of one connector.
    pub const CAP: Duration = Duration::from_secs(300);
    /// Restarts of one connector before WATCH leaves it alone.
    pub const MAX_RESTARTS: u32 = 5;
    /// Healthy this long, a connector's history is forgotten.
    pub const STABLE: Duration = Duration::from_secs(600);

    /// The wait after restart number `n` (1-based) before the next one.
    pub fn delay_after(n: u32) -> Duration {
        let doublings = n.saturating_sub(1).min(16);
        Backoff::FIRST
            .saturating_mul(1 << doublings)
            .min(Backoff::CAP)
    }

    /// Given the connectors failing now (among those watched; `watched` tells whether a
    /// connector is still in view, so that one out of view is not counted healthy), what to do
    /// about each, in `failing`'s order. Records the restarts it decides.
    pub fn decide(
        &mut self,
        now: Instant,
        failing: &[String],
        watched: impl Fn(&str) -> bool,
    ) -> Vec<(String, Decision)> {
        self.entries.retain(|name, e| {
            if failing.contains(name) {
                e.healthy_since = None;
                return true;
            }
            if !watched(name) {
                return true;
            }
            let since = *e.healthy_since.get_or_insert(now);
            now.saturating_duration_since(since) < Backoff::STABLE
        });
        let mut decisions = Vec::new();
        for name in failing {
            let entry = self.entries.get_mut(name);
            match entry {
                None => {
                    self.entries.insert(
                        name.clone(),
                        Entry {
                            restarts: 1,
                            last: now,
                            gave_up: false,
                            healthy_since: None,
                        },
                    );
                    decisions.push((name.clone(), Decision::Restart { attempt: 1 }));
                }
                Some(e) if e.gave_up => {}
                // Each decision waits out the backoff after the last restart: until then a
                // FAILED state may be the one the restart has not replaced yet.
                Some(e)
                    if now.saturating_duration_since(e.last) < Backoff::delay_after(e.restarts) => {
                }
                Some(e) if e.restarts >= Backoff::MAX_RESTARTS => {
                    e.gave_up = true;
                    decisions.push((
                        name.clone(),
                        Decision::GiveUp {
                            restarts: e.restarts,
                        },
                    ));
                }
                Some(e) => {
                    e.restarts += 1;
                    e.last = now;
                    decisions.push((
                        name.clone(),
                        Decision::Restart {
                            attempt: e.restarts,
                        },
                    ));
                }
            }
        }
        decisions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn waits_double_up_to_the_cap() {
        let waits: Vec<u64> = (1..=7).map(|n| Backoff::delay_after(n).as_secs()).collect();
        assert_eq!(waits, vec![10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(Backoff::delay_after(u32::MAX), Backoff::CAP);
    }

    #[test]
    fn a_failing_connector_is_restarted_with_backoff_then_left_alone() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        let failing = names(&["a"]);
        let mut restarts = Vec::new();
        let mut gave_up = Vec::new();
        // One tick a second for an hour.
        for s in 0..3600 {
            let now = t0 + Duration::from_secs(s);
            for (_, d) in b.decide(now, &failing, |_| true) {
                match d {
                    Decision::Restart { attempt } => restarts.push((s, attempt)),
                    Decision::GiveUp { restarts } => gave_up.push((s, restarts)),
                }
            }
        }
        assert_eq!(restarts, vec![(0, 1), (10, 2), (30, 3), (70, 4), (150, 5)]);
        assert_eq!(gave_up, vec![(310, 5)]);
    }

    #[test]
    fn a_connector_healthy_long_enough_starts_afresh() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        assert_eq!(b.decide(t0, &names(&["a"]), |_| true).len(), 1);
        // Healthy, but not for long: the next failure waits for its backoff.
        let t1 = t0 + Duration::from_secs(5);
        assert!(b.decide(t1, &[], |_| true).is_empty());
        let t2 = t0 + Duration::from_secs(6);
        assert!(b.decide(t2, &names(&["a"]), |_| true).is_empty());
        // Healthy for STABLE: forgotten, restarted at once when it fails again.
        let t3 = t2 + Duration::from_secs(1);
        b.decide(t3, &[], |_| true);
        let t4 = t3 + Backoff::STABLE;
        b.decide(t4, &[], |_| true);
        assert_eq!(
            b.decide(t4, &names(&["a"]), |_| true),
            vec![("a".to_string(), Decision::Restart { attempt: 1 })]
        );
    }

    #[test]
    fn a_connector_out_of_view_keeps_its_history() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        b.decide(t0, &names(&["a"]), |_| true);
        let later = t0 + Backoff::STABLE * 2;
        b.decide(later, &[], |_| false);
        assert_eq!(
            b.decide(later, &names(&["a"]), |_| true),
            vec![("a".to_string(), Decision::Restart { attempt: 2 })]
        );
    }
}
