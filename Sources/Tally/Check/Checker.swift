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
    /// Inside an aggregate's `where`: the clauses in force for the aggregates per row below.
    var rowClauses: [RowClause] = []
    /// Inside an `every`: another one is refused.
    var inSeries = false
    /// Inside the argument of an aggregate over groups: the outer `by` keys, which the inner
    /// `by` puts before its own.
    var outerKeys: [ByKey]? = nil
  }

  /// The keys of the last `by` checked, with any outer keys first.
  var lastByKeys: [ByKey]?

  /// The type of each `by` key column seen so far in the `by` being checked, and its dataset.
  var groupKeyTypes: [String: (ValueType, String)] = [:]

  /// An error at a `by` key, where it is written.
  mutating func errorAtKey(_ key: ByKey, _ message: some DiagnosticMessage, _ ctx: Context, notes: [String] = []) {
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

  /// Why the text columns among `nodes` are text, from their files, when values of another
  /// type came first: notes for a type error (`'amount' is text because of 'abc' at m.csv:4`).
  func textNotes(_ nodes: [Node?], _ ctx: Context) -> [String] {
    guard case .row(_, let schema) = ctx.level else { return [] }
    return nodes.compactMap { n in
      // Only where values of another type came first: a column of names is plainly text.
      guard let n, case .column(let c) = n.kind, n.type == .string, let o = schema.textOrigins[c], o.after > 0 else { return nil }
      return "'\(c)' is text because of the value '\(o.value)' at \(schema.path):\(o.line)"
    }
  }

  mutating func error(_ m: some DiagnosticMessage, _ ctx: Context, _ r: SourceRange, notes: [String] = []) {
    diagnostics.append(.error(m, ctx.source, r, notes: notes))
  }

  // MARK: Expressions

  /// The deepest checked tree, `let`s and metrics inlined, before a formula is refused.
  static let maxDepth = 160

  /// Checks one node: a dispatcher to the rule for each kind of expression.
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
    case .member(let names, let ranges): return member(names, ranges, e.range, ctx)
    case .negate(let x): return negate(x, e.range, ctx)
    case .not(let x): return not(x, e.range, ctx)
    case .binary(let op, let a, let b): return binary(op, a, b, e.range, ctx)
    case .isNull(let x, let neg):
      guard let n = check(x, ctx) else { return nil }
      return Node(.isNull(n, negated: neg), .bool, e.range)
    case .inList(let x, let items, let neg): return inList(x, items, negated: neg, e.range, ctx)
    case .call(let f, let args, let filter): return call(f, args, filter, e.range, ctx)
    case .over(let x, let w): return over(x, w, e.range, ctx)
    case .offset(let x, let d): return offset(x, d, e.range, ctx)
    case .at(let x, let t): return at(x, t, e.range, ctx)
    case .by(let x, let keys): return by(x, keys, e.range, ctx)
    case .every(let x, let g, let w): return every(x, g, w, e.range, ctx)
    }
  }

}
