#!/usr/bin/env bash
# Prototype behind docs/design/throughput.md, "Version-keyed row metadata": the size and write time of the row
# metadata of N random-UUID rows in today's layout (lattice_rows keyed by table and key, plus a (site, seq) index
# that repeats the key) and keyed by version with an index on a 64-bit hash of the key. Metadata is written as a
# fold writes it: five transactions of N/5 rows in sequence order; then every row takes a new version in five more
# transactions, each of every fifth row (scattered, as an application's updates are).
# Needs the sqlite3 shell with the dbstat table (Debian's has it). Usage: bench/profiles/version-keyed-metadata.sh [N]
set -euo pipefail
n=${1:-100000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

uuid="lower(hex(randomblob(4))||'-'||hex(randomblob(2))||'-4'||substr(hex(randomblob(2)),2)||'-a'||substr(hex(randomblob(2)),2)||'-'||hex(randomblob(6)))"
sqlite3 keys.db "CREATE TABLE k(seq INTEGER PRIMARY KEY, pk TEXT);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n) INSERT INTO k SELECT i, $uuid FROM n;"

# Five transactions, the i-th running "$1" with :lo and :hi the i-th fifth of the sequence numbers and :i as i.
folds() {
  local sql="" i
  for i in 0 1 2 3 4; do
    sql+="BEGIN; $(echo "$1" | sed "s/:lo/$((n * i / 5))/g; s/:hi/$((n * (i + 1) / 5))/g; s/:i/$i/g") COMMIT; "
  done
  echo "$sql"
}

timed() { # file, SQL: prints the wall time of running it
  local start end
  start=$(date +%s%N)
  sqlite3 "$1" "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; ATTACH 'keys.db' AS k; $2" >/dev/null
  end=$(date +%s%N)
  printf '  %s: %d ms\n' "$3" $(((end - start) / 1000000))
}

sizes() {
  sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  sqlite3 "$1" "SELECT '  ' || name || ': ' || printf('%.1f MB', sum(pgsize) / 1e6) FROM dbstat GROUP BY name
    HAVING name LIKE 'lattice%' ORDER BY 1;"
  printf '  file: %.1f MB\n' "$(echo "$(stat -c %s "$1") / 1000000" | bc -l)"
}

echo "today's layout: lattice_rows(tbl, pk, cl, site, seq, hlc) keyed (tbl, pk), index (site, seq); $n rows"
timed today.db "CREATE TABLE lattice_rows(tbl INTEGER NOT NULL, pk NOT NULL, cl INTEGER NOT NULL,
    site INTEGER NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, PRIMARY KEY (tbl, pk)) WITHOUT ROWID;
  CREATE INDEX lattice_rows_by_version ON lattice_rows(site, seq);
  $(folds "INSERT INTO lattice_rows SELECT 1, pk, 1, 0, seq, 120000000000000000 + seq * 65536 FROM k.k
    WHERE seq > :lo AND seq <= :hi;")" "five folds of inserts"
sizes today.db
timed today.db "$(folds "UPDATE lattice_rows SET seq = seq + $n, hlc = hlc + 1
    WHERE tbl = 1 AND pk IN (SELECT pk FROM k.k WHERE seq % 5 = :i);")" "five folds giving every row a new version"
sizes today.db

echo "version-keyed: lattice_rows(site, seq, tbl, pk, h, cl, hlc) keyed (site, seq), index (tbl, h), h a 64-bit key hash"
# Any 64-bit value stands in for the hash: size and page writes do not depend on which.
timed keyed.db "CREATE TABLE lattice_rows(site INTEGER NOT NULL, seq INTEGER NOT NULL, tbl INTEGER NOT NULL,
    pk NOT NULL, h INTEGER NOT NULL, cl INTEGER NOT NULL, hlc INTEGER NOT NULL, PRIMARY KEY (site, seq)) WITHOUT ROWID;
  CREATE INDEX lattice_rows_by_key ON lattice_rows(tbl, h);
  $(folds "INSERT INTO lattice_rows SELECT 0, seq, 1, pk, random(), 1, 120000000000000000 + seq * 65536 FROM k.k
    WHERE seq > :lo AND seq <= :hi;")" "five folds of inserts"
sizes keyed.db
# A new version moves the row to the end of the table; its index entry is rewritten in place. The moved rows are
# found by their old versions here; a fold would find them through (tbl, h), which reads the same index pages.
timed keyed.db "CREATE TEMP TABLE moved(seq INTEGER PRIMARY KEY);
  $(folds "INSERT INTO temp.moved SELECT seq FROM k.k WHERE seq % 5 = :i;
    INSERT INTO lattice_rows SELECT site, seq + $n, tbl, pk, h, cl, hlc + 1 FROM lattice_rows
      WHERE site = 0 AND seq IN (SELECT seq FROM temp.moved);
    DELETE FROM lattice_rows WHERE site = 0 AND seq IN (SELECT seq FROM temp.moved); DELETE FROM temp.moved;")" \
  "five folds giving every row a new version"
sizes keyed.db
