import Foundation
import Tally

/// A metric's status against its bounds: `pass` when the target holds, else `warn` when the
/// warn bound holds, else `fail`; `none` without a target; a null value with a target fails.
/// A grouped metric takes the worst status of its groups.
enum MetricStatus: String, Comparable {
  case none, pass, warn, fail

  static func < (a: MetricStatus, b: MetricStatus) -> Bool { a.rank < b.rank }
  private var rank: Int { [.none: 0, .pass: 1, .warn: 2, .fail: 3][self] ?? 0 }

  /// The status of a metric's value.
  static func of(_ value: MetricValue, _ m: MetricDecl, source: Source, session: Session) -> MetricStatus {
    guard let target = m.target else { return .none }
    guard let t = bound(target, source, session) else { return .fail }
    let w = m.warn.flatMap { bound($0, source, session) }
    func one(_ v: Value) -> MetricStatus {
      if holds(v, target.op, t) == true { return .pass }
      if let warn = m.warn, let w, holds(v, warn.op, w) == true { return .warn }
      return .fail
    }
    switch value {
    case .scalar(let v): return one(v)
    case .grouped(let g): return g.values.values.map(one).max() ?? one(g.fallback)
    }
  }

  /// A bound's constant value.
  static func bound(_ b: Bound, _ source: Source, _ session: Session) -> Value? {
    guard let ev = try? session.evaluate(b.value, in: source), case .scalar(let v) = ev.value else { return nil }
    return v
  }

  /// `<= 1.5%`, as written.
  static func text(_ b: Bound?, _ source: Source) -> String {
    guard let b else { return "" }
    return "\(b.op.rawValue) \(source.slice(b.value.range.start..<b.value.range.end))"
  }

  /// Whether `v OP bound` holds; nil when either is null or they do not compare.
  static func holds(_ v: Value, _ op: BinaryOp, _ b: Value) -> Bool? {
    let order: Int
    switch (v, b) {
    case (.null, _), (_, .null): return nil
    case (.duration(let x), .duration(let y)), (.time(let x), .time(let y)): order = x < y ? -1 : x == y ? 0 : 1
    case (.string(let x), .string(let y)): order = x < y ? -1 : x == y ? 0 : 1
    case (.bool(let x), .bool(let y)): order = x == y ? 0 : !x ? -1 : 1
    default:
      guard let x = v.double, let y = b.double else { return nil }
      order = x < y ? -1 : x == y ? 0 : 1
    }
    switch op {
    case .eq: return order == 0
    case .ne: return order != 0
    case .lt: return order < 0
    case .le: return order <= 0
    case .gt: return order > 0
    case .ge: return order >= 0
    default: return nil
    }
  }
}
