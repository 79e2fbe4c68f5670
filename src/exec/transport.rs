//! The transport under the executor: every request a statement makes goes through
//! [`Session::send`], which by [`Mode`] sends it (live), lets reads pass and records writes
//! (dry run, EXPLAIN), or fails every request with "needs the cluster" (`--check`, offline).
//! Which requests are writes is `Request::changes_state`'s answer, nobody else's.
//!
//! A recorded write is answered with a synthetic success (`200`, empty body) so the statement
//! runs on exactly as it would live; in a dry run a write about one connector is first checked
//! the way Connect would check it (the connector exists, the task exists, a new name is free),
//! so "does not exist" and IF EXISTS behave as live. Every exchange is logged for the statement
//! ([`Exchange`]): EXPLAIN prints the log, the dry-run preview describes its writes, and
//! [`Session::changed_state`] reads it. Answers are folded into the [`super::CatalogCache`].

use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use super::Session;
use super::http::{Method, Request, connector_path};
use crate::connect::model::{ConnectorInfo, PluginInfo, ServerInfo};
use crate::connect::{ApiError, Response};

/// How requests travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every request is sent.
    #[default]
    Live,
    /// Reads are sent; writes are checked, recorded and answered with a synthetic success.
    DryRun,
    /// Reads are sent; writes are recorded and answered with a synthetic success.
    Explain,
    /// Nothing is sent: every request fails with [`NEEDS_CLUSTER`] (`--check`).
    Offline,
}

/// The error of every request in [`Mode::Offline`].
pub const NEEDS_CLUSTER: &str = "this needs the cluster (offline check)";

/// What happened to one request of the statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub request: Request,
    pub fate: Fate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Sent; `ok` when Connect confirmed it.
    Sent { ok: bool },
    /// A write recorded instead of sent (dry run, EXPLAIN).
    Recorded,
    /// Refused without sending (offline).
    Offline,
}

impl Session {
    /// Sends one request through the session's transport (see the module doc).
    pub(super) fn send(&self, req: &Request) -> Result<Response, ApiError> {
        if self.mode != Mode::Offline {
            self.refuse_unaddressable(req)?;
        }
        let write = req.changes_state();
        if write && self.mode == Mode::Live {
            // Refused before sending, like an unaddressable name: not in the log.
            self.check_guard(req)?;
        }
        let (result, fate) = match (self.mode, write) {
            (Mode::Offline, _) => (Err(ApiError::Other(NEEDS_CLUSTER.into())), Fate::Offline),
            (Mode::Live, _) | (_, false) => {
                let result = self.client.send(req);
                if let Ok(resp) = &result {
                    self.observe(req, resp);
                }
                let ok = result.is_ok();
                (result, Fate::Sent { ok })
            }
            (Mode::DryRun, true) => match self.probe(req) {
                Ok(()) => (Ok(synthetic()), Fate::Recorded),
                Err(e) => return Err(e),
            },
            (Mode::Explain, true) => (Ok(synthetic()), Fate::Recorded),
        };
        self.log.lock().unwrap().push(Exchange {
            request: req.clone(),
            fate,
        });
        result
    }

    /// Kafka Connect 4.x's web server (Jetty 12) rejects an encoded `%` or `\\` in a path before
    /// Connect sees the request: an HTML "Ambiguous URI path encoding" / "Suspicious Path
    /// Character" page for a GET, an empty 400 for a write. Such a request is refused here,
    /// before anything is sent, for every statement and mode; older workers accept them. Only a
    /// path that holds one costs the (cached) version look-up.
    fn refuse_unaddressable(&self, req: &Request) -> Result<(), ApiError> {
        let rejected = |segment: &str| segment.contains("%25") || segment.contains("%5C");
        let Some(segment) = req.path.split('/').find(|s| rejected(s)) else {
            return Ok(());
        };
        let info = self
            .server_info()
            .map_err(|e| ApiError::Other(e.to_string()))?;
        if !info.at_least(4, 0) {
            return Ok(());
        }
        let name = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        let what = if req.path.starts_with("/connector-plugins/") {
            "plugin"
        } else if req.path.starts_with("/admin/loggers/") {
            "logger"
        } else {
            "connector"
        };
        Err(ApiError::Other(format!(
            "Kafka Connect cannot address {what} \"{name}\" by URL: the web server of Kafka \
             Connect {} rejects the encoded '%' or '\\' in the name; nothing was sent",
            info.version
        )))
    }

    /// `send`, then decode the body.
    pub(super) fn send_json<T: DeserializeOwned>(&self, req: &Request) -> Result<T, ApiError> {
        self.send(req)?.json()
    }

    /// The exchanges of the statement so far, taking them out of the log.
    pub(super) fn take_log(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    /// Whether the statement's requests touched the network layer at all in offline mode.
    pub(super) fn went_offline(log: &[Exchange]) -> bool {
        log.iter().any(|e| e.fate == Fate::Offline)
    }

    /// Dry run: answers a write the way Connect would refuse it, by reading (never writing).
    fn probe(&self, req: &Request) -> Result<(), ApiError> {
        if req.method == Method::Post && req.path == "/connectors" {
            let Some(name) = req
                .body
                .as_ref()
                .and_then(|b| b.get("name"))
                .and_then(|n| n.as_str())
            else {
                return Ok(());
            };
            let path = connector_path(name, "").map_err(|e| ApiError::Other(e.to_string()))?;
            return match self.client.send(&Request::get(path)) {
                Ok(_) => Err(ApiError::Status {
                    status: 409,
                    message: format!("Connector {name} already exists"),
                }),
                Err(e) if e.is_not_found() => Ok(()),
                Err(e) => Err(e),
            };
        }
        let Some((segment, rest)) = connector_segment(&req.path) else {
            return Ok(());
        };
        // PUT .../config creates the connector when it is missing: nothing to refuse.
        if req.method == Method::Put && rest == "/config" {
            return Ok(());
        }
        // A connector this statement would have created (CREATE ... WITH OFFSETS sets its
        // offsets and state after the POST) exists by then.
        if self.recorded_create(&decode(segment)) {
            return Ok(());
        }
        let info: ConnectorInfo = self
            .client
            .send_json(&Request::get(format!("/connectors/{segment}")))?;
        if let Some(task) = rest
            .strip_prefix("/tasks/")
            .and_then(|t| t.strip_suffix("/restart"))
            .and_then(|t| t.parse::<u32>().ok())
            && !info.tasks.iter().any(|t| t.task == task)
        {
            return Err(ApiError::Status {
                status: 404,
                message: format!("Unknown task {}-{task}", info.name),
            });
        }
        Ok(())
    }

    /// Whether the statement recorded (did not send) the POST that creates connector `name`.
    fn recorded_create(&self, name: &str) -> bool {
        self.log.lock().unwrap().iter().any(|e| {
            e.fate == Fate::Recorded
                && e.request.method == Method::Post
                && e.request.path == "/connectors"
                && e.request.body.as_ref().and_then(|b| b["name"].as_str()) == Some(name)
        })
    }

    /// Folds a confirmed answer into the catalog.
    fn observe(&self, req: &Request, resp: &Response) {
        let catalog = &self.catalog;
        match (req.method, req.path.as_str(), req.query.is_empty()) {
            (Method::Get, "/", _) => {
                if let Ok(info) = resp.json::<ServerInfo>() {
                    catalog.update(|c| c.server = Some(info));
                }
            }
            (Method::Get, "/connectors", true) => {
                if let Ok(names) = resp.json::<Vec<String>>() {
                    catalog.set_connectors(names);
                }
            }
            (Method::Get, "/connector-plugins", true) => {
                if let Ok(mut list) = resp.json::<Vec<PluginInfo>>() {
                    list.sort_by(|a, b| a.class.cmp(&b.class));
                    catalog.update(|c| c.plugins = Some(list));
                }
            }
            (Method::Post, "/connectors", _) => {
                if let Some(name) = req.body.as_ref().and_then(|b| b["name"].as_str()) {
                    catalog.note_connector(name, true);
                }
            }
            (method, path, plain) => {
                if let Some(class) = path
                    .strip_prefix("/connector-plugins/")
                    .and_then(|p| p.strip_suffix("/config"))
                    && method == Method::Get
                {
                    // The definitions of one version (`?version=`) are not the plugin's.
                    if !plain {
                        return;
                    }
                    if let Ok(keys) = resp.json() {
                        let class = decode(class);
                        catalog.update(|c| {
                            c.plugin_keys.insert(class, keys);
                        });
                    }
                } else if let Some((segment, rest)) = connector_segment(path) {
                    match (method, rest) {
                        (Method::Delete, "") => catalog.note_connector(&decode(segment), false),
                        (Method::Put, "/config") => catalog.note_connector(&decode(segment), true),
                        _ => {}
                    }
                }
            }
        }
    }
}

/// `/connectors/{segment}{rest}` -> (segment, rest), the segment still encoded.
pub(super) fn connector_segment(path: &str) -> Option<(&str, &str)> {
    let tail = path.strip_prefix("/connectors/")?;
    let end = tail.find('/').unwrap_or(tail.len());
    Some((&tail[..end], &tail[end..]))
}

/// A percent-encoded path segment back to text.
pub(super) fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// The answer to a recorded write: success, no body.
fn synthetic() -> Response {
    Response {
        status: 200,
        body: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connector_paths_split_into_segment_and_rest() {
        assert_eq!(
            connector_segment("/connectors/a%20b/tasks/0/restart"),
            Some(("a%20b", "/tasks/0/restart"))
        );
        assert_eq!(connector_segment("/connectors/a"), Some(("a", "")));
        assert_eq!(connector_segment("/connectors"), None);
        assert_eq!(decode("a%20b%2Fc"), "a b/c");
    }
}
