import XCTest

@_spi(Stages) @testable import Tally

/// Values as reports and the REPL show them, by `format` (LANGUAGE-NOTES "Formats").
final class RenderTests: XCTestCase {
  func testDisplayByFormat() {
    let cases: [(Value, ValueFormat?, String)] = [
      (.number(0.0153), .percent, "1.53%"),
      (.number(12.3456), .percent, "1,234.56%"),
      (.int(12345), .integer, "12,345"),
      (.number(-2.5), .integer, "-3"),  // halves away from zero
      (.number(1234.567), .number, "1,234.6"),
      (.number(99.994), .number, "99.99"),
      (.number(99.995), .number, "100.0"),  // one decimal from 100 up, as rounded
      (.duration(45_000_000), nil, "45 s"),
      (.duration(750_000_000), nil, "12.5 min"),
      (.duration(66_600_000_000), nil, "18.5 h"),
      (.number(66_600), .duration, "18.5 h"),  // a number under `format duration` is seconds
      (.number(0.123456789), nil, "0.123457"),
      (.number(0.000012345), nil, "0.000012345"),  // six significant digits, written out
      (.number(1e-20), nil, "1e-20"),
      (.number(2.5), nil, "2.5"),
      (.number(3), nil, "3"),
      (.null, .percent, "null"),
    ]
    for (value, format, want) in cases {
      XCTAssertEqual(Render.display(value, format: format, zone: .utc), want, "\(value) as \(format.map { "\($0)" } ?? "no format")")
    }
  }
}
