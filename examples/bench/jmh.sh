#!/usr/bin/env bash
# The JMH benchmarks of a module without `mvn install` (which would write this branch's jars into the shared local
# repository): compiles the reactor's test classes, then runs org.openjdk.jmh.Main on that module's test classpath.
#
#   examples/bench/jmh.sh [--module btblocker-app|btblocker-detectors] [REGEX] [JMH OPTION...]
#   examples/bench/jmh.sh EngineBenchmark -prof gc          # the README's engine figures
#
# REGEX defaults to EngineBenchmark in btblocker-app. The corpus (../shared/corpus, or BTBLOCKER_CORPUS) feeds the
# benchmarks that replay it. BTBLOCKER_MVN_OPTS adds Maven options (e.g. -o).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
module=btblocker-app
if [[ ${1:-} == --module ]]; then module=$2; shift 2; fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0; fi
regex=${1:-EngineBenchmark}
(($#)) && shift
corpus=${BTBLOCKER_CORPUS:-$ROOT/../shared/corpus}
cd "$ROOT"
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# shellcheck disable=SC2086 # BTBLOCKER_MVN_OPTS is a list of options
./mvnw -q ${BTBLOCKER_MVN_OPTS:-} -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
classes=""
for m in btblocker-api btblocker-detectors btblocker-netfilter btblocker-ipset btblocker-app; do
  classes+="$ROOT/$m/target/classes:"
  [[ $m == "$module" ]] && { classes+="$ROOT/$m/target/test-classes:"; break; }
done
deps=$(cat "$cp_file")
rm -f "$cp_file"
exec java -Dbtblocker.corpus="$corpus" -Djmh.ignoreLock=true -cp "$classes$deps" org.openjdk.jmh.Main "$regex" "$@"
