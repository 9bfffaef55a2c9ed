import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Nothing ever crashes on bad input: tens of thousands of mutated and random formulas, and
/// mutated data files, each either give a value or throw a `TallyError`. Seeded, so a failure
/// repeats; set `FUZZ_TRACE=/path` to have each input written there before it runs (the last
/// one is the culprit of a crash).
final class FuzzTests: XCTestCase {
  /// Valid formulas over the fuzz session's datasets; mutations start from these.
  static let corpus = [
    "count(orders)",
    "count(orders where status = \"paid\") / count(orders) over 28d",
    "sum(amount) by shop",
    "avg(amount / qty) over 7d offset 7d",
    "count(refunds where 客服介入) / count(paid) over 28d",
    "dispute_rate - (dispute_rate offset 7d)",
    "(count(orders) over 7d) / (count(orders) over 28d)",
    "median(amount) by shop, day over 28d",
    "percentile(resolved_at - requested_at, 90%)",
    "count(orders where not (amount = null))",
    "count(orders where status not in (\"paid\", null) or vip is null)",
    "max(paid_at) - min(paid_at)",
    "hours(avg(resolved_at - requested_at)) by week",
    "count(orders) at @2024-06-15T12:00:00+08:00",
    "count(orders) over 1mo offset 1mo at @2024-03-30",
    "sum(if(vip, amount, 0)) by month",
    "count(orders where contains(`备注`, \"急\") and hour(paid_at) >= 12)",
    "round(sum(amount) / 3, 2) + coalesce(null, 1.5%)",
    "count(by_resolution) over week",
    "count_distinct(orders.shop) * 2 - -1",
    "least(count(orders), 3) > greatest(1, 2) and true",
    "count(orders where date(paid_at) = @2024-06-30 or weekday(paid_at) = 7)",
    "sum(refund_amount) - sum(amount) by shop over quarter",
    "@2024-03-31 - 1mo + 36h",
    "length(\"é👍🏽\") + abs(-3) * floor(2.5) / ceil(0.5)",
  ]

  /// Pieces to insert: every kind of token, plus the extremes that trip arithmetic.
  static let pool = [
    "count", "sum", "avg", "min", "max", "median", "percentile", "count_distinct", "round", "hours", "date", "hour",
    "weekday", "coalesce", "if", "lower", "length", "contains", "orders", "refunds", "shops", "paid", "by_resolution",
    "amount", "qty", "shop", "status", "paid_at", "vip", "备注", "客服介入", "requested_at", "resolved_at",
    "dispute_rate", "where", "over", "offset", "at", "by", "and", "or", "not", "is", "in", "null", "true", "false",
    "day", "week", "month", "quarter", "year", "hour", "(", ")", ",", ".", "+", "-", "*", "/", "=", "!=", "<", "<=",
    ">", ">=", "<>", "==", "%", "!", "`", "\"", "#", "##", "@", "\n", "\n  ", "\t", "\r", "0", "1", "-1", "0.5",
    "1e308", "1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999",
    "7d", "28d", "1mo", "1y", "-1y", "36h", "90m", "30s", "0s", "1e20s", "1e15h", "99999999999d",
    "9223372036854775807d", "100000000y", "3000000000000000y", "1.5d", "3x", "1_000", "1__0", "1e", "2.5%",
    "@2024-06-30", "@2024-02-30", "@2024-06-30T12:00:00+08:00", "@9999-12-31T23:59:59Z", "@0000-01-01",
    "@2024-06-30T24:00:00", "\"\"", "\"a\\u{D800}\"", "\"\\u{10FFFF}\"", "\"\\u{\"", "`order id`", "e\u{301}",
    "👍🏽", "\u{0}", "\u{FEFF}", "𝄞",
  ]

  /// Small datasets from the oracle's generator, read in Asia/Shanghai.
  static func fuzzDatasets(_ dir: URL) throws -> [(Dataset, String?)] {
    let full = OracleData.generate()
    var small = full
    small.orders = Array(full.orders.prefix(40))
    small.refunds = Array(full.refunds.prefix(20))
    let zone = Zone("Asia/Shanghai")!
    return [
      (try DataLoader.load(name: "orders", path: try writeFile(dir, "orders.csv", small.ordersCSV()), zone: zone), nil),
      (try DataLoader.load(name: "refunds", path: try writeFile(dir, "refunds.csv", small.refundsCSV()), zone: zone), "requested_at"),
      (try DataLoader.load(name: "shops", path: try writeFile(dir, "shops.csv", small.shopsCSV()), zone: zone), nil),
    ]
  }

  static func fuzzSession(_ datasets: [(Dataset, String?)]) throws -> Session {
    let s = Session(zone: Zone("Asia/Shanghai")!)
    s.asOf = Instant("2024-06-30")
    for (ds, time) in datasets { try s.add(ds, timeColumn: time) }
    try s.define(Source(name: "defs.kpi", text: OracleTests.definitions))
    return s
  }

  /// Tokens that can stand in for each other: swapping within a group mostly keeps a formula
  /// valid, so that unusual values reach the executor.
  static let kin: [[String]] = [
    ["7d", "28d", "1d", "1w", "1mo", "3mo", "1y", "36h", "90m", "30s", "0s", "-7d", "10000y", "3660000d", "300000h"],
    ["0", "1", "2", "-1", "0.5", "2.5%", "1e3", "9223372036854775807", "1e308", "-1e308", "0.0000001"],
    ["count", "count_distinct"],
    ["sum", "avg", "min", "max", "median"],
    ["amount", "qty"],
    ["day", "week", "month", "quarter", "year"],
    ["=", "!=", "<", "<=", ">", ">="],
    ["+", "-", "*", "/"],
    ["and", "or"],
    ["shop", "status", "day", "week", "month", "hour", "vip", "qty"],
    ["@2024-06-30", "@2024-02-29", "@1970-01-01", "@9999-12-31T23:59:59Z", "@0001-01-01", "@2024-03-31T02:30:00"],
  ]

  /// Splits a formula into rough tokens (independently of Tally's lexer): words, numbers, strings, symbols.
  static func roughTokens(_ s: String) -> [String] {
    var out: [String] = []
    var cur = ""
    var inString = false
    for ch in s {
      if inString {
        cur.append(ch)
        if ch == "\"" {
          out.append(cur)
          cur = ""
          inString = false
        }
        continue
      }
      if ch == "\"" {
        if !cur.isEmpty { out.append(cur) }
        cur = "\""
        inString = true
      } else if ch.isLetter || ch.isNumber || ch == "_" || ch == "@" || ch == ":" || ch == "-" && cur.hasPrefix("@") {
        cur.append(ch)
      } else {
        if !cur.isEmpty { out.append(cur) }
        cur = ""
        if !ch.isWhitespace { out.append(String(ch)) }
      }
    }
    if !cur.isEmpty { out.append(cur) }
    return out
  }

  static func mutate(_ f: String, _ rng: inout SeededRandom) -> String {
    var tokens = roughTokens(f)
    var chars = Array(f)
    if rng.chance(0.35) {
      let candidates = tokens.indices.filter { i in kin.contains { $0.contains(tokens[i]) } }
      if let i = candidates.isEmpty ? nil : rng.pick(candidates), let group = kin.first(where: { $0.contains(tokens[i]) }) {
        tokens[i] = rng.pick(group)
        return tokens.joined(separator: " ")
      }
    }
    switch rng.below(9) {
    case 0 where !tokens.isEmpty:
      tokens.remove(at: rng.below(tokens.count))
    case 1:
      tokens.insert(rng.pick(pool), at: rng.below(tokens.count + 1))
    case 2 where tokens.count > 1:
      let i = rng.below(tokens.count - 1)
      tokens.swapAt(i, i + 1)
    case 3 where !tokens.isEmpty:
      tokens[rng.below(tokens.count)] = rng.pick(pool)
    case 4 where !tokens.isEmpty:
      let i = rng.below(tokens.count)
      tokens.insert(tokens[i], at: i)
    case 5 where !chars.isEmpty:
      chars.remove(at: rng.below(chars.count))
      return String(chars)
    case 6:
      let alphabet = Array("()\"`@#%.,+-*/=<>!_0123456789 \n\tabzé中\u{301}\u{0}")
      chars.insert(rng.pick(alphabet), at: rng.below(chars.count + 1))
      return String(chars)
    case 7 where !chars.isEmpty:
      return String(chars.prefix(rng.below(chars.count)))
    default:
      // Splice two formulas together at random token boundaries.
      let other = roughTokens(rng.pick(corpus))
      return (tokens.prefix(rng.below(tokens.count + 1)) + other.suffix(rng.below(other.count + 1))).joined(separator: " ")
    }
    return tokens.joined(separator: rng.chance(0.8) ? " " : "")
  }

  /// Runs one input through the whole pipeline and the renderers; anything but a TallyError fails.
  static func exercise(_ s: Session, _ formula: String, trace: String?) -> Bool {
    if let trace { try? Data(formula.utf8).write(to: URL(fileURLWithPath: trace)) }
    do {
      let e = try s.evaluate(formula)
      _ = Render.json(e, zone: s.zone)
      _ = Render.csv(e, zone: s.zone)
      _ = Render.table(e, zone: s.zone)
      return true
    } catch let e as TallyError {
      _ = e.description
      return false
    } catch {
      XCTFail("\(formula.debugDescription) threw \(error), not a TallyError")
      return false
    }
  }

  func testFormulas() throws {
    let dir = TestEnv.temporaryDirectory("fuzz")
    defer { try? FileManager.default.removeItem(at: dir) }
    let s = try Self.fuzzSession(try Self.fuzzDatasets(dir))
    let trace = ProcessInfo.processInfo.environment["FUZZ_TRACE"]
    // The corpus itself is valid.
    for f in Self.corpus {
      XCTAssertNoThrow(try s.evaluate(f), f)
    }
    var rng = SeededRandom(seed: 0x7A11_7E57)
    var evaluated = 0
    var failed = 0
    let iterations = 40_000
    for i in 0..<iterations {
      let formula: String
      if i % 6 == 5 {
        formula = (0..<(1 + rng.below(10))).map { _ in rng.pick(Self.pool) }.joined(separator: rng.chance(0.5) ? " " : "")
      } else {
        var f = rng.pick(Self.corpus)
        for _ in 0..<(rng.chance(0.7) ? 1 : 2 + rng.below(3)) { f = Self.mutate(f, &rng) }
        formula = f
      }
      if Self.exercise(s, formula, trace: trace) { evaluated += 1 } else { failed += 1 }
    }
    // Both outcomes are common, so the mutations reach the executor as well as the error paths.
    XCTAssertGreaterThan(evaluated, iterations / 8)
    XCTAssertGreaterThan(failed, iterations / 4)
  }

  /// Whole definition files: statements, metrics, tests; parsed and checked, never run into a crash.
  func testDefinitionFiles() throws {
    let dir = TestEnv.temporaryDirectory("fuzz-defs")
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = """
      let paid = orders where status != "unpaid"
      ## doc
      metric m = count(paid) / count(orders) over 28d
        format percent
        target <= 1.5%
        warn < 3%
      assert count(orders) > 0
      test "t"
        at @2024-06-30
        expect m = 50% within 0.1
      """
    let datasets = try Self.fuzzDatasets(dir)
    var rng = SeededRandom(seed: 42)
    for _ in 0..<3_000 {
      let s = try Self.fuzzSession(datasets)
      s.allowsRedefinition = rng.chance(0.5)
      var text = base
      for _ in 0..<(1 + rng.below(4)) { text = Self.mutate(text, &rng) }
      do {
        try s.define(Source(name: "f.kpi", text: text))
        for st in s.metrics { _ = try? s.evaluate(st.definedName ?? "x") }
      } catch let e as TallyError {
        _ = e.description
      } catch {
        XCTFail("\(text.debugDescription) threw \(error), not a TallyError")
      }
    }
  }

  /// Mutated CSV and JSON Lines bytes: a dataset or a TallyError, never a crash or a dropped row.
  func testDataFiles() throws {
    let data = OracleData.generate()
    var small = data
    small.orders = Array(data.orders.prefix(30))
    let seeds: [(String, [UInt8])] = [
      ("csv", Array(small.ordersCSV().utf8)),
      ("csv", Array(data.refundsCSV().utf8.prefix(1500))),
      ("tsv", Array("a\tb\tc\n1\t\"x\ty\"\t2024-06-30\n2\t\t是\n".utf8)),
      ("jsonl", Array("{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2.5, \"c\": true, \"t\": \"2024-06-30T12:00:00Z\"}\n".utf8)),
    ]
    let specials: [[UInt8]] = [
      [0x22], [0x2C], [0x0A], [0x0D], [0x0D, 0x0A], [0x09], [0xFF], [0xC3], [0xE4, 0xB8], [0xEF, 0xBB, 0xBF], [0x00], [0x22, 0x22],
    ]
    var rng = SeededRandom(seed: 2024)
    var loaded = 0
    let session = Session(zone: .utc)
    session.allowsRedefinition = true
    for i in 0..<8_000 {
      let (kind, seed) = seeds[i % seeds.count]
      var bytes = seed
      for _ in 0..<(1 + rng.below(4)) {
        switch rng.below(5) {
        case 0 where !bytes.isEmpty: bytes.remove(at: rng.below(bytes.count))
        case 1: bytes.insert(contentsOf: rng.pick(specials), at: rng.below(bytes.count + 1))
        case 2 where !bytes.isEmpty: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 3: bytes = Array(bytes.prefix(rng.below(bytes.count + 1)))
        default:
          let a = rng.below(bytes.count + 1)
          let b = rng.below(bytes.count + 1)
          bytes.insert(contentsOf: bytes[min(a, b)..<max(a, b)].prefix(40), at: rng.below(bytes.count + 1))
        }
      }
      do {
        let ds: Dataset
        switch kind {
        case "jsonl": ds = try JSONLinesReader.read(name: "d", path: "fuzz.jsonl", bytes: bytes, zone: .utc)
        default: ds = try CSVReader(path: "fuzz.\(kind)", bytes: Data(bytes), delimiter: kind == "tsv" ? 9 : 44, zone: .utc).read(name: "d")
        }
        loaded += 1
        for c in ds.columns { XCTAssertEqual(c.vector.count, ds.rowCount, "column \(c.name) has every row") }
        try session.add(ds)
        _ = try? session.evaluate("count(d)")
        if let c = ds.columns.last { _ = try? session.evaluate("count_distinct(d.`\(c.name)`) by `\(c.name)`") }
      } catch is TallyError {
      } catch {
        XCTFail("bytes \(bytes) threw \(error), not a TallyError")
      }
    }
    XCTAssertGreaterThan(loaded, 800, "some mutated files still load")
  }
}
