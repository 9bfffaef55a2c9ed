import Foundation

/// The oracle's world: orders, refunds and shops generated from a seed. The same rows become
/// the CSV fixtures Tally loads (`Fixtures/oracle/*.csv`) and the SQL INSERTs SQLite loads, so
/// SQLite never sees Tally's loader and Tally never sees the SQL.
///
/// The CSV text exercises the loader: a BOM, quoted commas, doubled quotes, newlines inside
/// quotes, CRLF line ends (refunds), quoted and unquoted empty fields, Chinese strings and
/// column names, and times written with `Z`, `+08:00`, `-05:00` or no offset at all.
struct OracleData {
  /// How a time is written in the CSV.
  enum Style: CaseIterable {
    case z, fractionZ, plus8, minus5, naive, naiveT, dateOnly
    /// True when the text carries no offset, so that the session zone decides the instant.
    var isLocal: Bool { self == .naive || self == .naiveT || self == .dateOnly }
  }

  /// A time: the instant it stands for when read in UTC, and how it is written.
  struct Stamp {
    var utcMicros: Int64
    var style: Style
    /// The instant when the text is read in a zone `offset` seconds east of UTC (a zone without DST).
    func micros(inZoneOffset offset: Int) -> Int64 { style.isLocal ? utcMicros - Int64(offset) * 1_000_000 : utcMicros }
  }

  struct Order {
    var id: Int
    var shop: String?
    var status: String?
    var amount: (value: Double, text: String)?
    var qty: Int?
    var paidAt: Stamp?
    var vip: (value: Bool, text: String)?
    var note: String?
  }

  struct Refund {
    var id: Int
    /// The order refunded: nil for some, and for others an id that no order has.
    var orderId: Int?
    var shop: String?
    var requestedAt: Stamp?
    var resolvedAt: Stamp?
    var amount: (value: Double, text: String)?
    var intervened: (value: Bool, text: String)?
    var reason: String?
  }

  var orders: [Order] = []
  var refunds: [Refund] = []
  var shops: [(shop: String, region: String?)] = []

  // 2024-07-01T00:00:00Z, the as-of instant of the UTC cases (`--as-of 2024-06-30`).
  static let asOfUTC: Int64 = 1_719_792_000_000_000
  static let hour: Int64 = 3_600_000_000
  static let day: Int64 = 86_400_000_000

  /// Shop names: code-point order is A < B < Zeta < b < e+U+0301 < é < Ω < 中店 (null last);
  /// `e\u{301}` and `é` look alike but are different keys (no normalization).
  static let shopNames = ["A", "B", "b", "Zeta", "中店", "e\u{301}", "é", "Ω"]

  static func generate(seed: UInt64 = 20_240_630) -> OracleData {
    var rng = SeededRandom(seed: seed)
    var data = OracleData()
    let asOf = asOfUTC
    // Times on purpose at the edges of the windows of the UTC and the Shanghai cases.
    let edges: [Stamp] = [
      Stamp(utcMicros: asOf, style: .z),  // = E: never read
      Stamp(utcMicros: asOf - 500_000, style: .fractionZ),  // the last half second before E
      Stamp(utcMicros: asOf - 7 * day, style: .naive),  // the first instant of `over 7d`
      Stamp(utcMicros: asOf - 7 * day - 500_000, style: .fractionZ),  // just before it
      Stamp(utcMicros: asOf - 28 * day, style: .dateOnly),  // the first instant of `over 28d`
      Stamp(utcMicros: asOf - 30 * day, style: .dateOnly),  // 2024-06-01, the first day of the month
      Stamp(utcMicros: asOf - 7 * day, style: .plus8),  // Monday 2024-06-24 00:00Z, the week's first instant
      Stamp(utcMicros: asOf - 8 * hour, style: .plus8),  // 2024-06-30T16:00Z = E in Asia/Shanghai
      Stamp(utcMicros: asOf - 30 * 60_000_000, style: .naive),  // 2024-06-30 23:30 local
      Stamp(utcMicros: asOf - 23 * hour, style: .minus5),  // 2024-06-30T01:00Z written at -05:00 on 06-29
      Stamp(utcMicros: 1_709_164_800_000_000, style: .z),  // 2024-02-29T00:00:00Z
      Stamp(utcMicros: 1_709_164_800_000_000 - 1_000_000, style: .naiveT),  // 2024-02-28T23:59:59
      Stamp(utcMicros: 1_709_208_000_000_000, style: .plus8),  // 2024-02-29T12:00:00Z
      Stamp(utcMicros: 1_704_081_600_000_000, style: .minus5),  // 2024-01-01T04:00Z, 2023-12-31 at -05:00
      Stamp(utcMicros: asOf + 36 * hour, style: .z),  // after E
    ]
    func stamp() -> Stamp {
      // Half of the times in the last five weeks, the rest from 2024-01-01 to just after E.
      let start: Int64 = rng.chance(0.5) ? asOf - 35 * day : 1_704_067_200_000_000
      let span = asOf + 2 * day - start
      var t = start + Int64(rng.below(Int(span / 500_000))) * 500_000
      let style = rng.pick(Style.allCases)
      if style == .dateOnly { t -= t % day }
      if style != .fractionZ, t % 1_000_000 != 0 { t -= 500_000 }
      if style == .fractionZ, t % 1_000_000 == 0 { t += 500_000 }
      return Stamp(utcMicros: t, style: style)
    }
    func money(_ max: Int) -> (Double, String) {
      if rng.chance(0.08) {
        let v = rng.below(max / 100)
        return (Double(v), String(v))
      }
      let cents = rng.below(max)
      return (Double(cents) / 100, String(format: "%.2f", Double(cents) / 100))
    }
    let vipTexts: [(Bool, String)] = [
      (true, "yes"), (false, "no"), (true, "Y"), (false, "n"), (true, "TRUE"), (false, "false"), (true, "t"),
      (false, "F"), (true, "是"), (false, "否"),
    ]
    let notes = ["ok", "fast, please", "say \"急\"", "line1\nline2", "加急", "包含,逗号\n和\"引号\"", "line three"]
    for id in 1...320 {
      var o = Order(id: id)
      o.shop = rng.chance(0.07) ? nil : id % 53 == 0 ? "OnlyOrders" : rng.pick(shopNames)
      let r = rng.below(100)
      o.status = r < 50 ? "paid" : r < 65 ? "unpaid" : r < 80 ? "refunded" : r < 90 ? "shipped, late" : nil
      if !rng.chance(0.1) {
        let (v, t) = money(50_000)
        o.amount = (v, t)
      }
      o.qty = rng.chance(0.1) ? nil : rng.below(6)
      if id <= edges.count {
        o.paidAt = edges[id - 1]
      } else if !rng.chance(0.07) {
        o.paidAt = stamp()
      }
      o.vip = rng.chance(0.1) ? nil : rng.pick(vipTexts)
      o.note = rng.chance(0.4) ? nil : rng.pick(notes)
      data.orders.append(o)
    }
    // Every shop of "Zeta" is unpaid or without a status, so that the view `paid` has no group for it.
    for k in data.orders.indices where data.orders[k].shop == "Zeta" {
      data.orders[k].status = rng.chance(0.5) ? "unpaid" : nil
    }
    let flags: [(Bool, String)] = [(true, "t"), (false, "f"), (true, "y"), (false, "n"), (true, "True"), (false, "NO")]
    for id in 1...140 {
      // Some refunds name no order, some an order that is not there (the link refers to no row).
      let order = 1 + rng.below(320)
      var f = Refund(id: id, orderId: id % 23 == 0 ? nil : id % 17 == 0 ? 1_000 + id : order)
      f.shop = rng.chance(0.06) ? nil : id % 29 == 0 ? "OnlyRefunds" : rng.pick(shopNames)
      if !rng.chance(0.05) {
        var s = stamp()
        if s.style == .dateOnly { s.style = .naive }
        f.requestedAt = s
        if !rng.chance(0.2) {
          let minutes = Int64(30 + rng.below(120 * 60))
          // Whole seconds: these styles carry no fraction.
          let t = s.utcMicros + minutes * 60_000_000
          f.resolvedAt = Stamp(utcMicros: t - t % 1_000_000, style: rng.chance(0.5) ? .z : .plus8)
        }
      }
      if !rng.chance(0.1) {
        let (v, t) = money(20_000)
        f.amount = (v, t)
      }
      f.intervened = rng.chance(0.08) ? nil : rng.pick(flags)
      f.reason = rng.chance(0.3) ? nil : rng.pick(["damaged", "late, very late", "退货", "wrong \"size\""])
      data.refunds.append(f)
    }
    data.shops = [("A", "north"), ("B", "south"), ("中店", "east"), ("OnlyShops", nil), ("Ω", "north")]
    return data
  }

  // MARK: CSV

  private static func utcFormatter(_ format: String) -> DateFormatter {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = format
    return f
  }
  private static let plain = utcFormatter("yyyy-MM-dd'T'HH:mm:ss")
  private static let spaced = utcFormatter("yyyy-MM-dd HH:mm:ss")
  private static let fraction = utcFormatter("yyyy-MM-dd'T'HH:mm:ss.SSS")
  private static let dateOnly = utcFormatter("yyyy-MM-dd")

  /// The text of a time, written by Foundation's formatter (not by Tally).
  static func text(_ s: Stamp) -> String {
    let date = Date(timeIntervalSince1970: Double(s.utcMicros) / 1e6)
    switch s.style {
    case .z: return plain.string(from: date) + "Z"
    case .fractionZ: return fraction.string(from: date) + "Z"
    case .plus8: return plain.string(from: date.addingTimeInterval(8 * 3600)) + "+08:00"
    case .minus5: return spaced.string(from: date.addingTimeInterval(-5 * 3600)) + "-05:00"
    case .naive: return spaced.string(from: date)
    case .naiveT: return plain.string(from: date)
    case .dateOnly: return dateOnly.string(from: date)
    }
  }

  /// A CSV field: quoted when it must be, and sometimes when it need not be.
  static func field(_ s: String?, quote: Bool) -> String {
    guard let s else { return quote ? "\"\"" : "" }
    if quote || s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }

  /// orders.csv: a BOM, LF line ends.
  func ordersCSV() -> String {
    var rng = SeededRandom(seed: 7)
    var out = "\u{FEFF}id,shop,status,amount,qty,paid_at,vip,备注\n"
    for o in orders {
      let cells: [String?] = [
        String(o.id), o.shop, o.status, o.amount?.text, o.qty.map(String.init), o.paidAt.map(Self.text), o.vip?.text, o.note,
      ]
      out += cells.map { Self.field($0, quote: rng.chance(0.1)) }.joined(separator: ",") + "\n"
    }
    return out
  }

  /// refunds.csv: CRLF line ends, no BOM, two time columns (so the time column must be named).
  func refundsCSV() -> String {
    var rng = SeededRandom(seed: 8)
    var out = "refund_id,order_id,shop,requested_at,resolved_at,refund_amount,客服介入,reason\r\n"
    for f in refunds {
      let cells: [String?] = [
        String(f.id), f.orderId.map(String.init), f.shop, f.requestedAt.map(Self.text), f.resolvedAt.map(Self.text), f.amount?.text,
        f.intervened?.text, f.reason,
      ]
      out += cells.map { Self.field($0, quote: rng.chance(0.1)) }.joined(separator: ",") + "\r\n"
    }
    return out
  }

  /// shops.csv: no time column at all.
  func shopsCSV() -> String {
    "shop,region\n" + shops.map { "\($0.shop),\($0.region ?? "")" }.joined(separator: "\n") + "\n"
  }

  // MARK: SQL

  static func sql(_ s: String?) -> String {
    guard let s else { return "NULL" }
    return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
  }
  static func sql(_ v: Double?) -> String { v.map { "\($0)" } ?? "NULL" }
  static func sql(_ v: Int?) -> String { v.map(String.init) ?? "NULL" }
  static func sql(_ b: Bool?) -> String { b.map { $0 ? "1" : "0" } ?? "NULL" }
  /// A time as Unix epoch seconds (REAL), read in a zone `offset` seconds east of UTC.
  static func sql(_ s: Stamp?, offset: Int) -> String {
    guard let s else { return "NULL" }
    return "\(Double(s.micros(inZoneOffset: offset)) / 1e6)"
  }

  /// The tables and rows, with times read in a zone `offset` seconds east of UTC.
  func sqlScript(zoneOffset offset: Int) -> String {
    var out = """
      CREATE TABLE orders(id INTEGER, shop TEXT, status TEXT, amount REAL, qty INTEGER, paid_at REAL, vip INTEGER, "备注" TEXT);
      CREATE TABLE refunds(refund_id INTEGER, order_id INTEGER, shop TEXT, requested_at REAL, resolved_at REAL,
        refund_amount REAL, "客服介入" INTEGER, reason TEXT);
      CREATE TABLE shops(shop TEXT, region TEXT);
      BEGIN;

      """
    for o in orders {
      out += "INSERT INTO orders VALUES(\(o.id), \(Self.sql(o.shop)), \(Self.sql(o.status)), \(Self.sql(o.amount?.value)), "
      out += "\(Self.sql(o.qty)), \(Self.sql(o.paidAt, offset: offset)), \(Self.sql(o.vip?.value)), \(Self.sql(o.note)));\n"
    }
    for f in refunds {
      out += "INSERT INTO refunds VALUES(\(f.id), \(Self.sql(f.orderId)), \(Self.sql(f.shop)), \(Self.sql(f.requestedAt, offset: offset)), "
      out +=
        "\(Self.sql(f.resolvedAt, offset: offset)), \(Self.sql(f.amount?.value)), \(Self.sql(f.intervened?.value)), \(Self.sql(f.reason)));\n"
    }
    for s in shops { out += "INSERT INTO shops VALUES(\(Self.sql(s.shop)), \(Self.sql(s.region)));\n" }
    return out + "COMMIT;\n"
  }
}
