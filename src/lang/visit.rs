//! One mutable walk over a statement's names, keys, literals and texts: variable resolution
//! (`vars.rs`) and ksqlDB's upper-casing (`--ksql-compat`) are both visitors, so neither lists
//! the statements. Each statement states what it holds beside its fields (`statement.rs`).

use std::fmt;

use super::ast::{Literal, Name, Property};

/// What a walk does at each kind of leaf; every method defaults to nothing.
pub trait VisitMut {
    /// A connector name or a property key.
    fn name(&mut self, _name: &mut Name) {}
    /// A property value.
    fn literal(&mut self, _literal: &mut Literal) {}
    /// Free text in which `${var}` substitutes: LIKE patterns, plugin and logger names, the
    /// strings of client statements.
    fn text(&mut self, _text: &mut String) {}
    /// A whole property list, after its keys and values were visited.
    fn properties(&mut self, _properties: &mut [Property]) {}
}

/// A statement (or part of one) that a [`VisitMut`] can walk; it prints its canonical text.
pub trait Node: fmt::Display {
    fn visit_mut(&mut self, v: &mut dyn VisitMut);
}

/// Visits each key and value of `properties`, then the list.
pub fn visit_properties(properties: &mut [Property], v: &mut dyn VisitMut) {
    for p in properties.iter_mut() {
        v.name(&mut p.key);
        v.literal(&mut p.value);
    }
    v.properties(properties);
}

/// `f` on every name and property key in a statement (EXPLAIN's included).
pub struct EachName<F>(pub F);

impl<F: FnMut(&mut Name)> VisitMut for EachName<F> {
    fn name(&mut self, name: &mut Name) {
        (self.0)(name)
    }
}
