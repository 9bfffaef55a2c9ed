import Foundation

/// A metric's status against its bounds.
public enum Status: String, Sendable, Comparable {
  case none, pass, warn, fail

  var rank: Int {
    switch self {
    case .none: return 0
    case .pass: return 1
    case .warn: return 2
    case .fail: return 3
    }
  }
  /// Orders by severity: none < pass < warn < fail.
  public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
}

/// A `target` or `warn` bound with its value.
public struct BoundValue: Sendable {
  /// The comparison a value must satisfy, as `value OP bound`.
  public var op: BinaryOp
  /// The bound, evaluated.
  public var value: Value
  /// Whether `v OP bound` holds (null never holds).
  public func holds(_ v: Value) -> Bool {
    if case .bool(true) = (try? Ops.binary(op, v, value)) ?? .null { return true }
    return false
  }
}
