import Foundation

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
