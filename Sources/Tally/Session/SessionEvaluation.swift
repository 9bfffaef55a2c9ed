import Foundation

extension Session {
  /// The whole pipeline for one formula: lex and parse, check names and types, plan it as of
  /// the session's as-of, then execute it on the engine. Stops at the first stage that fails,
  /// with every diagnostic of that stage.
  public func evaluate(_ text: String, sourceName: String = "<expr>") throws -> Evaluation {
    let source = Source(name: sourceName, text: text)
    let expr = try Pipeline.parse(source)
    return try evaluate(expr, in: source)
  }

  /// Checks and executes a parsed formula.
  public func evaluate(_ expr: Expr, in source: Source) throws -> Evaluation {
    try LargeStack.run { try self.evaluateHere(expr, in: source) }
  }

  private func evaluateHere(_ expr: Expr, in source: Source) throws -> Evaluation {
    let node = try check(expr, in: source)
    let asOf = resolvedAsOf
    let (value, notes) = try execute(node, asOf: asOf, source: source, range: expr.range)
    return Evaluation(asOf: asOf, value: value, type: node.type, format: format(of: expr), notes: notes)
  }

  /// Checks a formula without running it; returns its type.
  public func typeCheck(_ text: String, sourceName: String = "<expr>") throws -> ValueType {
    let source = Source(name: sourceName, text: text)
    let expr = try Pipeline.parse(source)
    return try LargeStack.run { try self.check(expr, in: source).type }
  }

  /// The checked plan of a formula, against the session's catalog.
  func check(_ expr: Expr, in source: Source) throws -> Node {
    statistics.formulasChecked += 1
    return try Pipeline.check(expr, in: source, catalog: state.catalog, zone: zone)
  }

  /// Runs a checked formula on the engine; an error found while computing (an integer
  /// overflow) points at the formula, and so do the notes on numbers that did not fit.
  func execute(_ node: Node, asOf: Int64, source: Source, range: SourceRange) throws -> (MetricValue, [Diagnostic]) {
    do {
      _ = RangeNotes.take()
      let value = try engine.execute(Plan(root: node, asOf: asOf))
      var notes = RangeNotes.take().map { Diagnostic.init(.note, ExecuteMessage.outOfRange($0), at: .source(source, range)) }
      notes += node.clausesWithoutEffect.map {
        Diagnostic(.note, CheckMessage.clauseWithoutEffect($0.clause, $0.inner), at: .source(source, range))
      }
      return (value, notes)
    } catch var e as TallyError {
      e.diagnostics = e.diagnostics.map { d in
        guard case .none = d.location, d.message(as: SessionMessage.self) != .interrupted else { return d }
        return d.moved(to: .source(source, range))
      }
      throw e
    }
  }

  /// A metric's format carries to the metric under clauses: `dispute_rate by week`.
  func format(of expr: Expr) -> ValueFormat? {
    var inner = expr
    while true {
      switch inner.kind {
      case .over(let x, _), .offset(let x, _), .at(let x, _), .by(let x, _):
        inner = x
        continue
      case .name(let n): return state.catalog.values[n]?.metric?.format
      default: return nil
      }
    }
  }

  /// The value of a formula that must give one value (a test's expected value and tolerance).
  func scalarValue(_ e: Expr, in source: Source) throws -> Value {
    let r = try evaluate(e, in: source)
    if case .scalar(let v) = r.value { return v }
    throw TallyError(.error(CheckMessage.groupedTarget, source, e.range))
  }

  /// A metric's `target` and `warn` bounds, evaluated (they are constants).
  public func bounds(of m: MetricDecl, in source: Source) throws -> (target: BoundValue?, warn: BoundValue?) {
    if let checked = state.checkedMetrics[m.name], state.catalog.values[m.name]?.source.text == source.text {
      return (checked.target, checked.warn)
    }
    var checker = Checker(catalog: state.catalog, zone: zone)
    let node = checker.check(m.expr, source)
    var problems: [Diagnostic] = []
    let target = m.target.flatMap { Definitions.bound($0, of: node, &checker, source, &problems) }
    let warn = m.warn.flatMap { Definitions.bound($0, of: node, &checker, source, &problems) }
    problems += checker.diagnostics
    if !problems.isEmpty { throw TallyError(problems) }
    return (target, warn)
  }
}
