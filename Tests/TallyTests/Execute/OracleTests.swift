import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Tally against SQLite on the same generated data. Tally reads the CSV fixtures with its own
/// loader; SQLite gets the same rows as INSERTs from the generator. Every formula has its SQL
/// written out beside it, following LANGUAGE.md: `where` keeps rows where the predicate is true
/// (SQL's three-valued logic), aggregates skip nulls, `count`/`sum` over nothing give 0, others
/// null, division by zero gives null (as in SQLite), windows are `[E − W, E)`, grouped results
/// are an outer join on the keys, sorted by code point with null last (SQLite's BINARY collation
/// compares UTF-8 bytes, which is code-point order). A link is a LEFT JOIN on its key (a row whose
/// column is null or matches no key gets nulls, and no row is added or dropped); an aggregate per
/// row is a correlated subquery; an aggregate over groups aggregates a GROUP BY.
final class OracleTests: XCTestCase {

  struct Case {
    var formula: String
    var sql: String
    var line: UInt
  }

  /// Definitions shared by every session (links, views and a metric).
  static let definitions = """
    link refunds.order_id -> orders.id
    link orders.shop -> shops.shop
    let paid = orders where status != "unpaid"
    let paid_vip = paid where vip
    let by_resolution = refunds time resolved_at
    metric dispute_rate = count(refunds where 客服介入) / count(paid) over 28d
    """

  // MARK: Fixtures

  /// The fixture directory; the CSV files are written by the generator and checked in.
  static var fixtureDirectory: URL { TestEnv.resourceDirectory("Fixtures").appendingPathComponent("oracle") }

  /// The checked-in fixtures are exactly what the generator writes (re-record with RECORD_GOLDEN=1).
  func testFixturesMatchTheGenerator() throws {
    let data = OracleData.generate()
    let files = [("orders.csv", data.ordersCSV()), ("refunds.csv", data.refundsCSV()), ("shops.csv", data.shopsCSV())]
    if TestEnv.recording {
      let dir = TestEnv.sourceDirectory.appendingPathComponent("Fixtures/oracle")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
      return
    }
    for (name, text) in files {
      let onDisk = try Data(contentsOf: Self.fixtureDirectory.appendingPathComponent(name))
      XCTAssertEqual(onDisk, Data(text.utf8), "\(name) differs from the generator; re-record with RECORD_GOLDEN=1")
    }
    // The fixtures hold what the loader must cope with.
    let ordersBytes = try Data(contentsOf: Self.fixtureDirectory.appendingPathComponent("orders.csv"))
    XCTAssertEqual(Array(ordersBytes.prefix(6)), [0xEF, 0xBB, 0xBF] + Array("id,".utf8), "orders.csv starts with a BOM")
    let orders = String(decoding: ordersBytes, as: UTF8.self)
    for needle in ["\"fast, please\"", "\"say \"\"急\"\"\"", "\"line1\nline2\"", "+08:00", "-05:00", "Z,", ",,", "\"\""] {
      XCTAssertTrue(orders.contains(needle), "orders.csv contains \(needle.debugDescription)")
    }
    let refunds = try String(contentsOf: Self.fixtureDirectory.appendingPathComponent("refunds.csv"), encoding: .utf8)
    XCTAssertTrue(refunds.contains("\r\n"))
    XCTAssertEqual(data.orders.count, 320)
    XCTAssertEqual(data.refunds.count, 140)
    // Refunds that refer to no order through the link: a null order_id, an id no order has.
    let ids = Set(data.orders.map(\.id))
    XCTAssertTrue(data.refunds.contains { $0.orderId == nil })
    XCTAssertTrue(data.refunds.contains { $0.orderId.map { !ids.contains($0) } ?? false })
  }

  /// SQLite reads the fixture CSV on its own (`.import`), and agrees with the generator's rows:
  /// so the SQL side and the CSV side describe the same data.
  func testSQLiteImportOfTheFixtureAgreesWithTheInserts() throws {
    try XCTSkipUnless(SQLiteShell.isInstalled, "sqlite3 is not installed")
    let data = OracleData.generate()
    let dir = TestEnv.temporaryDirectory("oracle-import")
    defer { try? FileManager.default.removeItem(at: dir) }
    // sqlite3's .import does not strip a BOM: give it a BOM-less copy.
    var text = data.ordersCSV()
    text.removeFirst()
    let copy = try writeFile(dir, "orders.csv", text)
    let results = try Self.runSQLite(
      setup: data.sqlScript(zoneOffset: 0) + ".import --csv '\(copy)' raw_orders\n",
      queries: [
        "SELECT count(*) AS v FROM raw_orders",
        """
        SELECT count(*) AS v FROM raw_orders r JOIN orders o ON CAST(r.id AS INTEGER) = o.id
        WHERE coalesce(r.shop, '') = coalesce(o.shop, '') AND coalesce(r.status, '') = coalesce(o.status, '')
          AND coalesce(r."备注", '') = coalesce(o."备注", '')
          AND (r.amount = '' AND o.amount IS NULL OR CAST(r.amount AS REAL) = o.amount)
        """,
      ])
    XCTAssertEqual((results[0].first?["v"] as? NSNumber)?.intValue, 320)
    XCTAssertEqual((results[1].first?["v"] as? NSNumber)?.intValue, 320)
  }

  // MARK: Cases

  static func c(_ formula: String, _ sql: String, line: UInt = #line) -> Case { Case(formula: formula, sql: sql, line: line) }

  /// The percentile (`percentile_cont`) of `expr` over the rows of `table` where `pred`, in SQL.
  static func percentile(_ expr: String, _ table: String, _ pred: String, _ q: Double) -> String {
    """
    WITH v AS (SELECT \(expr) AS x FROM \(table) WHERE (\(pred)) AND (\(expr)) IS NOT NULL),
    s AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) - 1 AS i FROM v),
    p AS (SELECT \(q) * (n - 1) AS pos, n FROM (SELECT count(*) AS n FROM v) WHERE n > 0)
    SELECT (SELECT lo.x + (hi.x - lo.x) * (p.pos - CAST(p.pos AS INTEGER)) FROM p, s lo, s hi
            WHERE lo.i = CAST(p.pos AS INTEGER) AND hi.i = min(CAST(p.pos AS INTEGER) + 1, p.n - 1)) AS v
    """
  }

  /// The grouped percentile: one row per key of the rows `pred` keeps (an empty group gives null).
  static func groupedPercentile(_ expr: String, _ key: String, _ table: String, _ pred: String, _ q: Double) -> String {
    """
    WITH base AS (SELECT \(key) AS k, \(expr) AS x FROM \(table) WHERE \(pred)),
    s AS (SELECT k, x, ROW_NUMBER() OVER (PARTITION BY k ORDER BY x) - 1 AS i, count(*) OVER (PARTITION BY k) AS n
          FROM base WHERE x IS NOT NULL),
    p AS (SELECT DISTINCT k, n, \(q) * (n - 1) AS pos FROM s),
    r AS (SELECT p.k, lo.x + (hi.x - lo.x) * (p.pos - CAST(p.pos AS INTEGER)) AS v FROM p
          JOIN s lo ON lo.k IS p.k AND lo.i = CAST(p.pos AS INTEGER)
          JOIN s hi ON hi.k IS p.k AND hi.i = min(CAST(p.pos AS INTEGER) + 1, p.n - 1))
    SELECT g.k AS k1, r.v AS v FROM (SELECT DISTINCT k FROM base) g LEFT JOIN r ON r.k IS g.k
    ORDER BY g.k IS NULL, g.k
    """
  }

  /// The ISO week label (`2024-W26`) of a time column, in SQL: the week-year is the year of the
  /// week's Thursday, the week number counts Thursdays from January 1.
  static func isoWeek(_ col: String) -> String {
    let day = "date(\(col) + {L}, 'unixepoch')"
    let thursday = "date(\(day), '-' || ((CAST(strftime('%w', \(day)) AS INTEGER) + 6) % 7) || ' days', '+3 days')"
    return "strftime('%Y', \(thursday)) || '-W' || printf('%02d', (CAST(strftime('%j', \(thursday)) AS INTEGER) - 1) / 7 + 1)"
  }

  /// `first(expr)` per key of the rows of `from` that `pred` keeps (`last` with `last: true`): the
  /// value at the earliest (latest) `time` among the rows where it is not null (a row without a
  /// time has no place in that order), the least (greatest) of those at that time; a group with
  /// no such row gives null.
  static func groupedFirst(_ expr: String, _ key: String, _ from: String, _ time: String, _ pred: String, last: Bool = false)
    -> String
  {
    let f = last ? "max" : "min"
    return """
      WITH base AS (SELECT \(key) AS k, \(time) AS t, \(expr) AS x FROM \(from) WHERE \(pred)),
      r AS (SELECT k, t, x FROM base WHERE x IS NOT NULL AND t IS NOT NULL),
      m AS (SELECT k, \(f)(t) AS t FROM r GROUP BY k)
      SELECT g.k AS k1, (SELECT \(f)(r.x) FROM r JOIN m ON m.k IS r.k AND m.t = r.t WHERE r.k IS g.k) AS v
      FROM (SELECT DISTINCT k FROM base) g ORDER BY g.k IS NULL, g.k
      """
  }

  /// `A / B by K` from two grouped counts, each a query of `k` and `n`: the groups are the keys of
  /// either side (an outer join), and a side with no rows for a group counts 0 there (so a ratio
  /// over it is null).
  static func groupedRatio(_ num: String, _ den: String) -> String {
    """
    WITH a AS (\(num)), b AS (\(den)), keys AS (SELECT k FROM a UNION SELECT k FROM b)
    SELECT keys.k AS k1, coalesce(a.n, 0) * 1.0 / coalesce(b.n, 0) AS v
    FROM keys LEFT JOIN a ON a.k IS keys.k LEFT JOIN b ON b.k IS keys.k ORDER BY keys.k IS NULL, keys.k
    """
  }

  /// Cases that read the same in any zone without DST: windows of whole days, keys, logic.
  static var commonCases: [Case] {
    [
      // Counting and the plain aggregates, over every row before E (and rows with a null time).
      c("count(orders)", "SELECT count(*) AS v FROM orders WHERE {O}"),
      c("count(orders.amount)", "SELECT count(amount) AS v FROM orders WHERE {O}"),
      c("count_distinct(orders.shop)", "SELECT count(DISTINCT shop) AS v FROM orders WHERE {O}"),
      c("sum(amount)", "SELECT coalesce(sum(amount), 0) AS v FROM orders WHERE {O}"),
      c("avg(amount)", "SELECT avg(amount) AS v FROM orders WHERE {O}"),
      c("min(amount)", "SELECT min(amount) AS v FROM orders WHERE {O}"),
      c("max(amount)", "SELECT max(amount) AS v FROM orders WHERE {O}"),
      c("median(amount)", percentile("amount", "orders", "{O}", 0.5)),
      c("percentile(amount, 90%)", percentile("amount", "orders", "{O}", 0.9)),
      c("percentile(amount, 0)", percentile("amount", "orders", "{O}", 0)),
      c("percentile(amount, 1)", percentile("amount", "orders", "{O}", 1)),
      c("percentile(qty, 0.25)", percentile("qty", "orders", "{O}", 0.25)),
      c("median(orders.qty where vip)", percentile("qty", "orders", "{O} AND vip", 0.5)),
      c("sum(qty)", "SELECT coalesce(sum(qty), 0) AS v FROM orders WHERE {O}"),
      c("count_distinct(amount)", "SELECT count(DISTINCT amount) AS v FROM orders WHERE {O}"),
      c("count_distinct(date(paid_at))", "SELECT count(DISTINCT date(paid_at + {L}, 'unixepoch')) AS v FROM orders WHERE {O}"),
      c(
        "count_distinct(vip) by shop",
        "SELECT shop AS k1, count(DISTINCT vip) AS v FROM orders WHERE {O} GROUP BY shop ORDER BY shop IS NULL, shop"),
      c("avg(vip)", "SELECT avg(vip) AS v FROM orders WHERE {O}"),
      c("sum(vip)", "SELECT coalesce(sum(vip), 0) AS v FROM orders WHERE {O}"),
      c("avg(qty)", "SELECT avg(qty) AS v FROM orders WHERE {O}"),
      c("min(orders.shop)", "SELECT min(shop) AS v FROM orders WHERE {O}"),
      c("max(orders.shop)", "SELECT max(shop) AS v FROM orders WHERE {O}"),
      c("max(paid_at)", "SELECT max(paid_at) AS v FROM orders WHERE {O}"),
      c("min(paid_at)", "SELECT min(paid_at) AS v FROM orders WHERE {O}"),
      c("count(shops)", "SELECT count(*) AS v FROM shops"),
      c("count(shops where region = \"north\")", "SELECT count(*) AS v FROM shops WHERE region = 'north'"),
      // where, with SQL's three-valued logic.
      c("count(orders where status = \"paid\")", "SELECT count(*) AS v FROM orders WHERE {O} AND status = 'paid'"),
      c("count(orders where status != \"paid\")", "SELECT count(*) AS v FROM orders WHERE {O} AND status != 'paid'"),
      c("count(orders where not (amount = null))", "SELECT count(*) AS v FROM orders WHERE {O} AND NOT (amount = NULL)"),
      c("count(orders where amount is null)", "SELECT count(*) AS v FROM orders WHERE {O} AND amount IS NULL"),
      c(
        "count(orders where amount is not null and qty is null)",
        "SELECT count(*) AS v FROM orders WHERE {O} AND amount IS NOT NULL AND qty IS NULL"),
      c(
        "count(orders where not (status = \"paid\") or vip)",
        "SELECT count(*) AS v FROM orders WHERE {O} AND (NOT (status = 'paid') OR vip)"),
      c(
        "count(orders where not (status = \"paid\" and vip))",
        "SELECT count(*) AS v FROM orders WHERE {O} AND NOT (status = 'paid' AND vip)"),
      c(
        "count(orders where status in (\"paid\", \"shipped, late\"))",
        "SELECT count(*) AS v FROM orders WHERE {O} AND status IN ('paid', 'shipped, late')"),
      c(
        "count(orders where status not in (\"paid\", null))",
        "SELECT count(*) AS v FROM orders WHERE {O} AND status NOT IN ('paid', NULL)"),
      c("count(orders where qty not in (0, 1))", "SELECT count(*) AS v FROM orders WHERE {O} AND qty NOT IN (0, 1)"),
      c("count(orders where vip)", "SELECT count(*) AS v FROM orders WHERE {O} AND vip"),
      c("count(orders where not vip)", "SELECT count(*) AS v FROM orders WHERE {O} AND NOT vip"),
      c("count(orders where vip is null)", "SELECT count(*) AS v FROM orders WHERE {O} AND vip IS NULL"),
      c("count(orders where paid_at is null)", "SELECT count(*) AS v FROM orders WHERE {O} AND paid_at IS NULL"),
      c("count(orders where paid_at is null) over 7d", "SELECT count(*) AS v FROM orders WHERE {O7} AND paid_at IS NULL"),
      c("sum(amount where vip and qty >= 2)", "SELECT coalesce(sum(amount), 0) AS v FROM orders WHERE {O} AND vip AND qty >= 2"),
      c("count(orders where amount > 100 or qty = 0)", "SELECT count(*) AS v FROM orders WHERE {O} AND (amount > 100 OR qty = 0)"),
      c("count(orders where amount >= 10 * qty)", "SELECT count(*) AS v FROM orders WHERE {O} AND amount >= 10 * qty"),
      // Row arithmetic: `/` is real division, by zero it is null (and skipped).
      c("avg(amount / qty)", "SELECT avg(amount / qty) AS v FROM orders WHERE {O}"),
      c("sum(qty / 2)", "SELECT coalesce(sum(qty / 2.0), 0) AS v FROM orders WHERE {O}"),
      c("count(orders where 1 / qty > 0.3)", "SELECT count(*) AS v FROM orders WHERE {O} AND 1.0 / qty > 0.3"),
      c("sum(coalesce(amount, 0) * qty)", "SELECT coalesce(sum(coalesce(amount, 0) * qty), 0) AS v FROM orders WHERE {O}"),
      c("sum(if(vip, amount, 0))", "SELECT coalesce(sum(CASE WHEN vip THEN amount ELSE 0 END), 0) AS v FROM orders WHERE {O}"),
      c("sum(-amount + 1)", "SELECT coalesce(sum(-amount + 1), 0) AS v FROM orders WHERE {O}"),
      c(
        "sum(amount where false) / count(orders where false)",
        "SELECT (SELECT coalesce(sum(amount), 0) FROM orders WHERE 0) / (SELECT count(*) FROM orders WHERE 0) AS v"),
      c("avg(amount where false)", "SELECT avg(amount) AS v FROM orders WHERE 0"),
      c(
        "count(orders where status = \"paid\") / count(orders)",
        "SELECT (SELECT count(*) FROM orders WHERE {O} AND status = 'paid') * 1.0 / (SELECT count(*) FROM orders WHERE {O}) AS v"),
      c(
        "sum(refund_amount) / sum(amount) - 1",
        "SELECT (SELECT sum(refund_amount) FROM refunds WHERE {R}) / (SELECT sum(amount) FROM orders WHERE {O}) - 1 AS v"),
      c(
        "count(orders) - count(refunds) * 2",
        "SELECT (SELECT count(*) FROM orders WHERE {O}) - (SELECT count(*) FROM refunds WHERE {R}) * 2 AS v"),
      // Strings and Chinese names.
      c("count(orders where contains(备注, \"急\"))", "SELECT count(*) AS v FROM orders WHERE {O} AND instr(\"备注\", '急') > 0"),
      c("count(orders where starts_with(`备注`, \"line\"))", "SELECT count(*) AS v FROM orders WHERE {O} AND substr(\"备注\", 1, 4) = 'line'"),
      c("count(orders where ends_with(orders.备注, \"2\"))", "SELECT count(*) AS v FROM orders WHERE {O} AND substr(\"备注\", -1) = '2'"),
      c("count(orders where length(备注) > 4)", "SELECT count(*) AS v FROM orders WHERE {O} AND length(\"备注\") > 4"),
      // Two spellings of é are different strings, also for caches keyed by the formula.
      c("count(orders where shop = \"é\")", "SELECT count(*) AS v FROM orders WHERE {O} AND shop = 'é'"),
      c("count(orders where shop = \"e\\u{301}\")", "SELECT count(*) AS v FROM orders WHERE {O} AND shop = 'e' || char(769)"),
      c("count(orders where shop >= \"e\\u{301}\")", "SELECT count(*) AS v FROM orders WHERE {O} AND shop >= 'e' || char(769)"),
      c("count(orders where upper(orders.shop) = \"B\")", "SELECT count(*) AS v FROM orders WHERE {O} AND upper(shop) = 'B'"),
      c("count(refunds where 客服介入)", "SELECT count(*) AS v FROM refunds WHERE {R} AND \"客服介入\""),
      c("count(refunds where reason = \"late, very late\")", "SELECT count(*) AS v FROM refunds WHERE {R} AND reason = 'late, very late'"),
      c(
        "count(refunds where reason = \"wrong \\\"size\\\"\")", "SELECT count(*) AS v FROM refunds WHERE {R} AND reason = 'wrong \"size\"'"),
      // Durations: time - time; compared with durations; in hours.
      c("avg(hours(resolved_at - requested_at))", "SELECT avg((resolved_at - requested_at) / 3600.0) AS v FROM refunds WHERE {R}"),
      c(
        "count(refunds where resolved_at - requested_at <= 24h)",
        "SELECT count(*) AS v FROM refunds WHERE {R} AND resolved_at - requested_at <= 86400"),
      c("max(resolved_at - requested_at)", "SELECT max(resolved_at - requested_at) AS v FROM refunds WHERE {R}"),
      c("sum(resolved_at - requested_at)", "SELECT coalesce(sum(resolved_at - requested_at), 0) AS v FROM refunds WHERE {R}"),
      c("percentile(resolved_at - requested_at, 90%)", percentile("resolved_at - requested_at", "refunds", "{R}", 0.9)),
      c("days(avg(resolved_at - requested_at)) * 24", "SELECT avg(resolved_at - requested_at) / 86400.0 * 24 AS v FROM refunds WHERE {R}"),
      // Views: a filter (ANDed through nested views) and another time column.
      c("count(paid)", "SELECT count(*) AS v FROM orders WHERE {O} AND status != 'unpaid'"),
      c("sum(paid.amount)", "SELECT coalesce(sum(amount), 0) AS v FROM orders WHERE {O} AND status != 'unpaid'"),
      c("count(paid where qty > 2)", "SELECT count(*) AS v FROM orders WHERE {O} AND status != 'unpaid' AND qty > 2"),
      c("count(paid_vip)", "SELECT count(*) AS v FROM orders WHERE {O} AND status != 'unpaid' AND vip"),
      c("avg(paid_vip.amount) over 28d", "SELECT avg(amount) AS v FROM orders WHERE {O28} AND status != 'unpaid' AND vip"),
      c("count(by_resolution)", "SELECT count(*) AS v FROM refunds WHERE resolved_at < {E} OR resolved_at IS NULL"),
      c("count(by_resolution) over 7d", "SELECT count(*) AS v FROM refunds WHERE resolved_at >= {E} - 7 * 86400 AND resolved_at < {E}"),
      // A bare name belongs to the dataset the aggregate names; a view is its base dataset for this rule.
      c("count(refunds where shop = \"A\")", "SELECT count(*) AS v FROM refunds WHERE {R} AND shop = 'A'"),
      c("sum(refund_amount where shop = \"中店\")", "SELECT coalesce(sum(refund_amount), 0) AS v FROM refunds WHERE {R} AND shop = '中店'"),
      c("count(paid where orders.vip)", "SELECT count(*) AS v FROM orders WHERE {O} AND status != 'unpaid' AND vip"),
      c(
        "count(by_resolution) by day over 7d",
        """
        SELECT strftime('%Y-%m-%d', resolved_at + {L}, 'unixepoch') AS k1, count(*) AS v FROM refunds
        WHERE resolved_at >= {E} - 7 * 86400 AND resolved_at < {E} GROUP BY k1 ORDER BY k1
        """),
      // Windows of whole days and offsets.
      c("count(orders) over 7d", "SELECT count(*) AS v FROM orders WHERE {O7}"),
      c("count(orders) over 1w", "SELECT count(*) AS v FROM orders WHERE {O7}"),
      c("count(orders) over 28d", "SELECT count(*) AS v FROM orders WHERE {O28}"),
      c("sum(amount) over 28d", "SELECT coalesce(sum(amount), 0) AS v FROM orders WHERE {O28}"),
      c("count(orders) over 36h", "SELECT count(*) AS v FROM orders WHERE paid_at >= {E} - 36 * 3600 AND paid_at < {E}"),
      c("count(orders) over 90m", "SELECT count(*) AS v FROM orders WHERE paid_at >= {E} - 90 * 60 AND paid_at < {E}"),
      c(
        "count(orders) over 7d offset 7d",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= {E} - 14 * 86400 AND paid_at < {E} - 7 * 86400"),
      c("count(orders) offset 7d", "SELECT count(*) AS v FROM orders WHERE paid_at < {E} - 7 * 86400 OR paid_at IS NULL"),
      c(
        "count(orders) over 1d offset 1d offset 1w",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= {E} - 9 * 86400 AND paid_at < {E} - 8 * 86400"),
      c("(count(orders) over 7d) over 28d", "SELECT count(*) AS v FROM orders WHERE {O7}"),
      c(
        "(count(orders) over 7d) / (count(orders) over 28d)",
        "SELECT (SELECT count(*) FROM orders WHERE {O7}) * 1.0 / (SELECT count(*) FROM orders WHERE {O28}) AS v"),
      c(
        "dispute_rate",
        "SELECT (SELECT count(*) FROM refunds WHERE {R28} AND \"客服介入\") * 1.0 / (SELECT count(*) FROM orders WHERE {O28} AND status != 'unpaid') AS v"
      ),
      c(
        "dispute_rate - (dispute_rate offset 7d)",
        """
        SELECT (SELECT count(*) FROM refunds WHERE {R28} AND "客服介入") * 1.0
                 / (SELECT count(*) FROM orders WHERE {O28} AND status != 'unpaid')
             - (SELECT count(*) FROM refunds WHERE requested_at >= {E} - 35 * 86400 AND requested_at < {E} - 7 * 86400 AND "客服介入") * 1.0
                 / (SELECT count(*) FROM orders WHERE paid_at >= {E} - 35 * 86400 AND paid_at < {E} - 7 * 86400 AND status != 'unpaid') AS v
        """),
      c("count(refunds where 客服介入) over 28d", "SELECT count(*) AS v FROM refunds WHERE {R28} AND \"客服介入\""),
      // Grouping: an outer join on the keys, sorted by code point, null last.
      c("count(orders) by shop", "SELECT shop AS k1, count(*) AS v FROM orders WHERE {O} GROUP BY shop ORDER BY shop IS NULL, shop"),
      c(
        "sum(amount) by shop",
        "SELECT shop AS k1, coalesce(sum(amount), 0) AS v FROM orders WHERE {O} GROUP BY shop ORDER BY shop IS NULL, shop"),
      c(
        "avg(amount) by shop over 28d",
        "SELECT shop AS k1, avg(amount) AS v FROM orders WHERE {O28} GROUP BY shop ORDER BY shop IS NULL, shop"),
      c(
        "max(orders.备注) by shop",
        "SELECT shop AS k1, max(\"备注\") AS v FROM orders WHERE {O} GROUP BY shop ORDER BY shop IS NULL, shop"),
      c(
        "count(orders where status = \"paid\") by shop",
        "SELECT shop AS k1, count(CASE WHEN status = 'paid' THEN 1 END) AS v FROM orders WHERE {O} GROUP BY shop ORDER BY shop IS NULL, shop"
      ),
      c(
        "count(orders where status = \"paid\") / count(orders) by shop",
        """
        SELECT shop AS k1, count(CASE WHEN status = 'paid' THEN 1 END) * 1.0 / count(*) AS v
        FROM orders WHERE {O} GROUP BY shop ORDER BY shop IS NULL, shop
        """),
      // A view's filter removes groups (Zeta has no paid orders); an aggregate's own where does not.
      c(
        "count(paid) by shop",
        "SELECT shop AS k1, count(*) AS v FROM orders WHERE {O} AND status != 'unpaid' GROUP BY shop ORDER BY shop IS NULL, shop"),
      c(
        "count(paid where vip) / count(paid) by shop",
        """
        SELECT shop AS k1, count(CASE WHEN vip THEN 1 END) * 1.0 / count(*) AS v
        FROM orders WHERE {O} AND status != 'unpaid' GROUP BY shop ORDER BY shop IS NULL, shop
        """),
      // Groups that one aggregate has no rows for: count 0 (so x / 0 = null), sum 0, avg null.
      c(
        "count(refunds) / count(orders) by shop",
        """
        WITH k AS (SELECT shop FROM orders WHERE {O} UNION SELECT shop FROM refunds WHERE {R}),
        a AS (SELECT shop, count(*) AS n FROM refunds WHERE {R} GROUP BY shop),
        b AS (SELECT shop, count(*) AS n FROM orders WHERE {O} GROUP BY shop)
        SELECT k.shop AS k1, coalesce(a.n, 0) * 1.0 / coalesce(b.n, 0) AS v
        FROM k LEFT JOIN a ON a.shop IS k.shop LEFT JOIN b ON b.shop IS k.shop ORDER BY k.shop IS NULL, k.shop
        """),
      c(
        "sum(refund_amount) - sum(amount) by shop",
        """
        WITH k AS (SELECT shop FROM orders WHERE {O} UNION SELECT shop FROM refunds WHERE {R}),
        a AS (SELECT shop, sum(refund_amount) AS s FROM refunds WHERE {R} GROUP BY shop),
        b AS (SELECT shop, sum(amount) AS s FROM orders WHERE {O} GROUP BY shop)
        SELECT k.shop AS k1, coalesce(a.s, 0) - coalesce(b.s, 0) AS v
        FROM k LEFT JOIN a ON a.shop IS k.shop LEFT JOIN b ON b.shop IS k.shop ORDER BY k.shop IS NULL, k.shop
        """),
      c(
        "avg(refund_amount) + avg(amount) by shop",
        """
        WITH k AS (SELECT shop FROM orders WHERE {O} UNION SELECT shop FROM refunds WHERE {R}),
        a AS (SELECT shop, avg(refund_amount) AS s FROM refunds WHERE {R} GROUP BY shop),
        b AS (SELECT shop, avg(amount) AS s FROM orders WHERE {O} GROUP BY shop)
        SELECT k.shop AS k1, a.s + b.s AS v
        FROM k LEFT JOIN a ON a.shop IS k.shop LEFT JOIN b ON b.shop IS k.shop ORDER BY k.shop IS NULL, k.shop
        """),
      c(
        "((count(orders) over 7d) - (count(orders) over 7d offset 7d)) by shop",
        """
        WITH cur AS (SELECT shop FROM orders WHERE {O7}),
        prev AS (SELECT shop FROM orders WHERE paid_at >= {E} - 14 * 86400 AND paid_at < {E} - 7 * 86400),
        k AS (SELECT shop FROM cur UNION SELECT shop FROM prev),
        a AS (SELECT shop, count(*) AS n FROM cur GROUP BY shop),
        b AS (SELECT shop, count(*) AS n FROM prev GROUP BY shop)
        SELECT k.shop AS k1, coalesce(a.n, 0) - coalesce(b.n, 0) AS v
        FROM k LEFT JOIN a ON a.shop IS k.shop LEFT JOIN b ON b.shop IS k.shop ORDER BY k.shop IS NULL, k.shop
        """),
      c(
        "(count(orders) - 1) by shop",
        "SELECT shop AS k1, count(*) - 1 AS v FROM orders WHERE {O} GROUP BY shop ORDER BY shop IS NULL, shop"),
      c("median(amount) by shop over 28d", groupedPercentile("amount", "shop", "orders", "{O28}", 0.5)),
      c("percentile(qty, 75%) by shop", groupedPercentile("qty", "shop", "orders", "{O}", 0.75)),
      c(
        "sum(amount) by shop, vip",
        """
        SELECT shop AS k1, vip AS k2, coalesce(sum(amount), 0) AS v FROM orders WHERE {O}
        GROUP BY shop, vip ORDER BY shop IS NULL, shop, vip IS NULL, vip
        """),
      c("count(orders) by qty", "SELECT qty AS k1, count(*) AS v FROM orders WHERE {O} GROUP BY qty ORDER BY qty IS NULL, qty"),
      c("count(orders) by vip", "SELECT vip AS k1, count(*) AS v FROM orders WHERE {O} GROUP BY vip ORDER BY vip IS NULL, vip"),
      c(
        "count(orders) by orders.status",
        "SELECT status AS k1, count(*) AS v FROM orders WHERE {O} GROUP BY status ORDER BY status IS NULL, status"),
      c(
        "count(refunds where 客服介入) by shop over 28d",
        """
        SELECT shop AS k1, count(CASE WHEN "客服介入" THEN 1 END) AS v FROM refunds WHERE {R28}
        GROUP BY shop ORDER BY shop IS NULL, shop
        """),
      // Time grains in the session zone, labelled 2024-06-30T13, 2024-06-30, 2024-W26, 2024-06.
      c(
        "count(orders) by day over 7d",
        """
        SELECT strftime('%Y-%m-%d', paid_at + {L}, 'unixepoch') AS k1, count(*) AS v FROM orders WHERE {O7}
        GROUP BY k1 ORDER BY k1
        """),
      c(
        "count(orders) by day",
        """
        SELECT strftime('%Y-%m-%d', paid_at + {L}, 'unixepoch') AS k1, count(*) AS v FROM orders WHERE {O}
        GROUP BY k1 ORDER BY k1 IS NULL, k1
        """),
      c(
        "sum(amount) by hour over 1d",
        """
        SELECT strftime('%Y-%m-%dT%H', paid_at + {L}, 'unixepoch') AS k1, coalesce(sum(amount), 0) AS v FROM orders
        WHERE paid_at >= {E} - 86400 AND paid_at < {E} GROUP BY k1 ORDER BY k1
        """),
      c(
        "count(orders) by week over 28d",
        "SELECT \(isoWeek("paid_at")) AS k1, count(*) AS v FROM orders WHERE {O28} GROUP BY k1 ORDER BY k1"),
      c(
        "count(orders) by week",
        "SELECT \(isoWeek("paid_at")) AS k1, count(*) AS v FROM orders WHERE {O} GROUP BY k1 ORDER BY k1 IS NULL, k1"),
      c(
        "count(orders) by month",
        """
        SELECT strftime('%Y-%m', paid_at + {L}, 'unixepoch') AS k1, count(*) AS v FROM orders WHERE {O}
        GROUP BY k1 ORDER BY k1 IS NULL, k1
        """),
      c(
        "count(refunds) / count(orders) by day over 7d",
        """
        WITH o AS (SELECT strftime('%Y-%m-%d', paid_at + {L}, 'unixepoch') AS d FROM orders WHERE {O7}),
        r AS (SELECT strftime('%Y-%m-%d', requested_at + {L}, 'unixepoch') AS d FROM refunds WHERE {R7}),
        k AS (SELECT d FROM o UNION SELECT d FROM r)
        SELECT k.d AS k1, (SELECT count(*) FROM r WHERE r.d = k.d) * 1.0 / (SELECT count(*) FROM o WHERE o.d = k.d) AS v
        FROM k ORDER BY k.d
        """),
      c(
        "count(orders) by shop, day over 7d",
        """
        SELECT shop AS k1, strftime('%Y-%m-%d', paid_at + {L}, 'unixepoch') AS k2, count(*) AS v FROM orders WHERE {O7}
        GROUP BY k1, k2 ORDER BY k1 IS NULL, k1, k2
        """),
      // Row functions that read times in the session zone.
      c(
        "count(orders where hour(paid_at) >= 12)",
        "SELECT count(*) AS v FROM orders WHERE {O} AND CAST(strftime('%H', paid_at + {L}, 'unixepoch') AS INTEGER) >= 12"),
      c(
        "count(orders where weekday(paid_at) = 7)",
        "SELECT count(*) AS v FROM orders WHERE {O} AND strftime('%w', paid_at + {L}, 'unixepoch') = '0'"),
      c(
        "count(orders where date(paid_at) = @2024-06-30)",
        "SELECT count(*) AS v FROM orders WHERE {O} AND date(paid_at + {L}, 'unixepoch') = '2024-06-30'"),
      c(
        "count(orders where date(paid_at) = date(paid_at + 1h))",
        "SELECT count(*) AS v FROM orders WHERE {O} AND date(paid_at + {L}, 'unixepoch') = date(paid_at + 3600 + {L}, 'unixepoch')"),
    ]
  }

  /// Links, aggregates per row, aggregates over groups, first and last, series (LANGUAGE.md
  /// sections 9 and 10), the same in any zone without DST. Refunds refer to orders through
  /// `order_id` (some have none, some name an order that is not there), orders to shops through
  /// `shop` (most orders' shops are not in shops, and OnlyShops has no order).
  static var linkCases: [Case] {
    [
      // A lookup is the referred row's column, null where there is no such row; it reads that
      // row whatever its time (only the aggregate's own rows are chosen by the as-of).
      c(
        "count(refunds where orders.status = \"paid\")",
        "SELECT count(*) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R} AND o.status = 'paid'"),
      c(
        "count(refunds where orders.id is null)",
        "SELECT count(*) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R} AND o.id IS NULL"),
      c(
        "count(refunds where orders.paid_at > requested_at)",
        "SELECT count(*) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R} AND o.paid_at > r.requested_at"),
      c(
        "sum(refunds.orders.amount) over 28d",
        "SELECT coalesce(sum(o.amount), 0) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R28}"),
      c(
        "avg(refunds.refund_amount / orders.amount where not orders.vip)",
        "SELECT avg(r.refund_amount / o.amount) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R} AND NOT o.vip"),
      c(
        "count(paid where shops.region = \"north\")",
        "SELECT count(*) AS v FROM orders o LEFT JOIN shops s ON s.shop = o.shop WHERE {O} AND o.status != 'unpaid' AND s.region = 'north'"),
      c(
        "count_distinct(orders.shops.region)",
        "SELECT count(DISTINCT s.region) AS v FROM orders o LEFT JOIN shops s ON s.shop = o.shop WHERE {O}"),
      // A chain of two links: refund → order → shop.
      c(
        "count(refunds where orders.shops.region = \"north\")",
        """
        SELECT count(*) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id LEFT JOIN shops s ON s.shop = o.shop
        WHERE {R} AND s.region = 'north'
        """),
      c(
        "count(refunds where orders.shops.region is null) over 28d",
        """
        SELECT count(*) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id LEFT JOIN shops s ON s.shop = o.shop
        WHERE {R28} AND s.region IS NULL
        """),
      // `by` through a link: refunds by their order's key, orders by their own; refunds of no
      // order are the null group; the view's filter leaves paid no "unpaid" group (so null there).
      c(
        "count(refunds) / count(paid) by orders.status",
        groupedRatio(
          "SELECT o.status AS k, count(*) AS n FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R} GROUP BY k",
          "SELECT status AS k, count(*) AS n FROM orders WHERE {O} AND status != 'unpaid' GROUP BY k")),
      // The order's shop, not the refund's own shop column.
      c(
        "count(refunds) / count(paid) by orders.shop over 28d",
        groupedRatio(
          "SELECT o.shop AS k, count(*) AS n FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R28} GROUP BY k",
          "SELECT shop AS k, count(*) AS n FROM orders WHERE {O28} AND status != 'unpaid' GROUP BY k")),
      c(
        "count(refunds) by orders.shops.region over 28d",
        """
        SELECT s.region AS k1, count(*) AS v FROM refunds r LEFT JOIN orders o ON o.id = r.order_id
        LEFT JOIN shops s ON s.shop = o.shop WHERE {R28} GROUP BY k1 ORDER BY k1 IS NULL, k1
        """),
      c(
        "count(refunds) / count(orders) by orders.shops.region",
        groupedRatio(
          """
          SELECT s.region AS k, count(*) AS n FROM refunds r LEFT JOIN orders o ON o.id = r.order_id
          LEFT JOIN shops s ON s.shop = o.shop WHERE {R} GROUP BY k
          """,
          "SELECT s.region AS k, count(*) AS n FROM orders o LEFT JOIN shops s ON s.shop = o.shop WHERE {O} GROUP BY k")),
      // Aggregates per row: over the refunds of each order, the orders of each shop, with the
      // window in force (or their own, in parentheses); over no rows count is 0 and sum 0.
      c(
        "count(paid where count(refunds) > 0)",
        """
        SELECT count(*) AS v FROM orders o WHERE {O} AND o.status != 'unpaid'
          AND (SELECT count(*) FROM refunds r WHERE r.order_id = o.id AND {R}) > 0
        """),
      c(
        "count(paid where count(refunds) > 0) / count(paid) over 28d",
        """
        SELECT (SELECT count(*) FROM orders o WHERE {O28} AND o.status != 'unpaid'
                  AND (SELECT count(*) FROM refunds r WHERE r.order_id = o.id AND {R28}) > 0) * 1.0
             / (SELECT count(*) FROM orders WHERE {O28} AND status != 'unpaid') AS v
        """),
      c(
        "count(orders where count(refunds where 客服介入) = 0) over 7d",
        """
        SELECT count(*) AS v FROM orders o WHERE {O7}
          AND (SELECT count(*) FROM refunds r WHERE r.order_id = o.id AND {R7} AND r."客服介入") = 0
        """),
      c(
        "count(orders where sum(refund_amount) > amount / 2)",
        """
        SELECT count(*) AS v FROM orders o WHERE {O}
          AND (SELECT coalesce(sum(r.refund_amount), 0) FROM refunds r WHERE r.order_id = o.id AND {R}) > o.amount / 2.0
        """),
      c(
        "count(shops where count(paid) < 20)",
        """
        SELECT count(*) AS v FROM shops s
        WHERE (SELECT count(*) FROM orders o WHERE o.shop = s.shop AND {O} AND o.status != 'unpaid') < 20
        """),
      c(
        "count(shops where (count(paid) over 28d) > 10)",
        """
        SELECT count(*) AS v FROM shops s
        WHERE (SELECT count(*) FROM orders o WHERE o.shop = s.shop AND {O28} AND o.status != 'unpaid') > 10
        """),
      // Aggregates over groups: of the groups' values, skipping null ones; a null key is a group.
      c(
        "avg(count(refunds) / count(paid) by orders.shop)",
        "SELECT avg(v) AS v FROM ("
          + groupedRatio(
            "SELECT o.shop AS k, count(*) AS n FROM refunds r LEFT JOIN orders o ON o.id = r.order_id WHERE {R} GROUP BY k",
            "SELECT shop AS k, count(*) AS n FROM orders WHERE {O} AND status != 'unpaid' GROUP BY k") + ")"),
      c(
        "avg(dispute_rate by shop)",
        "SELECT avg(v) AS v FROM ("
          + groupedRatio(
            "SELECT shop AS k, count(CASE WHEN \"客服介入\" THEN 1 END) AS n FROM refunds WHERE {R28} GROUP BY k",
            "SELECT shop AS k, count(*) AS n FROM orders WHERE {O28} AND status != 'unpaid' GROUP BY k") + ")"),
      c(
        "count(count(refunds) by order_id where value >= 2)",
        "SELECT count(*) AS v FROM (SELECT order_id, count(*) AS n FROM refunds WHERE {R} GROUP BY order_id) WHERE n >= 2"),
      c(
        "count(count(refunds) by order_id where value >= 2 and order_id is not null)",
        """
        SELECT count(*) AS v FROM (SELECT order_id, count(*) AS n FROM refunds WHERE {R} GROUP BY order_id)
        WHERE n >= 2 AND order_id IS NOT NULL
        """),
      c(
        "max(count(paid) by day) over 28d",
        """
        SELECT max(n) AS v FROM (SELECT strftime('%Y-%m-%d', paid_at + {L}, 'unixepoch') AS d, count(*) AS n FROM orders
        WHERE {O28} AND status != 'unpaid' GROUP BY d)
        """),
      c(
        "sum(count(paid) by shop where value > 1000)",
        """
        SELECT coalesce(sum(n), 0) AS v FROM (SELECT shop, count(*) AS n FROM orders WHERE {O} AND status != 'unpaid' GROUP BY shop)
        WHERE n > 1000
        """),
      // Under an outer `by`, within each outer group over the inner keys.
      c(
        "avg(count(paid) by qty) by shop",
        """
        SELECT shop AS k1, avg(n) AS v FROM (SELECT shop, qty, count(*) AS n FROM orders WHERE {O} AND status != 'unpaid'
        GROUP BY shop, qty) GROUP BY shop ORDER BY shop IS NULL, shop
        """),
      c(
        "max(count(refunds) by order_id) by orders.shop",
        """
        SELECT k AS k1, max(n) AS v FROM (SELECT o.shop AS k, r.order_id, count(*) AS n FROM refunds r
        LEFT JOIN orders o ON o.id = r.order_id WHERE {R} GROUP BY k, r.order_id) GROUP BY k ORDER BY k IS NULL, k
        """),
      // first and last: at the earliest (latest) time among the rows where E is not null; at
      // one time, the least (greatest) value (three orders of 中店 at 2024-06-24T00:00Z).
      c(
        "first(amount) over 7d",
        """
        WITH r AS (SELECT paid_at AS t, amount AS x FROM orders WHERE {O7} AND amount IS NOT NULL)
        SELECT min(x) AS v FROM r WHERE t = (SELECT min(t) FROM r)
        """),
      c(
        "last(amount) over 7d",
        """
        WITH r AS (SELECT paid_at AS t, amount AS x FROM orders WHERE {O7} AND amount IS NOT NULL)
        SELECT max(x) AS v FROM r WHERE t = (SELECT max(t) FROM r)
        """),
      c("first(amount) by shop over 28d", groupedFirst("amount", "shop", "orders", "paid_at", "{O28}")),
      c("last(amount) by shop", groupedFirst("amount", "shop", "orders", "paid_at", "{O}", last: true)),
      c("first(orders.status) by shop over 7d", groupedFirst("status", "shop", "orders", "paid_at", "{O7}")),
      c(
        "last(refund_amount) by orders.shop over 28d",
        groupedFirst(
          "r.refund_amount", "o.shop", "refunds r LEFT JOIN orders o ON o.id = r.order_id", "r.requested_at", "{R28}", last: true)),
      c(
        "sum(last(amount) by shop)",
        "SELECT coalesce(sum(v), 0) AS v FROM (\(groupedFirst("amount", "shop", "orders", "paid_at", "{O}", last: true)))"),
      // Series: a point per day back from E, later than E − W, labelled by the day before it.
      c(
        "count(paid) over 7d every day for 3d",
        """
        WITH p(k) AS (VALUES (0), (1), (2))
        SELECT strftime('%Y-%m-%d', {E} - p.k * 86400 - 1 + {L}, 'unixepoch') AS k1,
          (SELECT count(*) FROM orders WHERE paid_at >= {E} - (p.k + 7) * 86400 AND paid_at < {E} - p.k * 86400
             AND status != 'unpaid') AS v
        FROM p ORDER BY k1
        """),
      c(
        "count(refunds) / count(paid) over 7d every day for 3d",
        """
        WITH p(k) AS (VALUES (0), (1), (2))
        SELECT strftime('%Y-%m-%d', {E} - p.k * 86400 - 1 + {L}, 'unixepoch') AS k1,
          (SELECT count(*) FROM refunds WHERE requested_at >= {E} - (p.k + 7) * 86400 AND requested_at < {E} - p.k * 86400) * 1.0
            / (SELECT count(*) FROM orders WHERE paid_at >= {E} - (p.k + 7) * 86400 AND paid_at < {E} - p.k * 86400
                 AND status != 'unpaid') AS v
        FROM p ORDER BY k1
        """),
      c(
        "count(orders) every day for 2d",
        """
        WITH p(k) AS (VALUES (0), (1))
        SELECT strftime('%Y-%m-%d', {E} - p.k * 86400 - 1 + {L}, 'unixepoch') AS k1,
          (SELECT count(*) FROM orders WHERE paid_at < {E} - p.k * 86400 OR paid_at IS NULL) AS v
        FROM p ORDER BY k1
        """),
      // Keyed by period first; each point's groups are those of its own window (here every
      // point has the same shops, so whether a group met at another point is present is moot).
      c(
        "count(paid) over 28d by shop every day for 3d",
        """
        WITH p(k) AS (VALUES (0), (1), (2)),
        r AS (SELECT p.k, o.shop FROM p JOIN orders o ON o.paid_at >= {E} - (p.k + 28) * 86400 AND o.paid_at < {E} - p.k * 86400
              AND o.status != 'unpaid')
        SELECT strftime('%Y-%m-%d', {E} - k * 86400 - 1 + {L}, 'unixepoch') AS k1, shop AS k2, count(*) AS v FROM r
        GROUP BY k, shop ORDER BY k1, shop IS NULL, shop
        """),
    ]
  }

  /// The as-of 2024-06-30 in UTC: E = 2024-07-01T00:00:00Z.
  static var utcCases: [Case] {
    commonCases + linkCases + [
      c(
        "count(orders where paid_at >= @2024-06-01 and paid_at < @2024-06-15T12:00:00+08:00)",
        "SELECT count(*) AS v FROM orders WHERE {O} AND paid_at >= unixepoch('2024-06-01') AND paid_at < unixepoch('2024-06-15T12:00:00+08:00')"
      ),
      // Calendar periods, to date: the period containing the instant just before E.
      c("count(orders) over month", "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-06-01') AND paid_at < {E}"),
      // E is Monday 2024-07-01, so the week is Monday 2024-06-24 to E.
      c("count(orders) over week", "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-06-24') AND paid_at < {E}"),
      c("count(orders) over quarter", "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-04-01') AND paid_at < {E}"),
      c("count(orders) over year", "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-01-01') AND paid_at < {E}"),
      c("count(orders) over day", "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-06-30') AND paid_at < {E}"),
      // `at T` sets E: a day means through its end; an inner `at` is not moved by an outer offset.
      c("count(orders) at @2024-06-15", "SELECT count(*) AS v FROM orders WHERE paid_at < unixepoch('2024-06-16') OR paid_at IS NULL"),
      c(
        "(count(orders) over 7d) at @2024-06-15T12:00:00Z",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-06-08T12:00:00') AND paid_at < unixepoch('2024-06-15T12:00:00')"),
      c(
        "(count(orders) at @2024-06-15) offset 7d",
        "SELECT count(*) AS v FROM orders WHERE paid_at < unixepoch('2024-06-16') OR paid_at IS NULL"),
      // An outer `at` sets the E that an inner offset moves; an inner `at` wins over an outer one.
      c(
        "(count(orders) offset 7d) at @2024-06-15",
        "SELECT count(*) AS v FROM orders WHERE paid_at < unixepoch('2024-06-09') OR paid_at IS NULL"),
      c(
        "(count(orders) at @2024-06-15) at @2024-05-01",
        "SELECT count(*) AS v FROM orders WHERE paid_at < unixepoch('2024-06-16') OR paid_at IS NULL"),
      // Months keep the day of month: E − 1mo = 2024-06-01, and the window before it is May.
      c(
        "count(orders) over 1mo offset 1mo",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-05-01') AND paid_at < unixepoch('2024-06-01')"),
      // E = 2024-03-31T00:00Z; Mar 31 − 1mo is clamped to Feb 29 (2024 is a leap year).
      // SQLite's own '-1 month' would give Mar 2, so the bound is written by hand.
      c(
        "count(orders) over 1mo at @2024-03-30",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-02-29') AND paid_at < unixepoch('2024-03-31')"),
      c(
        "count(orders) offset 1mo at @2024-03-30",
        "SELECT count(*) AS v FROM orders WHERE paid_at < unixepoch('2024-02-29') OR paid_at IS NULL"),
      c(
        "count(orders) over month at @2024-03-30",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-03-01') AND paid_at < unixepoch('2024-03-31')"),
      // E − 1y = 2023-07-01.
      c("count(orders) over 1y", "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2023-07-01') AND paid_at < {E}"),
    ]
  }

  /// The as-of 2024-06-30 in Asia/Shanghai (+08:00, no DST): E = 2024-06-30T16:00:00Z, and times
  /// written without an offset are read at +08:00.
  static var shanghaiCases: [Case] {
    commonCases + linkCases + [
      c(
        "count(orders where paid_at >= @2024-06-01)",
        "SELECT count(*) AS v FROM orders WHERE {O} AND paid_at >= unixepoch('2024-06-01T00:00:00+08:00')"),
      c(
        "count(orders) over month",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-06-01T00:00:00+08:00') AND paid_at < {E}"),
      c(
        "count(orders) over week",
        "SELECT count(*) AS v FROM orders WHERE paid_at >= unixepoch('2024-06-24T00:00:00+08:00') AND paid_at < {E}"),
      c(
        "count(orders) at @2024-06-15",
        "SELECT count(*) AS v FROM orders WHERE paid_at < unixepoch('2024-06-16T00:00:00+08:00') OR paid_at IS NULL"),
    ]
  }

  // MARK: Running

  func testUTC() throws {
    try runOracle(zone: "UTC", offset: 0, asOf: "unixepoch('2024-07-01')", cases: Self.utcCases)
  }

  func testAsiaShanghai() throws {
    try runOracle(zone: "Asia/Shanghai", offset: 8 * 3600, asOf: "unixepoch('2024-07-01T00:00:00+08:00')", cases: Self.shanghaiCases)
  }

  /// With no --as-of, E is the start of the day after the latest time in any time column,
  /// including a view's own time column (refunds' resolved_at through `by_resolution`).
  func testDefaultAsOf() throws {
    try XCTSkipUnless(SQLiteShell.isInstalled, "sqlite3 is not installed")
    let data = OracleData.generate()
    let s = try Self.session(zone: "UTC", asOf: nil)
    let got = try s.evaluate("count(orders)")
    let sql = try Self.runSQLite(
      setup: data.sqlScript(zoneOffset: 0),
      queries: [
        """
        SELECT (CAST(max(m) / 86400 AS INTEGER) + 1) * 86400 AS v FROM (
          SELECT max(paid_at) AS m FROM orders UNION ALL SELECT max(requested_at) FROM refunds
          UNION ALL SELECT max(resolved_at) FROM refunds)
        """,
        """
        SELECT count(*) AS v FROM orders WHERE paid_at < (SELECT (CAST(max(m) / 86400 AS INTEGER) + 1) * 86400 FROM (
          SELECT max(paid_at) AS m FROM orders UNION ALL SELECT max(requested_at) FROM refunds
          UNION ALL SELECT max(resolved_at) FROM refunds)) OR paid_at IS NULL
        """,
      ])
    let expectedAsOf = (sql[0].first?["v"] as? NSNumber)?.int64Value ?? -1
    XCTAssertEqual(got.asOf, expectedAsOf * 1_000_000)
    guard case .scalar(let v) = got.value else { return XCTFail("count is a single value") }
    XCTAssertTrue(Self.matches(v, sql[1].first?["v"] ?? NSNull()), "\(v) vs \(sql[1])")
  }

  static func session(zone: String, asOf: String?) throws -> Session {
    let s = Session(zone: Zone(zone)!)
    if let asOf { s.asOf = Instant(asOf) }
    let dir = fixtureDirectory
    try s.load(name: "orders", path: dir.appendingPathComponent("orders.csv").path)
    try s.load(name: "refunds", path: dir.appendingPathComponent("refunds.csv").path, timeColumn: "requested_at")
    try s.load(name: "shops", path: dir.appendingPathComponent("shops.csv").path)
    try s.define(Source(name: "oracle.kpi", text: definitions))
    return s
  }

  func runOracle(zone: String, offset: Int, asOf: String, cases: [Case]) throws {
    try XCTSkipUnless(SQLiteShell.isInstalled, "sqlite3 is not installed")
    let data = OracleData.generate()
    let s = try Self.session(zone: zone, asOf: "2024-06-30")
    XCTAssertEqual(s.resolvedAsOf, epochMicros(offset == 0 ? "2024-07-01T00:00:00Z" : "2024-07-01T00:00:00+08:00"))
    let macros = [
      ("{O7}", "(paid_at >= {E} - 7 * 86400 AND paid_at < {E})"),
      ("{O28}", "(paid_at >= {E} - 28 * 86400 AND paid_at < {E})"),
      ("{O}", "(paid_at < {E} OR paid_at IS NULL)"),
      ("{R7}", "(requested_at >= {E} - 7 * 86400 AND requested_at < {E})"),
      ("{R28}", "(requested_at >= {E} - 28 * 86400 AND requested_at < {E})"),
      ("{R}", "(requested_at < {E} OR requested_at IS NULL)"),
      ("{E}", asOf),
      ("{L}", String(offset)),
    ]
    let queries = cases.map { c in macros.reduce(c.sql) { $0.replacingOccurrences(of: $1.0, with: $1.1) } }
    let results = try Self.runSQLite(setup: data.sqlScript(zoneOffset: offset), queries: queries)
    var nonEmpty = 0
    for (c, rows) in zip(cases, results) {
      let got: MetricValue
      do {
        got = try s.evaluate(c.formula).value
      } catch {
        XCTFail("\(zone): \(c.formula) failed:\n\(renderedErrors(error))", line: c.line)
        continue
      }
      let problem = Self.compare(got, rows)
      if let problem { XCTFail("\(zone): \(c.formula): \(problem)", line: c.line) }
      if Self.isInformative(rows) { nonEmpty += 1 }
    }
    // The data must make the cases say something: most answers are neither empty, null nor zero.
    XCTAssertGreaterThan(nonEmpty, cases.count * 3 / 4, "too many cases have trivial answers")
  }

  static func isInformative(_ rows: [[String: Any]]) -> Bool {
    guard rows.count == 1, let v = rows[0]["v"] else { return !rows.isEmpty }
    if v is NSNull { return false }
    if let n = v as? NSNumber { return n.doubleValue != 0 }
    return true
  }

  /// A description of the first difference between Tally's result and SQLite's rows, or nil.
  static func compare(_ got: MetricValue, _ rows: [[String: Any]]) -> String? {
    switch got {
    case .scalar(let v):
      guard rows.count == 1, let want = rows[0]["v"] else { return "SQLite gave \(rows.count) rows for a single value" }
      return matches(v, want) ? nil : "Tally \(v) (\(v.debugKind)) vs SQLite \(want)"
    case .grouped(let g):
      let tally = g.sortedRows
      let show = { (r: (key: [Value], value: Value)) in "\(r.key.map(\.description)) \(r.value)" }
      if tally.count != rows.count {
        return "Tally has \(tally.count) groups, SQLite \(rows.count):\nTally  \(tally.map(show))\nSQLite \(rows)"
      }
      for (i, (t, r)) in zip(tally, rows).enumerated() {
        for (k, key) in t.key.enumerated() where !matches(key, r["k\(k + 1)"] ?? "MISSING") {
          return "row \(i): key \(key) vs SQLite \(r["k\(k + 1)"] ?? "none")\nTally  \(tally.map(show))\nSQLite \(rows)"
        }
        if !matches(t.value, r["v"] ?? "MISSING") {
          return "row \(i) (\(t.key.map(\.description))): \(t.value) vs SQLite \(r["v"] ?? "none")"
        }
      }
      return nil
    }
  }

  /// A Tally value against a SQLite JSON value: numbers within 1e-9 relative, times and
  /// durations as epoch seconds, bools as 0/1.
  static func matches(_ v: Value, _ j: Any) -> Bool {
    if j is NSNull { return v.isNull }
    switch v {
    case .null: return false
    case .int(let x): return (j as? NSNumber).map { close(Double(x), $0.doubleValue) } ?? false
    case .number(let x): return (j as? NSNumber).map { close(x, $0.doubleValue) } ?? false
    case .bool(let b): return (j as? NSNumber).map { $0.intValue == (b ? 1 : 0) } ?? false
    case .string(let s): return (j as? String) == s
    case .time(let t), .duration(let t): return (j as? NSNumber).map { close(Double(t) / 1e6, $0.doubleValue) } ?? false
    }
  }

  /// Runs a setup script and then each query in one `sqlite3` process, returning each query's rows.
  static func runSQLite(setup: String, queries: [String]) throws -> [[[String: Any]]] {
    var script = ".bail on\n" + setup + ".mode json\n"
    for (i, q) in queries.enumerated() { script += ".print @@\(i)\n\(q);\n" }
    let dir = TestEnv.temporaryDirectory("oracle-sql")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try SQLiteShell.run(script, in: dir)
    guard r.status == 0, r.stderr.isEmpty else {
      throw NSError(domain: "sqlite", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr])
    }
    var results = [[[String: Any]]](repeating: [], count: queries.count)
    var current = -1
    var buffer = ""
    func flush() throws {
      guard current >= 0 else { return }
      let text = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
      if !text.isEmpty {
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        results[current] = parsed as? [[String: Any]] ?? []
      }
    }
    for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("@@"), let i = Int(line.dropFirst(2)) {
        try flush()
        current = i
        buffer = ""
      } else {
        buffer += line + "\n"
      }
    }
    try flush()
    return results
  }
}

extension Value {
  /// The case name, for failure messages.
  var debugKind: String {
    switch self {
    case .null: return "null"
    case .int: return "int"
    case .number: return "number"
    case .bool: return "bool"
    case .string: return "string"
    case .time: return "time"
    case .duration: return "duration"
    }
  }
}
