import XCTest

@_spi(Stages) @testable import Tally

/// Formula + catalog → the exact diagnostic text the user sees.
final class CheckerTests: XCTestCase {
  /// An empty dataset with typed columns: the checker reads only schemas.
  static func schema(_ name: String, _ columns: [(String, ValueType)]) -> Dataset {
    let cols = columns.map { (n, t) -> Column in
      let data: ColumnData
      switch t {
      case .int: data = .int([])
      case .number: data = .number([])
      case .bool: data = .bool(Bitmap(count: 0, value: false))
      case .time: data = .time([])
      case .duration: data = .duration([])
      case .string, .null: data = .string(codes: [], dictionary: [])
      }
      return Column(name: n, vector: Vector(type: t, data: data, valid: nil))
    }
    return Dataset(name: name, path: "\(name).csv", columns: cols, rowCount: 0)
  }

  /// orders and refunds (each with a time column), shops (none), and a few definitions.
  static func session() throws -> Session {
    let s = Session(zone: .utc)
    try s.add(
      schema(
        "orders",
        [
          ("id", .int), ("shop", .string), ("status", .string), ("amount", .number), ("paid_at", .time),
          ("vip", .bool), ("备注", .string),
        ]), timeColumn: "paid_at")
    try s.add(
      schema(
        "refunds",
        [
          ("refund_id", .int), ("order_id", .int), ("shop", .string), ("requested_at", .time),
          ("resolved_at", .time), ("refund_amount", .number), ("intervened", .bool), ("客服介入", .bool),
        ]), timeColumn: "requested_at")
    try s.add(schema("shops", [("shop", .string), ("region", .string)]))
    try s.define(
      Source(
        name: "defs.kpi",
        text: """
          let paid = orders where status != "unpaid"
          metric dispute_rate = count(refunds where intervened) / count(paid) over 28d
          let paid_count = count(paid)
          """))
    return s
  }

  // Formula → diagnostics cases are the golden corpus `Golden/checker/formulas.kpi`
  // (CheckerGoldenTests), checked against `session()` above.

  /// Definitions that refer to each other are reported, not followed forever.
  func testCyclesBetweenLets() throws {
    let s = try Self.session()
    let got = thrownDiagnostics {
      try s.define(
        Source(
          name: "cycle.kpi",
          text: """
            let a = b + 1
            let b = c * 2
            let c = a - 3
            """))
    }
    // Each of the three definitions meets the cycle; it is reported once, with its members' places.
    XCTAssertEqual(
      got,
      """
      cycle.kpi:1:9: error: definitions refer to each other in a cycle: b -> c -> a -> b
      1 | let a = b + 1
        |         ^
      note: 'b' is defined at cycle.kpi:2:5
      note: 'c' is defined at cycle.kpi:3:5
      note: 'a' is defined at cycle.kpi:1:5

      """)
    let selfLoop = thrownDiagnostics { try s.define(Source(name: "self.kpi", text: "let z = z + 1")) }
    XCTAssertEqual(
      selfLoop,
      """
      self.kpi:1:9: error: definitions refer to each other in a cycle: z -> z
      1 | let z = z + 1
        |         ^

      """)
  }

  func testDefinitionErrors() throws {
    let s = try Self.session()
    let twice = thrownDiagnostics {
      try s.define(Source(name: "twice.kpi", text: "let n = 1\nlet n = 2"))
    }
    XCTAssertEqual(
      twice,
      """
      twice.kpi:2:5: error: 'n' is defined twice
      2 | let n = 2
        |     ^
      note: 'n' was first defined at twice.kpi:1:5

      """)
    let badAssert = thrownDiagnostics { try s.define(Source(name: "a.kpi", text: "assert count(orders)")) }
    XCTAssertEqual(
      badAssert,
      """
      a.kpi:1:8: error: an assert must be a boolean formula
      1 | assert count(orders)
        |        ^~~~~~~~~~~~~

      """)
  }

  /// Well-formed formulas type-check to the type an analyst expects.
  func testResultTypes() throws {
    let s = try Self.session()
    let cases: [(String, ValueType)] = [
      ("count(orders)", .int),
      ("count(paid) / count(orders)", .number),
      ("7 / 2", .number),
      ("sum(amount)", .number),
      ("sum(orders.id)", .int),
      ("avg(orders.id)", .number),
      ("median(orders.id)", .number),
      ("max(paid_at)", .time),
      ("min(orders.shop)", .string),
      ("avg(resolved_at - requested_at)", .duration),
      ("hours(avg(resolved_at - requested_at))", .number),
      ("percentile(resolved_at - requested_at, 90%)", .duration),
      ("count(refunds where 客服介入)", .int),
      ("count(orders) > 3", .bool),
      ("dispute_rate", .number),
      ("dispute_rate - (dispute_rate offset 7d)", .number),
      ("count(orders) by shop", .int),
      ("@2024-06-30 + 1mo", .time),
      ("@2024-07-01 - @2024-06-30", .duration),
    ]
    for (formula, want) in cases {
      XCTAssertEqual(try s.typeCheck(formula), want, "type of \(formula)")
    }
  }
}
