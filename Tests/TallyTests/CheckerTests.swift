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

  func testDiagnostics() throws {
    let s = try Self.session()
    // (formula, the rendered diagnostics). Columns count characters from 1; the caret spans the culprit.
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
        "sum(orders.amont)",
        """
        <expr>:1:12: error: unknown column 'amont' in 'orders'
        1 | sum(orders.amont)
          |            ^~~~~
        note: did you mean 'amount'?

        """
      ),
      (
        "count(refunds where intervend)",
        """
        <expr>:1:21: error: unknown column 'intervend' in 'refunds'
        1 | count(refunds where intervend)
          |                     ^~~~~~~~~
        note: did you mean 'intervened'?

        """
      ),
      (
        "count(paid where statsu = \"x\")",
        """
        <expr>:1:18: error: unknown column 'statsu' in 'paid'
        1 | count(paid where statsu = "x")
          |                  ^~~~~~
        note: did you mean 'status'?

        """
      ),
      // shop is a column of orders, refunds and shops: the choices are listed.
      (
        "count_distinct(shop)",
        """
        <expr>:1:16: error: column 'shop' is in several datasets ('orders', 'refunds', 'shops'); name one, as in 'orders.shop'
        1 | count_distinct(shop)
          |                ^~~~

        """
      ),
      (
        "sum(orders.amount + refunds.refund_amount)",
        """
        <expr>:1:21: error: one aggregate reads one dataset, but this one reads 'orders' and 'refunds'
        1 | sum(orders.amount + refunds.refund_amount)
          |                     ^~~~~~~~~~~~~~~~~~~~~

        """
      ),
      (
        "sum(amount + refund_amount)",
        """
        <expr>:1:14: error: one aggregate reads one dataset, but this one reads 'orders' and 'refunds'
        1 | sum(amount + refund_amount)
          |              ^~~~~~~~~~~~~
        note: 'amount' is in 'orders', 'refund_amount' is in 'refunds'

        """
      ),
      (
        "count(orders where refunds.intervened)",
        """
        <expr>:1:20: error: one aggregate reads one dataset, but this one reads 'orders' and 'refunds'
        1 | count(orders where refunds.intervened)
          |                    ^~~~~~~~~~~~~~~~~~

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
      // The underline spans terminal columns: each CJK character takes two.
      (
        "avg(orders.备注)",
        """
        <expr>:1:5: error: the argument of 'avg' must be a number or a duration, not a string
        1 | avg(orders.备注)
          |     ^~~~~~~~~~~

        """
      ),
      (
        "count(orders where paid_at > 5)",
        """
        <expr>:1:20: error: '>' cannot combine a time and an int
        1 | count(orders where paid_at > 5)
          |                    ^~~~~~~~~~~
        note: a time combines with a duration (as in 24h) or another time

        """
      ),
      (
        "count(refunds where resolved_at - requested_at <= 24)",
        """
        <expr>:1:21: error: '<=' cannot combine a duration and an int
        1 | count(refunds where resolved_at - requested_at <= 24)
          |                     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
        note: compare a duration with a duration, as in 24h, or convert it with hours(...)

        """
      ),
      (
        "count(orders where status = 1)",
        """
        <expr>:1:20: error: '=' cannot combine a string and an int
        1 | count(orders where status = 1)
          |                    ^~~~~~~~~~
        note: a string is not a number; compare it with a string in quotes

        """
      ),
      (
        "count(shops) over 7d",
        """
        <expr>:1:1: error: dataset 'shops' has no time column for a window; name one with 'time COL' in its declaration, '--data shops=PATH,time=COL' or ':load PATH as shops time COL'
        1 | count(shops) over 7d
          | ^~~~~~~~~~~~

        """
      ),
      (
        "count(shops) by day",
        """
        <expr>:1:1: error: dataset 'shops' has no time column for a window; name one with 'time COL' in its declaration, '--data shops=PATH,time=COL' or ':load PATH as shops time COL'
        1 | count(shops) by day
          | ^~~~~~~~~~~~
        note: 'by day' groups rows by their time column

        """
      ),
      (
        "count(orders) / count(refunds) by status",
        """
        <expr>:1:35: error: 'by status': dataset 'refunds' has no column 'status'
        1 | count(orders) / count(refunds) by status
          |                                   ^~~~~~

        """
      ),
      (
        "cuont(orders)",
        """
        <expr>:1:1: error: unknown function 'cuont'
        1 | cuont(orders)
          | ^~~~~
        note: did you mean 'count'?

        """
      ),
      (
        "count(orders where startswith(status, \"p\"))",
        """
        <expr>:1:20: error: unknown function 'startswith'
        1 | count(orders where startswith(status, "p"))
          |                    ^~~~~~~~~~
        note: did you mean 'starts_with'?

        """
      ),
      (
        "percentile(amount, 1.5)",
        """
        <expr>:1:20: error: percentile must be between 0 and 1 (as in 90% or 0.9)
        1 | percentile(amount, 1.5)
          |                    ^~~

        """
      ),
      (
        "percentile(amount, 150%)",
        """
        <expr>:1:20: error: percentile must be between 0 and 1 (as in 90% or 0.9)
        1 | percentile(amount, 150%)
          |                    ^~~~

        """
      ),
      (
        "percentile(amount, -0.1)",
        """
        <expr>:1:20: error: percentile must be between 0 and 1 (as in 90% or 0.9)
        1 | percentile(amount, -0.1)
          |                    ^~~~

        """
      ),
      (
        "percentile(amount)",
        """
        <expr>:1:1: error: 'percentile' takes 2 arguments, not 1
        1 | percentile(amount)
          | ^~~~~~~~~~~~~~~~~~

        """
      ),
      (
        "amount",
        """
        <expr>:1:1: error: column 'amount' is used outside an aggregate; wrap it in one, as in 'sum(amount)'
        1 | amount
          | ^~~~~~
        note: it is a column of 'orders'

        """
      ),
      (
        "orders",
        """
        <expr>:1:1: error: dataset 'orders' is not a value; count its rows with 'count(orders)'
        1 | orders
          | ^~~~~~

        """
      ),
      (
        "dispute_rat * 2",
        """
        <expr>:1:1: error: unknown name 'dispute_rat'
        1 | dispute_rat * 2
          | ^~~~~~~~~~~
        note: did you mean 'dispute_rate'?

        """
      ),
      (
        "count(orders where status)",
        """
        <expr>:1:20: error: a 'where' filter must be a bool, not a string
        1 | count(orders where status)
          |                    ^~~~~~
        note: compare it, as in status = "..."

        """
      ),
      (
        "count(orders where sum(amount) > 1)",
        """
        <expr>:1:20: error: aggregate 'sum' inside another aggregate or a row filter
        1 | count(orders where sum(amount) > 1)
          |                    ^~~~~~~~~~~

        """
      ),
      (
        "sum(amount over 7d)",
        """
        <expr>:1:5: error: 'over', 'offset', 'at' and 'by' apply to aggregates, not inside one
        1 | sum(amount over 7d)
          |     ^~~~~~~~~~~~~~

        """
      ),
      (
        "(count(orders) by shop) by status",
        """
        <expr>:1:1: error: 'by' inside another 'by' is not supported; group the whole expression once
        1 | (count(orders) by shop) by status
          | ^~~~~~~~~~~~~~~~~~~~~~~

        """
      ),
      (
        "sum(if(vip, amount, \"x\"))",
        """
        <expr>:1:5: error: both branches of 'if' must be of one type, not a number and a string
        1 | sum(if(vip, amount, "x"))
          |     ^~~~~~~~~~~~~~~~~~~~

        """
      ),
      (
        "count(orders where lower(id) = \"a\")",
        """
        <expr>:1:26: error: argument 1 of 'lower' must be a string, not an int
        1 | count(orders where lower(id) = "a")
          |                          ^~

        """
      ),
      (
        "sum(paid_at)",
        """
        <expr>:1:5: error: the argument of 'sum' must be a number or a duration, not a time
        1 | sum(paid_at)
          |     ^~~~~~~

        """
      ),
      (
        // A value that aggregates is reported where it is used, not inside its definition.
        "sum(orders.amount where amount > paid_count)",
        """
        <expr>:1:34: error: 'paid_count' is not a constant, so it cannot be used inside an aggregate
        1 | sum(orders.amount where amount > paid_count)
          |                                  ^~~~~~~~~~

        """
      ),
      (
        "sum(ordrs.amount)",
        """
        <expr>:1:5: error: unknown dataset 'ordrs'
        1 | sum(ordrs.amount)
          |     ^~~~~
        note: did you mean 'orders'?

        """
      ),
      (
        "count(orders) ovr 7d",
        """
        <expr>:1:15: error: expected the end of the formula, found 'ovr'
        1 | count(orders) ovr 7d
          |               ^~~
        note: did you mean 'over'?

        """
      ),
      (
        "sum(orders.amount) where vip",
        """
        <expr>:1:20: error: expected the end of the formula, found 'where'
        1 | sum(orders.amount) where vip
          |                    ^~~~~
        note: a filter goes inside the aggregate's brackets, as in count(orders where paid)

        """
      ),
      (
        "count(orders) over 28 d",
        """
        <expr>:1:20: error: a window is a duration (as in 28d) or a calendar period (day, week, month, quarter, year)
        1 | count(orders) over 28 d
          |                    ^~
        note: write the number and its unit together, as in 28d

        """
      ),
      (
        "count(orders) by dya",
        """
        <expr>:1:18: error: 'by dya': dataset 'orders' has no column 'dya'
        1 | count(orders) by dya
          |                  ^~~
        note: did you mean 'day'?

        """
      ),
      (
        "count(orders where vip = tru) + nul",
        """
        <expr>:1:26: error: unknown column 'tru' in 'orders'
        1 | count(orders where vip = tru) + nul
          |                          ^~~
        note: did you mean 'true'?
        <expr>:1:33: error: unknown name 'nul'
        1 | count(orders where vip = tru) + nul
          |                                 ^~~
        note: did you mean 'null'?

        """
      ),
      (
        "count(ordrs where vip)",
        """
        <expr>:1:7: error: unknown dataset 'ordrs'
        1 | count(ordrs where vip)
          |       ^~~~~
        note: did you mean 'orders'?

        """
      ),
    ]
    for (formula, want) in cases {
      let got = thrownDiagnostics { _ = try s.typeCheck(formula) }
      XCTAssertEqual(got, want, "diagnostics of \(formula)")
    }
  }

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
