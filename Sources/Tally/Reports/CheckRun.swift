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
    // No groups at all (an empty export) is no evidence that a target holds.
    case .grouped(let g): return g.values.values.map { status($0, target: target, warn: warn) }.max() ?? (target == nil ? .none : .fail)
    }
  }

  /// Seconds elapsed on the monotonic clock.
  static func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }

  /// Evaluates every metric and assert defined so far, in definition order, as of one
  /// as-of, reusing the plans and bounds of the check stage.
  public func runChecks() throws -> CheckReport {
    try LargeStack.run { try self.runChecksHere() }
  }

  private func runChecksHere() throws -> CheckReport {
    let asOf = resolvedAsOf
    var notes: [Diagnostic] = defaultAsOfNote().map { [$0] } ?? []
    var metricResults: [MetricResult] = []
    for st in metrics {
      guard case .metric(let m) = st.kind else { continue }
      let started = ContinuousClock.now
      let checked = try state.checkedMetrics[m.name] ?? checkedMetric(m, st.source)
      let (value, metricNotes) = try execute(checked.plan, asOf: asOf, source: st.source, range: m.expr.range)
      notes += metricNotes
      let status = Session.status(value, target: checked.target, warn: checked.warn)
      metricResults.append(
        MetricResult(
          name: m.name, file: st.source.name, line: st.line, formula: st.source.slice(m.expr.range.start..<m.expr.range.end),
          description: m.description, format: m.format, value: value, status: status, target: checked.target, warn: checked.warn,
          seconds: Self.seconds(since: started)))
    }
    var assertResults: [AssertResult] = []
    for st in asserts {
      guard case .assert(let x) = st.kind else { continue }
      let started = ContinuousClock.now
      let plan = try state.checkedAsserts[.init(st)] ?? check(x, in: st.source)
      let (value, assertNotes) = try execute(plan, asOf: asOf, source: st.source, range: x.range)
      notes += assertNotes
      let passed: Bool
      switch value {
      case .scalar(let v): passed = v == .bool(true)
      case .grouped(let g): passed = g.values.values.allSatisfy { $0 == .bool(true) }
      }
      assertResults.append(
        AssertResult(
          file: st.source.name, line: st.line, formula: st.source.slice(x.range.start..<x.range.end), value: value, passed: passed,
          seconds: Self.seconds(since: started)))
    }
    return CheckReport(asOf: asOf, metrics: metricResults, asserts: assertResults, files: sourceOrder, notes: notes)
  }

  /// A metric checked now: for one whose plan the check stage did not keep (a REPL session
  /// that changed a name since).
  private func checkedMetric(_ m: MetricDecl, _ source: Source) throws -> CheckedMetric {
    let plan = try check(m.expr, in: source)
    let (target, warn) = try bounds(of: m, in: source)
    return CheckedMetric(plan: plan, target: target, warn: warn)
  }
}
