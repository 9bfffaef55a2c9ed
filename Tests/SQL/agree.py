#!/usr/bin/env python3
"""The SQL agreement suite: every metric of a definitions directory, and every formula of
Tests/SQL/formulas.txt, evaluated in memory (`tally eval --format json`) and compiled for each
dialect (`tally sql`) and run on the real engine over the same typed tables, must give the same
values and groups, in the same order.

    python3 Tests/SQL/agree.py --tally .build/debug/tally --dialects sqlite,duckdb,postgres

PostgreSQL: the suite runs `initdb` into a temporary folder and starts a server on a free local
port whose session zone is neither UTC nor the data's (America/Sao_Paulo) and whose collation is
ICU's English (a < B < b, not code points), and stops it at the end. A dialect that cannot run fails the suite and says why; none is skipped.
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zoneinfo

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER_ZONE = "America/Sao_Paulo"


def tally(binary, args):
    r = subprocess.run([binary] + args, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def datasets(directory):
    """Each `dataset NAME from "PATH"` of the directory's .kpi files: name -> absolute path."""
    found = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".kpi"):
            continue
        for line in open(os.path.join(directory, name), encoding="utf-8"):
            m = re.match(r'\s*dataset\s+(\S+)\s+from\s+"([^"]+)"', line)
            if m:
                found[m.group(1)] = os.path.join(directory, m.group(2))
    return found


def schemas(ddl):
    """The CREATE TABLE output: table -> [(column, tally type)]."""
    tables, current = {}, None
    for line in ddl.splitlines():
        m = re.match(r"CREATE TABLE (\S+) \(", line)
        if m:
            current = m.group(1).strip('"`')
            tables[current] = []
            continue
        m = re.match(r"\s+(\S+) .*-- (\w+)$", line)
        if m and current:
            tables[current].append((m.group(1).strip('"`'), m.group(2)))
    return tables


TRUE = {"true", "yes", "t", "y", "是"}


def parse_time(text, zone):
    s = text.strip().replace("T", " ")
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    value = dt.datetime.fromisoformat(s)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.timezone.utc)


def typed_rows(path, columns, zone):
    """The file's rows as Tally reads them: None for an empty field, typed values otherwise."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        index = [header.index(c) for c, _ in columns]
        for raw in reader:
            out = []
            for i, (_, t) in zip(index, columns):
                v = raw[i]
                if v == "":
                    out.append(None)
                elif t == "int":
                    out.append(int(v.replace("_", "")))
                elif t == "number":
                    out.append(float(v))
                elif t == "bool":
                    out.append(v.strip().lower() in TRUE)
                elif t == "time":
                    out.append(parse_time(v, zone))
                else:
                    out.append(v)
            yield out


class Engine:
    def __init__(self, dialect, workdir):
        self.dialect = dialect
        self.workdir = workdir
        self.server = None
        if dialect == "sqlite":
            import sqlite3

            self.db = sqlite3.connect(":memory:")
        elif dialect == "duckdb":
            import duckdb

            self.db = duckdb.connect()
            # The engine's own zone is neither UTC nor the data's: the statements must not care.
            self.db.execute(f"SET TimeZone = '{SERVER_ZONE}'")
        elif dialect == "postgres":
            self.db = self.start_postgres()
        elif dialect == "spark":
            self.db = self.start_spark()
        else:
            raise SystemExit(f"unknown dialect {dialect}")

    def start_postgres(self):
        import psycopg2

        bindir = None
        for candidate in sorted(os.listdir("/usr/lib/postgresql"), reverse=True) if os.path.isdir("/usr/lib/postgresql") else []:
            if os.path.exists(f"/usr/lib/postgresql/{candidate}/bin/initdb"):
                bindir = f"/usr/lib/postgresql/{candidate}/bin"
                break
        if bindir is None and shutil.which("initdb"):
            bindir = os.path.dirname(shutil.which("initdb"))
        if bindir is None:
            raise SystemExit("postgres: no initdb found; install Debian's 'postgresql' package")
        data = os.path.join(self.workdir, "pgdata")
        run_as = []
        if os.geteuid() == 0:  # the server refuses to run as root
            os.chmod(self.workdir, 0o777)
            run_as = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        subprocess.run(run_as + [f"{bindir}/initdb", "-D", data, "-U", "tally", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                                   "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en"],
                       check=True, capture_output=True)
        # TLS with a certificate of its own for 127.0.0.1, for connections that ask for it.
        self.certificate = os.path.join(self.workdir, "server.crt")
        key = os.path.join(data, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", self.certificate],
                       check=True, capture_output=True)
        shutil.copy(self.certificate, os.path.join(data, "server.crt"))
        os.chmod(key, 0o600)
        if run_as:
            shutil.chown(key, "postgres")
            shutil.chown(os.path.join(data, "server.crt"), "postgres")
        log = os.path.join(self.workdir, "pg.log")
        options = (f"-p {port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c timezone={SERVER_ZONE} -c fsync=off"
                   " -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key")
        r = subprocess.run(run_as + [f"{bindir}/pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start"], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"postgres did not start: {r.stderr}\n{open(log).read() if os.path.exists(log) else ''}")
        self.server = (run_as, bindir, data)
        self.port = port
        for _ in range(50):
            try:
                conn = psycopg2.connect(host=self.workdir, port=port, user="tally", dbname="postgres")
                conn.autocommit = True
                return conn
            except psycopg2.OperationalError:
                time.sleep(0.2)
        raise SystemExit(f"postgres: could not connect on port {port}")

    def start_spark(self):
        from pyspark.sql import SparkSession

        # One JVM for the run, in local mode, ANSI on (1/0 is an error there), zone not the data's.
        session = (
            SparkSession.builder.master("local[2]")
            .appName("tally-agree")
            .config("spark.sql.ansi.enabled", "true")
            .config("spark.sql.session.timeZone", SERVER_ZONE)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        return session

    def stop(self):
        if self.dialect == "spark":
            self.db.stop()
        if self.server:
            run_as, bindir, data = self.server
            subprocess.run(run_as + [f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True)

    def load(self, ddl, tables, files, zone):
        if self.dialect == "spark":
            from pyspark.sql import types as T

            spark_types = {"int": T.LongType(), "number": T.DoubleType(), "bool": T.BooleanType(), "string": T.StringType(),
                           "time": T.TimestampType(), "duration": T.DoubleType()}
            for name, columns in tables.items():
                schema = T.StructType([T.StructField(c, spark_types[t], True) for c, t in columns])
                rows = list(typed_rows(files[name], columns, zone))
                self.db.createDataFrame(rows, schema).createOrReplaceTempView(name)
            return
        for statement in ddl.split(";"):
            if statement.strip():
                self.execute(statement)
        for name, columns in tables.items():
            rows = list(typed_rows(files[name], columns, zone))
            if self.dialect == "sqlite":
                conv = [(lambda v: v.timestamp()) if t == "time" else (lambda v: int(v)) if t == "bool" else (lambda v: v) for _, t in columns]
                rows = [[None if v is None else c(v) for v, c in zip(r, conv)] for r in rows]
                marks = ", ".join("?" for _ in columns)
                self.db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
                continue
            path = os.path.join(self.workdir, f"{name}.{self.dialect}.csv")
            with open(path, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow([c for c, _ in columns])
                for r in rows:
                    w.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.datetime) else ("true" if v else "false") if isinstance(v, bool) else repr(v) if isinstance(v, float) else v for v in r])
            if self.dialect == "duckdb":
                self.db.execute(f"COPY \"{name}\" FROM '{path}' (HEADER, NULL '', QUOTE '\"')")
            else:
                with self.db.cursor() as cur, open(path, encoding="utf-8") as f:
                    cur.copy_expert(f'COPY "{name}" FROM STDIN WITH (FORMAT csv, HEADER true)', f)

    def execute(self, sql):
        if self.dialect == "spark":
            return [tuple(r) for r in self.db.sql(sql.strip().rstrip(";")).collect()]
        if self.dialect == "postgres":
            with self.db.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall() if cur.description else []
        return self.db.execute(sql).fetchall()


def normal(v):
    """A value compared across engines: numbers and booleans as floats, times as epoch seconds."""
    if v is None:
        return None
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dt.datetime):
        return v.timestamp()
    if hasattr(v, "is_finite"):  # decimal
        return float(v)
    if isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$", v):
        return dt.datetime.fromisoformat(v).timestamp()
    return v


def same(a, b):
    a, b = normal(a), normal(b)
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def expected_rows(result):
    if "rows" in result:
        return [tuple(r) for r in result["rows"]]
    return [(result["value"],)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tally", required=True)
    ap.add_argument("--dialects", default="sqlite,duckdb,postgres,spark")
    ap.add_argument("--file", default=os.path.join(ROOT, "examples/after-sales"))
    ap.add_argument("--tz", default="Asia/Shanghai")
    ap.add_argument("--formulas", default=os.path.join(ROOT, "Tests/SQL/formulas.txt"))
    ap.add_argument("--servers-only", action="store_true", help="with postgres: only the datasets declared on the server")
    args = ap.parse_args()
    zone = zoneinfo.ZoneInfo(args.tz)
    files = datasets(args.file)
    base = ["--file", args.file, "--tz", args.tz]
    code, listing, err = tally(args.tally, ["check", args.file, "--tz", args.tz, "--format", "json"])
    metrics = [m["name"] for m in json.loads(listing)["metrics"]]
    formulas = [line.rstrip("\n") for line in open(args.formulas, encoding="utf-8") if line.strip() and not line.startswith("#")]
    cases = [(m, []) for m in metrics] + [(f, []) for f in formulas] + [(m, ["--as-of", "2024-06-16"]) for m in metrics]
    failures, compared, refused = [], 0, 0
    evaluated = {}
    for dialect in args.dialects.split(","):
        work = tempfile.mkdtemp(prefix=f"tally-sql-{dialect}-")
        engine = Engine(dialect, work)
        try:
            code, ddl, err = tally(args.tally, ["sql", "--create-tables", "--dialect", dialect] + base)
            if code != 0:
                raise SystemExit(err)
            engine.load(ddl, schemas(ddl), files, zone)
            for formula, extra in [] if args.servers_only else cases:
                if dialect == "spark" and extra:
                    continue  # one JVM's statements are slow; the other engines cover the second as-of
                key = (formula, tuple(extra))
                if key not in evaluated:
                    evaluated[key] = tally(args.tally, ["eval", formula, "--format", "json"] + base + extra)
                code, out, err = evaluated[key]
                if code != 0:
                    failures.append(f"{dialect}: eval {formula!r} {extra}: {err.strip()}")
                    continue
                want = expected_rows(json.loads(out))
                code, sql, err = tally(args.tally, ["sql", formula, "--dialect", dialect] + base + extra)
                if code != 0:
                    if dialect == "sqlite" and "cannot be written for sqlite" in err:
                        refused += 1
                        continue
                    failures.append(f"{dialect}: sql {formula!r} {extra}: {err.strip()}")
                    continue
                try:
                    got = [tuple(r) for r in engine.execute(sql)]
                except Exception as e:  # the engine's own error, as it says it
                    failures.append(f"{dialect}: {formula!r} {extra}: the engine refused the statement: {e}\n{sql}")
                    continue
                compared += 1
                if len(got) != len(want) or any(len(g) != len(w) or not all(same(x, y) for x, y in zip(g, w)) for g, w in zip(got, want)):
                    failures.append(f"{dialect}: {formula!r} {extra}: eval gives {want[:6]}, the engine {got[:6]}\n{sql}")
            if dialect == "postgres":
                # The same KPI files with their datasets on this server (`dataset ... from postgres`).
                import servers

                more, agreed = servers.check(engine, args.tally, args.file, args.tz, formulas, engine.port, engine.certificate)
                failures += [f"postgres datasets: {f}" for f in more]
                print(f"datasets on the PostgreSQL server: {agreed} checks agree with the files, {len(more)} differ")
        finally:
            engine.stop()
            shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("DIFFER " + f, file=sys.stderr)
    print(f"{compared} statements agree with eval, {len(failures)} differ, {refused} refused by sqlite ({args.dialects})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
