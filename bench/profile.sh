#!/usr/bin/env bash
# Where the Java engine's time outside ONNX Runtime goes: runs the benchmark (bench/bench.sh) under async-profiler in
# wall-clock mode and prints the main thread's frames that are not inside OrtSession.run, heaviest first.
#   bench/profile.sh          # fetches tools.profiler:async-profiler from Maven Central once (a developer tool only)
# A frame in memset or Copy::fill_to_memory_atomic is an allocation being zeroed (page faults on fresh memory).
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.1
jar=~/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
[[ -f $jar ]] || mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:$version
arch=$([[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64)
work=$(mktemp -d)
unzip -q -o "$jar" "$arch/*" -d "$work"
agent="$work/$arch/libasyncProfiler.so=start,event=wall,interval=500us,threads,collapsed,file=$work/wall.collapsed"
BENCH_JVM_OPTS="-Xmx3g -agentpath:$agent" bench/bench.sh
/usr/bin/python3 - "$work/wall.collapsed" <<'PY'
import collections, sys
inside = outside = 0
leaves = collections.Counter()
for line in open(sys.argv[1]):
    stack, n = line.rstrip().rsplit(" ", 1)
    frames, n = stack.split(";"), int(n)
    # the timed runs only: the main thread below EngineBenchmark.time
    if "dev/unclipstudio/bench/EngineBenchmark.time" not in frames:
        continue
    if any("OrtSession.run" in f for f in frames):
        inside += n
        continue
    outside += n
    ours = [f for f in frames if "dev/unclipstudio/pipeline" in f]
    leaves[(ours[-1].split("/")[-1] if ours else "?") + " > " + frames[-1].split("/")[-1]] += n
print("PROFILE samples inside ONNX Runtime %d, outside %d (%.1f %%)" % (inside, outside,
      100.0 * outside / max(1, inside + outside)))
for frame, n in leaves.most_common(20):
    print("PROFILE %5.1f %% of outside  %s" % (100.0 * n / outside, frame))
PY
