//! The properties `SET`, `UNSET` and `SHOW PROPERTIES` know, as one typed list: the shell's own
//! (`output`, `on.error`) and the session's ([`exec::PROPERTIES`], owned by exec). One
//! `FromStr` names them for the statements; the completer and help read [`Property::all`].
//! Values of the shell's own are parsed by the same `FromStr` as their command-line flags.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::exec;

/// One property a session has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    /// `output`: the output format (`--output`).
    Output,
    /// `on.error`: what a script does when a statement fails (`--on-error`).
    OnError,
    /// One of the session's own settings, by its name in [`exec::PROPERTIES`].
    Session(&'static str),
}

impl Property {
    /// Every property, sorted by name.
    pub fn all() -> Vec<Property> {
        let mut all: Vec<Property> = [Property::Output, Property::OnError]
            .into_iter()
            .chain(exec::PROPERTIES.iter().map(|(n, _)| Property::Session(n)))
            .collect();
        all.sort_by_key(|p| p.name());
        all
    }

    pub fn name(self) -> &'static str {
        match self {
            Property::Output => "output",
            Property::OnError => "on.error",
            Property::Session(name) => name,
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            Property::Output => "output format: tabular or json",
            Property::OnError => "what a script does when a statement fails: stop or continue",
            Property::Session(name) => exec::PROPERTIES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, about)| about),
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Property {
    type Err = Error;

    /// A property by name, case-insensitive; unknown names list the valid ones.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Property::all()
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = Property::all().iter().map(|p| p.name()).collect();
                Error::usage(format!(
                    "unknown property '{s}'; valid properties: {}",
                    names.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_parse_by_name_and_list_the_valid_ones() {
        assert_eq!("OUTPUT".parse::<Property>().unwrap(), Property::Output);
        assert_eq!("on.error".parse::<Property>().unwrap(), Property::OnError);
        assert_eq!(
            "Dry.Run".parse::<Property>().unwrap(),
            Property::Session("dry.run")
        );
        let err = "colour".parse::<Property>().unwrap_err().to_string();
        assert!(
            err.contains("on.error") && err.contains("wait.timeout"),
            "{err}"
        );
        let names: Vec<&str> = Property::all().iter().map(|p| p.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert!(Property::all().iter().all(|p| !p.about().is_empty()));
    }
}
