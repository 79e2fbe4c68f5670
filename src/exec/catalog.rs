//! The catalog: what the session has learnt about the cluster (worker version, connector names,
//! plugins, plugin config keys), as an immutable snapshot behind a cheap shared handle.
//!
//! The Session is the only writer: its transport folds in every answer it gets (a listing
//! replaces the names, a confirmed create adds one, a drop removes one), so the catalog never
//! costs a request of its own. Readers (the completer, the banner) call
//! [`CatalogCache::snapshot`] and get an `Arc<Catalog>` they may keep: they never lock the
//! session and never wait on the network. A snapshot is only as fresh as the last answer.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::connect::model::{ConfigKeyInfo, PluginInfo, ServerInfo};

/// One consistent view of what the session knows. Fields are `None` until first learnt.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// `GET /` of the worker in use.
    pub server: Option<ServerInfo>,
    /// Connector names, sorted, and when they were learnt.
    pub connectors: Option<(Instant, Vec<String>)>,
    /// Connector plugins (`GET /connector-plugins`), sorted by class.
    pub plugins: Option<Vec<PluginInfo>>,
    /// Config definitions per plugin class or alias as asked (`GET /connector-plugins/{c}/config`).
    pub plugin_keys: BTreeMap<String, Vec<ConfigKeyInfo>>,
    /// Kafka topic names, sorted, and when they were learnt (SHOW TOPICS, PRINT).
    pub topics: Option<(Instant, Vec<String>)>,
}

impl Catalog {
    /// Connector names (empty when not learnt yet).
    pub fn connector_names(&self) -> &[String] {
        self.connectors.as_ref().map_or(&[], |(_, n)| n.as_slice())
    }

    /// Kafka topic names (empty when not learnt yet).
    pub fn topic_names(&self) -> &[String] {
        self.topics.as_ref().map_or(&[], |(_, n)| n.as_slice())
    }

    /// Connector plugin classes (empty when not learnt yet).
    pub fn plugin_classes(&self) -> Vec<String> {
        self.plugins
            .iter()
            .flatten()
            .map(|p| p.class.clone())
            .collect()
    }

    /// The config keys a plugin defines, if learnt.
    pub fn plugin_config_keys(&self, class: &str) -> Option<Vec<String>> {
        self.plugin_keys
            .get(class)
            .map(|keys| keys.iter().map(|k| k.name.clone()).collect())
    }
}

/// A shared handle on the latest [`Catalog`]; clone it freely (it is one `Arc`).
#[derive(Debug, Clone, Default)]
pub struct CatalogCache(Arc<RwLock<Arc<Catalog>>>);

impl CatalogCache {
    /// The latest snapshot. Never blocks on the network; the lock is held only to clone an `Arc`.
    pub fn snapshot(&self) -> Arc<Catalog> {
        Arc::clone(&self.0.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Replaces the snapshot by `change` applied to a copy of it (the session's transport only).
    pub(super) fn update(&self, change: impl FnOnce(&mut Catalog)) {
        let mut slot = self.0.write().unwrap_or_else(|e| e.into_inner());
        let mut next = Catalog::clone(&slot);
        change(&mut next);
        *slot = Arc::new(next);
    }

    /// Sets the connector names (sorted, deduplicated).
    pub(super) fn set_connectors(&self, mut names: Vec<String>) {
        names.sort();
        names.dedup();
        self.update(|c| c.connectors = Some((Instant::now(), names)));
    }

    /// Sets the Kafka topic names (sorted).
    pub(super) fn set_topics(&self, mut names: Vec<String>) {
        names.sort();
        names.dedup();
        self.update(|c| c.topics = Some((Instant::now(), names)));
    }

    /// Adds (true) or removes (false) one connector name, if names are known.
    pub(super) fn note_connector(&self, name: &str, exists: bool) {
        self.update(|c| {
            if let Some((_, names)) = c.connectors.as_mut() {
                match (names.binary_search_by(|n| n.as_str().cmp(name)), exists) {
                    (Err(i), true) => names.insert(i, name.to_string()),
                    (Ok(i), false) => {
                        names.remove(i);
                    }
                    _ => {}
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_are_stable_while_the_cache_moves_on() {
        let cache = CatalogCache::default();
        assert!(cache.snapshot().connector_names().is_empty());
        cache.set_connectors(vec!["b".into(), "a".into(), "a".into()]);
        let before = cache.snapshot();
        cache.note_connector("c", true);
        cache.note_connector("a", false);
        assert_eq!(before.connector_names(), ["a", "b"]);
        assert_eq!(cache.snapshot().connector_names(), ["b", "c"]);
        let other = cache.clone();
        other.note_connector("d", true);
        assert_eq!(cache.snapshot().connector_names(), ["b", "c", "d"]);
    }
}
