import Foundation
import Tally

extension ReplSession {
  /// A metric's status (`none` when its bounds cannot be evaluated and it has no target).
  func metricStatus(_ value: MetricValue, _ m: MetricDecl, _ source: Source) -> Status {
    guard let (target, warn) = try? session.bounds(of: m, in: source) else { return m.target == nil ? .none : .fail }
    return Session.status(value, target: target, warn: warn)
  }
}

/// `<= 1.5%`, as written.
func boundText(_ b: Bound?, _ source: Source) -> String {
  guard let b else { return "" }
  return "\(b.op.rawValue) \(source.slice(b.value.range.start..<b.value.range.end))"
}
