//! `INSTALL PLUGIN 'group:artifact:version'`: fetch a plugin into kcsh's plugin cache (see
//! `embedded/install.rs`), restart kcsh's own worker (`embedded/own.rs`) and wait until
//! `GET /connector-plugins` lists every class the plugin declares. Refused (exit 2, nothing
//! fetched) for a worker kcsh did not start. The one statement besides WAIT FOR whose code
//! looks at the mode: its fetch and restart are not REST requests, so under EXPLAIN, dry run
//! and `--check` they are recorded as effects (EXPLAIN prints them after the requests) instead
//! of done. Any failure before the restart leaves the worker as it was; a restart that does
//! not bring the plugin up removes the plugin again and restarts the worker without it.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{Mode, Session};
use crate::connect::model::PluginInfo;
use crate::embedded::install::{self, Coordinates, Installed, Packaging};
use crate::embedded::{OwnWorker, plugins};
use crate::error::Error;
use crate::output::Output;
use crate::secrets::redact_url;

use super::http::Request;

/// How long a restarted worker may take to list the plugin once it is healthy.
const LISTED_TIMEOUT: Duration = Duration::from_secs(60);

/// EXPLAIN's text for effects outside the REST API, after the requests.
pub(super) fn append_effects(text: &mut String, effects: &[String]) {
    if effects.is_empty() {
        return;
    }
    text.push_str("\nOutside the REST API:");
    for e in effects {
        text.push_str("\n  ");
        text.push_str(e);
    }
}

/// The plugin cache the worker loads: this kcsh's, or the one of the kcsh that started it
/// (another `XDG_CACHE_HOME`); none for a `--worker-config` file naming its own plugin.path.
fn plugin_cache_of(worker: &OwnWorker) -> Result<std::path::PathBuf, Error> {
    let mine = plugins::cache_dir()?;
    if worker.plugin_path.contains(&mine) {
        return Ok(mine);
    }
    worker
        .plugin_path
        .iter()
        .find(|p| p.ends_with("kcsh/plugins"))
        .cloned()
        .ok_or_else(|| {
            Error::usage(format!(
                "the worker at {} does not load kcsh's plugin cache: its plugin.path (from its \
                 --worker-config file) does not include {}. Fix: add that directory to \
                 plugin.path in the file and start the worker again",
                redact_url(&worker.url),
                mine.display()
            ))
        })
}

/// The classes that make the plugin, shortly: its connectors (or first classes) and a count.
fn summary(plugin: &plugins::Plugin) -> String {
    let shown: Vec<&str> = plugin
        .evidence()
        .iter()
        .take(3)
        .map(String::as_str)
        .collect();
    let more = plugin.declared.len().saturating_sub(shown.len());
    match more {
        0 => shown.join(", "),
        n => format!("{} and {n} more plugin classes", shown.join(", ")),
    }
}

impl Session {
    pub(super) fn install_plugin(&self, text: &str) -> Result<Output, Error> {
        let coords: Coordinates = text.parse()?;
        if self.mode == Mode::Offline {
            // `--check`: which worker runs it is not known yet; fails as every request does.
            self.all_plugins()?;
        }
        let url = self.client.url().to_string();
        let worker = OwnWorker::find(&url).ok_or_else(|| {
            Error::usage(format!(
                "INSTALL PLUGIN installs only into kcsh's own worker (kcsh --embedded, \
                 --worker-config FILE, or a cluster started with kcsh --embedded --detach); \
                 {} is not one, so nothing was fetched",
                redact_url(&url)
            ))
            .with_hint(
                "on another cluster, put the plugin in a directory on each worker's plugin.path \
                 and restart the workers",
            )
        })?;
        worker.check_restartable()?;
        let cache = plugin_cache_of(&worker)?;
        let before = self.all_plugins()?;
        if self.mode != Mode::Live {
            let effects = vec![
                install::describe_fetch(&cache, &coords),
                format!(
                    "restart the Connect worker at {} (pid {}, run dir {}) and wait until GET \
                     /connector-plugins lists the plugin",
                    redact_url(&url),
                    worker.worker_pid,
                    worker.run_dir.display()
                ),
            ];
            let message = format!("Would {}", effects.join(", then "));
            *self.effects.lock().unwrap() = effects;
            return Ok(Output::message(message));
        }
        let progress = self.opts.progress;
        let say = |m: &str| {
            if progress {
                let _ = writeln!(std::io::stderr(), "{}", crate::secrets::escape_control(m));
            }
        };
        let started = Instant::now();
        let installed = install::fetch(&cache, &coords, &worker.libs(), &say, Some(&self.cancel))?;
        let fetch_time = started.elapsed();
        let wanted = installed.plugin.evidence();
        let listed =
            |list: &[PluginInfo]| wanted.iter().all(|c| list.iter().any(|p| p.class == *c));
        // A plugin fetched just now is always loaded by a restart, even if another plugin
        // directory provides the same classes; one already in the cache only if not listed.
        if installed.packaging == Packaging::Cached && listed(&before) {
            return Ok(Output::message(format!(
                "{coords} is already installed ({}) and the worker lists it; nothing restarted",
                installed.dir.display()
            )));
        }
        let restarted = worker
            .restart(&say)
            .and_then(|took| self.wait_listed(&installed, &listed).map(|()| took));
        let took = match restarted {
            Ok(took) => took,
            Err(e) => return Err(self.roll_back(&coords, &installed, &worker, e, &say)),
        };
        // The worker restarted and lists the plugin: the script report counts it applied.
        self.changed_outside
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(Output::message(format!(
            "Installed {coords} into {} ({}; {} in {:.1} s): {}. The worker restarted in {:.1} s",
            installed.dir.display(),
            match installed.packaging {
                Packaging::Archive => "its plugin archive".to_string(),
                Packaging::Dependencies { excluded } => format!(
                    "its runtime dependencies, {excluded} jars the worker provides left out"
                ),
                Packaging::Cached => "from the cache".to_string(),
            },
            if installed.packaging == Packaging::Cached {
                "found"
            } else {
                "fetched"
            },
            fetch_time.as_secs_f64(),
            summary(&installed.plugin),
            took.as_secs_f64()
        )))
    }

    /// Every plugin the worker lists (connectors, converters, transforms, ...).
    fn all_plugins(&self) -> Result<Vec<PluginInfo>, Error> {
        Ok(self.send_json(&Request::get("/connector-plugins").query("connectorsOnly", "false"))?)
    }

    fn wait_listed(
        &self,
        installed: &Installed,
        listed: &dyn Fn(&[PluginInfo]) -> bool,
    ) -> Result<(), Error> {
        let started = Instant::now();
        loop {
            if let Ok(list) = self.all_plugins()
                && listed(&list)
            {
                return Ok(());
            }
            if started.elapsed() > LISTED_TIMEOUT || self.cancelled() {
                return Err(Error::statement(format!(
                    "the restarted worker does not list {} (its log says why)",
                    installed.plugin.evidence().join(", ")
                )));
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// After a failed restart: take a freshly fetched plugin out again and bring the worker back
    /// without it, so a broken plugin cannot keep the worker down.
    fn roll_back(
        &self,
        coords: &Coordinates,
        installed: &Installed,
        worker: &OwnWorker,
        error: Error,
        say: &dyn Fn(&str),
    ) -> Error {
        let _ = std::fs::remove_dir_all(&installed.dir);
        let back = match worker.restart(say) {
            Ok(_) => {
                "removed it from the plugin cache and restarted the worker without it".to_string()
            }
            Err(e) => format!(
                "removed it from the plugin cache; restarting the worker without it failed too: {}",
                e.message
            ),
        };
        Error::statement(format!(
            "installing {coords} failed: {}; {back}. Worker log: {}",
            error.message,
            worker.run_dir.join("connect.log").display()
        ))
    }
}
