//! Property tests: `parse(s.to_string()) == s` for every statement kind with generated names,
//! keys and values that need quoting; and no input (arbitrary text, token soup, invalid UTF-8,
//! NUL bytes, 1 MB lines) makes the lexer, parser or error report panic.

use proptest::prelude::*;

use super::ast::*;
use super::error::line_column;
use super::lexer::{statement_complete, tokenize};
use super::*;

fn opts() -> ParseOptions {
    ParseOptions {
        allow_missing_semicolon: true,
        ..ParseOptions::default()
    }
}

/// Text that needs quoting: quotes of every kind, `;`, comment starters, `$`, spaces, newlines,
/// non-ASCII and control characters.
fn any_text() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z0-9 '\"`;\\-/*${}\n\t\r().,=@é\u{0}]{0,12}",
        "\\PC{0,8}",
        Just("${x}".to_owned()),
        Just("$${x}".to_owned()),
        Just("--".to_owned()),
    ]
    .boxed()
}

fn plain_name() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_@]{0,6}([-.][a-zA-Z0-9_@]{1,3}){0,2}"
}

fn var_name() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}"
}

fn name() -> BoxedStrategy<Name> {
    prop_oneof![
        plain_name().prop_map(Name::Plain),
        // Keywords are not reserved: they must survive as names too.
        prop::sample::select(super::lexer::KEYWORDS).prop_map(|k| Name::Plain(k.to_owned())),
        any_text().prop_map(Name::Quoted),
        var_name().prop_map(Name::Var),
    ]
    .boxed()
}

fn literal() -> BoxedStrategy<Literal> {
    prop_oneof![
        any_text().prop_map(Literal::String),
        "-?[0-9]{1,5}(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?".prop_map(Literal::Number),
        any::<bool>().prop_map(Literal::Boolean),
        Just(Literal::Null),
        var_name().prop_map(Literal::Var),
    ]
    .boxed()
}

/// 1..5 properties with distinct keys.
fn properties() -> BoxedStrategy<Vec<Property>> {
    prop::collection::vec((name(), literal()), 1..5)
        .prop_map(|pairs| {
            let mut seen = std::collections::HashSet::new();
            pairs
                .into_iter()
                .filter(|(k, _)| seen.insert(k.value()))
                .map(|(k, v)| Property::new(k, v))
                .collect()
        })
        .boxed()
}

fn kind() -> impl Strategy<Value = Option<ConnectorType>> {
    prop_oneof![
        Just(None),
        Just(Some(ConnectorType::Source)),
        Just(Some(ConnectorType::Sink)),
    ]
}

fn initially() -> impl Strategy<Value = Option<InitialState>> {
    prop::option::of(prop::sample::select(InitialState::ALL.to_vec()))
}

/// 0..3 `PARTITION (...) TO (...)` entries.
fn offsets() -> impl Strategy<Value = Vec<PartitionOffset>> {
    prop::collection::vec(
        (properties(), prop::option::of(properties()))
            .prop_map(|(partition, offset)| PartitionOffset { partition, offset }),
        0..3,
    )
}

fn like() -> impl Strategy<Value = Option<String>> {
    prop::option::of(any_text())
}

/// A predicate of a WHERE condition, with values of its attribute's kind (states and types
/// valid and upper-case, as the parser keeps them).
fn predicate() -> BoxedStrategy<super::filter::Filter> {
    use super::filter::{ATTRIBUTES, CompareOp, Filter, Kind, Value, closed_values};
    let attr = prop::sample::select(ATTRIBUTES.iter().map(|d| d.attr).collect::<Vec<_>>());
    let op = prop::sample::select(CompareOp::ALL.iter().map(|(o, _)| *o).collect::<Vec<_>>());
    (
        attr,
        op,
        any_text(),
        any::<u64>(),
        1usize..4,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(attr, op, text, n, count, pick)| {
            let kind = attr.kind();
            let value = |i: usize| match kind {
                Kind::Count => Value::Number(n.wrapping_add(i as u64)),
                Kind::Text => Value::Text(format!("{text}{i}")),
                Kind::State | Kind::Type => {
                    let v = closed_values(kind).unwrap();
                    Value::Text(v[(pick.index(v.len()) + i) % v.len()].to_owned())
                }
            };
            match pick.index(3) {
                0 if kind != Kind::Count => Filter::Like {
                    attr,
                    pattern: text,
                },
                1 => Filter::In {
                    attr,
                    values: (0..count).map(value).collect(),
                },
                _ => {
                    let op = if matches!(kind, Kind::State | Kind::Type) && op.orders() {
                        CompareOp::Ne
                    } else {
                        op
                    };
                    Filter::Compare {
                        attr,
                        op,
                        value: value(0),
                    }
                }
            }
        })
        .boxed()
}

/// A WHERE condition: predicates under AND, OR, NOT, built with the flattening constructors.
fn condition() -> BoxedStrategy<super::filter::Filter> {
    use super::filter::Filter;
    predicate()
        .prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::and),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Filter::or),
                inner.prop_map(|f| Filter::Not(Box::new(f))),
            ]
        })
        .boxed()
}

fn filter() -> impl Strategy<Value = Option<super::filter::Filter>> {
    prop::option::of(condition())
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        name().prop_map(Target::One),
        (like(), filter()).prop_map(|(like, filter)| Target::All { like, filter }),
    ]
}

/// Connector and REST statements (what EXPLAIN accepts).
fn connector_statement() -> BoxedStrategy<Statement> {
    let a = prop_oneof![
        (any::<bool>(), kind(), name(), properties(), initially()).prop_map(
            |(orr, kind, name, properties, initially)| {
                Statement::CreateConnector(CreateConnector {
                    or_replace: orr,
                    if_not_exists: false,
                    kind,
                    name,
                    properties,
                    initially,
                    offsets: Vec::new(),
                })
            }
        ),
        (kind(), name(), properties(), initially(), offsets()).prop_map(
            |(kind, name, properties, initially, offsets)| {
                Statement::CreateConnector(CreateConnector {
                    or_replace: false,
                    if_not_exists: true,
                    kind,
                    name,
                    properties,
                    initially,
                    offsets,
                })
            }
        ),
        (any::<bool>(), name()).prop_map(|(if_exists, name)| Statement::DropConnector(
            DropConnector { if_exists, name }
        )),
        (name(), any::<bool>()).prop_map(|(name, extended)| Statement::DescribeConnector(
            DescribeConnector { name, extended }
        )),
        (kind(), like(), filter()).prop_map(|(kind, like, filter)| Statement::ShowConnectors(
            ShowConnectors { kind, like, filter }
        )),
        (like(), condition(), any::<bool>(), any::<bool>()).prop_map(
            |(like, condition, with_like, force)| {
                // One of LIKE and WHERE at least.
                let (like, filter) = match (like, with_like) {
                    (Some(l), true) => (Some(l), None),
                    (like, _) => (like, Some(condition)),
                };
                Statement::DropConnectors(DropConnectors {
                    like,
                    filter,
                    force,
                })
            }
        ),
        Just(Statement::ShowConnectorPlugins(ShowConnectorPlugins)),
        Just(Statement::ShowPlugins(ShowPlugins)),
        (any_text(), prop::option::of(any_text())).prop_map(|(plugin, version)| {
            Statement::DescribePlugin(DescribePlugin { plugin, version })
        }),
        (kind(), prop::option::of(name()), properties()).prop_map(|(kind, name, properties)| {
            Statement::ValidateConnector(ValidateConnector {
                kind,
                name,
                properties,
            })
        }),
    ];
    let b = prop_oneof![
        (
            prop::sample::select(vec![Lifecycle::Pause, Lifecycle::Resume, Lifecycle::Stop]),
            target()
        )
            .prop_map(|(action, target)| Statement::Lifecycle(LifecycleConnector {
                action,
                target
            })),
        (target(), any::<bool>(), any::<bool>()).prop_map(
            |(target, include_tasks, only_failed)| {
                Statement::RestartConnector(RestartConnector {
                    target,
                    include_tasks,
                    only_failed,
                })
            }
        ),
        (name(), any::<u32>())
            .prop_map(|(name, task)| Statement::RestartTask(RestartTask { name, task })),
        (name(), properties()).prop_map(|(name, properties)| Statement::AlterConnectorSet(
            AlterConnectorSet { name, properties }
        )),
        (name(), prop::collection::vec(name(), 1..4)).prop_map(|(name, keys)| {
            Statement::AlterConnectorUnset(AlterConnectorUnset { name, keys })
        }),
        (name(), any::<bool>()).prop_map(|(name, with_offsets)| Statement::ShowCreateConnector(
            ShowCreateConnector { name, with_offsets }
        )),
        name().prop_map(|name| Statement::ShowConnectorOffsets(ShowConnectorOffsets { name })),
        (name(), properties(), prop::option::of(properties())).prop_map(
            |(name, partition, offset)| Statement::AlterConnectorOffset(AlterConnectorOffset {
                name,
                partition,
                offset,
            })
        ),
        name().prop_map(|name| Statement::ResetConnectorOffsets(ResetConnectorOffsets { name })),
        name().prop_map(|name| Statement::ResetConnectorTopics(ResetConnectorTopics { name })),
    ];
    let c = prop_oneof![
        (name(), any::<bool>(), prop::option::of(any::<u64>())).prop_map(
            |(name, caught_up, timeout_secs)| Statement::WaitForConnector(WaitForConnector {
                name,
                caught_up,
                timeout_secs
            })
        ),
        (name(), prop::option::of(1..=u64::MAX)).prop_map(|(name, limit)| {
            Statement::ShowConnectorErrors(ShowConnectorErrors { name, limit })
        }),
        Just(Statement::ShowCluster(ShowCluster)),
        any_text().prop_map(|coordinates| Statement::InstallPlugin(InstallPlugin { coordinates })),
        like().prop_map(|like| Statement::ShowLoggers(ShowLoggers { like })),
        (any_text(), any_text(), any::<bool>()).prop_map(|(logger, level, cluster)| {
            Statement::SetLogger(SetLogger {
                logger,
                level,
                cluster,
            })
        }),
    ];
    let d = prop_oneof![
        (any::<bool>(), any::<bool>(), like()).prop_map(|(all, extended, like)| {
            Statement::ShowTopics(ShowTopics {
                all,
                extended,
                like,
            })
        }),
        (
            name(),
            any::<bool>(),
            prop::option::of(1..u64::MAX),
            prop::option::of(1..u64::MAX)
        )
            .prop_map(|(topic, from_beginning, interval, limit)| {
                Statement::Print(Print {
                    topic,
                    from_beginning,
                    interval,
                    limit,
                })
            }),
    ];
    prop_oneof![a.boxed(), b.boxed(), c.boxed(), d.boxed()].boxed()
}

fn client_statement() -> BoxedStrategy<Statement> {
    prop_oneof![
        (any_text(), any_text()).prop_map(|(name, value)| Statement::Client(
            ClientStatement::SetProperty { name, value }
        )),
        any_text().prop_map(|name| Statement::Client(ClientStatement::UnsetProperty { name })),
        Just(Statement::Client(ClientStatement::ShowProperties)),
        (var_name(), any_text())
            .prop_map(|(name, value)| Statement::Client(ClientStatement::Define { name, value })),
        var_name().prop_map(|name| Statement::Client(ClientStatement::Undefine { name })),
        Just(Statement::Client(ClientStatement::ShowVariables)),
        any_text().prop_map(|path| Statement::Client(ClientStatement::RunScript { path })),
        prop::option::of(prop::sample::select(vec![
            OutputFormat::Json,
            OutputFormat::Tabular
        ]))
        .prop_map(|x| Statement::Client(ClientStatement::Output(x))),
        prop::option::of(any_text()).prop_map(|x| Statement::Client(ClientStatement::Server(x))),
        prop::option::of(prop_oneof![any_text(), "[a-z]{1,5}( [a-z-]{1,5}){0,2}"])
            .prop_map(|x| Statement::Client(ClientStatement::Help(x))),
        prop::sample::select(vec![
            Statement::Client(ClientStatement::History),
            Statement::Client(ClientStatement::Clear),
            Statement::Client(ClientStatement::Exit)
        ]),
    ]
    .boxed()
}

/// `WATCH` of the statements it accepts, with and without its clauses.
fn watch_statement() -> impl Strategy<Value = Statement> {
    let inner = prop_oneof![
        (kind(), like(), filter()).prop_map(|(kind, like, filter)| Statement::ShowConnectors(
            ShowConnectors { kind, like, filter }
        )),
        (name(), any::<bool>()).prop_map(|(name, extended)| Statement::DescribeConnector(
            DescribeConnector { name, extended }
        )),
    ];
    (
        inner,
        prop::option::of(Watch::MIN_EVERY_SECS..=Watch::MAX_EVERY_SECS),
        any::<bool>(),
    )
        .prop_map(|(inner, every_secs, restart_failed)| {
            Statement::Watch(Watch {
                statement: Box::new(inner),
                every_secs,
                restart_failed,
            })
        })
}

fn statement() -> impl Strategy<Value = Statement> {
    prop_oneof![
        3 => connector_statement(),
        1 => watch_statement(),
        1 => connector_statement().prop_map(|s| Statement::Explain(Explain(Box::new(s)))),
        2 => client_statement(),
    ]
}

/// Fragments of the language, to reach deep into the grammar with garbage.
fn token_soup() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        prop::sample::select(super::lexer::KEYWORDS).prop_map(str::to_owned),
        prop::sample::select(vec![
            "(", ")", ",", "=", ";", "'", "\"", "`", "--", "/*", "*/", "${x}", "$", "-", ".", "\n",
            "'a'", "\"b\"", "1", "-1.5", "x", "my-conn",
        ])
        .prop_map(str::to_owned),
        any_text(),
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|v| v.join(" "))
}

/// Parse anything; on error, the error must be well-formed and render without panicking.
fn check_no_panic(src: &str) {
    let _ = tokenize(src);
    let _ = statement_complete(src);
    for o in [opts(), ParseOptions::default()] {
        match parse_script(src, &o) {
            Ok(stmts) => {
                for s in stmts {
                    assert!(s.span.end <= src.len());
                    assert_eq!(&src[s.span.start..s.span.end], s.text);
                    let _ = s.statement.to_string();
                }
            }
            Err(e) => {
                assert!(e.span.start <= e.span.end && e.span.end <= src.len());
                assert_eq!((e.line, e.column), line_column(src, e.span.start));
                let report = e.render(src, Some("x.sql"));
                assert!(report.starts_with("error: "));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn round_trip(stmt in statement()) {
        let text = stmt.to_string();
        let parsed = parse_statement(&text, &opts());
        prop_assert_eq!(parsed.as_ref().ok(), Some(&stmt), "text: {:?} error: {:?}", text, parsed.as_ref().err());
        let pretty = format!("{stmt:#}");
        let parsed = parse_statement(&pretty, &opts());
        prop_assert_eq!(parsed.as_ref().ok(), Some(&stmt), "text: {:?}", pretty);
        // A statement followed by `;` is complete for the REPL; without it, only a client
        // command is (and the REPL keeps reading a half-typed statement).
        let terminated = format!("{text};");
        prop_assert!(statement_complete(&terminated));
        prop_assert_eq!(statement_complete(&text), super::parser::may_omit_semicolon(&stmt), "{:?}", text);
    }

    #[test]
    fn scripts_of_canonical_statements_split_back(stmts in prop::collection::vec(statement(), 1..5)) {
        let script: String = stmts.iter().map(|s| format!("{s};\n")).collect();
        let parsed = parse_script(&script, &ParseOptions::default()).map_err(|e| e.render(&script, None));
        let parsed: Vec<Statement> = parsed.unwrap().into_iter().map(|l| l.statement).collect();
        prop_assert_eq!(parsed, stmts);
    }

    #[test]
    fn resolving_defined_variables_leaves_none(stmt in statement(), value in any_text()) {
        // Define every `${name}` the statement mentions (including inside strings).
        let text = stmt.to_string();
        let mut vars = super::vars::Variables::new();
        for piece in text.split("${").skip(1) {
            if let Some(end) = piece.find('}')
                && super::parser::is_variable_name(&piece[..end]) {
                    vars.define(&piece[..end], &value);
                }
        }
        let resolved = match super::vars::resolve(&stmt, &vars) {
            Ok(r) => r,
            // Every variable has the same value here, so distinct keys may become one.
            Err(e) => {
                prop_assert!(e.contains("is given twice"), "{:?}: {}", text, e);
                return Ok(());
            }
        };
        let mut vars_left = false;
        let mut probe = resolved.clone();
        for_each_name_mut(&mut probe, &mut |n| vars_left |= matches!(n, Name::Var(_)));
        prop_assert!(!vars_left, "{:?}", resolved);
        // The resolved statement still prints as text that parses.
        let printed = resolved.to_string();
        prop_assert!(parse_statement(&printed, &opts()).is_ok(), "{:?}", printed);
    }

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,64}") {
        check_no_panic(&src);
    }

    #[test]
    fn token_soup_never_panics(src in token_soup()) {
        check_no_panic(&src);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        match source_from_bytes(&bytes) {
            Ok(src) => check_no_panic(&src),
            Err(e) => {
                assert!(e.span.start < bytes.len());
                let lossy = String::from_utf8_lossy(&bytes);
                let _ = e.render(&lossy, None);
                check_no_panic(&lossy);
            }
        }
    }
}

/// Parse once; an error must be well-formed and render.
fn parse_once(src: &str) {
    if let Err(e) = parse_script(src, &ParseOptions::default()) {
        assert!(e.span.start <= e.span.end && e.span.end <= src.len());
        assert!(e.render(src, None).len() < 1000);
    }
}

#[test]
fn huge_inputs_do_not_panic() {
    // A 1 MB line of statements, an unterminated 1 MB string, NUL bytes, a 1 MB identifier.
    let many = "SHOW CONNECTORS; ".repeat(1 << 14);
    assert_eq!(
        parse_script(&many, &ParseOptions::default()).unwrap().len(),
        1 << 14
    );
    parse_once(&format!(
        "CREATE CONNECTOR x WITH ('a' = '{}",
        "y".repeat(1 << 20)
    ));
    parse_once(&format!("DROP CONNECTOR {};", "a".repeat(1 << 20)));
    parse_once(&format!("{}DROP CONNECTOR x;", "\0".repeat(1 << 18)));
    parse_once(&format!("DROP CONNECTOR x{}", " \0".repeat(1 << 18)));
    parse_once(&"(".repeat(1 << 18));
    assert!(!statement_complete(&format!(
        "SHOW '{}",
        "x".repeat(1 << 20)
    )));
}
