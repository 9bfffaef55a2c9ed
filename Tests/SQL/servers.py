#!/usr/bin/env python3
"""Datasets on a PostgreSQL server: the bundled example's KPI files, with every dataset
declared `from postgres "env:TALLY_PG" table "public.NAME"` over the same rows, must give
what they give over the CSV files (`tally check`, `tally test`, `tally eval`); a dataset on
the server and one from a file mix in one formula; the server's own types (integer, numeric,
timestamp without time zone, date, varchar, uuid) read as Tally's; and a wrong password, a
server that is down, a missing table or a password written in a definition file each give a
located error that exits 2 and never prints the password.

agree.py runs it on the PostgreSQL server it starts, after the statements it compares:

    python3 Tests/SQL/agree.py --tally .build/debug/tally --dialects postgres

The server asks for a password on TCP (scram-sha-256): Tally connects as `analyst` with the
password in the URL that TALLY_PG holds.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

PASSWORD = "S3cret-pa:ss@word!"
WRONG = "not-the-Password-42"


def run(tally, args, env):
    r = subprocess.run([tally] + args, capture_output=True, text=True, env=env)
    return r.returncode, r.stdout, r.stderr


def server_copy(example, work):
    """The example directory, copied, with each file dataset declared on the server instead."""
    target = os.path.join(work, "on-server")
    shutil.copytree(example, target)
    for name in os.listdir(target):
        if not name.endswith(".kpi"):
            continue
        path = os.path.join(target, name)
        text = open(path, encoding="utf-8").read()
        text = re.sub(r'(?m)^(\s*dataset\s+(\S+)\s+)from\s+"[^"]+"', lambda m: f'{m.group(1)}from postgres "env:TALLY_PG" table "public.{m.group(2)}"', text)
        open(path, "w", encoding="utf-8").write(text)
    return target


def values(check_json):
    """Each metric's name -> (status, value or rows)."""
    out = {}
    for m in json.loads(check_json)["metrics"]:
        out[m["name"]] = (m.get("status"), m.get("value", m.get("rows")))
    return out


def close(a, b):
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return a == b


def check(engine, tally, example, tz, formulas, port, certificate):
    """Runs every comparison on the engine's server; returns the failures and a count of what agreed."""
    failures, agreed = [], 0
    engine.execute(f"CREATE ROLE analyst LOGIN PASSWORD '{PASSWORD}'")
    engine.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO analyst")
    # The server's own types: what an export loaded by hand into PostgreSQL looks like.
    engine.execute(
        f"""CREATE TABLE public.orders_native AS SELECT
              CAST(order_id AS VARCHAR(40)) AS order_id, CAST(shop AS CHAR(1)) AS shop,
              CAST(quantity AS INTEGER) AS quantity, CAST(amount AS NUMERIC(12, 2)) AS amount,
              CAST(paid_at AT TIME ZONE '{tz}' AS TIMESTAMP) AS paid_at,
              CAST(paid_at AT TIME ZONE '{tz}' AS DATE) AS paid_on,
              md5(order_id)::uuid AS token, CAST(status AS TEXT) AS status
            FROM public.orders""")
    engine.execute("GRANT SELECT ON public.orders_native TO analyst")
    work = tempfile.mkdtemp(prefix="tally-servers-")
    try:
        url = f"postgres://analyst:{PASSWORD}@127.0.0.1:{port}/postgres"
        env = dict(os.environ, TALLY_PG=url)
        env.pop("PGPASSWORD", None)
        outputs = []

        def tally_run(args, environment=env):
            code, out, err = run(tally, args, environment)
            outputs.append(out + err)
            return code, out, err

        on_server = server_copy(example, work)
        base = ["--tz", tz]
        _, want, _ = tally_run(["check", example, "--format", "json"] + base)
        code, got, err = tally_run(["check", on_server, "--format", "json"] + base)
        if code not in (0, 1):
            failures.append(f"check on the server exits {code}: {err.strip()}")
        else:
            w, g = values(want), values(got)
            for name in w:
                if name not in g or not close(w[name], g[name]):
                    failures.append(f"metric {name}: files give {w[name]}, the server {g.get(name)}")
                else:
                    agreed += 1
        code, out, err = tally_run(["test", on_server] + base)
        if code != 0:
            failures.append(f"test on the server exits {code}: {out.strip()} {err.strip()}")
        for formula in formulas:
            _, want, werr = tally_run(["eval", formula, "--file", example, "--format", "json"] + base)
            code, got, err = tally_run(["eval", formula, "--file", on_server, "--format", "json"] + base)
            if code != 0 or not close(json.loads(want), json.loads(got)):
                failures.append(f"eval {formula!r}: files give {want.strip()[:300]} {werr.strip()}, the server {got.strip()[:300]} {err.strip()}")
            else:
                agreed += 1

        # A file dataset and a server dataset in one formula; the server's own types.
        mixed = os.path.join(work, "mixed.kpi")
        data = os.path.join(os.path.abspath(example), "data")
        with open(mixed, "w", encoding="utf-8") as f:
            f.write(f'dataset orders_file from "{data}/orders.csv" time paid_at\n')
            f.write('dataset orders from postgres "env:TALLY_PG" table "public.orders" time paid_at\n')
            f.write('dataset native from postgres "env:TALLY_PG" table "public.orders_native" time paid_at\n')
            f.write('dataset native_days from postgres "env:TALLY_PG" table "public.orders_native" time paid_on\n')
        same_pairs = [
            ("(count(orders) over 28d) - (count(orders_file) over 28d)", "0"),
            ("(sum(orders.amount) over 28d) - (sum(orders_file.amount) over 28d) by shop", None),
            ("sum(native.amount) by day over 28d", "sum(orders_file.amount) by day over 28d"),
            ("sum(native.quantity) by shop over month", "sum(orders_file.quantity) by shop over month"),
            ("count_distinct(native.token) over 28d", "count(orders_file) over 28d"),
            ("count(native_days) by week over 8w", "count(orders_file) by week over 8w"),
            ("max(native.paid_at) by shop", "max(orders_file.paid_at) by shop"),
            ("count(native where shop = \"A\" and status = \"completed\")", "count(orders_file where shop = \"A\" and status = \"completed\")"),
        ]
        for formula, reference in same_pairs:
            code, got, err = tally_run(["eval", formula, "--file", mixed, "--format", "json"] + base)
            if code != 0:
                failures.append(f"eval {formula!r} over files and the server: exits {code}: {err.strip()}")
                continue
            result = json.loads(got)
            if reference is None:  # every group's difference is zero
                ok = all(close(r[-1], 0) for r in result["rows"]) and result["rows"]
            elif reference == "0":
                ok = close(result["value"], 0)
            else:
                _, want, _ = tally_run(["eval", reference, "--file", mixed, "--format", "json"] + base)
                ok = close(result, json.loads(want))
                got = f"{got.strip()[:200]} against {want.strip()[:200]}"
            if ok:
                agreed += 1
            else:
                failures.append(f"eval {formula!r} over files and the server: {got.strip()[:400]}")

        # Each mistake: exit 2, the place in the definition, the server's word, no password.
        def expect_error(what, kpi_text, environment, needles):
            path = os.path.join(work, "broken.kpi")
            open(path, "w", encoding="utf-8").write(kpi_text)
            code, out, err = tally_run(["eval", "count(orders)", "--file", path], environment)
            missing = [n for n in needles if n not in err]
            if code != 2 or missing:
                failures.append(f"{what}: exits {code}, says {err.strip()!r}; expected {missing}")
            nonlocal agreed
            agreed += 1 if code == 2 and not missing else 0

        declared = 'dataset orders from postgres "env:TALLY_PG" table "public.orders"\n'
        expect_error(
            "a wrong password", declared, dict(env, TALLY_PG=f"postgres://analyst:{WRONG}@127.0.0.1:{port}/postgres"),
            ["broken.kpi:1:", "password authentication failed", "analyst"])
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            free = s.getsockname()[1]
        expect_error(
            "a server that is down", declared, dict(env, TALLY_PG=f"postgres://analyst:{PASSWORD}@127.0.0.1:{free}/postgres"),
            ["broken.kpi:1:", "cannot connect", f"127.0.0.1:{free}"])
        expect_error(
            "a missing table", 'dataset orders from postgres "env:TALLY_PG" table "public.ordres"\n', env,
            ["broken.kpi:1:", "no table 'public.ordres'", "analyst@127.0.0.1"])
        expect_error(
            "an unset variable", 'dataset orders from postgres "env:TALLY_NO_SUCH_URL" table "public.orders"\n', env,
            ["broken.kpi:1:", "TALLY_NO_SUCH_URL is not set"])
        expect_error(
            "a password in a definition file",
            f'dataset orders from postgres "postgres://analyst:{PASSWORD}@127.0.0.1:{port}/postgres" table "public.orders"\n', env,
            ["broken.kpi:1:", "holds a password"])
        expect_error(
            "a password as a query parameter in a definition file",
            f'dataset orders from postgres "postgres://analyst@127.0.0.1:{port}/postgres?sslmode=disable&password={PASSWORD}" table "public.orders"\n',
            env, ["broken.kpi:1:", "holds a password"])
        expect_error(
            "a name defined twice on the line of a URL with a password",
            f'dataset orders from "{data}/orders.csv"\ndataset orders from postgres "postgres://analyst:{PASSWORD}@127.0.0.1:{port}/postgres" table "public.orders"\n',
            env, ["broken.kpi:2:"])
        expect_error(
            "a text column named as the time column",
            'dataset orders from postgres "env:TALLY_PG" table "public.orders" time status\n', env,
            ["broken.kpi:1:", "status"])

        # What real tables hold: mixed-case names, times at infinity, number keys met by a file's
        # int keys, and a session zone given as an offset.
        engine.execute('CREATE SCHEMA "Sales"')
        engine.execute(f"""CREATE TABLE "Sales"."Orders" AS SELECT order_id, shop, CAST(quantity AS NUMERIC) AS quantity, paid_at FROM public.orders
                           UNION ALL SELECT 'X-INF', 'A', 1, 'infinity'::timestamptz""")
        engine.execute('GRANT USAGE ON SCHEMA "Sales" TO analyst')
        engine.execute('GRANT SELECT ON "Sales"."Orders" TO analyst')
        edges = os.path.join(work, "edges.kpi")
        with open(edges, "w", encoding="utf-8") as f:
            f.write(f'dataset orders_file from "{data}/orders.csv" time paid_at\n')
            f.write('dataset sales from postgres "env:TALLY_PG" table "Sales.Orders" time paid_at\n')
            f.write('dataset native from postgres "env:TALLY_PG" table "public.orders_native" time paid_at\n')
        # The native table keeps local times without a zone: read in any session zone, they are
        # the file's times read in that zone.
        for formula, reference, zones in [
            ("count(sales) over 28d", "(count(orders_file) over 28d) + 0", [tz]),
            ("((count(sales where order_id != \"X-INF\") over 28d) + (count(orders_file) over 28d)) by quantity",
             "(2 * count(orders_file) over 28d) by quantity", [tz]),
            ("max(sales.paid_at where order_id != \"X-INF\")", "max(orders_file.paid_at)", [tz]),
            ("sum(native.amount) by day over 28d", "sum(orders_file.amount) by day over 28d", [tz, "+02:00"]),
            ("count(native where weekday(paid_at) >= 6) by week over 8w", "count(orders_file where weekday(paid_at) >= 6) by week over 8w", [tz, "+02:00"]),
        ]:
            for zone in zones:
                _, want, _ = tally_run(["eval", reference, "--file", edges, "--format", "json", "--tz", zone])
                code, got, err = tally_run(["eval", formula, "--file", edges, "--format", "json", "--tz", zone])
                if code != 0 or not close(json.loads(want).get("value", json.loads(want).get("rows")), json.loads(got).get("value", json.loads(got).get("rows"))):
                    failures.append(f"eval {formula!r} --tz {zone}: {got.strip()[:300]} {err.strip()[:300]}, against {want.strip()[:300]}")
                else:
                    agreed += 1

        # A connection the server drops between two statements (an administrator's
        # pg_terminate_backend, an idle timeout) is opened again: the REPL goes on.
        repl = subprocess.Popen([tally, edges] + base, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        dropped = 0
        for _ in range(100):
            dropped = engine.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'tally'")[0][0]
            if dropped:
                break
            time.sleep(0.1)
        try:
            out, err = repl.communicate("count(sales) over 28d\n:quit\n", timeout=60)
            _, want, _ = tally_run(["eval", "count(orders_file) over 28d", "--file", edges] + base)
            if repl.returncode != 0 or not dropped or want.strip() not in out.split():
                failures.append(f"a dropped connection (dropped {dropped}): exits {repl.returncode}: {out.strip()} {err.strip()}, expected {want.strip()}")
            else:
                agreed += 1
            outputs.append(out + err)
        except subprocess.TimeoutExpired:
            repl.kill()
            failures.append("a dropped connection: the next statement hangs")

        # A password from PGPASSWORD, for a URL written without one.
        plain = os.path.join(work, "pgpassword.kpi")
        with open(plain, "w", encoding="utf-8") as f:
            f.write(f'dataset orders from postgres "postgres://analyst@127.0.0.1:{port}/postgres" table "public.orders" time paid_at\n')
        code, out, err = tally_run(["eval", "count(orders) over 28d", "--file", plain, "--format", "json"] + base, dict(env, PGPASSWORD=PASSWORD))
        _, want, _ = tally_run(["eval", "count(orders) over 28d", "--file", example, "--format", "json"] + base)
        if code != 0 or not close(json.loads(out), json.loads(want)):
            failures.append(f"PGPASSWORD: exits {code}: {out.strip()} {err.strip()}")
        else:
            agreed += 1
        # TLS when the URL asks for it: the server's own view says whether the session is encrypted.
        engine.execute("CREATE VIEW public.tls_session AS SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        engine.execute("GRANT SELECT ON public.tls_session TO analyst")
        tls = os.path.join(work, "tls.kpi")
        with open(tls, "w", encoding="utf-8") as f:
            f.write('dataset tls_session from postgres "env:TALLY_PG" table "public.tls_session"\n')
        plain_url = f"postgres://analyst:{PASSWORD}@127.0.0.1:{port}/postgres"
        for query, want_tls in [("?sslmode=disable", 0), ("?sslmode=require", 1), (f"?sslmode=verify-full&sslrootcert={certificate}", 1)]:
            code, out, err = tally_run(["eval", "count(tls_session where ssl)", "--file", tls, "--format", "json"], dict(env, TALLY_PG=plain_url + query))
            if code != 0 or json.loads(out)["value"] != want_tls:
                failures.append(f"TLS {query}: exits {code}: {out.strip()} {err.strip()}")
            else:
                agreed += 1
        # A certificate that no trusted root signed is refused under verify-full.
        code, out, err = tally_run(["eval", "count(tls_session)", "--file", tls], dict(env, TALLY_PG=plain_url + "?sslmode=verify-full"))
        if code != 2 or "tls.kpi:1:" not in err:
            failures.append(f"TLS verify-full with an untrusted certificate: exits {code}: {err.strip()}")
        else:
            agreed += 1
        for text in outputs:
            for secret in (PASSWORD, WRONG):
                if secret in text:
                    failures.append(f"a password was printed: {text[:300]!r}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return failures, agreed
