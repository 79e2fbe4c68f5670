complete -c kcsh -s e -l execute -d 'Run STATEMENT and exit (repeatable; the final `;` may be left out)' -r
complete -c kcsh -s f -l file -d 'Run the statements in FILE and exit (`-` reads standard input). Takes several files and directories (a directory\'s `*.sql` files, in name order); all are parsed before any runs' -r -F
complete -c kcsh -l prune -d 'With -f: plan and apply the scripts as a whole, and drop the connectors on the cluster whose names match PATTERN (LIKE: `%`, `_`) that the scripts do not declare' -r
complete -c kcsh -l plan-file -d 'With -f --dry-run: save the plan in FILE; with -f (apply): apply only if planning again gives exactly that plan, against a cluster that has not changed since' -r -F
complete -c kcsh -l concurrency -d 'Requests a bulk statement (PAUSE CONNECTORS ..., DROP CONNECTORS ...) keeps in flight, 1 to 64 (default 8; in the shell: SET \'bulk.concurrency\')' -r
complete -c kcsh -l on-error -d 'What to do when a statement of a script fails' -r -f -a "stop\t'Stop at the first failing statement'
continue\t'Report the failure and go on with the next statement'"
complete -c kcsh -s o -l output -d 'Output format for results' -r -f -a "tabular\t''
json\t''"
complete -c kcsh -l color -d 'When to use colours (`auto`: only on a terminal and when NO_COLOR is unset)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kcsh -s d -l define -d 'Define a variable for `${NAME}` references (repeatable; VALUE may contain `=`)' -r
complete -c kcsh -l url -d 'Connect REST URL; a comma-separated list tries the next worker when one is unreachable [default: http://localhost:8083]' -r
complete -c kcsh -l context -d 'Use the named context (url, auth, TLS) from the config file' -r
complete -c kcsh -l config -d 'Config file holding contexts [default: <config dir>/kcsh/config.toml]' -r -F
complete -c kcsh -s u -l user -d 'User for HTTP basic auth; the password comes from KCSH_PASSWORD, --password-file, or a prompt' -r
complete -c kcsh -l password-file -d 'Read the basic-auth password from FILE (first line)' -r -F
complete -c kcsh -l token -d 'Bearer token for the Authorization header' -r
complete -c kcsh -s H -l header -d 'Extra request header (repeatable)' -r
complete -c kcsh -l ca-cert -d 'Trust this CA certificate (PEM) for HTTPS' -r -F
complete -c kcsh -l client-cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c kcsh -l client-key -d 'Private key (PEM) of the client certificate' -r -F
complete -c kcsh -l timeout -d 'HTTP timeout per request, above Connect\'s own 90 s' -r
complete -c kcsh -l retry-timeout -d 'How long to retry requests refused during a rebalance (409)' -r
complete -c kcsh -l bootstrap -d 'Kafka bootstrap servers, for the statements that read Kafka (`--embedded` sets it)' -r
complete -c kcsh -l kafka-ca-cert -d 'Trust this CA certificate (PEM) for Kafka TLS [default: the system\'s roots]' -r -F
complete -c kcsh -l kafka-client-cert -d 'Client certificate (PEM) for Kafka mutual TLS' -r -F
complete -c kcsh -l kafka-client-key -d 'Private key (PEM) of the Kafka client certificate' -r -F
complete -c kcsh -l kafka-sasl-mechanism -d 'SASL mechanism for Kafka: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 [default: PLAIN]' -r
complete -c kcsh -l kafka-user -d 'SASL user for Kafka; the password comes from KCSH_KAFKA_PASSWORD or --kafka-password-file' -r
complete -c kcsh -l kafka-password-file -d 'Read the Kafka SASL password from FILE (first line)' -r -F
complete -c kcsh -l worker-config -d 'Start a Connect worker from these worker properties (your Kafka) and talk to it' -r -F
complete -c kcsh -l kafka-home -d 'Apache Kafka installation to take the jars from (`libs/*.jar`)' -r -F
complete -c kcsh -l kafka-version -d 'Kafka version to fetch when no Kafka home is given' -r
complete -c kcsh -l plugin-path -d 'Add plugin directories (each plugin one subdirectory or jar of DIR) to the worker kcsh starts; with --worker-config only when its file names no plugin.path. Repeatable' -r -F
complete -c kcsh -l worker-property -d 'Set a property of the worker kcsh starts, e.g. value.converter.schemas.enable=true (repeatable; overrides kcsh\'s own values)' -r
complete -c kcsh -l stop -d 'Stop a detached cluster started with --embedded --detach' -r -F
complete -c kcsh -l generate -d 'Print a shell completion script to standard output and exit' -r -f -a "complete-bash\t''
complete-zsh\t''
complete-fish\t''"
complete -c kcsh -l check -d 'Parse and plan the statements without contacting any cluster; print `OK: N statements` or the first error (exit 0 or 2)'
complete -c kcsh -l dry-run -d 'Send no request that changes state; show what each statement would change'
complete -c kcsh -l ksql-compat -d 'Upper-case unquoted names and keys as ksqlDB does'
complete -c kcsh -l show-secrets -d 'Show secret config values instead of `[hidden]`'
complete -c kcsh -l insecure -d 'Do not verify the server\'s TLS certificate'
complete -c kcsh -l kafka-tls -d 'Connect to Kafka over TLS (implied by --kafka-ca-cert and --kafka-client-cert)'
complete -c kcsh -l embedded -d 'Start a throwaway local Kafka and Connect worker and open the shell on it'
complete -c kcsh -l detach -d 'With --embedded: start the cluster in the background, print its URL and run dir, and exit'
complete -c kcsh -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kcsh -s V -l version -d 'Print version'
