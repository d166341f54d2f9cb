#!/usr/bin/env bash
# Microseconds to write an 11 KB page into a Netty buffer: as a String (a charAt per character; "string" with a
# clean JIT profile, "polluted" after the loop has met other CharSequence types) and as UTF-8 bytes ("bytes", what
# the studio does since Utf8Pages). Each mode in a JVM of its own, twice, interleaved. See docs/benchmarks.md.
#
#   bench/utf8.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# offline first; online when this machine's ~/.m2 lacks something (a fresh clone)
cp_args=(test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
mvn -q -o "${cp_args[@]}" >/dev/null 2>&1 || mvn -q "${cp_args[@]}"
for run in 1 2; do
  for mode in string polluted bytes; do
    java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
      dev.unclipstudio.web.Utf8WriteBenchmark "$mode" | tail -1 | sed "s/^/run $run: /"
  done
done
