#!/usr/bin/env bash
# End-to-end parse benchmark (not a test): times `kcsh --check -f` on a generated script of
# N statements (default 10,000) from a release build. Target: under 100 ms for 10,000.
# Usage: bench/parse.sh [N]      (set KCSH=path/to/kcsh to skip the build)
set -euo pipefail
n=${1:-10000}
cd "$(dirname "$0")/.."
if [[ -z "${KCSH:-}" ]]; then
  cargo build --release --quiet
  KCSH="${CARGO_TARGET_DIR:-target}/release/kcsh"
fi
script=$(mktemp --suffix=.sql)
trap 'rm -f "$script"' EXIT
awk -v n="$n" 'BEGIN {
  for (i = 0; i < n; i++) {
    k = i % 10
    if (k == 0) printf "CREATE SOURCE CONNECTOR IF NOT EXISTS `jdbc-%d` WITH (\n  \"connector.class\" = '\''io.confluent.connect.jdbc.JdbcSourceConnector'\'',\n  \"connection.url\" = '\''jdbc:postgresql://db:5432/db%d'\'',\n  '\''mode'\'' = '\''incrementing'\'', '\''incrementing.column.name'\'' = '\''id'\'',\n  '\''topic.prefix'\'' = '\''jdbc-%d-'\'', '\''tasks.max'\'' = 1, '\''key'\'' = '\''id'\''\n);\n", i, i, i
    else if (k == 1) printf "-- a comment; with a semicolon\nDROP CONNECTOR IF EXISTS \"conn-%d\";\n", i
    else if (k == 2) printf "DESCRIBE CONNECTOR fs-src-%d EXTENDED;\n", i
    else if (k == 3) printf "SHOW SOURCE CONNECTORS LIKE '\''fs-%%'\'';\n"
    else if (k == 4) printf "ALTER CONNECTOR sink-%d SET ('\''tasks.max'\'' = 2, '\''topics'\'' = '\''a,b;c'\'' /* ; */);\n", i
    else if (k == 5) printf "PAUSE CONNECTOR c%d;\n", i
    else if (k == 6) printf "RESTART CONNECTOR c%d INCLUDE TASKS ONLY FAILED;\n", i
    else if (k == 7) printf "ALTER CONNECTOR c%d SET OFFSET PARTITION ('\''filename'\'' = '\''/tmp/in-%d.txt'\'') TO ('\''position'\'' = %d);\n", i, i, i
    else if (k == 8) printf "EXPLAIN CREATE SINK CONNECTOR s%d WITH ('\''connector.class'\'' = '\''FileStreamSink'\'', '\''topics'\'' = '\''t%d'\'', '\''file'\'' = '\''/tmp/out.txt'\'');\n", i, i
    else printf "WAIT FOR CONNECTOR c%d TIMEOUT 30 SECONDS;\n", i
  }
}' > "$script"
echo "script: $n statements, $(wc -c < "$script") bytes"
# Wall time is what a user waits; CPU time (user + sys) is what the work costs and stays
# meaningful on a loaded machine.
best_wall="" best_cpu=""
for run in 1 2 3 4 5; do
  t=$( { /usr/bin/time -f "%e %U %S" "$KCSH" --check -f "$script" > /dev/null; } 2>&1 | tail -1)
  read -r wall user sys <<< "$t"
  wall_ms=$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')
  cpu_ms=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
  echo "run $run: wall ${wall_ms} ms, cpu ${cpu_ms} ms"
  if [[ -z "$best_wall" || "$wall_ms" -lt "$best_wall" ]]; then best_wall=$wall_ms; fi
  if [[ -z "$best_cpu" || "$cpu_ms" -lt "$best_cpu" ]]; then best_cpu=$cpu_ms; fi
done
echo "kcsh --check -f, $n statements: best wall ${best_wall} ms, best cpu ${best_cpu} ms (target < 100 ms)"
