-- Connector statements as ksqlDB's public documentation and tutorials write them.
-- Every statement here must parse in kcsh (src/lang/tests.rs, `ksqldb_corpus_parses`).
-- Sources: confluentinc/ksql docs/developer-guide/ksqldb-reference/{create,drop,describe,show}-connector(s).md,
-- define.md, undefine.md, show-variables.md, run-script.md, docs/how-to-guides/use-connector-management.md,
-- docs/how-to-guides/substitute-variables.md, docs/tutorials/{connect-integration,etl,materialized}.md,
-- docs/concepts/connectors.md, and ksqlDB's grammar (ksqldb-parser SqlBase.g4) for the forms.

--@test: directives are comments too
-- ---- create-connector.md ----
CREATE SOURCE CONNECTOR `jdbc-connector` WITH(
    "connector.class"='io.confluent.connect.jdbc.JdbcSourceConnector',
    "connection.url"='jdbc:postgresql://localhost:5432/my.db',
    "mode"='bulk',
    "topic.prefix"='jdbc-',
    "table.whitelist"='users',
    "key"='username');

CREATE SOURCE CONNECTOR IF NOT EXISTS `jdbc-connector` WITH(
    "connector.class"='io.confluent.connect.jdbc.JdbcSourceConnector',
    "connection.url"='jdbc:postgresql://localhost:5432/my.db',
    "mode"='bulk',
    "topic.prefix"='jdbc-',
    "table.whitelist"='users',
    "key"='username');

-- ---- drop-connector.md / describe-connector.md / show-connectors.md ----
DROP CONNECTOR `jdbc-connector`;
DROP CONNECTOR IF EXISTS `jdbc-connector`;
DESCRIBE CONNECTOR "my-jdbc-connector";
DESCRIBE CONNECTOR "jdbc-connector";
SHOW CONNECTORS;
LIST CONNECTORS;
SHOW SOURCE CONNECTORS;
SHOW SINK CONNECTORS;
LIST SOURCE CONNECTORS;
list sink connectors;
SHOW CONNECTOR PLUGINS;
LIST CONNECTOR PLUGINS;

-- ---- use-connector-management.md (blank lines inside WITH) ----
CREATE SOURCE CONNECTOR s WITH (
  'connector.class' = 'io.mdrogalis.voluble.VolubleSourceConnector',

  'genkp.people.with' = '#{Internet.uuid}',
  'genv.people.name.with' = '#{Name.full_name}',
  'genv.people.creditCardNumber.with' = '#{Finance.credit_card}',

  'global.throttle.ms' = '500'
);
DROP CONNECTOR s;

-- ---- connect-integration.md ----
CREATE SOURCE CONNECTOR `jdbc-connector` WITH(
  "connector.class"='io.confluent.connect.jdbc.JdbcSourceConnector',
  "connection.url"='jdbc:postgresql://localhost:5432/YOUR_USERNAME',
  "mode"='bulk',
  "topic.prefix"='jdbc-',
  "key"='username');

-- ---- etl.md ----
SET 'auto.offset.reset' = 'earliest';

CREATE SOURCE CONNECTOR customers_reader WITH (
    'connector.class' = 'io.debezium.connector.postgresql.PostgresConnector',
    'database.hostname' = 'postgres',
    'database.port' = '5432',
    'database.user' = 'postgres-user',
    'database.password' = 'postgres-pw',
    'database.dbname' = 'customers',
    'database.server.name' = 'customers',
    'table.whitelist' = 'public.customers',
    'transforms' = 'unwrap',
    'transforms.unwrap.type' = 'io.debezium.transforms.ExtractNewRecordState',
    'transforms.unwrap.drop.tombstones' = 'false',
    'transforms.unwrap.delete.handling.mode' = 'rewrite'
);

CREATE SOURCE CONNECTOR logistics_reader WITH (
    'connector.class' = 'io.debezium.connector.mongodb.MongoDbConnector',
    'mongodb.hosts' = 'mongo:27017',
    'mongodb.name' = 'my-replica-set',
    'mongodb.authsource' = 'admin',
    'mongodb.user' = 'dbz-user',
    'mongodb.password' = 'dbz-pw',
    'collection.whitelist' = 'logistics.*',
    'transforms' = 'unwrap',
    'transforms.unwrap.type' = 'io.debezium.connector.mongodb.transforms.ExtractNewDocumentState',
    'transforms.unwrap.drop.tombstones' = 'false',
    'transforms.unwrap.delete.handling.mode' = 'drop',
    'transforms.unwrap.operation.header' = 'true'
);

CREATE SINK CONNECTOR enriched_writer WITH (
    'connector.class' = 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
    'connection.url' = 'http://elastic:9200',
    'type.name' = 'kafka-connect',
    'topics' = 'shipped_orders'
);

-- ---- materialized.md (Debezium MySQL) ----
CREATE SOURCE CONNECTOR calls_reader WITH (
    'connector.class' = 'io.debezium.connector.mysql.MySqlConnector',
    'database.hostname' = 'mysql',
    'database.port' = '3306',
    'database.user' = 'example-user',
    'database.password' = 'example-pw',
    'database.allowPublicKeyRetrieval' = 'true',
    'database.server.id' = '184054',
    'database.server.name' = 'call-center-db',
    'database.whitelist' = 'call-center',
    'database.history.kafka.bootstrap.servers' = 'broker:9092',
    'database.history.kafka.topic' = 'call-center',
    'table.whitelist' = 'call-center.calls',
    'include.schema.changes' = 'false'
);

-- ---- forms from the grammar: quoting styles, unquoted keys, typed literals ----
CREATE SINK CONNECTOR IF NOT EXISTS "mysql-insert-sink"  WITH (
    "task.max"='1',
    "connection.url"= 'jdbc:mysql://mysql:3306/temp_db',
    "connection.user"= 'myuser',
    "topics"= 'T1_T2',
    "connector.class"= 'io.confluent.connect.jdbc.JdbcSinkConnector',
    "auto.create" = true,
    "pk.mode" = 'none',
    "batch.size" = 3000
);
CREATE SINK CONNECTOR IF NOT EXISTS recipe_elasticsearch_analyzed_clickstream WITH (
  'connector.class'          = 'ElasticsearchSink',
  'input.data.format'        = 'JSON',
  'topics'                   = 'user_ip_activity, errors_per_min_alert',
  'tasks.max'                = '1'
);
create source connector lower_case_everything with ('connector.class' = 'FileStreamSource', 'file' = '/tmp/in.txt', 'topic' = 'lines');
CrEaTe SiNk CoNnEcToR MiXeD WiTh ("connector.class" = 'FileStreamSink', "file" = '/tmp/out.txt', "topics" = 'lines');
CREATE SOURCE CONNECTOR `back``quoted` WITH ('connector.class' = 'FileStreamSource', 'topic' = 'it''s');
CREATE SOURCE CONNECTOR "double""quoted" WITH (kafka_topic = 'x', partitions = 1, replicas = -1, ratio = 0.5, big = 1E3, neg = -2.5e-3, nothing = NULL, flag = FALSE);
CREATE SOURCE CONNECTOR 1digit_ident WITH ('connector.class' = 'FileStreamSource');
/* a block comment before a statement; with a ; inside */
CREATE SINK CONNECTOR commented WITH (
  -- a comment inside the list; with a semicolon
  'connector.class' = 'FileStreamSink', /* and ; here */
  'topics' = 'a;b'
);
CREATE SOURCE CONNECTOR multi_line_string WITH (
  'connector.class' = 'FileStreamSource',
  'query' = 'SELECT *
FROM t
WHERE x = ''y'';'
);

-- ---- variables: define.md, substitute-variables.md ----
DEFINE replicas = '3';
DEFINE format = 'JSON';
DEFINE name = 'Tom Sawyer';
DEFINE topicName = '''my_topic''';
DEFINE connectorName = 'vars-source';
DEFINE dbHost = 'postgres';
SHOW VARIABLES;
LIST VARIABLES;
CREATE SOURCE CONNECTOR ${connectorName} WITH (
  'connector.class' = 'io.confluent.connect.jdbc.JdbcSourceConnector',
  'connection.url' = 'jdbc:postgresql://${dbHost}:5432/db',
  'tasks.max' = ${replicas},
  'escaped' = '$${dbHost}'
);
DESCRIBE CONNECTOR ${connectorName};
DROP CONNECTOR IF EXISTS ${CONNECTORNAME};
UNDEFINE replicas;
UNDEFINE format;

-- ---- properties and scripts (show-properties.md, run-script.md) ----
SET 'auto.offset.reset'='earliest';
UNSET 'auto.offset.reset';
SHOW PROPERTIES;
LIST PROPERTIES;
RUN SCRIPT '/local/path/to/queries.sql';

-- ---- confluentinc/tutorials connect-add-key-to-source (no space before =, IF NOT EXISTS) ----
CREATE SOURCE CONNECTOR IF NOT EXISTS JDBC_SOURCE_DB_CONNECTOR WITH (
    'connector.class'= 'io.confluent.connect.jdbc.JdbcSourceConnector',
    'connection.url'= '<DB URL>',
    'mode'= 'incrementing',
    'incrementing.column.name'= 'city_id',
    'topic.prefix'= 'postgres_',
    'transforms'= 'copyFieldToKey,extractKeyFromStruct,removeKeyFromValue',
    'transforms.copyFieldToKey.type'= 'org.apache.kafka.connect.transforms.ValueToKey',
    'transforms.copyFieldToKey.fields'= 'city_id',
    'transforms.extractKeyFromStruct.type'= 'org.apache.kafka.connect.transforms.ExtractField$Key',
    'transforms.extractKeyFromStruct.field'= 'city_id',
    'transforms.removeKeyFromValue.type'= 'org.apache.kafka.connect.transforms.ReplaceField$Value',
    'transforms.removeKeyFromValue.blacklist'= 'city_id',
    'key.converter' = 'org.apache.kafka.connect.converters.IntegerConverter'
);
SHOW CONNECTORS;
DESCRIBE CONNECTOR calls_reader;
DESCRIBE CONNECTOR JDBC_SOURCE_DB_CONNECTOR;

-- ---- grammar odds: MINUS with a space, SET/UNSET with variables, no final newline ----
CREATE SINK CONNECTOR minus_space WITH ('connector.class' = 'FileStreamSink', 'offset' = - 1);
SET ${propName} = ${propValue};
UNSET ${propName};
DROP CONNECTOR IF EXISTS minus_space;
DROP CONNECTOR JDBC_SOURCE_DB_CONNECTOR;