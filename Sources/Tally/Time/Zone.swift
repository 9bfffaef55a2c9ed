import Foundation

/// Time-zone arithmetic for one session zone, with an offset cache for hot loops.
public final class Zone: @unchecked Sendable {
  /// The zone.
  public let timeZone: TimeZone
  private let fixed: Int?
  /// A named zone's periods from 1900 to 2100: `periodStarts[i]` (seconds) starts a period of
  /// `periodOffsets[i]`, read without a lock (nor reference counting: hot loops read them per
  /// row); other instants go through the cache below.
  private let periodStarts: UnsafeMutableBufferPointer<Int64>
  private let periodOffsets: UnsafeMutableBufferPointer<Int32>
  /// Where the last period starts: most data is in it.
  private let lastStart: Int64
  private var cache: [Int64: Int32] = [:]
  private let lock = NSLock()
  static let periodsFrom: Int64 = -2_208_988_800  // 1900-01-01
  static let periodsTo: Int64 = 4_102_444_800  // 2100-01-01

  /// A zone from an IANA name (`Asia/Shanghai`), `UTC`, or a fixed offset (`+08:00`).
  public init?(_ name: String) {
    if let t = parseTimeText("1970-01-01T00:00\(name)"), let o = t.offset, name.first == "+" || name.first == "-" {
      guard let tz = TimeZone(secondsFromGMT: o) else { return nil }
      timeZone = tz
      fixed = o
      periodStarts = .allocate(capacity: 0)
      periodOffsets = .allocate(capacity: 0)
      lastStart = .max
      return
    }
    // Names are matched exactly, then ignoring case (`utc`, `asia/shanghai`).
    let known = TimeZone(identifier: name) != nil ? name : TimeZone.knownTimeZoneIdentifiers.first { $0.lowercased() == name.lowercased() }
    guard let id = known ?? (name.lowercased() == "utc" ? "UTC" : nil), let tz = TimeZone(identifier: id) else { return nil }
    timeZone = tz
    let probe = [0.0, 1e9, 1.6e9, 1.8e9, -1e9].map { tz.secondsFromGMT(for: Date(timeIntervalSince1970: $0)) }
    fixed = Set(probe).count == 1 && tz.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: -2e9)) == nil ? probe[0] : nil
    let (starts, offsets) = fixed == nil ? Self.periods(tz) : ([], [])
    periodStarts = .allocate(capacity: starts.count)
    _ = periodStarts.initialize(from: starts)
    periodOffsets = .allocate(capacity: offsets.count)
    _ = periodOffsets.initialize(from: offsets)
    lastStart = starts.last ?? .max
  }

  /// The zone's periods of one offset between 1900 and 2100, from its transitions.
  static func periods(_ tz: TimeZone) -> ([Int64], [Int32]) {
    var starts = [periodsFrom]
    var offsets = [Int32(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(periodsFrom))))]
    var t = Date(timeIntervalSince1970: Double(periodsFrom))
    while let next = tz.nextDaylightSavingTimeTransition(after: t), next.timeIntervalSince1970 < Double(periodsTo), next > t {
      let o = Int32(tz.secondsFromGMT(for: next))
      if o != offsets.last {
        starts.append(Int64(next.timeIntervalSince1970.rounded(.down)))
        offsets.append(o)
      }
      t = next
    }
    return (starts, offsets)
  }

  deinit {
    periodStarts.deallocate()
    periodOffsets.deallocate()
  }

  /// UTC.
  public static let utc = Zone("UTC")!

  /// Seconds east of UTC at an instant given in seconds.
  public func offset(atSeconds t: Int64) -> Int {
    if let fixed { return fixed }
    if t >= Self.periodsFrom, t < Self.periodsTo {
      if t >= lastStart { return Int(periodOffsets[periodOffsets.count - 1]) }
      var lo = 0
      var hi = periodStarts.count
      while hi - lo > 1 {
        let mid = (lo + hi) / 2
        if periodStarts[mid] <= t { lo = mid } else { hi = mid }
      }
      return Int(periodOffsets[lo])
    }
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
