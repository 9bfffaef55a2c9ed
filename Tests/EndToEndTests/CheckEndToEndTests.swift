import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `tally check` and `tally test` on fixture directories: statuses, exit codes, every format.
final class CheckEndToEndTests: XCTestCase {
  // 6 orders; as of 2024-07-01 (the day after the latest paid_at).
  // Hand count, over all rows: paid = 5 (ids 1,2,3,4,6), intervened among paid = 2 (ids 2, 4).
  let orders = """
    id,shop,amount,status,paid_at,intervened
    1,A,10,paid,2024-06-01 10:00:00,false
    2,A,20,paid,2024-06-15 12:00:00,true
    3,B,30,paid,2024-06-20 08:00:00,false
    4,B,40,paid,2024-06-29 09:00:00,true
    5,B,50,unpaid,,false
    6,C,60,paid,2024-06-30 18:00:00,false

    """

  var definitions: String {
    """
    dataset orders from "../data/orders.csv" time paid_at
    let paid = orders where status != "unpaid"

    ## Share of paid orders with an intervention.
    metric dispute_rate = count(paid where intervened) / count(paid)
      format percent
      target <= 50%

    metric big_share = count(paid where amount >= 30) / count(paid)
      format percent
      target <= 50%
      warn <= 70%

    metric revenue = sum(paid.amount)
      target > 1000

    metric orders_total = count(orders)

    metric by_shop = count(paid) by shop
      target >= 2

    assert count(orders where amount < 0) = 0
    assert count(orders) = 7

    """
  }

  func testJSONReportHasEveryStatusAndExitsOne() throws {
    let dir = try TallyProcess.directory(["data/orders.csv": orders, "kpis/main.kpi": definitions])
    let r = try TallyProcess.run(["check", "kpis", "--format", "json"], in: dir)
    XCTAssertEqual(r.code, 1, r.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(json["as_of"] as? String, "2024-07-01T00:00:00+00:00")
    let metrics = try XCTUnwrap(json["metrics"] as? [[String: Any]])
    XCTAssertEqual(metrics.map { $0["name"] as? String }, ["dispute_rate", "big_share", "revenue", "orders_total", "by_shop"])
    let byName = Dictionary(uniqueKeysWithValues: metrics.map { ($0["name"] as! String, $0) })
    // 2 of 5 = 40% <= 50%: pass. amount >= 30 among paid: 30, 40, 60 = 3 of 5 = 60%: warn. 160 > 1000 fails.
    XCTAssertEqual(byName["dispute_rate"]?["value"] as? Double, 0.4)
    XCTAssertEqual(byName["dispute_rate"]?["status"] as? String, "pass")
    XCTAssertEqual(byName["big_share"]?["status"] as? String, "warn")
    XCTAssertEqual(byName["revenue"]?["value"] as? Int, 160)
    XCTAssertEqual(byName["revenue"]?["status"] as? String, "fail")
    XCTAssertEqual(byName["orders_total"]?["status"] as? String, "none")
    XCTAssertTrue(byName["orders_total"]?["target"] is NSNull)
    XCTAssertEqual(byName["dispute_rate"]?["line"] as? Int, 5)
    XCTAssertEqual(byName["dispute_rate"]?["file"] as? String, "kpis/main.kpi")
    let target = try XCTUnwrap(byName["big_share"]?["target"] as? [String: Any])
    XCTAssertEqual(target["op"] as? String, "<=")
    XCTAssertEqual(target["value"] as? Double, 0.5)
    XCTAssertEqual((byName["big_share"]?["warn"] as? [String: Any])?["value"] as? Double, 0.7)
    // Grouped: A 2, B 2, C 1 → C fails >= 2, so the metric fails (worst row).
    let grouped = try XCTUnwrap(byName["by_shop"]?["value"] as? [String: Any])
    XCTAssertEqual(grouped["columns"] as? [String], ["shop", "value"])
    XCTAssertEqual((grouped["rows"] as? [[Any]])?.map { "\($0[0]):\($0[1])" }, ["A:2", "B:2", "C:1"])
    XCTAssertEqual(byName["by_shop"]?["status"] as? String, "fail")
    let asserts = try XCTUnwrap(json["asserts"] as? [[String: Any]])
    XCTAssertEqual(asserts.map { $0["passed"] as? Bool }, [true, false])
    XCTAssertEqual(asserts.map { $0["line"] as? Int }, [22, 23])
  }

  func testStrictFailsOnWarnAndPlainPasses() throws {
    let kpi = """
      dataset orders from "orders.csv" time paid_at
      metric share = count(orders where amount >= 30) / count(orders)
        target <= 50%
        warn <= 70%
      """
    let dir = try TallyProcess.directory(["orders.csv": orders, "a.kpi": kpi])
    XCTAssertEqual(try TallyProcess.run(["check", "a.kpi"], in: dir).code, 0)
    let strict = try TallyProcess.run(["check", "a.kpi", "--strict"], in: dir)
    XCTAssertEqual(strict.code, 1)
    XCTAssertTrue(strict.stdout.contains("! warn  share"), strict.stdout)
  }

  func testTheTableSaysWhyAnAssertFailed() throws {
    // amount by shop: A 10, 20; B 30, 40, 50; C 60. Only A has an amount under 25.
    let kpi = """
      dataset orders from "orders.csv" time paid_at
      assert min(orders.amount) < 25 by shop
      assert count(orders) = 7
      """
    let dir = try TallyProcess.directory(["orders.csv": orders, "a.kpi": kpi])
    let r = try TallyProcess.run(["check", "a.kpi"], in: dir)
    XCTAssertEqual(r.code, 1)
    XCTAssertTrue(r.stdout.contains("✗ assert min(orders.amount) < 25 by shop  (a.kpi:2)\n    not true for shop = B, C\n"), r.stdout)
    XCTAssertTrue(r.stdout.contains("✗ assert count(orders) = 7  (a.kpi:3)\n    is false\n"), r.stdout)
  }

  func testAsOfMovesTheWindow() throws {
    let kpi = """
      dataset orders from "orders.csv" time paid_at
      metric recent = count(orders) over 7d
      """
    let dir = try TallyProcess.directory(["orders.csv": orders, "a.kpi": kpi])
    // As of the end of 2024-06-21: [06-15, 06-22) holds ids 2 and 3.
    let r = try TallyProcess.run(["check", "a.kpi", "--as-of", "2024-06-21", "--format", "json"], in: dir)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(json["as_of"] as? String, "2024-06-22T00:00:00+00:00")
    XCTAssertEqual((json["metrics"] as? [[String: Any]])?.first?["value"] as? Int, 2)
    let shanghai = try TallyProcess.run(["check", "a.kpi", "--as-of", "2024-06-21", "--tz", "Asia/Shanghai", "--format", "json"], in: dir)
    XCTAssertTrue(shanghai.stdout.contains("\"as_of\": \"2024-06-22T00:00:00+08:00\""), shanghai.stdout)
  }

  func testJUnitParsesAsXMLWithOneTestcasePerMetricAndAssert() throws {
    let dir = try TallyProcess.directory(["data/orders.csv": orders, "kpis/main.kpi": definitions])
    let r = try TallyProcess.run(["check", "kpis", "--format", "junit"], in: dir)
    XCTAssertEqual(r.code, 1, r.stderr)
    guard !r.stdout.isEmpty else { return XCTFail("no output") }
    let doc = try XMLDocument(data: Data(r.stdout.utf8))
    let cases = try doc.nodes(forXPath: "//testcase")
    XCTAssertEqual(cases.count, 7)
    let failures = try doc.nodes(forXPath: "//testcase/failure")
    XCTAssertEqual(failures.count, 3)  // revenue, by_shop, the false assert
    let revenue = try doc.nodes(forXPath: "//testcase[@name='revenue']/failure").first
    XCTAssertTrue(revenue?.stringValue?.contains("formula: sum(paid.amount)") ?? false)
    XCTAssertTrue(revenue?.stringValue?.contains("value: 160") ?? false)
    // The description travels with the metric; every suite and case has a time, as CI reporters expect.
    let dispute = try doc.nodes(forXPath: "//testcase[@name='dispute_rate']/system-out").first
    XCTAssertTrue(dispute?.stringValue?.hasPrefix("Share of paid orders with an intervention.\nformula:") ?? false, r.stdout)
    for node in try doc.nodes(forXPath: "//testsuites | //testsuite | //testcase") {
      let time = (node as? XMLElement)?.attribute(forName: "time")?.stringValue
      XCTAssertNotNil(time.flatMap(Double.init), "\(node.name ?? "") has no time")
    }
  }

  func testReportsOfARunThatStoppedAtErrors() throws {
    let dir = try TallyProcess.directory(["data/orders.csv": orders, "kpis/main.kpi": "metric a = count(ordrs)\n"])
    let junit = try TallyProcess.run(["check", "kpis", "--format", "junit"], in: dir)
    XCTAssertEqual(junit.code, 2)
    XCTAssertTrue(junit.stderr.hasPrefix("kpis/main.kpi:1:18: error: unknown dataset 'ordrs'"), junit.stderr)
    // CI still gets a report that says why.
    let doc = try XMLDocument(data: Data(junit.stdout.utf8))
    let error = try doc.nodes(forXPath: "//testcase/error").first
    XCTAssertTrue(error?.stringValue?.hasPrefix("kpis/main.kpi:1:18: error: unknown dataset 'ordrs'") ?? false, junit.stdout)
    let markdown = try TallyProcess.run(["check", "kpis", "--format", "markdown"], in: dir)
    XCTAssertEqual(markdown.code, 2)
    XCTAssertTrue(markdown.stdout.contains("**❌ 1 error; nothing was evaluated.**\n\n```\nkpis/main.kpi:1:18: error:"), markdown.stdout)
    // A directory without definitions and a root that does not exist are argument errors.
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
    let empty = try TallyProcess.run(["check", "empty"], in: dir)
    XCTAssertEqual(empty.code, 2)
    XCTAssertTrue(empty.stderr.hasPrefix("empty: error: no .kpi files in 'empty'"), empty.stderr)
    let root = try TallyProcess.run(["check", "kpis", "--root", "nowhere"], in: dir)
    XCTAssertEqual(root.code, 2)
    XCTAssertTrue(root.stderr.contains("no such directory 'nowhere'"), root.stderr)
  }

  func testMarkdownSummary() throws {
    let dir = try TallyProcess.directory(["data/orders.csv": orders, "kpis/main.kpi": definitions])
    let r = try TallyProcess.run(["check", "kpis", "--format", "markdown"], in: dir)
    XCTAssertTrue(
      r.stdout.contains("| ✅ | `dispute_rate` | 40.00% | <= 50.00% |  | Share of paid orders with an intervention. |"), r.stdout)
    XCTAssertTrue(r.stdout.contains("| ❌ | `revenue` | 160 | > 1000 |"), r.stdout)
    XCTAssertTrue(r.stdout.contains("| ❌ | `count(orders) = 7` | kpis/main.kpi:23 |"), r.stdout)
    // Metrics and asserts are counted apart: 2 metrics fail (revenue, by_shop), 1 of 2 asserts is false.
    XCTAssertTrue(r.stdout.contains("**5 metrics, 2 failing, 1 warning; 2 asserts, 1 false.**"), r.stdout)
  }

  func testErrorsInSeveralFilesAreReportedTogetherBeforeAnyData() throws {
    // The data file is not even well formed past its header: names are checked on headers alone.
    let dir = try TallyProcess.directory([
      "kpis/a.kpi": "dataset orders from \"../orders.csv\" time paid_at\nmetric a = count(orders where intervend)\n",
      "kpis/b.kpi": "metric b = sum(orders.amout)\nmetric c = count(orders) +\nmetric d = c * 2\nmetric e = count(orders)\nmetric e = 1\n",
      "orders.csv": orders + "7,\"unterminated\n",
    ])
    let r = try TallyProcess.run(["check", "kpis"], in: dir)
    XCTAssertEqual(r.code, 2)
    XCTAssertEqual(r.stdout, "")
    let lines = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.map(String.init)
    // Every error of every file, sorted by file and position; `d` uses the malformed `c`, which
    // is reported once, where it is.
    XCTAssertEqual(
      lines,
      [
        "kpis/a.kpi:2:31: error: unknown column 'intervend' in 'orders'",
        "kpis/b.kpi:1:23: error: unknown column 'amout' in 'orders'",
        "kpis/b.kpi:2:27: error: expected a value or a name, found the end of the line",
        "kpis/b.kpi:5:8: error: 'e' is defined twice",
      ], r.stderr)
    XCTAssertTrue(r.stderr.contains("did you mean 'intervened'?"))
    XCTAssertTrue(r.stderr.contains("did you mean 'amount'?"))
  }

  func testATextColumnUsedAsANumberIsReportedWithTheTypos() throws {
    // `shop` holds text in the file's first lines, so it is text all along: summing it is an
    // error found with the typo, before the data is read. `amount` looks like numbers there,
    // but only the whole column can say so; it is not judged early.
    let dir = try TallyProcess.directory([
      "a.kpi":
        "dataset orders from \"orders.csv\"\nmetric a = sum(orders.shop)\nmetric b = count(orders where amout > 1)\nmetric c = count(orders where amount = \"x\")\n",
      "orders.csv": orders,
    ])
    let r = try TallyProcess.run(["check", "a.kpi"], in: dir)
    XCTAssertEqual(r.code, 2)
    let lines = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.map(String.init)
    XCTAssertEqual(
      lines,
      [
        "a.kpi:2:16: error: the argument of 'sum' must be a number or a duration, not a string",
        "a.kpi:3:31: error: unknown column 'amout' in 'orders'",
      ], r.stderr)
    // Once the names are right, the data is read and the last type error shows.
    try Data("dataset orders from \"orders.csv\"\nmetric c = count(orders where amount = \"x\")\n".utf8).write(
      to: dir.appendingPathComponent("a.kpi"))
    let again = try TallyProcess.run(["check", "a.kpi"], in: dir)
    XCTAssertEqual(again.code, 2)
    XCTAssertTrue(again.stderr.hasPrefix("a.kpi:2:31: error: '=' cannot combine an int and a string"), again.stderr)
  }

  func testAViewOfAnUnknownDatasetIsReportedOnceAtTheName() throws {
    let dir = try TallyProcess.directory([
      "a.kpi": "dataset orders from \"orders.csv\"\nlet v = ordrs where amount > 1\nmetric a = count(v)\nmetric b = count(v) + 1\n",
      "orders.csv": orders,
    ])
    let r = try TallyProcess.run(["check", "a.kpi"], in: dir)
    XCTAssertEqual(r.code, 2)
    XCTAssertEqual(
      r.stderr,
      """
      a.kpi:2:9: error: unknown dataset 'ordrs'
      2 | let v = ordrs where amount > 1
        |         ^~~~~
      note: did you mean 'orders'?

      """)
  }

  func testADatasetThatDoesNotParseHidesNoOtherError() throws {
    // Its columns are unknown, so names are not checked; the parse errors come alone.
    let dir = try TallyProcess.directory([
      "a.kpi": "dataset orders from\nmetric a = count(orders where intervend)\nmetric b = (1\n",
      "orders.csv": orders,
    ])
    let r = try TallyProcess.run(["check", "a.kpi"], in: dir)
    XCTAssertEqual(r.code, 2)
    let lines = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
    XCTAssertEqual(lines.count, 2, r.stderr)
    XCTAssertTrue(lines[0].hasPrefix("a.kpi:1:"), r.stderr)
    XCTAssertTrue(lines[1].hasPrefix("a.kpi:3:"), r.stderr)
  }

  func testADirectoryIsSearchedInPathOrderSkippingHiddenOnes() throws {
    let dir = try TallyProcess.directory([
      "k/b.kpi": "metric b = 2\n",
      "k/a.kpi/inside.kpi": "metric a = 1\n",  // a directory named like a file is searched
      "k/.git/x.kpi": "metric hidden = 1\n  target < 0\n",
      "k/.draft.kpi": "metric draft = 1\n  target < 0\n",
    ])
    let r = try TallyProcess.run(["check", "k", "--format", "json"], in: dir)
    XCTAssertEqual(r.code, 0, r.stderr)
    let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let metrics = report?["metrics"] as? [[String: Any]] ?? []
    XCTAssertEqual(metrics.map { $0["name"] as? String }, ["a", "b"], r.stdout)
  }

  func testNameDefinedTwiceAcrossFilesNamesBothPlaces() throws {
    let dir = try TallyProcess.directory([
      "k/a.kpi": "dataset orders from \"../orders.csv\"\nmetric total = count(orders)\n",
      "k/b.kpi": "metric total = count(orders) + 1\n",
      "orders.csv": orders,
    ])
    let r = try TallyProcess.run(["check", "k"], in: dir)
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.stderr.contains("k/b.kpi:1:8: error: 'total' is defined twice"), r.stderr)
    XCTAssertTrue(r.stderr.contains("'total' was first defined at k/a.kpi:2:8"), r.stderr)
  }

  func testDefinitionFileMistakes() throws {
    let dir = try TallyProcess.directory([
      "a.kpi":
        "dataset orders from \"orders.csv\"\nmetric a = count(orders)\n# a comment line does not end the clauses\n  target > 5\n  target > 1\ncount(orders) + 1\n",
      "orders.csv": orders,
    ])
    let r = try TallyProcess.run(["check", "a.kpi"], in: dir)
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.stderr.contains("a.kpi:5:3: error: 'target' is given twice for one expression"), r.stderr)
    XCTAssertTrue(r.stderr.contains("a.kpi:6:1: error: a formula on its own does nothing in a definition file"), r.stderr)
    try Data("metric a = 1\n\u{1}\n".utf8 + [0xFF, 0x0A]).write(to: dir.appendingPathComponent("b.kpi"))
    let utf8 = try TallyProcess.run(["check", "b.kpi"], in: dir)
    XCTAssertEqual(utf8.code, 2)
    XCTAssertTrue(utf8.stderr.hasPrefix("b.kpi:3:1: error: invalid UTF-8"), utf8.stderr)
    try Data("dataset orders from \"orders.csv\"\nmetric a = count(orders)\n# note\n  target > 5\n".utf8).write(
      to: dir.appendingPathComponent("a.kpi"))
    let json = try TallyProcess.run(["check", "a.kpi", "--format", "json"], in: dir)
    XCTAssertEqual(json.code, 0, json.stderr)  // 6 orders: the target > 5 holds, and it was kept across the comment
    XCTAssertTrue(json.stdout.contains("\"target\": {\"op\": \">\", \"value\": 5}"), json.stdout)
    // A wrong time column is pointed at; a keyword after a dot is a column (`orders.at`).
    try Data("dataset orders from \"orders.csv\" time nope\nmetric a = count(orders)\n".utf8).write(to: dir.appendingPathComponent("c.kpi"))
    let time = try TallyProcess.run(["check", "c.kpi"], in: dir)
    XCTAssertEqual(time.code, 2)
    XCTAssertTrue(time.stderr.hasPrefix("c.kpi:1:39: error: unknown column 'nope' in 'orders'\n"), time.stderr)
    try Data("id,at\n1,2024-06-01\n2,2024-06-03\n".utf8).write(to: dir.appendingPathComponent("k.csv"))
    try Data("dataset k from \"k.csv\" time `at`\nmetric last = max(k.at)\n".utf8).write(to: dir.appendingPathComponent("k.kpi"))
    let keyword = try TallyProcess.run(["check", "k.kpi", "--format", "json"], in: dir)
    XCTAssertEqual(keyword.code, 0, keyword.stderr)
    XCTAssertTrue(keyword.stdout.contains(#""value": "2024-06-03T00:00:00+00:00""#), keyword.stdout)
  }

  func testCycleIsNamed() throws {
    let dir = try TallyProcess.directory([
      "a.kpi": "dataset orders from \"orders.csv\"\nlet x = y + 1\nlet y = x * 2\nmetric m = x\n",
      "orders.csv": orders,
    ])
    let r = try TallyProcess.run(["check", "a.kpi"], in: dir)
    XCTAssertEqual(r.code, 2)
    // Once, with where each member is defined (the metric using it is not reported again).
    let errors = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
    XCTAssertEqual(errors, ["a.kpi:2:9: error: definitions refer to each other in a cycle: y -> x -> y"], r.stderr)
    XCTAssertTrue(r.stderr.contains("note: 'y' is defined at a.kpi:3:5\nnote: 'x' is defined at a.kpi:2:5"), r.stderr)
  }

  func testRootRefusesPathsOutsideIt() throws {
    let dir = try TallyProcess.directory([
      "repo/kpis/a.kpi": "dataset secret from \"../../secret.csv\"\nmetric m = count(secret)\n",
      "repo/kpis/b.kpi": "dataset linked from \"link.csv\"\nmetric n = count(linked)\n",
      "repo/tests/t.kpi":
        "dataset inside from \"inside.csv\"\nmetric k = count(inside)\ntest \"peek\"\n  with inside from \"../../secret.csv\"\n  expect k = 1\n",
      "repo/tests/inside.csv": "a\n1\n2\n",
      "secret.csv": "a\n1\n",
    ])
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("repo/kpis/link.csv").path, withDestinationPath: dir.appendingPathComponent("secret.csv").path)
    let free = try TallyProcess.run(["check", "repo/kpis"], in: dir)
    XCTAssertEqual(free.code, 0, free.stderr)
    let r = try TallyProcess.run(["check", "repo/kpis", "--root", "repo"], in: dir)
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.stderr.contains("repo/kpis/a.kpi:1:1: error: dataset path '../../secret.csv' is outside the root 'repo'"), r.stderr)
    XCTAssertTrue(r.stderr.contains("repo/kpis/b.kpi:1:1: error: dataset path 'link.csv' is outside the root 'repo'"), r.stderr)
    XCTAssertEqual(r.stdout, "")
    // `tally test` keeps fixtures inside the root too.
    XCTAssertEqual(try TallyProcess.run(["test", "repo/tests"], in: dir).code, 0)
    let test = try TallyProcess.run(["test", "repo/tests", "--root", "repo"], in: dir)
    XCTAssertEqual(test.code, 2, test.stdout + test.stderr)
    XCTAssertTrue(
      test.stdout.contains("repo/tests/t.kpi:4:8: error: dataset path '../../secret.csv' is outside the root 'repo'"), test.stdout)
  }

  func testMetricTestsShowExpectedAndActual() throws {
    let kpi = """
      dataset orders from "orders.csv" time paid_at
      metric paid_count = count(orders where status = "paid")
      metric revenue = sum(orders.amount where status = "paid")

      test "paid orders only"
        with orders from "fixtures/two.csv"
        at @2024-06-30
        expect paid_count = 1
        expect revenue = 10

      test "wrong on purpose"
        with orders from "fixtures/two.csv"
        expect revenue = 12 within 1
      """
    let two = "id,amount,status,paid_at\n1,10,paid,2024-06-01\n2,99,unpaid,2024-06-02\n"
    let dir = try TallyProcess.directory(["orders.csv": orders, "a.kpi": kpi, "fixtures/two.csv": two])
    let r = try TallyProcess.run(["test", "a.kpi"], in: dir)
    XCTAssertEqual(r.code, 1, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.contains("PASS  paid orders only  (a.kpi:5)"), r.stdout)
    XCTAssertTrue(r.stdout.contains("FAIL  wrong on purpose  (a.kpi:11)"), r.stdout)
    // The failure shows the metric's formula.
    XCTAssertTrue(
      r.stdout.contains("expect revenue = 12 within 1: got 10, expected 12 (revenue = sum(orders.amount where status = \"paid\"))"),
      r.stdout)
    XCTAssertTrue(r.stdout.contains("1 passed, 1 failed"), r.stdout)
    // A fixture for no declared dataset, or a file that is not there, is pointed at in the test.
    try Data(
      (kpi
        + "\n\ntest \"typo\"\n  with ordrs from \"fixtures/two.csv\"\n  expect revenue = 10\n\ntest \"missing\"\n  with orders from \"fixtures/tow.csv\"\n  expect revenue = 10\n")
        .utf8
    )
    .write(to: dir.appendingPathComponent("a.kpi"))
    let bad = try TallyProcess.run(["test", "a.kpi"], in: dir)
    XCTAssertEqual(bad.code, 2, bad.stdout + bad.stderr)
    XCTAssertTrue(bad.stdout.contains("a.kpi:16:8: error: 'with ordrs' names no declared dataset"), bad.stdout)
    XCTAssertTrue(bad.stdout.contains("note: did you mean 'orders'?"), bad.stdout)
    XCTAssertTrue(bad.stdout.contains("a.kpi:20:8: error: no such file"), bad.stdout)
    XCTAssertTrue(bad.stdout.contains("did you mean 'two.csv'?"), bad.stdout)
    // check ignores tests and evaluates the real data: 5 paid orders.
    let check = try TallyProcess.run(["check", "a.kpi", "--format", "json"], in: dir)
    XCTAssertTrue(check.stdout.contains("\"name\": \"paid_count\", \"file\": \"a.kpi\", \"line\": 2, \"value\": 5"), check.stdout)
  }
}

/// `tally check DIR` skips nothing in silence, and follows links to directories once.
final class DefinitionDirectoryTests: XCTestCase {
  func testABrokenLinkIsAnErrorNamingIt() throws {
    let dir = try TallyProcess.directory(["kpis/a.kpi": "metric a = 1\n"])
    try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("kpis/gone.kpi").path, withDestinationPath: "nowhere.kpi")
    let r = try TallyProcess.run(["check", "kpis"], in: dir)
    XCTAssertEqual(r.code, 2)
    XCTAssertEqual(r.stdout, "")
    XCTAssertTrue(r.stderr.hasPrefix("kpis/gone.kpi: error: 'kpis/gone.kpi' is a symbolic link to nothing\n"), r.stderr)
  }

  func testLinkedDirectoriesAreFollowedAndReadOnce() throws {
    let dir = try TallyProcess.directory(["kpis/a.kpi": "metric a = 1\n", "shared/b.kpi": "metric b = 2\n"])
    let fm = FileManager.default
    try fm.createSymbolicLink(atPath: dir.appendingPathComponent("kpis/shared").path, withDestinationPath: "../shared")
    try fm.createSymbolicLink(atPath: dir.appendingPathComponent("shared/back").path, withDestinationPath: "../kpis")  // a loop
    let r = try TallyProcess.run(["check", "kpis", "--format", "json"], in: dir)
    XCTAssertEqual(r.code, 0, r.stderr)
    let names = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["metrics"] as? [[String: Any]]
    XCTAssertEqual(names?.map { $0["name"] as? String }, ["a", "b"])
  }

  func testAnUnreadableDirectoryIsAnError() throws {
    try XCTSkipIf(geteuid() == 0, "every directory is readable to root")
    let dir = try TallyProcess.directory(["kpis/a.kpi": "metric a = 1\n", "kpis/locked/b.kpi": "metric b = 2\n"])
    let locked = dir.appendingPathComponent("kpis/locked").path
    try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked)
    defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked) }
    let r = try TallyProcess.run(["check", "kpis"], in: dir)
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.stderr.hasPrefix("kpis/locked: error: cannot read the directory 'kpis/locked'\n"), r.stderr)
  }
}
