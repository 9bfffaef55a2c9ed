import Foundation

/// Resolves names and types: turns a parsed expression into a `Node` tree, or diagnostics.
/// It reads no data: only schemas.
@_spi(Stages) public struct Checker {
  let catalog: Catalog
  let zone: Zone
  private(set) var diagnostics: [Diagnostic] = []
  /// The name whose definition is being checked: never suggested for a misspelt name in it.
  var definingName: String?

  enum Level {
    case metric
    case row(Relation, DatasetSchema)
  }

  struct Context {
    var level: Level = .metric
    var grouping: [ByKey]? = nil
    var windowed = false
    var inlining: [String] = []
    var source: Source
    var depth = 0
    /// The source the `by` in force was written in, which its keys' ranges index.
    var groupingSource: Source? = nil
  }

  /// The type of each `by` key column seen so far in the `by` being checked, and its dataset.
  var groupKeyTypes: [String: (ValueType, String)] = [:]

  /// An error at a `by` key, where it is written.
  mutating func errorAtKey(_ key: ByKey, _ message: CheckMessage, _ ctx: Context, notes: [String] = []) {
    diagnostics.append(.error(message, ctx.groupingSource ?? ctx.source, key.range, notes: notes))
  }

  var tooDeep = false
  var relationCache: [String: Relation] = [:]

  /// A checker over a catalog's names, reading time literals in `zone`.
  public init(catalog: Catalog, zone: Zone) {
    self.catalog = catalog
    self.zone = zone
  }

  /// Checks a metric-level formula.
  public static func check(_ expr: Expr, in source: Source, catalog: Catalog, zone: Zone) -> Result<Node, TallyError> {
    var c = Checker(catalog: catalog, zone: zone)
    let node = c.check(expr, source)
    if let node, c.diagnostics.isEmpty { return .success(node) }
    return .failure(TallyError(c.diagnostics.isEmpty ? [.error(CheckMessage.invalidFormula, source, expr.range)] : c.diagnostics))
  }

  /// Checks a formula and records diagnostics.
  public mutating func check(_ expr: Expr, _ source: Source) -> Node? {
    let ctx = Context(source: source)
    return check(expr, ctx)
  }

  /// Checks a view's definition, returning its relation.
  public mutating func checkView(_ name: String, source: Source) -> Relation? {
    relation(named: name, Context(source: source), range: SourceRange(0, 0))
  }

  mutating func error(_ m: some DiagnosticMessage, _ ctx: Context, _ r: SourceRange, notes: [String] = []) {
    diagnostics.append(.error(m, ctx.source, r, notes: notes))
  }

  // MARK: Expressions

  /// The deepest checked tree, `let`s and metrics inlined, before a formula is refused.
  static let maxDepth = 160

  mutating func check(_ e: Expr, _ ctx0: Context) -> Node? {
    var ctx = ctx0
    ctx.depth += 1
    if ctx.depth > Checker.maxDepth {
      if !tooDeep {
        error(CheckMessage.tooDeepDefinitions(Checker.maxDepth), ctx, e.range)
        tooDeep = true
      }
      return nil
    }
    switch e.kind {
    case .literal(let l): return literal(l, e.range, ctx)
    case .name(let n): return name(n, e.range, ctx)
    case .member(let d, let c, let cr): return member(d, c, cr, e.range, ctx)
    case .negate(let x):
      guard let n = check(x, ctx) else { return nil }
      guard [.int, .number, .duration, .null].contains(n.type) else {
        error(CheckMessage.unaryMismatch("-", n.type.description), ctx, e.range)
        return nil
      }
      if case .interval(let d) = n.kind { return Node(.interval(d.negated), .duration, e.range) }
      return Node(.negate(n), n.type, e.range)
    case .not(let x):
      guard let n = check(x, ctx) else { return nil }
      guard n.type == .bool || n.type == .null else {
        error(CheckMessage.unaryMismatch("not", n.type.description), ctx, e.range)
        return nil
      }
      return Node(.not(n), .bool, e.range)
    case .binary(let op, let a, let b):
      let l = check(a, ctx)
      let r = check(b, ctx)
      guard let l, let r else { return nil }
      guard let t = binaryType(op, l.type, r.type) else {
        error(
          CheckMessage.typeMismatch(op.rawValue, l.type.description, r.type.description), ctx, e.range,
          notes: binaryHint(op, l.type, r.type))
        return nil
      }
      return Node(.binary(op, l, r), t, e.range)
    case .isNull(let x, let neg):
      guard let n = check(x, ctx) else { return nil }
      return Node(.isNull(n, negated: neg), .bool, e.range)
    case .inList(let x, let items, let neg):
      guard let n = check(x, ctx) else { return nil }
      var list: [Node] = []
      for it in items {
        guard let m = check(it, ctx) else { return nil }
        guard binaryType(.eq, n.type, m.type) != nil else {
          error(CheckMessage.typeMismatch("in", n.type.description, m.type.description), ctx, it.range)
          return nil
        }
        list.append(m)
      }
      return Node(.inList(n, list, negated: neg), .bool, e.range)
    case .call(let f, let args, let filter):
      if let agg = AggregateFunction(rawValue: f) { return aggregate(agg, args, filter, e.range, ctx) }
      if let fn = Function(rawValue: f) {
        if let filter {
          error(CheckMessage.whereOutsideAggregate(f), ctx, filter.range)
          return nil
        }
        return function(fn, args, e.range, ctx)
      }
      let all = AggregateFunction.allCases.map(\.rawValue) + Function.allCases.map(\.rawValue)
      error(CheckMessage.unknownFunction(f), ctx, SourceRange(e.range.start, e.range.start + f.utf8.count), notes: suggestion(f, in: all))
      return nil
    case .over(let x, let w):
      if case .row = ctx.level {
        error(CheckMessage.rowLevelClause, ctx, e.range)
        return nil
      }
      var inner = ctx
      inner.windowed = true
      guard let n = check(x, inner) else { return nil }
      return Node(.over(n, w), n.type, e.range)
    case .offset(let x, let d):
      if case .row = ctx.level {
        error(CheckMessage.rowLevelClause, ctx, e.range)
        return nil
      }
      guard let n = check(x, ctx) else { return nil }
      return Node(.offset(n, d), n.type, e.range)
    case .at(let x, let t):
      if case .row = ctx.level {
        error(CheckMessage.rowLevelClause, ctx, e.range)
        return nil
      }
      guard let inst = Instant(t) else {
        error(SyntaxMessage.badTimeLiteral(t), ctx, e.range)
        return nil
      }
      guard let n = check(x, ctx) else { return nil }
      return Node(.at(n, inst), n.type, e.range)
    case .by(let x, let keys):
      if case .row = ctx.level {
        error(CheckMessage.rowLevelClause, ctx, e.range)
        return nil
      }
      if ctx.grouping != nil {
        error(CheckMessage.nestedBy, ctx, e.range)
        return nil
      }
      var inner = ctx
      inner.grouping = keys
      inner.groupingSource = ctx.source
      groupKeyTypes = [:]
      guard let n = check(x, inner) else { return nil }
      return Node(.by(n, keys.map(\.key)), n.type, e.range)
    }
  }

}
