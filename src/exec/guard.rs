//! The apply guard: a plan was computed against the connector configs it read ([`Basis`]);
//! applying it must not overwrite a connector that changed since. [`Session::guard`] takes
//! those bases; then the first live write about each guarded connector first reads the
//! connector again and is refused, unsent, when it is not what the plan read.
//! Limits: Connect has no conditional write, so a change landing between this read and the
//! write itself (milliseconds) is not seen; later writes about the same connector in the same
//! run are not checked again (the run itself changed it).

use std::collections::BTreeMap;

use super::Session;
use super::http::{Method, Request, connector_path};
use super::preview::Basis;
use super::transport::{connector_segment, decode};
use crate::connect::ApiError;

impl Session {
    /// Guard the next live writes about these connectors (see the module doc); replaces any
    /// earlier guard.
    pub fn guard(&self, bases: BTreeMap<String, Basis>) {
        *self.guard.lock().unwrap() = bases;
    }

    /// Before a live write: refuses it when its connector is guarded and changed.
    pub(super) fn check_guard(&self, req: &Request) -> Result<(), ApiError> {
        let Some(name) = written_connector(req) else {
            return Ok(());
        };
        let Some(expected) = self.guard.lock().unwrap().remove(&name) else {
            return Ok(());
        };
        let path = connector_path(&name, "/config").map_err(|e| ApiError::Other(e.to_string()))?;
        // Read past the transport: this read is the guard's, not the statement's.
        let now = match self.client.send(&Request::get(path)) {
            Ok(resp) => Basis::Config(resp.json()?),
            Err(e) if e.is_not_found() => Basis::Missing,
            Err(e) => return Err(e),
        };
        match changed(&expected, &now) {
            None => Ok(()),
            Some(what) => Err(ApiError::Other(format!(
                "connector {name} changed after the plan read it ({what}); \
                 not overwritten, nothing was sent for it. Plan again to see the change"
            ))),
        }
    }
}

/// The connector a write is about: the name in a create's body, or the path's segment.
fn written_connector(req: &Request) -> Option<String> {
    if req.method == Method::Post && req.path == "/connectors" {
        return req.body.as_ref()?.get("name")?.as_str().map(str::to_string);
    }
    connector_segment(&req.path).map(|(segment, _)| decode(segment))
}

/// How `now` differs from `expected`, in words that name keys but never values (a value may
/// be a secret); `None` when they are the same.
pub(crate) fn changed(expected: &Basis, now: &Basis) -> Option<String> {
    match (expected, now) {
        (Basis::Missing, Basis::Missing) => None,
        (Basis::Missing, Basis::Config(_)) => Some("it was created by someone else".into()),
        (Basis::Config(_), Basis::Missing) => Some("it was dropped".into()),
        (Basis::Config(old), Basis::Config(new)) => {
            let keys = changed_keys(old, new);
            (!keys.is_empty()).then(|| format!("keys changed: {}", keys.join(", ")))
        }
    }
}

/// The keys whose values differ, were added or were removed, sorted.
pub(crate) fn changed_keys(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut keys: Vec<String> = old
        .iter()
        .filter(|(k, v)| new.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    keys.extend(new.keys().filter(|k| !old.contains_key(*k)).cloned());
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Basis {
        Basis::Config(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_change_names_keys_never_values() {
        let old = config(&[("a", "1"), ("db.password", "s3cret"), ("gone", "x")]);
        let new = config(&[("a", "1"), ("db.password", "other"), ("new", "y")]);
        let what = changed(&old, &new).unwrap();
        assert_eq!(what, "keys changed: db.password, gone, new");
        assert!(!what.contains("s3cret") && !what.contains("other"));
        assert_eq!(changed(&old, &old), None);
        assert_eq!(changed(&Basis::Missing, &Basis::Missing), None);
        assert!(changed(&Basis::Missing, &old).unwrap().contains("created"));
        assert!(changed(&old, &Basis::Missing).unwrap().contains("dropped"));
    }

    #[test]
    fn writes_name_their_connector() {
        let create = Request::post("/connectors", serde_json::json!({"name": "a b"}));
        assert_eq!(written_connector(&create).as_deref(), Some("a b"));
        let pause = Request::put("/connectors/a%2Fb/pause");
        assert_eq!(written_connector(&pause).as_deref(), Some("a/b"));
        assert_eq!(written_connector(&Request::put("/admin/loggers/x")), None);
    }
}
