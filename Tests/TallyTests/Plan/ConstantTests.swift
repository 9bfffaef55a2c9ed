import XCTest

@_spi(Stages) @testable import Tally

/// Constants are computed when they are checked (bounds, percentiles), by the same operators
/// the engine uses: the results agree with evaluating them.
final class ConstantTests: XCTestCase {
  func testConstantsAgreeWithTheEngine() throws {
    let zone = try XCTUnwrap(Zone("Europe/Berlin"))
    let session = Session(zone: zone)
    for formula in [
      "1.5%", "24h", "7 / 2", "1 / 0", "-(2 * 3)", "@2024-03-31 + 1d", "@2024-01-31 + 1mo", "1d + 1h", "2 in (1, null)",
      "round(2.675, 2)", "coalesce(null, 3)", "not (1 > 2)", "(1 + 1) over 28d", "-28d",
    ] {
      let source = Source(name: "<expr>", text: formula)
      let node = try Pipeline.check(try Pipeline.parse(source), in: source, against: session)
      XCTAssertTrue(node.isConstant, formula)
      guard case .scalar(let folded) = try Constant.value(of: node, zone: zone), case .scalar(let run) = try session.evaluate(formula).value
      else { return XCTFail(formula) }
      XCTAssertEqual(folded, run, formula)
    }
  }

  func testABoundIsEvaluatedWhenTheMetricIsChecked() throws {
    let session = Session()
    try session.add(CheckerTests.schema("orders", [("amount", .number)]))
    try session.define(Source(name: "a.kpi", text: "metric m = count(orders)\n  target <= 1.5% * 2\n  warn < 2 * 24h / 1h"))
    let m = try XCTUnwrap(session.definition(of: "m"))
    let (target, warn) = try session.bounds(of: try XCTUnwrap(m.metric), in: m.source)
    XCTAssertEqual(target?.value, .number(0.03))
    XCTAssertEqual(warn?.value, .number(48))
  }
}
