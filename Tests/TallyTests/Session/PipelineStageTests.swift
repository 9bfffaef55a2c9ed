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
}
