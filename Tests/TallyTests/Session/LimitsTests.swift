import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Inputs built to exhaust the stack or trip Foundation get a located error, never a crash.
final class LimitsTests: XCTestCase {
  func message(_ formula: String) -> String? {
    do {
      _ = try Session().evaluate(formula)
      return nil
    } catch let e as TallyError {
      return e.diagnostics.first?.message
    } catch {
      return "\(error)"
    }
  }

  func testDeepFormulasAreRefused() {
    let nested = "the formula nests brackets, 'not' or '-' more than 48 deep; name parts of it with 'let'"
    let long = "the formula is more than 128 operators deep; name parts of it with 'let'"
    XCTAssertEqual(message(String(repeating: "(", count: 400) + "1" + String(repeating: ")", count: 400)), nested)
    XCTAssertEqual(message(String(repeating: "not ", count: 1000) + "true"), nested)
    XCTAssertEqual(message(String(repeating: "-", count: 10000) + "1"), nested)
    // A flat chain is one level however long; nesting is what counts.
    XCTAssertNil(message(Array(repeating: "1", count: 1000).joined(separator: " + ")))
    XCTAssertNil(message(Array(repeating: "true", count: 1000).joined(separator: " and ")))
    XCTAssertNil(message((0...129).map { "\($0) = \($0)" }.joined(separator: " or ")))
    XCTAssertEqual(message(String(repeating: "1 + (", count: 129) + "1" + String(repeating: ")", count: 129)), nested)
    XCTAssertNil(message(Array(repeating: "1", count: 129).joined(separator: " * ") + " + 1 - 2 * 3 + 4"))
    XCTAssertEqual(message("1" + String(repeating: " offset 1d", count: 2000)), long)
    XCTAssertEqual(
      message(Array(repeating: "1", count: 12_000).joined(separator: " + ")),
      "the formula has more than 20000 operators and operands; name parts of it with 'let'")
    // Just inside the limits, the formulas evaluate.
    XCTAssertNil(message(String(repeating: "(", count: 48) + "1" + String(repeating: ")", count: 48)))
    XCTAssertNil(message(Array(repeating: "1", count: 128).joined(separator: " + ")))
    XCTAssertNil(message(String(repeating: "+", count: 100_000) + "1"))
  }

  func testLetChainsDeeperThanTheCheckerAllowsAreRefused() {
    let lines = ["let v0 = 1"] + (1..<300).map { "let v\($0) = v\($0 - 1) + 1" } + ["metric m = v299"]
    let s = Session()
    XCTAssertThrowsError(try s.define(Source(name: "deep.kpi", text: lines.joined(separator: "\n")))) { error in
      XCTAssertTrue((error as? TallyError)?.diagnostics.first?.message.hasPrefix("definitions nest more than 160 operators deep") ?? false)
    }
    let ok = ["let v0 = 1"] + (1..<50).map { "let v\($0) = v\($0 - 1) + 1" } + ["metric m = v49"]
    let t = Session()
    XCTAssertNoThrow(try t.define(Source(name: "ok.kpi", text: ok.joined(separator: "\n"))))
    XCTAssertEqual(try t.evaluate("m").value.scalarValue, .int(50))
  }

  func testNumbersNeverBecomeInfinity() throws {
    let s = Session()
    XCTAssertEqual(try s.evaluate("1e308 * 10").value.scalarValue, .null)
    XCTAssertEqual(try s.evaluate("-1e308 - 1e308").value.scalarValue, .null)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-inf-\(UUID().uuidString).csv").path
    try Data("x\n1e308\n1e308\n".utf8).write(to: URL(fileURLWithPath: path))
    try s.load(name: "d", path: path)
    // What does not fit is null, and said so: a row's `x * 10` is null, so the sum of none is 0.
    for (f, want) in [("sum(x)", Value.null), ("sum(x * 10)", .number(0)), ("max(x * 2)", .null)] {
      let e = try s.evaluate(f)
      XCTAssertEqual(e.value.scalarValue, want, f)
      XCTAssertEqual(
        e.notes.map(\.message).first?.hasSuffix("the range of a number, so the result is null"), true, "\(f) says why it is null")
    }
    // What fits is computed without overflowing on the way: the mean of two 1e308, the middle of ±1e308.
    XCTAssertEqual(try s.evaluate("avg(x)").value.scalarValue, .number(1e308))
    XCTAssertEqual(try s.evaluate("round(1e308, 2)").value.scalarValue, .number(1e308))
    XCTAssertEqual(try s.evaluate("round(-1.5e300, 15)").value.scalarValue, .number(-1.5e300))
    try Data("x\n-1e308\n1e308\n".utf8).write(to: URL(fileURLWithPath: path))
    let t = Session()
    try t.load(name: "d", path: path)
    XCTAssertEqual(try t.evaluate("median(x)").value.scalarValue, .number(0))
    XCTAssertEqual(try t.evaluate("percentile(x, 75%)").value.scalarValue, .number(5e307))
    XCTAssertEqual(try t.evaluate("avg(x)").value.scalarValue, .number(0))
    XCTAssertTrue(try t.evaluate("median(x)").notes.isEmpty)
  }

  /// A sum of ints past Int64 is a number, and so is a sum over groups whose sums were.
  func testIntSumsPastInt64AreNumbers() throws {
    let s = Session()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-big-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data("n,g\n9223372036854775807,a\n9223372036854775807,a\n9223372036854775807,b\n9223372036854775807,b\n1,c\n".utf8).write(
      to: URL(fileURLWithPath: path))
    try s.load(name: "d", path: path)
    XCTAssertEqual(try s.evaluate("sum(d.n where g = \"c\")").value.scalarValue, .int(1))
    XCTAssertEqual(try s.evaluate("sum(d.n)").value.scalarValue, .number(4 * 9223372036854775807.0))
    XCTAssertEqual(try s.evaluate("sum(sum(d.n) by g where g != \"c\")").value.scalarValue, .number(4 * 9223372036854775807.0))
  }

  func testShortPathsOfMissingFiles() {
    for path in ["a", "q/", "/", ""] {
      XCTAssertThrowsError(try DataLoader.load(name: "x", path: path, zone: .utc), path)
    }
    XCTAssertEqual(Paths.directory(of: "a"), "")
    XCTAssertEqual(Paths.directory(of: "q/"), "")
    XCTAssertEqual(Paths.directory(of: "/a"), "/")
    XCTAssertEqual(Paths.directory(of: "x/y/z.csv"), "x/y")
    XCTAssertEqual(Paths.lastComponent(of: "x/y/z.csv"), "z.csv")
  }
}

extension MetricValue {
  var scalarValue: Value? {
    if case .scalar(let v) = self { return v }
    return nil
  }
}
