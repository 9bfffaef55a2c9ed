import Foundation

/// An as-of instant as written: a day means the start of the next day in the session zone.
public enum Instant: Hashable, Sendable {
  case day(TimeText)
  case instant(TimeText)

  /// Parses `2024-06-30` or an instant, with or without the `@` of a time literal.
  public init?(_ text: String) {
    guard let t = parseTimeText(text.hasPrefix("@") ? String(text.dropFirst()) : text) else { return nil }
    self = t.hasTime || t.offset != nil ? .instant(t) : .day(t)
  }

  /// The exclusive end of time it stands for.
  public func resolve(_ zone: Zone) -> Int64 {
    switch self {
    case .instant(let t): return zone.instant(t)
    case .day(let t):
      // The start of the next day, even when a DST change skips its midnight.
      let end = zone.fromLocal((daysFromCivil(t.year, t.month, t.day) + 1) * Micros.day)
      return Time.inRange(end) ? end : Time.max
    }
  }
}
