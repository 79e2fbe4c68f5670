//! The grammar rules of `WHERE condition` (SHOW CONNECTORS, bulk statements) and of the bulk
//! `DROP CONNECTORS`. SQL precedence: `OR` < `AND` < `NOT` < predicate; parentheses group.
//! Attributes, their kinds and closed value sets come from `lang::filter::ATTRIBUTES`; type
//! errors (`tasks = 'x'`, `state > 'RUNNING'`) are parse errors at the offending token.
//! Nesting (parentheses, `NOT`) is capped at [`MAX_DEPTH`], so the recursion is bounded.

use super::super::filter::{
    ATTRIBUTES, Attribute, CompareOp, Filter, Kind, MAX_DEPTH, Value, check_value, closed_values,
};
use super::*;

impl Parser<'_> {
    /// where := WHERE condition
    pub(super) fn where_clause(&mut self, after: &str) -> PResult<Option<Filter>> {
        if !self.eat("WHERE") {
            return Ok(None);
        }
        let mut depth = 0;
        self.filter_or(&format!("{after} WHERE"), &mut depth)
            .map(Some)
    }

    /// condition := and_condition (OR and_condition)*
    fn filter_or(&mut self, after: &str, depth: &mut usize) -> PResult<Filter> {
        let mut parts = vec![self.filter_and(after, depth)?];
        while self.eat("OR") {
            parts.push(self.filter_and("OR", depth)?);
        }
        Ok(Filter::or(parts))
    }

    /// and_condition := not_condition (AND not_condition)*
    fn filter_and(&mut self, after: &str, depth: &mut usize) -> PResult<Filter> {
        let mut parts = vec![self.filter_not(after, depth)?];
        while self.eat("AND") {
            parts.push(self.filter_not("AND", depth)?);
        }
        Ok(Filter::and(parts))
    }

    /// not_condition := NOT not_condition | '(' condition ')' | predicate
    fn filter_not(&mut self, after: &str, depth: &mut usize) -> PResult<Filter> {
        if self.at("NOT") {
            let t = self.bump();
            self.deeper(t, depth)?;
            let inner = self.filter_not("NOT", depth)?;
            *depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.punct_is(self.peek(), "(") {
            let t = self.bump();
            self.deeper(t, depth)?;
            let inner = self.filter_or("'('", depth)?;
            self.expect_punct(")", &format!("the condition {inner}"))?;
            *depth -= 1;
            return Ok(inner);
        }
        self.predicate(after)
    }

    fn deeper(&self, t: Token, depth: &mut usize) -> PResult<()> {
        *depth += 1;
        if *depth > MAX_DEPTH {
            return Err(ParseError::at(
                self.src,
                t.span,
                format!("the condition nests more than {MAX_DEPTH} deep"),
            ));
        }
        Ok(())
    }

    /// predicate := attribute ( op value | [NOT] LIKE 'pattern' | [NOT] IN '(' value, ... ')' )
    fn predicate(&mut self, after: &str) -> PResult<Filter> {
        self.offer(Slot::Choice(
            Attribute::words().map(str::to_owned).collect(),
        ));
        let attr = match self.peek() {
            Some(t) if t.is_word() => match Attribute::from_word(self.text(t)) {
                Some(attr) => {
                    self.bump();
                    attr
                }
                None => return Err(self.unknown_attribute(t)),
            },
            _ => {
                return Err(self
                    .expected("an attribute", after)
                    .with_hint(attribute_list()));
            }
        };
        let after = attr.word();
        self.offer(Slot::Choice(
            CompareOp::ALL
                .iter()
                .map(|(_, s)| (*s).to_owned())
                .collect(),
        ));
        let negated = self.eat("NOT");
        let pred = if self.at("LIKE") {
            let t = self.bump();
            if attr.kind() == Kind::Count {
                return Err(ParseError::at(
                    self.src,
                    t.span,
                    format!("{attr} is a number: LIKE matches text; compare it with = < > ..."),
                ));
            }
            let pattern = self.string(
                "a 'pattern' (% and _ are wildcards)",
                &format!("{after} LIKE"),
            )?;
            Filter::Like { attr, pattern }
        } else if self.eat("IN") {
            let a = format!("{after} IN");
            self.expect_punct("(", &a)?;
            let mut values = vec![self.filter_value(attr, &format!("{a} ("))?];
            loop {
                if self.punct_is(self.peek(), ",") {
                    self.bump();
                    values.push(self.filter_value(attr, &format!("{a} (..."))?);
                } else if self.punct_is(self.peek(), ")") {
                    self.bump();
                    break;
                } else {
                    return Err(self.expected("',' or ')'", &format!("{a} (...")));
                }
            }
            Filter::In { attr, values }
        } else if negated {
            return Err(self.expected_keywords(&["LIKE", "IN"], &format!("{after} NOT")));
        } else {
            let (op, span) = self.compare_op(after)?;
            if op.orders() && matches!(attr.kind(), Kind::State | Kind::Type) {
                return Err(ParseError::at(
                    self.src,
                    span,
                    format!(
                        "{attr} takes =, !=, IN or LIKE, not {}: its values have no order",
                        op.symbol()
                    ),
                ));
            }
            let value = self.filter_value(attr, &format!("{after} {}", op.symbol()))?;
            Filter::Compare { attr, op, value }
        };
        Ok(if negated {
            Filter::Not(Box::new(pred))
        } else {
            pred
        })
    }

    /// `unknown attribute 'x'` at the word, with the closest attribute.
    fn unknown_attribute(&self, t: Token) -> ParseError {
        let word = self.text(t);
        let message = match closest(word, Attribute::words()) {
            Some(a) => format!("unknown attribute '{word}': did you mean {a}?"),
            None => format!("unknown attribute '{word}'"),
        };
        ParseError::at(self.src, t.span, message).with_hint(attribute_list())
    }

    /// op := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' (two characters written together).
    fn compare_op(&mut self, after: &str) -> PResult<(CompareOp, Span)> {
        let punct = |t: Option<Token>| t.filter(|t| t.kind == TokenKind::Punct);
        if let Some(first) = punct(self.peek()) {
            let second = punct(self.peek_at(1)).filter(|s| s.span.start == first.span.end);
            let one = self.text(first);
            if let Some(second) = second {
                let two = format!("{one}{}", self.text(second));
                if let Some((op, _)) = CompareOp::ALL.iter().find(|(_, s)| *s == two) {
                    self.bump();
                    self.bump();
                    return Ok((*op, Span::new(first.span.start, second.span.end)));
                }
            }
            if let Some((op, _)) = CompareOp::ALL.iter().find(|(_, s)| *s == one) {
                self.bump();
                return Ok((*op, first.span));
            }
        }
        Err(self.expected("=, !=, <, <=, >, >=, LIKE or IN", after))
    }

    /// A literal of the attribute's kind: `'text'` (states and types upper-cased) or a whole
    /// number; `${var}` stands for text and is checked once resolved.
    fn filter_value(&mut self, attr: Attribute, after: &str) -> PResult<Value> {
        if let Some(values) = closed_values(attr.kind()) {
            self.offer(Slot::Choice(
                values.iter().map(|v| quote_string(v)).collect(),
            ));
        }
        let Some(t) = self.peek() else {
            return Err(self.expected("a value", after));
        };
        let value = match t.kind {
            TokenKind::String => Value::Text(unquote(self.text(t))),
            TokenKind::Variable => Value::Text(self.text(t).to_owned()),
            TokenKind::Number => match self.text(t).parse::<u64>() {
                Ok(n) => Value::Number(n),
                Err(_) => {
                    return Err(ParseError::at(
                        self.src,
                        t.span,
                        format!(
                            "expected a value after {after}, found {}: numbers here are whole and not negative",
                            self.text(t)
                        ),
                    ));
                }
            },
            _ => {
                let err = self.expected("a value ('text' or a whole number)", after);
                return Err(if t.is_word() || t.kind == TokenKind::QuotedIdent {
                    err.with_hint(format!(
                        "text values are 'single quoted': {}",
                        quote_string(&unquote(self.text(t)).to_ascii_uppercase())
                    ))
                } else {
                    err
                });
            }
        };
        let value = check_value(attr, &value).map_err(|m| ParseError::at(self.src, t.span, m))?;
        self.bump();
        Ok(value)
    }

    /// drop_connectors := DROP CONNECTORS [LIKE 'pattern'] [WHERE condition] [FORCE]
    /// (called after `DROP CONNECTORS`; one of LIKE and WHERE is required).
    pub(super) fn drop_connectors(&mut self) -> PResult<Statement> {
        let like = self.like("DROP CONNECTORS")?;
        let filter = self.where_clause("DROP CONNECTORS")?;
        if like.is_none() && filter.is_none() {
            return Err(self
                .expected_keywords(&["LIKE", "WHERE"], "DROP CONNECTORS")
                .with_hint(
                    "a bulk drop needs a filter, so that no typo drops the fleet; \
                     every connector: DROP CONNECTORS LIKE '%'",
                ));
        }
        let force = self.eat("FORCE");
        Ok(Statement::DropConnectors(DropConnectors {
            like,
            filter,
            force,
        }))
    }
}

/// `attributes: name, type, ...` (the hint after an unknown or missing attribute).
fn attribute_list() -> String {
    let words: Vec<&str> = ATTRIBUTES.iter().map(|d| d.word).collect();
    format!("attributes: {}", words.join(", "))
}
