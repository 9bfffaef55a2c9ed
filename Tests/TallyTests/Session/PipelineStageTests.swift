import XCTest

@_spi(Stages) @testable import Tally

/// Each stage of `tally check` runs once: every formula is resolved against the headers once,
/// checked against the data once, and evaluated from that plan; the default as-of is found once.
final class PipelineStageTests: XCTestCase {
  static let example = TestEnv.sourceDirectory.deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples/after-sales")

  func testCheckingTheBundledExampleRunsEachStageOnce() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.example.path).filter { $0.hasSuffix(".kpi") }.sorted()
      .map { Self.example.appendingPathComponent($0).path }
    let session = Session(zone: try XCTUnwrap(Zone("Asia/Shanghai")))
    try session.defineFiles(files)
    // The statements a check reads: links, views, values, metrics and asserts (a `let` that only names a dataset
    // is a view).
    var formulas = 0
    for f in files {
      for st in Parser.parse(try Session.readSource(f)).statements {
        switch st.kind {
        case .link, .view, .metric, .assert: formulas += 1
        case .value(_, let e):
          let namesARelation: Bool
          if case .name(let n) = e.kind {
            namesARelation = session.catalog.views[n] != nil || session.catalog.datasets[n] != nil
          } else {
            namesARelation = false
          }
          if !namesARelation { formulas += 1 }
        default: break
        }
      }
    }
    XCTAssertGreaterThan(formulas, 60)
    XCTAssertEqual(session.statistics.formulasResolved, formulas, "each formula resolved against the headers once")
    XCTAssertEqual(session.statistics.formulasChecked, formulas, "each formula checked against the data once")
    let report = try session.runChecks()
    XCTAssertEqual(report.metrics.count, session.metrics.count)
    XCTAssertEqual(session.statistics.formulasChecked, formulas, "evaluation reuses the checked plans")
    XCTAssertEqual(session.statistics.asOfScans, 1, "the default as-of is found once")
  }

  /// `tally check` reads only the columns that the formulas name: the same report as a session
  /// that reads every column, from fewer columns.
  func testReadingOnlyNamedColumnsGivesTheSameReport() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.example.path).filter { $0.hasSuffix(".kpi") }.sorted()
      .map { Self.example.appendingPathComponent($0).path }
    let zone = try XCTUnwrap(Zone("Asia/Shanghai"))
    let all = Session(zone: zone)
    try all.defineFiles(files)
    let named = Session(zone: zone)
    named.readsOnlyNamedColumns = true
    try named.defineFiles(files)
    XCTAssertEqual(Report.json(try named.runChecks(), zone: zone), Report.json(try all.runChecks(), zone: zone))
    let columns = { (s: Session) in s.datasets.values.reduce(0) { $0 + $1.columns.count } }
    XCTAssertLessThan(columns(named), columns(all))
    XCTAssertEqual(named.datasets.mapValues(\.rowCount), all.datasets.mapValues(\.rowCount))
  }

  /// A column no formula names is still read for its structure: a record with a field too many,
  /// or a quote left open in that column, is the error it always is.
  func testAColumnLeftUnreadStillHasItsStructureChecked() throws {
    let dir = TestEnv.temporaryDirectory()
    let kpi = try writeFile(dir, "k.kpi", "dataset t from \"t.csv\" time ts\nmetric n = count(t where x > 1)\n")
    for (data, message) in [
      ("ts,x,note\n2024-01-01 00:00,2,ok\n2024-01-02 00:00,3,one,two\n", "t.csv:3"),
      ("ts,x,note\n2024-01-01 00:00,2,\"open\n2024-01-02 00:00,3,ok\n", "t.csv:2"),
    ] {
      _ = try writeFile(dir, "t.csv", data)
      let session = Session(zone: .utc)
      session.readsOnlyNamedColumns = true
      let err = thrownDiagnostics { try session.defineFiles([kpi]) }
      XCTAssertTrue(err?.contains(message) == true, "\(data): \(err ?? "no error")")
    }
    _ = try writeFile(dir, "t.csv", "ts,x,note\n2024-01-01 00:00,2,\"a, b\"\n2024-01-02 00:00,3,\n")
    let session = Session(zone: .utc)
    session.readsOnlyNamedColumns = true
    try session.defineFiles([kpi])
    XCTAssertEqual(session.datasets["t"]?.columnNames, ["ts", "x"])
    XCTAssertEqual(try session.scalar("count(t where x > 1)"), .int(2))
  }

  /// Over the headers a time column's type is not known yet: a duration made from it, divided
  /// by a duration, passes as it does over the data.
  func testADurationOfColumnsOfUnknownTypeDividesByADuration() throws {
    let dir = TestEnv.temporaryDirectory()
    _ = try writeFile(dir, "t.csv", "ts,done\n2024-01-01 00:00,2024-01-01 03:00\n2024-01-02 00:00,2024-01-02 01:00\n")
    let kpi = try writeFile(dir, "k.kpi", "dataset t from \"t.csv\" time ts\nmetric hours = avg(t.done - t.ts) / 1h\n")
    let session = Session(zone: .utc)
    try session.defineFiles([kpi])
    XCTAssertEqual(try session.scalar("hours"), .number(2))
  }
}
