import Foundation

/// The range of times Tally represents: years 1 to 9999.
public enum Time {
  /// 0001-01-01T00:00:00Z in microseconds.
  public static let min: Int64 = -62_135_596_800_000_000
  /// 9999-12-31T23:59:59.999999Z in microseconds.
  public static let max: Int64 = 253_402_300_799_999_999
  /// The width of the range.
  static let span: Int64 = max - min
  /// Marks a time arithmetic result outside the range; it becomes null.
  public static let outOfRange = Int64.min
  /// Whether a time is within years 1 to 9999.
  @inline(__always) public static func inRange(_ t: Int64) -> Bool { t >= min && t <= max }
  /// A time value, or null outside the range.
  static func value(_ t: Int64) -> Value { inRange(t) ? .time(t) : .null }
}

/// Microseconds in common units.
enum Micros {
  static let second: Int64 = 1_000_000
  static let minute: Int64 = 60_000_000
  static let hour: Int64 = 3_600_000_000
  static let day: Int64 = 86_400_000_000
}

/// The fields of a written time, before a zone makes it an instant.
public struct TimeText: Hashable, Sendable {
  /// The calendar date as written.
  public var year, month, day: Int
  /// The time of day as written; zero for a bare date.
  public var hour = 0, minute = 0, second = 0
  /// The fraction of the second, in microseconds.
  public var micros = 0
  /// Seconds east of UTC, when the text gives an offset.
  public var offset: Int?
  /// False for a bare date (`2024-06-30`).
  public var hasTime = false

  /// Seconds since 1970-01-01 of the wall-clock time, as if it were UTC.
  var localSeconds: Int64 {
    daysFromCivil(year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
  }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
  let y = Int64(m <= 2 ? y0 - 1 : y0)
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let mp = Int64((m + 9) % 12)
  let doy = (153 * mp + 2) / 5 + Int64(d) - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number.
func civilFromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
  let z = z0 + 719_468
  let era = (z >= 0 ? z : z - 146_096) / 146_097
  let doe = z - era * 146_097
  let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
  let y = yoe + era * 400
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let d = doy - (153 * mp + 2) / 5 + 1
  let m = mp < 10 ? mp + 3 : mp - 9
  return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
}

func daysInMonth(_ y: Int, _ m: Int) -> Int {
  switch m {
  case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
  case 4, 6, 9, 11: return 30
  default: return 31
  }
}

/// Parses `2024-06-30`, `2024-06-30 12:34:56`, `2024-06-30T12:34:56.5Z`, `...+08:00`.
func parseTimeText(_ s: String) -> TimeText? {
  let b = Array(s.utf8)
  return b.withUnsafeBufferPointer { parseTimeBytes($0, 0, b.count) }
}

/// The byte-level time parser shared by literals and the CSV reader.
func parseTimeBytes(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> TimeText? {
  var i = start
  @inline(__always) func digits(_ n: Int) -> Int? {
    guard i + n <= end else { return nil }
    var v = 0
    for k in 0..<n {
      let c = p[i + k]
      guard c >= 48 && c <= 57 else { return nil }
      v = v * 10 + Int(c - 48)
    }
    i += n
    return v
  }
  @inline(__always) func expect(_ c: UInt8) -> Bool {
    guard i < end, p[i] == c else { return false }
    i += 1
    return true
  }
  guard end - start >= 10, let y = digits(4), expect(45), let mo = digits(2), expect(45), let d = digits(2) else { return nil }
  // Years 1 to 9999, the range of times (year 0 is not a year of the calendar in use).
  guard y >= 1, mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) else { return nil }
  var t = TimeText(year: y, month: mo, day: d)
  if i == end { return t }
  guard p[i] == 84 || p[i] == 116 || p[i] == 32 else { return nil }  // T t space
  i += 1
  guard let h = digits(2), expect(58), let mi = digits(2), h <= 23, mi <= 59 else { return nil }
  t.hour = h
  t.minute = mi
  t.hasTime = true
  if expect(58) {
    guard let s = digits(2), s <= 59 else { return nil }
    t.second = s
    if expect(46) {
      var frac = 0
      var n = 0
      while i < end, p[i] >= 48 && p[i] <= 57 {
        if n < 6 {
          frac = frac * 10 + Int(p[i] - 48)
          n += 1
        }
        i += 1
      }
      guard n > 0 else { return nil }
      while n < 6 {
        frac *= 10
        n += 1
      }
      t.micros = frac
    }
  }
  if i == end { return t }
  if p[i] == 90 || p[i] == 122 {  // Z
    i += 1
    t.offset = 0
    return i == end ? t : nil
  }
  guard p[i] == 43 || p[i] == 45 else { return nil }
  let sign = p[i] == 45 ? -1 : 1
  i += 1
  guard let oh = digits(2), oh <= 18 else { return nil }
  var om = 0
  if i < end {
    _ = expect(58)
    guard let m = digits(2), m <= 59 else { return nil }
    om = m
  }
  guard i == end else { return nil }
  t.offset = sign * (oh * 3600 + om * 60)
  return t
}

/// Time-zone arithmetic for one session zone, with an offset cache for hot loops.
public final class Zone: @unchecked Sendable {
  /// The zone.
  public let timeZone: TimeZone
  private let fixed: Int?
  private var cache: [Int64: Int32] = [:]
  private let lock = NSLock()

  /// A zone from an IANA name (`Asia/Shanghai`), `UTC`, or a fixed offset (`+08:00`).
  public init?(_ name: String) {
    if let t = parseTimeText("1970-01-01T00:00\(name)"), let o = t.offset, name.first == "+" || name.first == "-" {
      guard let tz = TimeZone(secondsFromGMT: o) else { return nil }
      timeZone = tz
      fixed = o
      return
    }
    // Names are matched exactly, then ignoring case (`utc`, `asia/shanghai`).
    let known = TimeZone(identifier: name) != nil ? name : TimeZone.knownTimeZoneIdentifiers.first { $0.lowercased() == name.lowercased() }
    guard let id = known ?? (name.lowercased() == "utc" ? "UTC" : nil), let tz = TimeZone(identifier: id) else { return nil }
    timeZone = tz
    let probe = [0.0, 1e9, 1.6e9, 1.8e9, -1e9].map { tz.secondsFromGMT(for: Date(timeIntervalSince1970: $0)) }
    fixed = Set(probe).count == 1 && tz.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: -2e9)) == nil ? probe[0] : nil
  }

  /// UTC.
  public static let utc = Zone("UTC")!

  /// Seconds east of UTC at an instant given in seconds.
  public func offset(atSeconds t: Int64) -> Int {
    if let fixed { return fixed }
    let bucket = t >= 0 ? t / 900 : (t - 899) / 900
    lock.lock()
    let hit = cache[bucket]
    lock.unlock()
    if let hit, hit != Int32.min { return Int(hit) }
    if hit == nil {
      let a = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(bucket * 900)))
      let b = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(bucket * 900 + 899)))
      lock.lock()
      cache[bucket] = a == b ? Int32(a) : Int32.min
      lock.unlock()
      if a == b { return a }
    }
    return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))
  }

  /// Seconds east of UTC at an instant in microseconds.
  @inline(__always) public func offset(atMicros t: Int64) -> Int {
    offset(atSeconds: t >= 0 ? t / 1_000_000 : t / 1_000_000 - (t % 1_000_000 == 0 ? 0 : 1))
  }

  /// The instant (seconds) of a wall-clock time: a skipped time moves forward by the gap,
  /// a repeated one takes the earlier offset.
  public func instant(localSeconds l: Int64) -> Int64 {
    if let fixed { return l - Int64(fixed) }
    let a = Int64(offset(atSeconds: l - 86_400))
    let b = Int64(offset(atSeconds: l + 86_400))
    if a == b {
      let o = Int64(offset(atSeconds: l - a))
      if o == a { return l - a }
      // A transition and its reverse within two days: try the offset found.
      return l - o
    }
    let ta = l - a
    let tb = l - b
    let va = Int64(offset(atSeconds: ta)) == a
    let vb = Int64(offset(atSeconds: tb)) == b
    switch (va, vb) {
    case (true, true): return min(ta, tb)
    case (true, false): return ta
    case (false, true): return tb
    case (false, false): return l - a
    }
  }

  /// The instant (microseconds) of a parsed time text.
  public func instant(_ t: TimeText) -> Int64 {
    let secs: Int64
    if let o = t.offset { secs = t.localSeconds - Int64(o) } else { secs = instant(localSeconds: t.localSeconds) }
    return secs * 1_000_000 + Int64(t.micros)
  }

  /// Wall-clock microseconds (as if UTC) of an instant.
  @inline(__always) public func local(_ t: Int64) -> Int64 { t &+ Int64(offset(atMicros: t)) &* 1_000_000 }

  /// The instant of wall-clock microseconds.
  public func fromLocal(_ l: Int64) -> Int64 {
    let secs = l >= 0 ? l / 1_000_000 : (l - 999_999) / 1_000_000
    return instant(localSeconds: secs) * 1_000_000 + (l - secs * 1_000_000)
  }

  /// Local day number and microsecond of the day.
  @inline(__always) func localDay(_ t: Int64) -> (day: Int64, micro: Int64) {
    let l = local(t)
    let d = l >= 0 ? l / Micros.day : (l - Micros.day + 1) / Micros.day
    return (d, l - d * Micros.day)
  }

  /// Adds a calendar duration: months keep the day of month (clamped to the month's end),
  /// days keep the wall-clock time, the fixed part is added last.
  /// Gives `Time.outOfRange` when the result would leave years 1 to 9999.
  public func add(_ d: DurationLiteral, to t: Int64) -> Int64 {
    guard Time.inRange(t), abs(d.months) <= 240_000, abs(d.days) <= 7_400_000, abs(d.micros) <= Time.span else {
      return Time.outOfRange
    }
    var r = t
    if d.months != 0 || d.days != 0 {
      let (day, micro) = localDay(t)
      var (y, m, dd) = civilFromDays(day)
      if d.months != 0 {
        let total = y * 12 + (m - 1) + d.months
        y = total >= 0 ? total / 12 : (total - 11) / 12
        m = total - y * 12 + 1
        dd = min(dd, daysInMonth(y, m))
      }
      let nd = daysFromCivil(y, m, dd) + Int64(d.days)
      r = fromLocal(nd * Micros.day + micro)
    }
    r += d.micros
    return Time.inRange(r) ? r : Time.outOfRange
  }

  /// Subtracts a calendar duration.
  public func subtract(_ d: DurationLiteral, from t: Int64) -> Int64 { add(d.negated, to: t) }

  /// The start of the calendar period containing an instant.
  public func periodStart(_ p: Period, _ t: Int64) -> Int64 {
    let (day, micro) = localDay(t)
    switch p {
    case .hour: return fromLocal(day * Micros.day + micro / Micros.hour * Micros.hour)
    case .day: return fromLocal(day * Micros.day)
    case .week:
      let wd = Int((day % 7 + 7 + 3) % 7)  // 0 = Monday (1970-01-01 was a Thursday)
      return fromLocal((day - Int64(wd)) * Micros.day)
    case .month, .quarter, .year:
      let (y, m, _) = civilFromDays(day)
      let sm = p == .month ? m : p == .quarter ? (m - 1) / 3 * 3 + 1 : 1
      return fromLocal(daysFromCivil(y, sm, 1) * Micros.day)
    }
  }

  /// The start of the period after the one containing an instant (its exclusive end). Not
  /// always the start plus its length: a DST change may shift a local hour by half an hour.
  public func periodEnd(_ p: Period, _ t: Int64) -> Int64 {
    let (day, micro) = localDay(t)
    let end: Int64
    switch p {
    case .hour: end = fromLocal(day * Micros.day + (micro / Micros.hour + 1) * Micros.hour)
    case .day: end = fromLocal((day + 1) * Micros.day)
    case .week:
      let wd = Int((day % 7 + 7 + 3) % 7)
      end = fromLocal((day - Int64(wd) + 7) * Micros.day)
    case .month, .quarter, .year:
      let (y, m, _) = civilFromDays(day)
      let sm = p == .month ? m : p == .quarter ? (m - 1) / 3 * 3 + 1 : 1
      let next = sm + (p == .month ? 1 : p == .quarter ? 3 : 12)
      end = fromLocal(daysFromCivil(y + (next - 1) / 12, (next - 1) % 12 + 1, 1) * Micros.day)
    }
    return max(end, t &+ 1)
  }

  /// The label of the period containing an instant: `2024-06-30T13`, `2024-06-30`, `2024-W26`, `2024-06`.
  public func label(_ p: Period, _ t: Int64) -> String {
    let (day, micro) = localDay(t)
    let (y, m, d) = civilFromDays(day)
    switch p {
    case .hour: return "\(pad4(y))-\(pad2(m))-\(pad2(d))T\(pad2(Int(micro / Micros.hour)))"
    case .day: return "\(pad4(y))-\(pad2(m))-\(pad2(d))"
    case .week:
      let (wy, w) = isoWeek(day)
      return "\(pad4(wy))-W\(pad2(w))"
    case .month: return "\(pad4(y))-\(pad2(m))"
    case .quarter: return "\(pad4(y))-Q\((m - 1) / 3 + 1)"
    case .year: return pad4(y)
    }
  }

  /// ISO 8601 with this zone's offset: `2024-07-01T00:00:00+08:00`.
  public func iso(_ t: Int64) -> String {
    let off = offset(atMicros: t)
    let (day, micro) = localDay(t)
    let (y, m, d) = civilFromDays(day)
    let secs = Int(micro / Micros.second)
    var s = "\(pad4(y))-\(pad2(m))-\(pad2(d))T\(pad2(secs / 3600)):\(pad2(secs / 60 % 60)):\(pad2(secs % 60))"
    let frac = Int(micro % Micros.second)
    if frac != 0 {
      var f = String(frac)
      f = String(repeating: "0", count: 6 - f.count) + f
      while f.hasSuffix("0") { f.removeLast() }
      s += "." + f
    }
    let sign = off < 0 ? "-" : "+"
    s += "\(sign)\(pad2(abs(off) / 3600)):\(pad2(abs(off) / 60 % 60))"
    if off % 60 != 0 { s += ":\(pad2(abs(off) % 60))" }  // local mean time before 1901
    return s
  }
}

/// A calendar period, for `over` and for `by` time grains.
public enum Period: String, Sendable, CaseIterable {
  case hour, day, week, month, quarter, year
}

/// ISO week-year and week of a day number.
func isoWeek(_ day: Int64) -> (year: Int, week: Int) {
  let wd = (day % 7 + 7 + 3) % 7  // 0 = Monday
  let thursday = day - wd + 3
  let (y, _, _) = civilFromDays(thursday)
  let jan1 = daysFromCivil(y, 1, 1)
  return (y, Int((thursday - jan1) / 7) + 1)
}

func pad2(_ v: Int) -> String { v < 10 && v >= 0 ? "0\(v)" : String(v) }
func pad4(_ v: Int) -> String {
  let s = String(abs(v))
  return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// A number as an analyst writes it: no trailing `.0`, up to 15 significant digits.
func formatNumber(_ v: Double) -> String {
  if v.isNaN { return "NaN" }
  if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  var s = String(format: "%.15g", v)
  if s.contains("e") { s = String(v) }
  return s
}
