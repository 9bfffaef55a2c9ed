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
