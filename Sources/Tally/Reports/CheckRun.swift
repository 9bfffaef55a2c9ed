import Foundation

extension Session {
  /// The status of a value: pass when the target holds, else warn when the warn bound holds,
  /// else fail; none without a target; a null value with a target fails.
  public static func status(_ v: Value, target: BoundValue?, warn: BoundValue?) -> Status {
    guard let target else { return .none }
    if v.isNull { return .fail }
    if target.holds(v) { return .pass }
    if let warn, warn.holds(v) { return .warn }
    return .fail
  }

  /// The status of a metric's value: a grouped value takes the worst status of its groups.
  public static func status(_ v: MetricValue, target: BoundValue?, warn: BoundValue?) -> Status {
    switch v {
    case .scalar(let s): return status(s, target: target, warn: warn)
    case .grouped(let g): return g.values.values.map { status($0, target: target, warn: warn) }.max() ?? (target == nil ? .none : .pass)
    }
  }

  /// A metric's `target` and `warn` bounds, evaluated (they are constants).
  public func bounds(of m: MetricDecl, in source: Source) throws -> (target: BoundValue?, warn: BoundValue?) {
    let target = try m.target.map { BoundValue(op: $0.op, value: try constant($0.value, in: source)) }
    let warn = try m.warn.map { BoundValue(op: $0.op, value: try constant($0.value, in: source)) }
    return (target, warn)
  }

  /// Seconds elapsed on the monotonic clock.
  private static func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }

  /// Evaluates every metric and assert defined so far, in definition order.
  public func runChecks() throws -> CheckReport {
    var metricResults: [MetricResult] = []
    for st in metrics {
      guard case .metric(let m) = st.kind else { continue }
      let started = ContinuousClock.now
      let e = try evaluate(m.expr, in: st.source)
      let (target, warn) = try bounds(of: m, in: st.source)
      let status = Session.status(e.value, target: target, warn: warn)
      metricResults.append(
        MetricResult(
          name: m.name, file: st.source.name, line: st.line, formula: st.source.slice(m.expr.range.start..<m.expr.range.end),
          description: m.description, format: m.format, value: e.value, status: status, target: target, warn: warn,
          seconds: Self.seconds(since: started)))
    }
    var assertResults: [AssertResult] = []
    for st in asserts {
      guard case .assert(let x) = st.kind else { continue }
      let started = ContinuousClock.now
      let e = try evaluate(x, in: st.source)
      let passed: Bool
      switch e.value {
      case .scalar(let v): passed = v == .bool(true)
      case .grouped(let g): passed = g.values.values.allSatisfy { $0 == .bool(true) }
      }
      assertResults.append(
        AssertResult(
          file: st.source.name, line: st.line, formula: st.source.slice(x.range.start..<x.range.end), value: e.value, passed: passed,
          seconds: Self.seconds(since: started)))
    }
    return CheckReport(asOf: resolvedAsOf, metrics: metricResults, asserts: assertResults, files: sourceOrder)
  }
}
