import Foundation
import XCTest

/// `tally eval` as a user runs it: stdout, stderr and the exit code of the built binary
/// (LANGUAGE.md section 7). Expected values are hand counts over the small files below.
final class EvalEndToEndTests: XCTestCase {
  // Six orders. Without --as-of, E is the start of the day after the latest paid_at
  // (2024-06-30T20:00Z), so 2024-07-01T00:00Z; row 6 has no time and is read without a window.
  static let orders = """
    id,shop,amount,status,paid_at,intervened
    1,A,10,paid,2024-06-01 10:00:00,false
    2,A,20,paid,2024-06-15 12:00:00,true
    3,B,30,paid,2024-06-29 23:30:00,false
    4,B,,unpaid,2024-06-30 18:00:00,true
    5,中店,50,paid,2024-06-30T20:00:00Z,
    6,,5.5,paid,,false

    """

  // Two time columns, neither named like a default: the time column must be given.
  // Durations closed - requested: row 1 = 47 h = 169200 s; row 3 = 9 d 4 h = 220 h = 792000 s.
  static let refunds = """
    id,requested_at,closed_at
    1,2024-06-28 10:00:00,2024-06-30 09:00:00
    2,2024-06-30 08:00:00,
    3,2024-06-20 08:00:00,2024-06-29 12:00:00

    """

  static let definitions = """
    dataset orders from "../data/orders.csv" time paid_at

    ## Share of orders that are paid.
    metric paid_share = count(orders where status = "paid") / count(orders)
      format percent
      target >= 50%

    """

  var dir: URL!
  var ordersPath: String { dir.appendingPathComponent("data/orders.csv").path }
  var refundsPath: String { dir.appendingPathComponent("data/refunds.csv").path }

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-eval-e2e-\(UUID().uuidString)")
    let files = [
      "data/orders.csv": Self.orders, "data/refunds.csv": Self.refunds, "data/a,b.csv": Self.refunds,
      "data/bad.csv": "a,b\n1,2\n3\n", "defs/defs.kpi": Self.definitions,
    ]
    for (path, text) in files {
      let url = dir.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
  }

  override func tearDown() {
    try? FileManager.default.removeItem(at: dir)
  }

  // MARK: Running the binary

  typealias Run = TallyProcess.Output

  /// Runs `tally ARGS` in `cwd`, with the machine's zone set to something other than UTC.
  func tally(_ args: [String], cwd: URL? = nil) throws -> Run {
    try TallyProcess.run(args, in: cwd ?? dir, environment: ["TZ": "America/Los_Angeles"])
  }

  /// Runs an eval that must succeed with JSON output, and returns the parsed object.
  func json(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let r = try tally(["eval"] + args + ["--format", "json"])
    XCTAssertEqual(r.code, 0, "exit code; stderr: \(r.stderr)", file: file, line: line)
    XCTAssertEqual(r.stderr, "", file: file, line: line)
    XCTAssertTrue(r.stdout.hasSuffix("}\n"), "one JSON object and a line end: \(r.stdout)", file: file, line: line)
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
    guard let dict = object as? [String: Any] else {
      XCTFail("not a JSON object: \(r.stdout)", file: file, line: line)
      return [:]
    }
    return dict
  }

  // MARK: Output shapes

  func testSingleValueJSON() throws {
    let data = "orders=\(ordersPath)"
    // (formula, extra arguments, the JSON value): numbers, booleans, null, strings, times, durations.
    let cases: [(String, [String], Any)] = [
      ("count(orders)", [], 6),
      // 10 + 20 + 30 + 50 + 5.5 (row 4 has no amount).
      ("sum(amount)", [], 115.5),
      ("7 / 2", [], 3.5),
      ("count(orders) > 5", [], true),
      ("avg(amount where false)", [], NSNull()),
      ("min(orders.shop)", [], "A"),
      ("max(orders.shop)", [], "中店"),
      ("max(paid_at)", [], "2024-06-30T20:00:00+00:00"),
      ("max(paid_at)", ["--tz", "Asia/Shanghai"], "2024-07-01T04:00:00+08:00"),
      // (169200 + 792000) / 2 = 480600 seconds.
      ("avg(closed_at - requested_at)", ["--data", "refunds=\(refundsPath),time=closed_at"], 480600),
      ("24h + 30m", [], 88200),
    ]
    for (formula, extra, want) in cases {
      let obj = try json([formula, "--data", data] + extra)
      XCTAssertEqual(Set(obj.keys), ["as_of", "value"], formula)
      XCTAssertEqual(obj["as_of"] as? String, extra.contains("--tz") ? "2024-07-02T00:00:00+08:00" : "2024-07-01T00:00:00+00:00", formula)
      XCTAssertTrue(Self.same(obj["value"], want), "\(formula): \(obj["value"] ?? "missing") vs \(want)")
    }
    // JSON booleans are `true`/`false`, not 1/0.
    let boolean = try tally(["eval", "count(orders) > 5", "--data", data, "--format", "json"])
    XCTAssertTrue(boolean.stdout.contains("\"value\": true"), boolean.stdout)
  }

  /// A parsed JSON value against an expected one (numbers within 1e-9 relative).
  static func same(_ a: Any?, _ b: Any) -> Bool {
    switch (a, b) {
    case (is NSNull, is NSNull): return true
    case (let x as String, let y as String): return x == y
    case (let x as NSNumber, let y as Bool): return x.boolValue == y
    case (let x as NSNumber, let y as Int): return x.doubleValue == Double(y)
    case (let x as NSNumber, let y as Double): return abs(x.doubleValue - y) <= 1e-9 * max(1, abs(y))
    default: return false
    }
  }

  func testGroupedJSON() throws {
    // sum(amount) by shop: A 10 + 20 = 30; B 30 (row 4 has no amount); 中店 50; no shop: 5.5.
    // Strings sort by code point (A < B < 中店) and the null key comes last.
    let obj = try json(["sum(amount) by shop", "--data", "orders=\(ordersPath)"])
    XCTAssertEqual(Set(obj.keys), ["as_of", "columns", "rows"])
    XCTAssertEqual(obj["as_of"] as? String, "2024-07-01T00:00:00+00:00")
    XCTAssertEqual(obj["columns"] as? [String], ["shop", "value"])
    let rows = obj["rows"] as? [[Any]] ?? []
    XCTAssertEqual(rows.count, 4)
    let expected: [(Any, Any)] = [("A", 30), ("B", 30), ("中店", 50), (NSNull(), 5.5)]
    for (row, (key, value)) in zip(rows, expected) {
      XCTAssertEqual(row.count, 2)
      XCTAssertTrue(Self.same(row.first, key) && Self.same(row.last, value), "\(row) vs \(key), \(value)")
    }
    // paid / all by shop: A 2/2, B 1/2, 中店 1/1, null 1/1.
    let ratio = try json(["count(orders where status = \"paid\") / count(orders) by shop", "--data", "orders=\(ordersPath)"])
    let ratioRows = ratio["rows"] as? [[Any]] ?? []
    XCTAssertEqual(ratioRows.map { ($0.last as? NSNumber)?.doubleValue }, [1, 0.5, 1, 1])
    // Two keys: the key columns come first, in the order given.
    let two = try json(["count(orders) by shop, status", "--data", "orders=\(ordersPath)"])
    XCTAssertEqual(two["columns"] as? [String], ["shop", "status", "value"])
    XCTAssertEqual((two["rows"] as? [[Any]])?.count, 5, "A/paid, B/paid, B/unpaid, 中店/paid, null/paid")
  }

  func testCSVAndTableFormats() throws {
    let data = ["--data", "orders=\(ordersPath)"]
    let grouped = try tally(["eval", "sum(amount) by shop", "--format", "csv"] + data)
    XCTAssertEqual(grouped.code, 0)
    XCTAssertEqual(grouped.stdout, "shop,value\nA,30\nB,30\n中店,50\n,5.5\n")
    let single = try tally(["eval", "count(orders)", "--format", "csv"] + data)
    XCTAssertEqual(single.stdout, "value\n6\n")
    let table = try tally(["eval", "count(orders)"] + data)
    XCTAssertEqual(table.stdout, "6\n")
    XCTAssertEqual(table.stderr, "")
  }

  // MARK: Options

  func testDataWithTimeColumn() throws {
    // With time=closed_at, E = 2024-07-01 (the day after 06-30 09:00); over 2d = [06-29, 07-01): rows 1 and 3.
    let closed = try json(["count(refunds) over 2d", "--data", "refunds=\(refundsPath),time=closed_at"])
    XCTAssertTrue(Self.same(closed["value"], 2))
    // With time=requested_at, E = 2024-07-01 too; [06-29, 07-01) holds only row 2.
    let requested = try json(["count(refunds) over 2d", "--data", "refunds=\(refundsPath),time=requested_at"])
    XCTAssertTrue(Self.same(requested["value"], 1))
    // A comma that is not ",time=" belongs to the path.
    let comma = try json(["count(refunds) over 2d", "--data", "refunds=\(dir.appendingPathComponent("data/a,b.csv").path),time=closed_at"])
    XCTAssertTrue(Self.same(comma["value"], 2))
    let plain = try json(["count(refunds)", "--data", "refunds=\(dir.appendingPathComponent("data/a,b.csv").path)"])
    XCTAssertTrue(Self.same(plain["value"], 3))
    // Without a time column, a window is an error.
    let none = try tally(["eval", "count(refunds) over 2d", "--data", "refunds=\(refundsPath)"])
    XCTAssertEqual(none.code, 2)
    XCTAssertTrue(none.stderr.hasPrefix("<expr>:1:1: error: dataset 'refunds' has no time column for a window"), none.stderr)
    XCTAssertEqual(none.stdout, "")
  }

  func testFileAndMetricName() throws {
    // Run from another directory: the dataset path is relative to the .kpi file.
    let elsewhere = FileManager.default.temporaryDirectory
    let kpi = dir.appendingPathComponent("defs/defs.kpi").path
    // 5 of 6 orders are paid.
    let r = try tally(["eval", "paid_share", "--file", kpi, "--format", "json"], cwd: elsewhere)
    XCTAssertEqual(r.code, 0, r.stderr)
    let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    // `format percent` never changes a JSON value.
    XCTAssertTrue(Self.same(obj["value"], 5.0 / 6.0), "\(obj)")
    let table = try tally(["eval", "paid_share", "--file", kpi], cwd: elsewhere)
    XCTAssertEqual(table.stdout, "83.33%\n")
    let formula = try tally(
      ["eval", "paid_share * 6 - count(orders where status = \"paid\")", "--file", kpi, "--format", "json"], cwd: elsewhere)
    XCTAssertTrue(formula.stdout.contains("\"value\": 0"), formula.stdout + formula.stderr)
    // `--data` for a dataset the file declares runs the same metric over another export
    // (1 of 2 orders paid, the latest on 06-02), and `,time=` replaces its time column.
    let export = dir.appendingPathComponent("export.csv")
    try Data("id,status,paid_at,shipped_at\n1,paid,2024-06-01,2024-06-09\n2,unpaid,2024-06-02,\n".utf8).write(to: export)
    let other = try tally(["eval", "paid_share", "--file", kpi, "--data", "orders=\(export.path)", "--format", "json"])
    XCTAssertEqual(other.stdout, #"{"as_of": "2024-06-03T00:00:00+00:00", "value": 0.5}"# + "\n", other.stderr)
    XCTAssertEqual(other.code, 0)
    XCTAssertEqual(other.stderr, "note: --data orders=\(export.path) replaces the file declared at \(kpi):1\n")
    let shipped = try tally(["eval", "count(orders)", "--file", kpi, "--data", "orders=\(export.path),time=shipped_at", "--format", "json"])
    XCTAssertEqual(shipped.stdout, #"{"as_of": "2024-06-10T00:00:00+00:00", "value": 2}"# + "\n", shipped.stderr)
    let unknown = try tally(["eval", "paid_shar", "--file", kpi], cwd: elsewhere)
    XCTAssertEqual(unknown.code, 2)
    XCTAssertEqual(
      unknown.stderr,
      """
      <expr>:1:1: error: unknown name 'paid_shar'
      1 | paid_shar
        | ^~~~~~~~~
      note: did you mean 'paid_share'?

      """)
  }

  func testAsOfAndTimeZone() throws {
    let data = ["--data", "orders=\(ordersPath)"]
    // The machine's zone (TZ=America/Los_Angeles) does not matter: the default session zone is UTC.
    let utc = try json(["count(orders)"] + data)
    XCTAssertEqual(utc["as_of"] as? String, "2024-07-01T00:00:00+00:00")
    // A day means through its end: E = 2024-06-16T00:00Z; rows 1, 2 and the row with no time.
    let day = try json(["count(orders)", "--as-of", "2024-06-15"] + data)
    XCTAssertEqual(day["as_of"] as? String, "2024-06-16T00:00:00+00:00")
    XCTAssertTrue(Self.same(day["value"], 3))
    // An instant means itself: 19:00 at +08:00 = 11:00Z; rows 1, 2, 3 and 6.
    let instant = try json(["count(orders)", "--as-of", "2024-06-30T19:00:00+08:00"] + data)
    XCTAssertEqual(instant["as_of"] as? String, "2024-06-30T11:00:00+00:00")
    XCTAssertTrue(Self.same(instant["value"], 4))
    // In Asia/Shanghai, times without an offset are read at +08:00; the latest time (20:00Z) is
    // 2024-07-01 04:00 local, so E = 2024-07-02 00:00 +08:00, and over 1d = [07-01 00:00, 07-02 00:00) local:
    // only row 5 (row 4 is 06-30 18:00 local).
    let shanghai = try json(["count(orders) over 1d", "--tz", "Asia/Shanghai"] + data)
    XCTAssertEqual(shanghai["as_of"] as? String, "2024-07-02T00:00:00+08:00")
    XCTAssertTrue(Self.same(shanghai["value"], 1))
    let shDays = try tally(["eval", "count(orders) by day", "--tz", "Asia/Shanghai", "--format", "csv"] + data)
    // Local days: 06-01 (1), 06-15 (2), 06-29 (3), 06-30 (4), 07-01 (5), and the row without a time.
    XCTAssertEqual(shDays.stdout, "day,value\n2024-06-01,1\n2024-06-15,1\n2024-06-29,1\n2024-06-30,1\n2024-07-01,1\n,1\n")
    let offsetZone = try json(["count(orders)", "--tz", "+05:30", "--as-of", "2024-06-30"] + data)
    XCTAssertEqual(offsetZone["as_of"] as? String, "2024-07-01T00:00:00+05:30")
    // A negative offset is the option's value, not another option; `@` may start an as-of as in `at`.
    let west = try json(["count(orders)", "--tz", "-05:00", "--as-of", "@2024-06-30"] + data)
    XCTAssertEqual(west["as_of"] as? String, "2024-07-01T00:00:00-05:00")
  }

  // MARK: Errors

  func testPipesDevicesAndBinaryFiles() throws {
    // A pipe given on the command line is read to its end.
    let piped = try TallyProcess.run(
      ["-c", "cat '\(ordersPath)' | '\(TallyProcess.executable.path)' eval 'count(o)' --data o=/dev/stdin"], in: dir,
      executable: URL(fileURLWithPath: "/bin/sh"))
    XCTAssertEqual(piped.stdout, "6\n", piped.stderr)
    // A device is not data.
    let device = try tally(["eval", "count(o)", "--data", "o=/dev/null"])
    XCTAssertEqual(device.code, 2)
    XCTAssertEqual(device.stderr, "/dev/null: error: cannot read '/dev/null': it is not a file or a pipe\n")
    // A pipe named in a definition file could make a run wait forever: refused.
    let fifo = dir.appendingPathComponent("fifo").path
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    try Data("dataset o from \"fifo\"\nmetric n = count(o)\n".utf8).write(to: dir.appendingPathComponent("p.kpi"))
    let declared = try TallyProcess.run(["check", "p.kpi"], in: dir)
    XCTAssertEqual(declared.code, 2)
    XCTAssertTrue(declared.stderr.hasPrefix("p.kpi:1:1: error: cannot read 'fifo': it is not a regular file"), declared.stderr)
    // A NUL byte: the file is binary, not CSV.
    try Data("a,b\n1,x".utf8 + [0] + Data("y\n".utf8)).write(to: dir.appendingPathComponent("nul.csv"))
    let nul = try tally(["eval", "count(o)", "--data", "o=nul.csv"])
    XCTAssertEqual(nul.code, 2)
    XCTAssertTrue(nul.stderr.hasPrefix("nul.csv:2:4: error: a NUL byte, which text never holds"), nul.stderr)
    // Year 0 is outside the range of times, as an as-of too; one name is given once.
    let year0 = try tally(["eval", "count(orders)", "--data", "orders=\(ordersPath)", "--as-of", "0000-06-30"])
    XCTAssertEqual(year0.code, 2)
    XCTAssertTrue(year0.stderr.hasPrefix("--as-of: error: malformed as-of '0000-06-30'"), year0.stderr)
    let twice = try tally(["eval", "count(o)", "--data", "o=\(ordersPath)", "--data", "o=\(ordersPath)"])
    XCTAssertEqual(twice.stderr, "--data: error: 'o' is given twice\nnote: give each dataset its own name\n")
  }

  func testAnOverflowWhileComputingPointsAtTheFormula() throws {
    let r = try tally(["eval", "9223372036854775807 + count(orders)", "--data", "orders=\(ordersPath)"])
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.stderr.hasPrefix("<expr>:1:1: error: integer overflow in '+'\n1 | 9223372036854775807 + count(orders)\n"), r.stderr)
  }

  func testFileMayBeADirectory() throws {
    let r = try tally(["eval", "paid_share", "--file", dir.appendingPathComponent("defs").path, "--format", "json"])
    XCTAssertEqual(r.code, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("\"value\": "), r.stdout)
  }

  func testFormulaStartingWithMinusIsAFormulaNotAnOption() throws {
    let r = try tally(["eval", "-1 + 2", "--format", "json"])
    XCTAssertEqual(r.code, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasSuffix("\"value\": 1}\n"), r.stdout)
    // -2 h is -7200 s; an error in such a formula still points at the right column.
    XCTAssertTrue(try tally(["eval", "-2h", "--format", "json"]).stdout.contains("\"value\": -7200}"))
    let negated = try tally(["eval", "-count(orders)", "--data", "orders=\(ordersPath)", "--format", "json"])
    XCTAssertTrue(negated.stdout.hasSuffix("\"value\": -6}\n"), negated.stdout + negated.stderr)
    let bad = try tally(["eval", "-1 + nope"])
    XCTAssertEqual(bad.code, 2)
    XCTAssertTrue(bad.stderr.hasPrefix("<expr>:1:6: error: unknown name 'nope'"), bad.stderr)
  }

  func testFormulaErrors() throws {
    let data = ["--data", "orders=\(ordersPath)"]
    let cases: [(String, String)] = [
      (
        "sum(amont)",
        """
        <expr>:1:5: error: unknown column 'amont' in any dataset
        1 | sum(amont)
          |     ^~~~~
        note: did you mean 'amount'?

        """
      ),
      (
        "count(orders where intervend)",
        """
        <expr>:1:20: error: unknown column 'intervend' in 'orders'
        1 | count(orders where intervend)
          |                    ^~~~~~~~~
        note: did you mean 'intervened'?

        """
      ),
      (
        "count(orders) over 7d - 1",
        """
        <expr>:1:23: error: a clause ('over', 'offset', 'by', 'at', 'every') ends an expression; put the clause and what it applies to in parentheses
        1 | count(orders) over 7d - 1
          |                       ^
        note: for example: (count(x) over 7d) - 1

        """
      ),
      (
        "sum(status)",
        """
        <expr>:1:5: error: the argument of 'sum' must be a number or a duration, not a string
        1 | sum(status)
          |     ^~~~~~

        """
      ),
    ]
    for (formula, want) in cases {
      let r = try tally(["eval", formula] + data)
      XCTAssertEqual(r.code, 2, formula)
      XCTAssertEqual(r.stdout, "", formula)
      XCTAssertEqual(r.stderr, want, formula)
    }
    // Columns count characters, not bytes: 'amont' is the 38th character.
    let wide = try tally(["eval", "count(orders where status = \"中店\" and amont > 1)"] + data)
    XCTAssertEqual(wide.code, 2)
    XCTAssertTrue(wide.stderr.hasPrefix("<expr>:1:38: error: unknown column 'amont' in 'orders'\n"), wide.stderr)
    XCTAssertTrue(wide.stderr.hasSuffix("note: did you mean 'amount'?\n"), wide.stderr)
  }

  func testArgumentAndDataErrors() throws {
    let data = ["--data", "orders=\(ordersPath)"]
    let missing = try tally(["eval", "count(orders)", "--data", "orders=\(dir.appendingPathComponent("data/ordrs.csv").path)"])
    XCTAssertEqual(missing.code, 2)
    XCTAssertEqual(missing.stdout, "")
    XCTAssertTrue(missing.stderr.contains("error: no such file '\(dir.appendingPathComponent("data/ordrs.csv").path)'"), missing.stderr)
    XCTAssertTrue(missing.stderr.contains("did you mean 'orders.csv'?"), missing.stderr)

    let bad = dir.appendingPathComponent("data/bad.csv").path
    let malformed = try tally(["eval", "count(x)", "--data", "x=\(bad)"])
    XCTAssertEqual(malformed.code, 2)
    XCTAssertTrue(malformed.stderr.hasPrefix("\(bad):3: error: row has 1 field, but the header has 2\n"), malformed.stderr)

    let missingKpi = try tally(["eval", "x", "--file", dir.appendingPathComponent("nope.kpi").path])
    XCTAssertEqual(missingKpi.code, 2)
    XCTAssertTrue(missingKpi.stderr.contains("no such file"), missingKpi.stderr)

    let tz = try tally(["eval", "count(orders)", "--tz", "Mars/Olympus_Mons"] + data)
    XCTAssertEqual(tz.code, 2)
    XCTAssertTrue(tz.stderr.contains("unknown time zone 'Mars/Olympus_Mons'"), tz.stderr)
    XCTAssertEqual(tz.stdout, "")

    let asOf = try tally(["eval", "count(orders)", "--as-of", "2024-13-01"] + data)
    XCTAssertEqual(asOf.code, 2)
    XCTAssertTrue(asOf.stderr.contains("2024-13-01"), asOf.stderr)

    let dataArg = try tally(["eval", "count(orders)", "--data", "=x.csv"])
    XCTAssertEqual(dataArg.code, 2)
    XCTAssertTrue(dataArg.stderr.contains("malformed --data '=x.csv'"), dataArg.stderr)

    let format = try tally(["eval", "count(orders)", "--format", "xml"] + data)
    XCTAssertEqual(format.code, 2)
    XCTAssertFalse(format.stderr.isEmpty)
  }

  func testHelp() throws {
    let top = try tally(["--help"])
    XCTAssertEqual(top.code, 0)
    XCTAssertTrue(top.stdout.contains("USAGE:"), top.stdout)
    let eval = try tally(["eval", "--help"])
    XCTAssertEqual(eval.code, 0)
    XCTAssertTrue(eval.stdout.contains("tally eval <expression>"), eval.stdout)
    XCTAssertTrue(eval.stdout.contains("--as-of"), eval.stdout)
  }
}
