import Foundation

/// The type of a column or a value.
public enum ValueType: String, Sendable, Hashable, CustomStringConvertible {
  case int, number, bool, string, time, duration
  /// The type of a bare `null`: fits anywhere.
  case null

  /// The type with its article (`an int`, `a time`), for messages.
  public var description: String {
    switch self {
    case .int: return "an int"
    case .number: return "a number"
    case .bool: return "a bool"
    case .string: return "a string"
    case .time: return "a time"
    case .duration: return "a duration"
    case .null: return "null"
    }
  }
  var isNumeric: Bool { self == .int || self == .number }
}

/// A single value: an evaluation result, a literal, a group key.
public enum Value: Hashable, Sendable, CustomStringConvertible {
  case null
  case int(Int64)
  case number(Double)
  case bool(Bool)
  case string(String)
  /// Microseconds since the epoch.
  case time(Int64)
  /// Microseconds.
  case duration(Int64)

  /// True for `null`.
  public var isNull: Bool { if case .null = self { return true } else { return false } }

  /// Strings are equal only with the same code points (no normalization), unlike Swift's `String`.
  public static func == (a: Value, b: Value) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.int(let x), .int(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.bool(let x), .bool(let y)): return x == y
    case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
    case (.time(let x), .time(let y)): return x == y
    case (.duration(let x), .duration(let y)): return x == y
    default: return false
    }
  }

  /// Hashes strings by code point, consistent with `==`.
  public func hash(into h: inout Hasher) {
    switch self {
    case .null: h.combine(0)
    case .int(let x), .time(let x), .duration(let x): h.combine(x)
    case .number(let x): h.combine(x)
    case .bool(let x): h.combine(x)
    case .string(let x): h.combine(ExactString(x))
    }
  }

  /// The value as a Double, for numbers and ints.
  public var double: Double? {
    switch self {
    case .int(let v): return Double(v)
    case .number(let v): return v
    default: return nil
    }
  }

  /// Plain text: strings unquoted, times in ISO 8601 UTC, durations in seconds (`90s`).
  public var description: String {
    switch self {
    case .null: return "null"
    case .int(let v): return String(v)
    case .number(let v): return formatNumber(v)
    case .bool(let b): return String(b)
    case .string(let s): return s
    case .time(let t): return Zone.utc.iso(t)
    case .duration(let d): return "\(formatNumber(Double(d) / 1e6))s"
    }
  }

  /// Order for sorting group keys: numbers and times by value, strings by code point, null last.
  static func keyLess(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.null, _): return false
    case (_, .null): return true
    case (.string(let x), .string(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
    case (.bool(let x), .bool(let y)): return !x && y
    case (.int(let x), .int(let y)), (.time(let x), .time(let y)), (.duration(let x), .duration(let y)): return x < y
    default:
      if let x = a.double, let y = b.double { return x < y }
      return a.description < b.description
    }
  }
}

/// A string that equals another only with the same code points (Swift's `String` equality
/// would merge canonically equivalent strings, such as `é` and `e\u{301}`).
struct ExactString: Hashable {
  let string: String
  init(_ s: String) { string = s }
  static func == (a: ExactString, b: ExactString) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
  func hash(into h: inout Hasher) {
    var s = string
    s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}

extension Value {
  var naturalType: ValueType {
    switch self {
    case .null: return .null
    case .int: return .int
    case .number: return .number
    case .bool: return .bool
    case .string: return .string
    case .time: return .time
    case .duration: return .duration
    }
  }
}
