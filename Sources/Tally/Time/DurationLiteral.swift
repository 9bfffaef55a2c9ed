import Foundation

/// A duration as written: calendar months and days plus a fixed part.
public struct DurationLiteral: Hashable, Sendable, CustomStringConvertible {
  /// Calendar months (a year is 12).
  public var months: Int
  /// Calendar days (a week is 7), in the session time zone.
  public var days: Int
  /// A fixed number of microseconds.
  public var micros: Int64

  /// A duration of calendar months and days plus fixed microseconds.
  public init(months: Int = 0, days: Int = 0, micros: Int64 = 0) {
    self.months = months
    self.days = days
    self.micros = micros
  }

  /// The length in microseconds where a fixed length is needed: a day is 24 h,
  /// a month 30 days, a year 365.25 days (as PostgreSQL's `extract(epoch ...)`).
  public var fixedMicros: Int64 {
    let day: Int64 = 86_400_000_000
    let years = Int64(months / 12)
    let rest = Int64(months % 12)
    return years * (day * 365 + day / 4) + rest * 30 * day + Int64(days) * day + micros
  }

  /// The same duration with every part negated.
  public var negated: DurationLiteral { DurationLiteral(months: -months, days: -days, micros: -micros) }
  /// True when every part is zero.
  public var isZero: Bool { months == 0 && days == 0 && micros == 0 }

  /// A compact text, largest unit first: `1y`, `3mo 2w`, `36h`, `1.5s`.
  public var description: String {
    var parts: [String] = []
    if months != 0 { parts.append(months % 12 == 0 ? "\(months / 12)y" : "\(months)mo") }
    if days != 0 { parts.append(days % 7 == 0 ? "\(days / 7)w" : "\(days)d") }
    if micros != 0 || parts.isEmpty {
      let s = Double(micros) / 1e6
      if micros % 3_600_000_000 == 0 {
        parts.append("\(micros / 3_600_000_000)h")
      } else if micros % 60_000_000 == 0 {
        parts.append("\(micros / 60_000_000)m")
      } else {
        parts.append("\(formatNumber(s))s")
      }
    }
    return parts.joined(separator: " ")
  }
}
