import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Operators, functions, calendar arithmetic, time zones and grouping, each with its expected
/// value computed by hand (the arithmetic is in the comments).
final class EvaluationTests: XCTestCase {
  var dir: URL!

  override func setUp() {
    dir = TestEnv.temporaryDirectory("evaluation")
  }

  override func tearDown() {
    try? FileManager.default.removeItem(at: dir)
  }

  func t(_ iso: String) -> Value { .time(epochMicros(iso)) }
  func seconds(_ s: Double) -> Value { .duration(Int64(s * 1e6)) }

  /// Scalar formulas: operators on nulls, real division, three-valued logic, functions.
  func testScalarFormulas() throws {
    let s = Session(zone: .utc)
    s.asOf = Instant("2024-06-30")
    let cases: [(String, Value)] = [
      ("7 / 2", .number(3.5)),
      ("1 / 0", .null),
      ("0 / 0", .null),
      ("1.5 / 0", .null),
      ("24h / 0", .null),
      ("1h / 30m", .number(2)),
      ("1 + null", .null),
      ("null * 2", .null),
      ("-null", .null),
      ("1_000 + 1e3", .number(2000)),
      ("1.5% * 100", .number(1.5)),
      ("2 * 3 + 4", .int(10)),
      ("2 + 3 * 4", .int(14)),
      ("(2 + 3) * 4", .int(20)),
      ("-2 * -3", .int(6)),
      ("10 - 4 - 3", .int(3)),
      // Comparisons with null are unknown; and/or/not follow SQL.
      ("null = null", .null),
      ("1 != null", .null),
      ("not null", .null),
      ("true or null", .bool(true)),
      ("false or null", .null),
      ("false and null", .bool(false)),
      ("true and null", .null),
      ("not (1 = 1) or 2 > 1", .bool(true)),
      ("1 in (1, null)", .bool(true)),
      ("2 in (1, null)", .null),
      ("2 not in (1, null)", .null),
      ("2 not in (1, 3)", .bool(true)),
      ("null in (1)", .null),
      ("null is null", .bool(true)),
      ("1 is not null", .bool(true)),
      ("\"a\" < \"b\"", .bool(true)),
      // Code points: "Z" (U+005A) < "a" (U+0061) < "é" (U+00E9) < "中" (U+4E2D).
      ("\"Z\" < \"a\" and \"a\" < \"é\" and \"é\" < \"中\"", .bool(true)),
      ("\"é\" = \"e\\u{301}\"", .bool(false)),
      ("1 = 1.0", .bool(true)),
      ("coalesce(null, null, 3)", .int(3)),
      ("coalesce(null, 2.5)", .number(2.5)),
      ("if(null, 1, 2)", .int(2)),
      ("if(1 < 2, \"y\", \"n\")", .string("y")),
      // Rounding halves away from zero.
      ("round(2.5)", .number(3)),
      ("round(-2.5)", .number(-3)),
      ("round(0.125, 2)", .number(0.13)),
      ("round(2.675, 2)", .number(2.68)),
      ("round(1250, -2)", .int(1300)),
      // To tens and beyond, by dividing: 200000 * 1e-5 * 1e5 would be 199999.99999999997.
      ("round(200000, -5)", .int(200_000)),
      ("round(200000.0, -5)", .number(200_000)),
      ("round(-15, -1)", .int(-20)),
      ("round(-25.5, -1)", .number(-30)),
      ("round(125, 0 - 1)", .int(130)),
      ("round(125, -20)", .int(0)),
      ("round(7)", .int(7)),
      ("floor(-1.5)", .number(-2)),
      ("ceil(-1.5)", .number(-1)),
      ("abs(-3)", .int(3)),
      ("abs(-1.5)", .number(1.5)),
      ("least(3, 1.5, 2)", .number(1.5)),
      ("greatest(1, null, 3)", .int(3)),
      // Length counts grapheme clusters: é, then 👍🏽 (thumbs up + skin tone) is one each.
      ("length(\"é👍🏽\")", .int(2)),
      ("length(\"e\\u{301}x\")", .int(2)),
      ("length(\"退款\")", .int(2)),
      ("lower(\"ÀB\")", .string("àb")),
      ("upper(\"中b\")", .string("中B")),
      ("contains(\"abc\", \"\")", .bool(true)),
      ("contains(\"客服介入\", \"介入\")", .bool(true)),
      ("starts_with(\"中文\", \"中\")", .bool(true)),
      ("ends_with(\"abc\", \"bc\")", .bool(true)),
      ("ends_with(\"abc\", \"ab\")", .bool(false)),
      // 2024-06-30 is a Sunday (7), 2024-07-01 a Monday (1).
      ("weekday(@2024-06-30)", .int(7)),
      ("weekday(@2024-07-01T23:59:59)", .int(1)),
      ("hour(@2024-06-30T13:45:00)", .int(13)),
      ("hour(@2024-06-30T13:45:00+08:00)", .int(5)),
      ("date(@2024-06-30T13:45:00)", t("2024-06-30T00:00:00Z")),
      // Durations.
      ("30s * 2", seconds(60)),
      ("-24h", seconds(-86_400)),
      ("hours(90m)", .number(1.5)),
      ("days(36h)", .number(1.5)),
      ("minutes(1.5h) + seconds(2s)", .number(92)),
      ("25h > 24h", .bool(true)),
      ("@2024-07-01 - @2024-06-30", seconds(86_400)),
      ("hours(@2024-07-01T06:00:00 - @2024-06-30)", .number(30)),
      ("@2024-06-30T12:00:00+08:00 - @2024-06-30T12:00:00Z", seconds(-8 * 3600)),
      ("@2024-06-30 + 36h", t("2024-07-01T12:00:00Z")),
      ("@2024-06-30 + 1d", t("2024-07-01T00:00:00Z")),
      ("1w + @2024-06-30", t("2024-07-07T00:00:00Z")),
      // Months keep the day of month, clamped to the month's end.
      ("@2024-03-31 - 1mo", t("2024-02-29T00:00:00Z")),
      ("@2023-03-31 - 1mo", t("2023-02-28T00:00:00Z")),
      ("@2024-01-31 + 1mo", t("2024-02-29T00:00:00Z")),
      ("@2024-05-31 + 1mo", t("2024-06-30T00:00:00Z")),
      ("@2024-03-31T12:00:00 - 1mo", t("2024-02-29T12:00:00Z")),
      ("@2024-02-29 + 1y", t("2025-02-28T00:00:00Z")),
      ("@2024-02-29 - 1y", t("2023-02-28T00:00:00Z")),
      ("@2024-08-31 - 6mo", t("2024-02-29T00:00:00Z")),
      ("@2024-12-31 + 2mo", t("2025-02-28T00:00:00Z")),
    ]
    for (formula, want) in cases {
      do {
        let got = try s.scalar(formula)
        if case .number(let g) = got, case .number(let w) = want {
          XCTAssertTrue(close(g, w), "\(formula) = \(g), expected \(w)")
        } else {
          XCTAssertEqual(got, want, formula)
        }
      } catch {
        XCTFail("\(formula): \(renderedErrors(error))")
      }
    }
  }

  /// A column with no value at all is a string column of nulls: every operator and function
  /// takes it (comparisons are unknown, so `where` keeps nothing) and nothing crashes.
  func testAColumnWithNoValues() throws {
    let path = dir.appendingPathComponent("blank.csv").path
    try Data("id,note,shop\n1,,A\n2,,B\n3,,\n".utf8).write(to: URL(fileURLWithPath: path))
    let s = Session(zone: .utc)
    try s.load(name: "d", path: path)
    let cases: [(String, Value)] = [
      (#"count(d where note = "x")"#, .int(0)),
      (#"count(d where "x" <> note)"#, .int(0)),
      (#"count(d where note < "x" or note >= "x")"#, .int(0)),
      ("count(d where note = note)", .int(0)),
      ("count(d where note != shop)", .int(0)),
      (#"count(d where upper(note) = "A")"#, .int(0)),
      (#"count(d where coalesce(note, shop) = "A")"#, .int(1)),
      (#"count(d where if(id > 1, note, shop) = "A")"#, .int(1)),
      (#"count(d where not (note = "x"))"#, .int(0)),
      (#"count(d where note in ("x", "y"))"#, .int(0)),
      (#"count(d where contains(note, "x") or starts_with(note, "") or ends_with(note, ""))"#, .int(0)),
      ("count(d where note is null)", .int(3)),
      ("count(d.note)", .int(0)),
      ("count_distinct(d.note)", .int(0)),
      ("max(d.note)", .null),
      ("sum(d.id where length(note) > 0)", .int(0)),
    ]
    for (formula, want) in cases {
      XCTAssertEqual(try s.scalar(formula), want, formula)
    }
    let grouped = try s.evaluate(#"count(d where note = "x") by shop"#)
    XCTAssertEqual(Render.csv(grouped, zone: s.zone), "shop,value\nA,0\nB,0\n,0\n")
  }

  /// Integer arithmetic that overflows is an error, not a wrapped number or a crash.
  func testIntegerOverflowIsAnError() {
    let s = Session(zone: .utc)
    for formula in ["9223372036854775807 + 1", "-9223372036854775807 - 2", "9223372036854775807 * 2"] {
      let got = thrownDiagnostics { _ = try s.evaluate(formula) }
      XCTAssertTrue(got?.contains("integer overflow") ?? false, "\(formula): \(got ?? "no error")")
    }
  }

  /// Durations out of range are errors; results out of range are null, not a wrapped number.
  func testExtremeLiteralsAndResults() {
    let s = Session(zone: Zone("Asia/Shanghai")!)
    let cases: [(String, String)] = [
      ("1e20s", "duration out of range; a duration spans at most 10,000 years"),
      ("1000000000000000000w", "duration out of range; a duration spans at most 10,000 years"),
      ("count(x) over 100000000y", "duration out of range; a duration spans at most 10,000 years"),
      ("1e400", "number '1e400' is out of range"),
    ]
    for (formula, want) in cases {
      let got = thrownDiagnostics { _ = try s.evaluate(formula) }
      XCTAssertTrue(got?.contains("error: \(want)") ?? false, "\(formula): \(got ?? "no error")")
    }
    // Int64.max rounded to tens does not fit an int.
    XCTAssertEqual(try s.scalar("round(9223372036854775807, -1)"), .null)
    // 1.08e15 µs × 9000 is beyond what a duration holds.
    XCTAssertEqual(try s.scalar("300000h * 9000"), .null)
  }

  /// Times are years 1 to 9999: arithmetic that leaves the range gives null, never a crash or a
  /// wrapped-around time (300000h × 8330 ≈ 8.996e18 µs still fits a duration).
  func testTimeArithmeticOutOfRangeIsNull() throws {
    let s = Session(zone: Zone("Asia/Shanghai")!)
    s.asOf = Instant("2024-06-30")
    for formula in [
      "@2024-06-30 + 300000h * 8330 + 10000y", "@2024-06-30 + 300000h * 8330 + 300000h * 500",
      "@0001-01-01 - 300000h * 8330 - 10000y", "@0001-01-01T00:00:00Z - 1d", "@9999-12-31T23:59:59Z + 1d",
      "date(@9999-12-31T23:59:59Z + 1mo)",
    ] {
      XCTAssertEqual(try s.scalar(formula), .null, formula)
    }
    XCTAssertEqual(try s.scalar("@9999-12-30T23:59:59Z + 1d"), t("9999-12-31T23:59:59Z"))
  }

  /// `1mo + t` moves each row's time on the session calendar, as `t + 1mo` does: a month, not 30 days.
  func testACalendarDurationBeforeARowsTime() throws {
    let path = try writeFile(dir, "months.csv", "id,t\n1,2024-01-31 10:00:00\n2,2024-05-31 10:00:00\n3,\n")
    let s = Session(zone: Zone("Asia/Shanghai")!)
    try s.load(name: "x", path: path)
    s.asOf = Instant("2024-06-30")
    // 10:00 in Shanghai is 02:00Z; a month after 01-31 is 02-29 (2024 is a leap year), after 05-31 it is 06-30.
    XCTAssertEqual(try s.scalar("min(1mo + x.t)"), t("2024-02-29T02:00:00Z"))
    XCTAssertEqual(try s.scalar("max(1mo + x.t)"), t("2024-06-30T02:00:00Z"))
    XCTAssertEqual(try s.scalar("count(x where 1mo + t = t + 1mo)"), .int(2))
  }

  /// Europe/Berlin: 2024-03-31 02:00 CET jumps to 03:00 CEST; 2024-10-27 03:00 CEST falls back to 02:00 CET.
  func testDaylightSavingTimeInBerlin() throws {
    let path = try writeFile(
      dir, "berlin.csv",
      """
      id,t
      1,2024-03-31 01:30:00
      2,2024-03-31 02:30:00
      3,2024-03-31 03:30:00
      4,2024-10-27 02:30:00
      5,2024-10-27T02:30:00+01:00
      6,2024-10-27 03:30:00
      7,2024-03-30 23:30:00
      8,2024-10-26 23:30:00
      9,2024-10-27 00:15:00

      """)
    let s = Session(zone: Zone("Europe/Berlin")!)
    try s.load(name: "x", path: path)
    s.asOf = Instant("2024-12-31")
    // 1: 01:30 CET = 00:30Z. 2: 02:30 does not exist; it moves forward by the gap to 03:30 CEST = 01:30Z.
    // 3: 03:30 CEST = 01:30Z. 4: 02:30 happens twice; the earlier offset (+02:00) gives 00:30Z.
    // 5: explicit +01:00 gives 01:30Z. 6: 03:30 CET = 02:30Z. 7: 23:30 CET = 22:30Z. 8: 23:30 CEST = 21:30Z.
    // 9: 00:15 CEST = 22:15Z on 10-26.
    let instants: [(Int, String)] = [
      (1, "2024-03-31T00:30:00Z"), (2, "2024-03-31T01:30:00Z"), (3, "2024-03-31T01:30:00Z"), (4, "2024-10-27T00:30:00Z"),
      (5, "2024-10-27T01:30:00Z"), (6, "2024-10-27T02:30:00Z"), (7, "2024-03-30T22:30:00Z"), (8, "2024-10-26T21:30:00Z"),
      (9, "2024-10-26T22:15:00Z"),
    ]
    for (id, iso) in instants {
      XCTAssertEqual(try s.scalar("min(t where id = \(id))"), t(iso), "row \(id)")
    }
    XCTAssertEqual(try s.scalar("count(x where t = @2024-03-31T02:30:00)"), .int(2), "a skipped literal moves forward too")
    XCTAssertEqual(try s.scalar("count(x where hour(t) = 2)"), .int(2), "ids 4 and 5 are at 02:30 local")
    XCTAssertEqual(try s.scalar("count(x where date(t) = @2024-03-31)"), .int(3))

    // Local hours and days: 2 and 3 are both 03:30 CEST; 4 and 5 are both 02:30 (once CEST, once CET).
    let hours = try s.rows("count(x) by hour")
    XCTAssertEqual(
      hours.map { $0.key.map(\.description).joined() },
      [
        "2024-03-30T23", "2024-03-31T01", "2024-03-31T03", "2024-10-26T23", "2024-10-27T00", "2024-10-27T02", "2024-10-27T03",
      ])
    XCTAssertEqual(hours.map(\.value), [.int(1), .int(1), .int(2), .int(1), .int(1), .int(2), .int(1)])
    let days = try s.rows("count(x) by day")
    XCTAssertEqual(days.map { $0.key.map(\.description).joined() }, ["2024-03-30", "2024-03-31", "2024-10-26", "2024-10-27"])
    XCTAssertEqual(days.map(\.value), [.int(1), .int(3), .int(1), .int(4)])

    // As of 2024-03-31: E = 2024-04-01 00:00 CEST = 03-31T22:00Z. One calendar day back is
    // 2024-03-31 00:00 CET = 03-30T23:00Z (a 23-hour day): rows 1, 2, 3. 24h back is 03-30T22:00Z: row 7 too.
    s.asOf = Instant("2024-03-31")
    XCTAssertEqual(s.resolvedAsOf, epochMicros("2024-03-31T22:00:00Z"))
    XCTAssertEqual(Render.json(try s.evaluate("count(x)"), zone: s.zone), "{\"as_of\": \"2024-04-01T00:00:00+02:00\", \"value\": 4}")
    XCTAssertEqual(try s.scalar("count(x) over 1d"), .int(3))
    XCTAssertEqual(try s.scalar("count(x) over day"), .int(3))
    XCTAssertEqual(try s.scalar("count(x) over 24h"), .int(4))
    // offset 1d moves E to 03-30T23:00Z: only row 7 is before it.
    XCTAssertEqual(try s.scalar("count(x) offset 1d"), .int(1))

    // As of 2024-10-27: E = 2024-10-28 00:00 CET = 10-27T23:00Z. One day back is 2024-10-27 00:00 CEST =
    // 10-26T22:00Z (a 25-hour day): rows 4, 5, 6, 9. 24h back is 10-26T23:00Z: rows 4, 5, 6.
    s.asOf = Instant("2024-10-27")
    XCTAssertEqual(try s.scalar("count(x) over 1d"), .int(4))
    XCTAssertEqual(try s.scalar("count(x) over 24h"), .int(3))
  }

  /// Hours around changes that are not a whole hour: each row goes to its own local hour,
  /// whatever rows come before it.
  func testHoursAroundHalfHourChanges() throws {
    // Lord Howe Island springs from 02:00 (+10:30) to 02:30 (+11:00) on 2024-10-06.
    let howe = try writeFile(
      dir, "howe.csv",
      "t\n2024-10-05T15:25:00Z\n2024-10-05T15:30:00Z\n2024-10-05T16:00:00Z\n2024-10-05T16:10:00Z\n2024-10-05T16:35:00Z\n")
    // local: 01:55, 02:30, 03:00, 03:10, 03:35
    let s = Session(zone: Zone("Australia/Lord_Howe")!)
    try s.load(name: "h", path: howe)
    XCTAssertEqual(
      Render.csv(try s.evaluate("count(h) by hour"), zone: s.zone), "hour,value\n2024-10-06T01,1\n2024-10-06T02,1\n2024-10-06T03,3\n")
    XCTAssertEqual(try s.scalar("count(h where hour(t) = 3)"), .int(3))
    // Pyongyang went from 23:30 (+08:30) to 00:00 (+09:00) on 2018-05-05: a short hour 23, then the next day.
    let pyongyang = try writeFile(dir, "py.csv", "t\n2018-05-04T14:40:00Z\n2018-05-04T15:00:00Z\n2018-05-04T15:20:00Z\n")
    // local: 23:10 on the 4th, 00:00 and 00:20 on the 5th
    let p = Session(zone: Zone("Asia/Pyongyang")!)
    try p.load(name: "p", path: pyongyang)
    XCTAssertEqual(Render.csv(try p.evaluate("count(p) by hour"), zone: p.zone), "hour,value\n2018-05-04T23,1\n2018-05-05T00,2\n")
    XCTAssertEqual(Render.csv(try p.evaluate("count(p) by day"), zone: p.zone), "day,value\n2018-05-04,1\n2018-05-05,2\n")
  }

  /// Asia/Shanghai day boundaries: a day runs from 16:00Z to 16:00Z.
  func testShanghaiDays() throws {
    let path = try writeFile(
      dir, "sh.csv",
      """
      id,t
      1,2024-06-30T15:59:59Z
      2,2024-06-30T16:00:00Z
      3,2024-06-30 23:59:59
      4,2024-07-01 00:00:00

      """)
    let s = Session(zone: Zone("Asia/Shanghai")!)
    try s.load(name: "x", path: path)
    s.asOf = Instant("2024-06-30")
    // E = 2024-07-01 00:00 +08:00 = 06-30T16:00Z. Row 1 is 23:59:59 on 06-30 local; 2 is 00:00 on 07-01;
    // 3 is 23:59:59 local on 06-30 (= 15:59:59Z); 4 is 00:00 local on 07-01 (= E).
    XCTAssertEqual(try s.scalar("count(x)"), .int(2))
    XCTAssertEqual(try s.scalar("count(x) over 1d"), .int(2))
    XCTAssertEqual(Render.json(try s.evaluate("count(x)"), zone: s.zone), "{\"as_of\": \"2024-07-01T00:00:00+08:00\", \"value\": 2}")
    s.asOf = Instant("2024-07-01")
    let days = try s.rows("count(x) by day")
    XCTAssertEqual(days.map { $0.key.map(\.description).joined() }, ["2024-06-30", "2024-07-01"])
    XCTAssertEqual(days.map(\.value), [.int(2), .int(2)])
    XCTAssertEqual(try s.scalar("count(x where hour(t) = 0)"), .int(2))
  }

  /// Group keys: numbers by value, strings by code point, null last; labels of every grain.
  func testGroupOrderAndGrainLabels() throws {
    let path = try writeFile(
      dir, "g.csv",
      """
      k,n,t
      b,10,2024-12-30T13:05:00Z
      B,-2,2021-01-03T00:00:00Z
      中,,2024-06-30T23:00:00Z
      é,3,2024-06-24T00:00:00Z
      e\u{301},3,2024-06-23T23:59:59Z
      ,-2,
      a,10,2024-06-30T13:59:59Z

      """)
    let s = Session(zone: .utc)
    try s.load(name: "g", path: path)
    s.asOf = Instant("2025-01-01")
    let byK = try s.rows("count(g) by k")
    // B (42) < a (61) < b (62) < e+U+0301 (65 …) < é (E9) < 中 (4E2D) < null.
    XCTAssertEqual(
      byK.map(\.key), [[.string("B")], [.string("a")], [.string("b")], [.string("e\u{301}")], [.string("é")], [.string("中")], [.null]])
    let byN = try s.rows("count(g) by n")
    XCTAssertEqual(byN.map(\.key), [[.int(-2)], [.int(3)], [.int(10)], [.null]])
    XCTAssertEqual(byN.map(\.value), [.int(2), .int(2), .int(2), .int(1)])
    // ISO weeks: 2024-12-30 is in 2025-W01; 2021-01-03 (a Sunday) in 2020-W53; 2024-06-24 (a Monday) starts W26,
    // 2024-06-23 (a Sunday) ends W25. The row with no time is a group of its own, last.
    let weeks = try s.rows("count(g) by week")
    XCTAssertEqual(weeks.map { $0.key.map(\.description).joined() }, ["2020-W53", "2024-W25", "2024-W26", "2025-W01", "null"])
    XCTAssertEqual(weeks.map(\.value), [.int(1), .int(1), .int(3), .int(1), .int(1)])
    let hours = try s.rows("count(g) by hour over 1d at @2024-06-30")
    XCTAssertEqual(hours.map { $0.key.map(\.description).joined() }, ["2024-06-30T13", "2024-06-30T23"])
    let months = try s.rows("count(g) by month")
    XCTAssertEqual(months.map { $0.key.map(\.description).joined() }, ["2021-01", "2024-06", "2024-12", "null"])
    XCTAssertEqual(months.map(\.value), [.int(1), .int(4), .int(1), .int(1)])
  }
}
