import Foundation

/// A column's values: one contiguous typed buffer.
public enum ColumnData: Sendable {
  case int([Int64])
  case number([Double])
  case bool(Bitmap)
  /// Dictionary-coded strings: `codes[i]` indexes `dictionary`.
  case string(codes: [Int32], dictionary: [String])
  /// Microseconds since 1970-01-01T00:00:00Z.
  case time([Int64])
  /// Microseconds.
  case duration([Int64])

  var count: Int {
    switch self {
    case .int(let a), .time(let a), .duration(let a): return a.count
    case .number(let a): return a.count
    case .bool(let b): return b.count
    case .string(let c, _): return c.count
    }
  }
}

/// A typed vector of values with a validity mask: a loaded column or the result of a row expression.
public struct Vector: Sendable {
  /// The type of its values.
  public var type: ValueType
  /// The values, one slot per row, null rows included (see `valid`).
  public var data: ColumnData
  /// Bit i is set when row i is not null; nil when no value is null.
  public var valid: Bitmap?

  /// The number of rows.
  public var count: Int { data.count }

  /// True when row `i` is not null.
  @inline(__always) public func isValid(_ i: Int) -> Bool { valid?[i] ?? true }

  /// The value at row `i`, boxed (for output and tests, not hot loops).
  public func value(at i: Int) -> Value {
    guard isValid(i) else { return .null }
    switch data {
    case .int(let a): return .int(a[i])
    case .number(let a): return .number(a[i])
    case .bool(let b): return .bool(b[i])
    case .string(let codes, let dict): return .string(dict[Int(codes[i])])
    case .time(let a): return .time(a[i])
    case .duration(let a): return .duration(a[i])
    }
  }

  /// Number of null values.
  public var nullCount: Int { valid.map { count - $0.popcount } ?? 0 }
}
