import Foundation
@_spi(Stages) import Tally
import XCTest

@testable import TallyRepl

/// The REPL's session logic, lines in and text out, over a small fixture.
final class ReplSessionTests: XCTestCase {
  // 6 orders, paid_at from 2024-06-01 to 2024-06-30 (one unpaid, with no paid_at).
  static let orders = """
    id,shop,amount,status,paid_at,intervened
    1,A,10,paid,2024-06-01 10:00:00,false
    2,A,20,paid,2024-06-15 12:00:00,true
    3,B,30,shipped,2024-06-20 08:00:00,false
    4,B,40,paid,2024-06-29 09:00:00,true
    5,B,50,unpaid,,false
    6,C,60,paid,2024-06-30 18:00:00,false

    """

  static let kpi = """
    dataset orders from "orders.csv" time paid_at
    let paid = orders where status != "unpaid"

    ## Share of paid orders with an intervention.
    metric dispute_rate = count(paid where intervened) / count(paid)
      format percent
      target <= 30%
      warn <= 50%

    metric revenue = sum(paid.amount)
      target > 1000

    """

  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-repl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
    try Data(Self.orders.utf8).write(to: dir.appendingPathComponent("orders.csv"))
    try Data(Self.orders.utf8).write(to: dir.appendingPathComponent("data/orders-2024.csv"))
    try Data(Self.kpi.utf8).write(to: dir.appendingPathComponent("shop.kpi"))
    try Data("a\tb\n1\tx\n".utf8).write(to: dir.appendingPathComponent("data/small.tsv"))
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: dir)
  }

  func makeRepl(interactive: Bool = false, load: [String] = []) -> ReplSession {
    let repl = ReplSession(session: Session(zone: .utc), interactive: interactive, baseDirectory: dir.path)
    for l in load { XCTAssertFalse(repl.load(l).failed, l) }
    return repl
  }

  /// A command's error without the `<stdin>:LINE: error: ` that a script's errors start with.
  func unlocated(_ stderr: String) -> String {
    stderr.replacingOccurrences(of: #"^<stdin>:[0-9]+: error: "#, with: "", options: .regularExpression)
  }

  /// Feeds lines and returns everything printed.
  func run(_ repl: ReplSession, _ lines: String) -> ReplOutput {
    var out = ReplOutput()
    for l in lines.split(separator: "\n", omittingEmptySubsequences: false) { out += repl.feed(String(l)) }
    out += repl.finish()
    return out
  }

  // MARK: Statements

  func testBareFormulaPrintsItsValue() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, "count(orders)").text, "6\n")
    XCTAssertEqual(run(repl, "sum(orders.amount where shop = \"B\")").text, "120\n")
  }

  func testStartupArgumentsPrintOneLinePerDataset() {
    let repl = makeRepl()
    let out = repl.load("orders=orders.csv,time=paid_at")
    XCTAssertFalse(out.failed)
    XCTAssertTrue(out.stdout.hasPrefix("loaded dataset 'orders': 6 rows, 6 columns, time paid_at 2024-06-01 .. 2024-06-30 ("), out.stdout)
    XCTAssertTrue(out.stdout.hasSuffix(" ms)\n"), out.stdout)
    let kpi = makeRepl().load("shop.kpi")
    XCTAssertTrue(kpi.stdout.contains("loaded dataset 'orders': 6 rows"), kpi.stdout)
    XCTAssertTrue(kpi.stdout.contains("shop.kpi: 1 dataset, 1 view, 2 metrics\n"), kpi.stdout)
    let bad = makeRepl().load("missing.csv")
    XCTAssertTrue(bad.failed)
    XCTAssertTrue(bad.stderr.contains("error: no such file"), bad.stderr)
  }

  func testDataFileIsNamedAfterItsStem() {
    let repl = makeRepl()
    XCTAssertTrue(repl.load("data/orders-2024.csv").stdout.hasPrefix("loaded dataset 'orders_2024'"))
    XCTAssertEqual(run(repl, "count(orders_2024)").text, "6\n")
  }

  func testDefinitionsAreAcknowledgedAndRedefinitionReplaces() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, "let n = count(orders)").text, "defined value 'n' = 6\n")
    XCTAssertEqual(run(repl, "let n = count(orders) + 1").text, "replaced value 'n' = 7\n")
    XCTAssertEqual(run(repl, "let paid = orders where status != \"unpaid\"").text, "defined view 'paid'\n")
    XCTAssertEqual(run(repl, "metric x = count(paid)").text, "defined metric 'x' = 5\n")
    XCTAssertEqual(run(repl, "metric x = count(paid) * 2").text, "replaced metric 'x' = 10\n")
    XCTAssertEqual(run(repl, "x").text, "10\n")
    XCTAssertEqual(run(repl, "dataset orders from \"orders.csv\"").stdout.prefix(40), "replaced dataset 'orders': 6 rows, 6 col")
    XCTAssertEqual(run(repl, "dataset o2 from \"orders.csv\" time paid_at").stdout.prefix(38), "loaded dataset 'o2': 6 rows, 6 columns")
    XCTAssertEqual(run(repl, "count(o2)").text, "6\n")
  }

  func testADatasetStatementThatBreaksDefinitionsIsRefused() {
    let repl = makeRepl()
    _ = run(repl, ":load shop.kpi")
    let out = run(repl, "dataset orders from \"data/small.tsv\"")
    XCTAssertTrue(out.failed)
    XCTAssertTrue(out.stderr.contains("replacing 'orders' would break the definitions below"), out.stderr)
    XCTAssertEqual(run(repl, "revenue").text, "160\n")  // the old file stays: 10 + 20 + 30 + 40 + 60
  }

  func testLoadingAFileAgainSaysWhatItReplaced() {
    let repl = makeRepl()
    _ = run(repl, ":load shop.kpi")
    XCTAssertEqual(run(repl, "let paid = orders").text, "replaced view 'paid'\n")
    let again = run(repl, ":load shop.kpi").text
    XCTAssertTrue(again.hasPrefix("replaced dataset 'orders': 6 rows"), again)
    XCTAssertTrue(again.hasSuffix("shop.kpi: 1 dataset, 1 view, 2 metrics\nreplaced 'paid', 'dispute_rate', 'revenue'\n"), again)
  }

  func testBrokenRedefinitionKeepsTheOldOne() {
    let repl = makeRepl(load: ["orders.csv"])
    _ = run(repl, "metric x = count(orders)")
    let out = run(repl, "metric x = count(nope)")
    XCTAssertTrue(out.failed)
    XCTAssertEqual(run(repl, "x").text, "6\n")
    // A cycle is only seen once defined; the old definition comes back.
    XCTAssertTrue(run(repl, "metric x = x + 1").stderr.contains("cycle"))
    XCTAssertEqual(run(repl, "x").text, "6\n")
    XCTAssertTrue(run(repl, "let v = orders where nope = 1").failed)
    XCTAssertFalse(repl.session.isDefined("v"))
  }

  func testMetricClausesOnIndentedLinesInAScript() {
    let repl = makeRepl(load: ["orders.csv"])
    let out = run(
      repl,
      """
      ## Paid share.
      metric share = count(orders where status = "paid") / count(orders)
        format percent
        # the bar
        target >= 50%
      share
      """)
    XCTAssertEqual(out.text, "defined metric 'share' = 66.67% (pass)\n66.67%\n")
    XCTAssertEqual(repl.session.catalog.values["share"]?.metric?.description, "Paid share.")
  }

  func testMetricClausesTypedAfterTheMetricAtThePrompt() {
    let repl = makeRepl(interactive: true, load: ["orders.csv"])
    XCTAssertEqual(
      repl.feed("metric share = count(orders where status = \"paid\") / count(orders)").text, "defined metric 'share' = 0.666667\n")
    XCTAssertEqual(repl.feed("  format percent").text, "updated metric 'share' = 66.67%\n")
    XCTAssertEqual(repl.feed("  target >= 70%").text, "updated metric 'share' = 66.67% (fail)\n")
    XCTAssertTrue(repl.feed("  colour red").failed)
    XCTAssertEqual(repl.feed("  warn >= 60%").text, "updated metric 'share' = 66.67% (warn)\n")
  }

  func testAssert() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, "assert count(orders) = 6").text, "assert passed\n")
    let failed = run(repl, "assert count(orders) > 6")
    XCTAssertTrue(failed.failed)
    XCTAssertEqual(failed.stdout, "assert failed: count(orders) > 6 is false\n")
    XCTAssertTrue(run(repl, "assert count(orders)").stderr.contains("an assert must be a boolean formula"))
  }

  // MARK: Multi-line input

  func testOpenBracketContinues() {
    let repl = makeRepl(interactive: true, load: ["orders.csv"])
    XCTAssertEqual(repl.prompt, "tally> ")
    XCTAssertEqual(repl.feed("count(orders").text, "")
    XCTAssertTrue(repl.isContinuing)
    XCTAssertEqual(repl.prompt, "  ...> ")
    XCTAssertEqual(repl.feed("where shop = \"A\"").text, "")
    XCTAssertEqual(repl.feed(")").text, "2\n")
    XCTAssertFalse(repl.isContinuing)
  }

  func testTrailingOperatorContinues() {
    let repl = makeRepl(interactive: true, load: ["orders.csv"])
    for head in ["count(orders) +", "count(orders where shop = \"A\" and", "count(orders where shop = \"A\" or", "least(1,"] {
      XCTAssertEqual(repl.feed(head).text, "", head)
      XCTAssertTrue(repl.isContinuing, head)
      repl.cancel()
    }
    XCTAssertEqual(repl.feed("count(orders) /").text, "")
    XCTAssertEqual(repl.feed("count(orders)").text, "1\n")
    XCTAssertEqual(repl.feed("let p = orders where").text, "")
    XCTAssertEqual(repl.feed("status = \"paid\"").text, "defined view 'p'\n")
    XCTAssertEqual(repl.feed("count(p)").text, "4\n")
  }

  func testCancelDropsThePendingStatement() {
    let repl = makeRepl(interactive: true, load: ["orders.csv"])
    _ = repl.feed("count(orders")
    repl.cancel()
    XCTAssertFalse(repl.isContinuing)
    XCTAssertEqual(repl.feed("1 + 1").text, "2\n")
  }

  func testUnclosedBracketAtTheEndOfAScriptIsAnError() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(repl.feed("count(orders").text, "")
    let out = repl.finish()
    XCTAssertTrue(out.failed)
    XCTAssertTrue(out.stderr.contains("<stdin>:1:"), out.stderr)
  }

  // MARK: Errors

  func testErrorAtThePromptPutsACaretUnderTheTypedLine() {
    let repl = makeRepl(interactive: true, load: ["orders.csv"])
    let out = repl.feed("count(orders where statu = \"paid\")")
    XCTAssertTrue(out.failed)
    XCTAssertEqual(
      out.stderr,
      """
                                ^~~~~
      error: unknown column 'statu' in 'orders'
      note: did you mean 'status'?

      """)
    XCTAssertEqual(repl.feed("count(orders)").text, "6\n", "the session goes on")
  }

  func testErrorOnAnEarlierLineShowsThatLine() {
    let repl = makeRepl(interactive: true, load: ["orders.csv"])
    _ = repl.feed("count(orders where statu = 1")
    let out = repl.feed(")")
    XCTAssertEqual(
      out.stderr,
      """
      error: unknown column 'statu' in 'orders'
      1 | count(orders where statu = 1
        |                    ^~~~~
      note: did you mean 'status'?

      """)
  }

  func testErrorInAScriptNamesTheLine() {
    let repl = makeRepl(load: ["orders.csv"])
    let out = run(repl, "count(orders)\n\ncount(orders) /\ncount(ordrs)")
    XCTAssertEqual(out.stdout, "6\n")
    XCTAssertEqual(
      out.stderr,
      """
      <stdin>:4:7: error: unknown dataset 'ordrs'
      4 | count(ordrs)
        |       ^~~~~
      note: did you mean 'orders'?

      """)
    XCTAssertEqual(repl.failureCount, 1)
  }

  func testErrorInAnEarlierStatementOfAScriptNamesItsLine() throws {
    try Data("shop,name\nA,x\n".utf8).write(to: dir.appendingPathComponent("shops.csv"))
    let repl = makeRepl()
    let out = run(
      repl,
      """
      :load orders.csv

      # a view on line 4
      let paid = orders where status != "unpaid"
      metric n = count(paid)
      :load shops.csv as orders
      """)
    XCTAssertTrue(
      out.stderr.hasSuffix(
        """
        <stdin>:4:25: error: unknown column 'status' in 'paid'
        4 | let paid = orders where status != "unpaid"
          |                         ^~~~~~

        """), out.stderr)
    // At the prompt, lines are counted from the start of the session too.
    let prompt = makeRepl(interactive: true, load: ["orders.csv"])
    _ = prompt.feed("1 + 1")
    _ = prompt.feed("let paid = orders where status != \"unpaid\"")
    let broken = prompt.feed(":load shops.csv as orders")
    XCTAssertTrue(broken.stderr.contains("<repl>:2:25: error: unknown column 'status' in 'paid'\n2 | let paid"), broken.stderr)
  }

  func testOutputKeepsTheOrderOfResultsAndErrors() {
    let repl = makeRepl()
    let out = run(repl, "count(1bad)\n:datasets\n2")
    XCTAssertEqual(out.chunks.map(\.stream), [.stderr, .stdout])
    XCTAssertTrue(out.chunks[0].text.hasPrefix("<stdin>:1:7: error: unknown duration unit 'bad'"), out.chunks[0].text)
    XCTAssertTrue(out.chunks[1].text.hasPrefix("no datasets") && out.chunks[1].text.hasSuffix("\n2\n"), out.chunks[1].text)
  }

  func testCaretUnderWideCharacters() {
    let repl = makeRepl(interactive: true, load: ["orders.csv"])
    let out = repl.feed("\"退款\" + 退款")
    XCTAssertTrue(out.stderr.hasPrefix(String(repeating: " ", count: 7 + 9) + "^~~~\n"), out.stderr)
  }

  // MARK: Results

  func testGroupedResultIsATable() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(
      run(repl, "sum(orders.amount) by shop").text,
      """
      shop  value
      ----  -----
      A        30
      B       120
      C        60

      """)
  }

  func testTimeGrainAlsoDrawsABarChart() {
    let repl = makeRepl(load: ["orders.csv"])
    repl.chartWidth = 10
    let out = run(repl, "sum(orders.amount) by week").text
    XCTAssertEqual(
      out,
      """
      week      value
      --------  -----
      2024-W22     10
      2024-W24     20
      2024-W25     30
      2024-W26    100
      null         50

      2024-W22  █            10
      2024-W23                0
      2024-W24  ██           20
      2024-W25  ███          30
      2024-W26  ██████████  100

      """)
  }

  func testManyPeriodsDrawASparkline() {
    let repl = makeRepl(load: ["orders.csv"])
    let out = run(repl, "count(orders) by day").text
    let lines = out.split(separator: "\n").map(String.init)
    XCTAssertTrue(lines.contains("2024-06-01  █▁▁▁▁▁▁▁▁▁▁▁▁▁█▁▁▁▁█▁▁▁▁▁▁▁▁██"), out)
    XCTAssertTrue(lines.contains("            min 0 (2024-06-02), max 1 (2024-06-01), last 1 (2024-06-30)"), out)
  }

  func testChartFitsTheTerminalWidthAtEachRender() {
    let repl = makeRepl(load: ["orders.csv"])
    repl.chartWidth = 60
    var columns = 100
    repl.terminalWidth = { columns }
    func widest(_ text: String) -> Int { text.split(separator: "\n").map { Render.displayWidth(String($0)) }.max() ?? 0 }
    let wide = run(repl, "sum(orders.amount) by week").text
    XCTAssertTrue(wide.contains("2024-W26  " + String(repeating: "█", count: 60) + "  100"), wide)
    columns = 40
    let narrow = run(repl, "sum(orders.amount) by week").text
    XCTAssertLessThan(widest(narrow), 40, narrow)
    XCTAssertTrue(narrow.contains("2024-W26  " + String(repeating: "█", count: 24) + "  100"), narrow)
    let spark = run(repl, "count(orders) by day").text
    XCTAssertLessThan(widest(spark.components(separatedBy: "min ")[0]), 40, spark)
  }

  func testNegativeValuesAreDrawnFromAZeroAxis() {
    let repl = makeRepl(load: ["orders.csv"])
    repl.chartWidth = 11
    XCTAssertTrue(
      run(repl, "sum(orders.amount) - 40 by week").text.hasSuffix(
        """
        2024-W22   ███│        -30
        2024-W23  ████│        -40
        2024-W24    ██│        -20
        2024-W25     █│        -10
        2024-W26      │██████   60

        """))
  }

  func testAFallBackHourIsDrawnOnce() throws {
    try Data(
      """
      id,at
      1,2024-11-03T00:30:00-04:00
      2,2024-11-03T01:30:00-04:00
      3,2024-11-03T01:30:00-05:00
      4,2024-11-03T03:10:00-05:00

      """.utf8
    ).write(to: dir.appendingPathComponent("fall.csv"))
    let repl = ReplSession(session: Session(zone: Zone("America/New_York")!), baseDirectory: dir.path)
    repl.chartWidth = 4
    XCTAssertFalse(repl.load("fall.csv").failed)
    XCTAssertEqual(
      run(repl, "count(fall) by hour").text,
      """
      hour           value
      -------------  -----
      2024-11-03T00      1
      2024-11-03T01      2
      2024-11-03T03      1

      2024-11-03T00  ██    1
      2024-11-03T01  ████  2
      2024-11-03T02        0
      2024-11-03T03  ██    1

      """)
  }

  func testAChartSaysWhenPeriodsWithNoRowsAreLeftOut() throws {
    try Data("id,at\n1,2020-01-01T00:00:00Z\n2,2024-01-01T00:00:00Z\n".utf8).write(to: dir.appendingPathComponent("long.csv"))
    let repl = makeRepl(load: ["long.csv"])
    XCTAssertTrue(
      run(repl, "count(long) by hour").text.hasSuffix("(periods with no rows are left out: more than 5,000 hours from first to last)\n"))
    XCTAssertFalse(run(repl, "count(long) by month").text.contains("left out"))
  }

  func testChartFollowsANamedMetric() {
    let repl = makeRepl(load: ["orders.csv"])
    _ = run(repl, "metric weekly = count(orders) by week")
    XCTAssertTrue(run(repl, "weekly").text.contains("2024-W23  "))
    XCTAssertFalse(run(repl, "count(orders) by shop").text.contains("█"))
    // A formula over it is still by week; so is a metric's value in :describe.
    XCTAssertTrue(run(repl, "weekly * 2").text.contains("2024-W23  "))
    XCTAssertTrue(run(repl, ":describe weekly").text.contains("2024-W23  "))
  }

  func testAGroupedMetricSaysItsStatusAndAFlatSeriesLiesFlat() {
    let repl = makeRepl(load: ["orders.csv"])
    // By shop: A 2, B 3, C 1 orders; C misses the target.
    XCTAssertEqual(
      run(repl, "metric per_shop = count(orders) by shop\n  target >= 2").text, "defined metric 'per_shop' (3 groups by shop, fail)\n")
    let zeros = run(repl, "count(orders where amount > 1000) by day").text
    XCTAssertTrue(zeros.contains("2024-06-01  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁"), zeros)
  }

  func testSaveWritesADefinitionFileThatLoadsBack() throws {
    let repl = makeRepl(load: ["orders=orders.csv,time=paid_at"])
    _ = run(
      repl,
      "let paid = orders where status != \"unpaid\"\n## Paid share.\nmetric share = count(paid) / count(orders)\n  format percent\n  target >= 50%"
    )
    XCTAssertEqual(run(repl, ":save out/saved.kpi").stderr.isEmpty, false, "no directory 'out' yet")
    XCTAssertEqual(run(repl, ":save saved.kpi").text, "saved 1 dataset and 2 definitions to saved.kpi\n")
    let text = try String(contentsOf: dir.appendingPathComponent("saved.kpi"), encoding: .utf8)
    XCTAssertEqual(
      text,
      """
      # Saved from tally repl.

      dataset orders from "orders.csv" time paid_at

      let paid = orders where status != "unpaid"

      ## Paid share.
      metric share = count(paid) / count(orders)
        format percent
        target >= 50%

      """)
    XCTAssertTrue(run(repl, ":save saved.kpi").stderr.contains("'saved.kpi' exists; save to a new file"))
    // Read back in a new session, it means the same: 5 of 6 orders are paid.
    let again = makeRepl(load: ["saved.kpi"])
    XCTAssertEqual(run(again, "share").text, "83.33%\n")
  }

  func testALongTableShowsItsEndsAndCountsTheRest() {
    let repl = makeRepl(load: ["orders.csv"])
    repl.maxTableRows = 4
    let out = run(repl, "count(orders) by id").text
    XCTAssertEqual(
      out,
      """
      id  value
      --  -----
      1       1
      2       1
      … 2 more rows (6 in all) …
      5       1
      6       1

      """)
    _ = run(repl, ":format csv")
    XCTAssertEqual(run(repl, "count(orders) by id").text.split(separator: "\n").count, 7)
  }

  func testFormats() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, ":format json").text, "format json\n")
    XCTAssertEqual(run(repl, "count(orders)").text, "{\"as_of\": \"2024-07-01T00:00:00+00:00\", \"value\": 6}\n")
    XCTAssertEqual(run(repl, ":format csv").text, "format csv\n")
    XCTAssertEqual(run(repl, "count(orders) by shop").text, "shop,value\nA,2\nB,3\nC,1\n")
    XCTAssertEqual(run(repl, ":format").text, "format csv\n")
    XCTAssertEqual(unlocated(run(repl, ":format jsn").stderr), "unknown format 'jsn'; formats are table, json, csv; did you mean 'json'?\n")
  }

  func testPercentFormatOfAMetric() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(run(repl, "dispute_rate").text, "40.00%\n")
  }

  // MARK: Meta commands

  func testLoadDataAndDefinitions() {
    let repl = makeRepl()
    let a = run(repl, ":load orders.csv as o time paid_at")
    XCTAssertTrue(a.stdout.hasPrefix("loaded dataset 'o': 6 rows, 6 columns, time paid_at 2024-06-01 .. 2024-06-30"), a.text)
    let b = run(repl, ":load data/small.tsv")
    XCTAssertTrue(b.stdout.hasPrefix("loaded dataset 'small': 1 row, 2 columns, no time column"), b.text)
    let c = run(repl, ":load shop.kpi")
    XCTAssertTrue(c.stdout.contains("shop.kpi: 1 dataset, 1 view, 2 metrics"), c.text)
    XCTAssertEqual(run(repl, "revenue").text, "160\n")
    XCTAssertTrue(run(repl, ":load nope.csv").stderr.hasPrefix("nope.csv: error: no such file 'nope.csv'\n"))
    XCTAssertEqual(unlocated(run(repl, ":load").stderr), "usage: :load PATH [as NAME] [time COL]\n")
    XCTAssertTrue(run(repl, ":load orders.csv time id").failed)
    // A name that needs backquotes in formulas is given with them.
    XCTAssertTrue(run(repl, ":load data/small.tsv as `small one`").stdout.hasPrefix("loaded dataset 'small one': 1 row"))
    XCTAssertEqual(run(repl, "count(`small one`)").text, "1\n")
    XCTAssertTrue(run(repl, ":schema `small one`").stdout.hasPrefix("small one: 1 row, from data/small.tsv\n"))
  }

  func testDatasets() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(
      run(repl, ":datasets").text,
      """
      name    kind     rows  columns  time     from
      ------  -------  ----  -------  -------  -------------------------------
      orders  dataset     6        6  paid_at  orders.csv
      paid    view        5        6  paid_at  orders where status != "unpaid"

      """)
    XCTAssertTrue(run(makeRepl(), ":datasets").text.hasPrefix("no datasets"))
  }

  func testSchema() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(
      run(repl, ":schema orders").text,
      """
      orders: 6 rows, from orders.csv
      time column paid_at: 2024-06-01T10:00:00+00:00 .. 2024-06-30T18:00:00+00:00
      column      type    nulls  note
      ----------  ------  -----  -----------
      id          int         0
      shop        string      0
      amount      int         0
      status      string      0
      paid_at     time        1  time column
      intervened  bool        0

      """)
    let view = run(repl, "let paid = orders where status != \"unpaid\"\n:schema paid").text
    XCTAssertTrue(view.contains("paid: view of 'orders' where status != \"unpaid\"; 5 rows\n"), view)
    XCTAssertEqual(unlocated(run(repl, ":schema ordes").stderr), "unknown dataset 'ordes'\nnote: did you mean 'orders'?\n")
    XCTAssertEqual(unlocated(run(repl, ":schema").stderr), "usage: :schema NAME\n")
  }

  func testSchemaOfAViewCountsNullsOverItsRows() {
    let repl = makeRepl(load: ["shop.kpi"])
    // The base dataset has a row with no paid_at; the view leaves it out.
    XCTAssertEqual(
      run(repl, ":schema paid").text,
      """
      paid: view of 'orders' where status != "unpaid"; 5 rows
      time column paid_at: 2024-06-01T10:00:00+00:00 .. 2024-06-30T18:00:00+00:00
      column      type    nulls  note
      ----------  ------  -----  -----------
      id          int         0
      shop        string      0
      amount      int         0
      status      string      0
      paid_at     time        0  time column
      intervened  bool        0

      """)
  }

  func testLoadADirectoryOfDefinitionFiles() throws {
    let defs = dir.appendingPathComponent("defs")
    try FileManager.default.createDirectory(at: defs.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: defs.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
    try Data("dataset orders from \"../orders.csv\" time paid_at\nlet paid = orders where status = \"paid\"\n".utf8).write(
      to: defs.appendingPathComponent("a.kpi"))
    try Data("metric paid_count = count(paid)\n".utf8).write(to: defs.appendingPathComponent("sub/b.kpi"))
    try Data("metric paid_count = 1\n".utf8).write(to: defs.appendingPathComponent(".hidden/c.kpi"))
    let repl = makeRepl()
    let out = run(repl, ":load defs")
    XCTAssertFalse(out.failed, out.text)
    XCTAssertTrue(out.stdout.hasPrefix("loaded dataset 'orders': 6 rows"), out.stdout)
    XCTAssertTrue(out.stdout.hasSuffix("defs: 2 files, 1 dataset, 1 view, 1 metric\n"), out.stdout)
    XCTAssertEqual(run(repl, "paid_count").text, "4\n")
    XCTAssertEqual(run(repl, ":describe paid_count").text.split(separator: "\n").first, "metric paid_count (defs/sub/b.kpi:1)")
    XCTAssertTrue(makeRepl().load("defs/").stdout.hasSuffix("defs/: 2 files, 1 dataset, 1 view, 1 metric\n"))
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
    // The same rule and message as `tally check DIR`.
    XCTAssertEqual(
      run(repl, ":load empty").stderr,
      "empty: error: no .kpi files in 'empty'\nnote: name the directory that holds the definitions, or the .kpi files themselves\n")
  }

  func testLoadPathsWithSpacesQuotedOrEscaped() throws {
    try Data(Self.orders.utf8).write(to: dir.appendingPathComponent("data/my orders.csv"))
    let repl = makeRepl()
    XCTAssertTrue(run(repl, ":load data/my\\ orders.csv").stdout.hasPrefix("loaded dataset 'my_orders': 6 rows"))
    XCTAssertTrue(run(repl, ":load \"data/my orders.csv\" as b").stdout.hasPrefix("loaded dataset 'b': 6 rows"))
    XCTAssertEqual(MetaCommand.words(#"a\ b "c d" e\\f \"g"#), [#"a b"#, "c d", #"e\f"#, "\"g"])
  }

  func testMetrics() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(
      run(repl, ":metrics").text,
      """
      metric         value  target  warn    status
      ------------  ------  ------  ------  ------
      dispute_rate  40.00%  <= 30%  <= 50%  warn
      revenue          160  > 1000          fail

      """)
    XCTAssertTrue(run(makeRepl(), ":metrics").text.hasPrefix("no metrics"))
  }

  func testDescribe() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(
      run(repl, ":describe dispute_rate").text,
      """
      metric dispute_rate (shop.kpi:5)
        Share of paid orders with an intervention.
        formula  count(paid where intervened) / count(paid)
        reads    orders
        format   percent
        target   <= 30%
        warn     <= 50%
        value    40.00%
        status   warn
        as of    2024-07-01T00:00:00+00:00

      """)
    XCTAssertTrue(run(repl, ":describe dispute_rat").stderr.contains("did you mean 'dispute_rate'?"))
    XCTAssertTrue(run(repl, ":describe orders").text.hasPrefix("orders: 6 rows"))
  }

  func testAsOf() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, ":asof").text, "as of 2024-07-01T00:00:00+00:00 (default: the start of the day after the latest data)\n")
    XCTAssertEqual(run(repl, ":asof 2024-06-15").text, "as of 2024-06-16T00:00:00+00:00\n")
    XCTAssertEqual(run(repl, "count(orders)").text, "3\n")
    XCTAssertEqual(
      run(repl, ":asof default").text, "as of 2024-07-01T00:00:00+00:00 (default: the start of the day after the latest data)\n")
    XCTAssertTrue(unlocated(run(repl, ":asof yesterday").stderr).hasPrefix("malformed as-of 'yesterday'"))
  }

  func testTimeZone() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, ":tz").text, "time zone UTC\n")
    XCTAssertTrue(run(repl, ":tz Asia/Shanghai").text.hasPrefix("time zone Asia/Shanghai (1 dataset read again in "))
    XCTAssertEqual(run(repl, ":asof").text, "as of 2024-07-01T00:00:00+08:00 (default: the start of the day after the latest data)\n")
    XCTAssertTrue(run(repl, ":tz Asia/Shanghia").stderr.contains("did you mean 'Asia/Shanghai'?"))
  }

  func testTiming() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, ":timing on").text, "timing on\n")
    let out = run(repl, "count(orders)").text
    XCTAssertTrue(out.hasPrefix("6\nTime: ") && out.hasSuffix(" ms\n"), out)
    XCTAssertEqual(run(repl, ":timing off").text, "timing off\n")
    XCTAssertEqual(run(repl, "count(orders)").text, "6\n")
    XCTAssertEqual(run(repl, ":timing").text, "timing on\n")
  }

  func testHelp() {
    let repl = makeRepl()
    let all = run(repl, ":help").text
    for c in MetaCommand.all { XCTAssertTrue(all.contains(c.usage), c.name) }
    XCTAssertEqual(run(repl, ":help schema").text, ":schema NAME\n  columns, types, nulls, rows and time range of a dataset\n")
    XCTAssertTrue(run(repl, ":help :load").text.hasPrefix(":load PATH"))
    XCTAssertTrue(run(repl, ":help functions").text.contains("coalesce"))
    XCTAssertTrue(run(repl, ":help grouping").text.contains("by day"))
    XCTAssertTrue(unlocated(run(repl, ":help tme").stderr).hasPrefix("no help on 'tme'; did you mean 'time'?"))
  }

  func testColonAloneListsTheCommands() {
    let out = run(makeRepl(), ":")
    XCTAssertFalse(out.failed)
    XCTAssertEqual(out.stdout, Help.overview)
  }

  func testAsOfWithASpaceBeforeTheTime() {
    let repl = makeRepl(load: ["orders.csv"])
    XCTAssertEqual(run(repl, ":asof 2024-06-15 12:00").text, "as of 2024-06-15T12:00:00+00:00\n")
    XCTAssertEqual(run(repl, "count(orders)").text, "2\n")
    XCTAssertEqual(run(repl, ":asof \"2024-06-15 12:00:01\"").text, "as of 2024-06-15T12:00:01+00:00\n")
    XCTAssertEqual(run(repl, "count(orders)").text, "3\n")
  }

  func testQuit() {
    for q in [":quit", ":q", ":exit"] {
      let repl = makeRepl()
      XCTAssertEqual(repl.feed(q).text, "")
      XCTAssertTrue(repl.quitRequested, q)
    }
  }

  func testUnknownCommandSuggestsTheNearest() {
    let repl = makeRepl()
    let out = run(repl, ":shema orders")
    XCTAssertTrue(out.failed)
    XCTAssertEqual(
      out.stderr.replacingOccurrences(of: "<stdin>:1: error: ", with: ""), "unknown command ':shema'; did you mean ':schema'?\n")
    XCTAssertEqual(unlocated(run(repl, ":frobnicate").stderr), "unknown command ':frobnicate'; type :help for the list of commands\n")
  }

  // MARK: Completion

  func candidates(_ repl: ReplSession, _ line: String) -> [String] { repl.completions(for: line).candidates }

  func testCompletesCommands() {
    let repl = makeRepl()
    XCTAssertEqual(repl.completions(for: ":sc"), Completion(start: 0, candidates: [":schema"]))
    XCTAssertEqual(candidates(repl, ":d"), [":datasets", ":describe"])
    XCTAssertEqual(candidates(repl, ":format j"), ["json"])
    XCTAssertEqual(candidates(repl, ":timing "), ["off", "on"])
    XCTAssertEqual(candidates(repl, ":help gr"), ["grouping"])
  }

  func testCompletesPathsAfterLoad() {
    let repl = makeRepl()
    XCTAssertEqual(repl.completions(for: ":load "), Completion(start: 6, candidates: ["data/", "orders.csv", "shop.kpi"]))
    XCTAssertEqual(repl.completions(for: ":load da"), Completion(start: 6, candidates: ["data/"]))
    XCTAssertEqual(repl.completions(for: ":load data/"), Completion(start: 6, candidates: ["data/orders-2024.csv", "data/small.tsv"]))
    XCTAssertEqual(repl.completions(for: ":load data/s"), Completion(start: 6, candidates: ["data/small.tsv"]))
    XCTAssertEqual(candidates(repl, ":load orders.csv "), ["as", "time"])
    XCTAssertEqual(candidates(repl, ":load orders.csv time "), ["paid_at"])
    XCTAssertEqual(repl.completions(for: "dataset x from \"or"), Completion(start: 16, candidates: ["orders.csv\""]))
  }

  func testCompletesPathsWithSpacesQuoted() throws {
    try Data(Self.orders.utf8).write(to: dir.appendingPathComponent("data/my orders.csv"))
    let repl = makeRepl()
    XCTAssertEqual(
      repl.completions(for: ":load data/m"), Completion(start: 6, candidates: ["\"data/my orders.csv\""]))
    XCTAssertEqual(
      repl.completions(for: ":load data/"),
      Completion(start: 6, candidates: ["\"data/my orders.csv\"", "\"data/orders-2024.csv\"", "\"data/small.tsv\""]))
    XCTAssertEqual(repl.completions(for: ":load \"data/my"), Completion(start: 7, candidates: ["data/my orders.csv\""]))
    XCTAssertEqual(repl.completions(for: ":load data/my\\ o"), Completion(start: 6, candidates: ["data/my\\ orders.csv"]))
    // Inside quotes and after an escaped space, the path goes on: no `as`/`time` yet.
    XCTAssertEqual(candidates(repl, ":load \"data/my "), ["data/my orders.csv\""])
    XCTAssertEqual(candidates(repl, ":load data/my\\ "), ["data/my\\ orders.csv"])
    XCTAssertEqual(candidates(repl, ":load \"data/my orders.csv\" "), ["as", "time"])
    // What the completion inserts loads.
    XCTAssertTrue(run(repl, ":load \"data/my orders.csv\"").stdout.hasPrefix("loaded dataset 'my_orders'"))
  }

  func testCompletesNamesAfterSchemaAndDescribe() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(candidates(repl, ":schema "), ["orders", "paid"])
    XCTAssertEqual(candidates(repl, ":describe d"), ["dispute_rate"])
  }

  func testCompletesColumnsAfterADatasetAndADot() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(repl.completions(for: "sum(orders.am"), Completion(start: 11, candidates: ["amount"]))
    XCTAssertEqual(candidates(repl, "orders.s"), ["shop", "status"])
    XCTAssertEqual(candidates(repl, "paid.i"), ["id", "intervened"], "a view has its dataset's columns")
  }

  func testCompletesColumnsInsideAnAggregate() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(repl.completions(for: "count(orders where sta"), Completion(start: 19, candidates: ["status"]))
    XCTAssertEqual(candidates(repl, "count(orders where starts"), ["starts_with("], "functions when no column matches")
    XCTAssertEqual(candidates(repl, "count(paid where status = \"paid\" and inter"), ["intervened"])
    XCTAssertTrue(candidates(repl, "count(orders where ").contains("paid_at"))
    XCTAssertFalse(candidates(repl, "count(orders where ").contains("paid"), "no datasets inside a row filter")
    XCTAssertEqual(candidates(repl, "let p = orders where am"), ["amount"])
  }

  func testCompletesAggregateTarget() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(candidates(repl, "count(or"), ["orders"])
    XCTAssertEqual(candidates(repl, "sum(amo"), ["amount"], "a bare column when no dataset matches")
  }

  func testCompletesNamesFunctionsAndKeywords() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(candidates(repl, "disp"), ["dispute_rate"])
    XCTAssertEqual(candidates(repl, "cou"), ["count(", "count_distinct("])
    XCTAssertEqual(candidates(repl, "co"), ["coalesce(", "contains(", "count(", "count_distinct("])
    XCTAssertEqual(candidates(repl, "me"), ["median(", "metric"])
    XCTAssertEqual(candidates(repl, "revenue ov"), ["over"])
    XCTAssertEqual(candidates(repl, "revenue over "), ["day", "month", "quarter", "week", "year"])
    XCTAssertEqual(
      candidates(repl, "count(orders) by "), ["amount", "day", "hour", "id", "intervened", "month", "paid_at", "shop", "status", "week"])
    XCTAssertEqual(candidates(repl, "metric x = 1 format p"), ["percent"])
  }

  func testCompletesStringValues() {
    let repl = makeRepl(load: ["shop.kpi"])
    XCTAssertEqual(repl.completions(for: "count(orders where status = \"pa"), Completion(start: 29, candidates: ["paid\""]))
    XCTAssertEqual(candidates(repl, "count(orders where status in (\"paid\", \"sh"), ["shipped\""])
  }

  func testCompletionUsesEarlierLinesOfTheStatement() {
    let repl = makeRepl(interactive: true, load: ["shop.kpi"])
    _ = repl.feed("count(orders")
    XCTAssertEqual(repl.completions(for: "where inter"), Completion(start: 6, candidates: ["intervened"]))
  }

  func testQuotesNamesThatNeedIt() {
    let repl = makeRepl()
    try? Data("order id,paid_at\n1,2024-06-01\n".utf8).write(to: dir.appendingPathComponent("odd.csv"))
    _ = repl.load("odd.csv")
    XCTAssertEqual(candidates(repl, "odd."), ["`order id`", "paid_at"])
  }

  // MARK: Replacing names

  /// Replacing a name never silently breaks what was built on it.
  func testReplacingADatasetThatMetricsUseIsRefused() throws {
    try Data("shop,name\nA,x\n".utf8).write(to: dir.appendingPathComponent("shops.csv"))
    try Data("dataset o from \"orders.csv\"\nmetric m1 = count(o)\nmetric m1 = 2\n".utf8).write(to: dir.appendingPathComponent("dup.kpi"))
    let repl = makeRepl(load: ["orders.csv"])
    let out = run(repl, "let paid = orders where status != \"unpaid\"\nmetric n = count(paid)\nlet orders = 3")
    XCTAssertTrue(out.stderr.contains("replacing 'orders' would break the definitions below"), out.stderr)
    XCTAssertTrue(out.failed)
    // The dataset is still there and the metric still works: 5 orders are not unpaid.
    XCTAssertEqual(run(repl, "n").stdout, "5\n")
    XCTAssertTrue(run(repl, ":load shops.csv as orders").stderr.contains("unknown column 'status' in 'paid'"))
    XCTAssertEqual(run(repl, "count(orders)").stdout, "6\n")
    // A .kpi file loads as a file: a name twice is an error and nothing of it is kept.
    let dup = run(repl, ":load dup.kpi")
    XCTAssertTrue(dup.failed)
    XCTAssertTrue(dup.stderr.contains("'m1' is defined twice"), dup.stderr)
    XCTAssertFalse(repl.session.isDefined("m1"))
  }
}
