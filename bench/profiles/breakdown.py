#!/usr/bin/env python3
"""Where a bench run's CPU went, from a JFR recording: the tables of docs/design/throughput.md.

Record with JFR, then break the samples down the way the design page does:

    JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/capture.jfr,settings=profile" \\
        bench/run capture --rounds 1 --keys random --shape both
    bench/profiles/breakdown.py capture /tmp/capture.jfr

Views:
  capture   samples per write phase (insert, update, delete) and side: plain statements and COMMIT; tracked
            statements (the triggers), fold and COMMIT; then the fold's samples by the LogFold source line running
  merge     samples under Merger by what the merge was doing (its COMMIT, writing rows, reading held state, ...)
  protocol  busy samples of a protocol run by kind of work (sealing, opening, ids, CBOR, merge, trees, HTTP, ...)

Counts are samples (JFR's execution and native-method samples); a sample in SQLite's native code counts where the
driver called it. Native code is sampled at half the rate of Java code with JFR's profile settings, so shares are
approximate. Threads waiting in epoll or accept are left out. Needs the JDK's `jfr` on the PATH.
"""
import collections
import pathlib
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w.$<>]+)\((.*?)\)(?:\s+line: (\d+))?", re.M)
IDLE = ("sun.nio.ch.EPoll.wait", "sun.nio.ch.Net.accept")
LOG_FOLD = pathlib.Path(__file__).resolve().parents[2] / \
    "driver/src/main/java/dev/lattice/driver/capture/LogFold.java"


def samples(recording):
    """Each sample's stack as (method, line) pairs, innermost first."""
    text = subprocess.run(["jfr", "print", "--stack-depth", "128", "--events",
                           "jdk.ExecutionSample,jdk.NativeMethodSample", recording],
                          check=True, capture_output=True, text=True).stdout
    for event in re.split(r"^jdk\.\w+ \{", text, flags=re.M)[1:]:
        stack = [(m, line) for m, _, line in FRAME.findall(event)]
        if stack and stack[0][0] not in IDLE:
            yield stack


def has(stack, fragment):
    return any(fragment in method for method, _ in stack)


def capture(recording):
    parts = collections.Counter()
    fold_lines = collections.Counter()
    for stack in samples(recording):
        phase = next((m.rsplit(".", 1)[1] for m, _ in stack
                      if re.search(r"CaptureBench\.(insert|update|delete)$", m)), None)
        if phase is None:
            continue
        if not has(stack, "dev.lattice.driver"):
            part = "plain COMMIT" if has(stack, "SQLiteConnection.commit") else "plain statements"
        elif has(stack, "beforeCommit"):
            part = "tracked fold"
            line = next((line for m, line in stack if "LogFold" in m and line), None)
            fold_lines[(phase, line)] += 1
        elif has(stack, "LatticeConnection.commit"):
            part = "tracked COMMIT"
        elif has(stack, "executeUpdate"):
            part = "tracked statements"
        else:
            part = "tracked other"
        parts[(phase, part)] += 1
    columns = ["plain statements", "plain COMMIT", "tracked statements", "tracked fold", "tracked COMMIT",
               "tracked other"]
    print(f"{'phase':8}" + "".join(f"{c:>20}" for c in columns) + f"{'plain/tracked':>15}")
    for phase in ("insert", "update", "delete"):
        plain = sum(parts[(phase, c)] for c in columns[:2])
        tracked = sum(parts[(phase, c)] for c in columns[2:])
        ratio = f"{plain / tracked:.2f}" if tracked else "-"
        print(f"{phase:8}" + "".join(f"{parts[(phase, c)]:>20}" for c in columns) + f"{ratio:>15}")
    source = LOG_FOLD.read_text().splitlines() if LOG_FOLD.exists() else []
    print("\nfold samples by the LogFold line running (the statement it executes):")
    for (phase, line), n in sorted(fold_lines.items(), key=lambda kv: (kv[0][0], -kv[1])):
        text = source[int(line) - 1].strip() if line and int(line) <= len(source) else "?"
        print(f"  {phase:8}{n:6}  LogFold.java:{line}  {text}")


MERGE = [("COMMIT", "Transactions.write:39"), ("writing rows", "TableWriter"), ("reading held state", "heldRow"),
         ("writing versions", "MergeMetadata.putRowVersion"), ("validation", "MergeValidation"), ("other", "")]

PROTOCOL = [("Argon2id (key derivation)", "crypto.Kdf"), ("sealing: AEAD", "SealedBox.seal"),
            ("opening: AEAD", "SealedBox.open"), ("sealing: payload CBOR", "Payload.encode"),
            ("opening: payload CBOR", "Payload.decode"), ("sealing: cell and row ids", "Envelopes.seal"),
            ("opening: id check", "Envelopes.open"), ("serving: reading changes", "BatchReader"),
            ("serving: reading changes", "ChangeReader"), ("merge: COMMIT", "Transactions.write:39"),
            ("merge: the rest", "Merger"), ("fold", "LogFold"), ("trees", "ReplicaTree"), ("trees", "merkle"),
            ("wire: encoding", "WireCodec.encode"), ("wire: decoding", "WireCodec.decode"),
            ("bench: raw inserts and setup", "ProtocolBench"), ("HTTP", "jetty"), ("HTTP", "jdk.internal.net.http"),
            ("other (GC, JIT, ...)", "")]


def categorized(recording, rules, only=None):
    counts = collections.Counter()
    total = 0
    for stack in samples(recording):
        if only and not has(stack, only):
            continue
        keys = [f"{m}:{line}" for m, line in stack]
        name = next(name for name, fragment in rules if any(fragment in k for k in keys))
        counts[name] += 1
        total += 1
    print(f"{total} samples")
    for name, n in counts.most_common():
        print(f"{n:7} {100 * n / total:5.1f}%  {name}")


def main(argv):
    if len(argv) != 3 or argv[1] not in ("capture", "merge", "protocol"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    view, recording = argv[1], argv[2]
    if view == "capture":
        capture(recording)
    elif view == "merge":
        categorized(recording, MERGE, only="dev.lattice.driver.capture.Merger")
    else:
        categorized(recording, PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
