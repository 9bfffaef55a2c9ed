import Foundation

/// What the checker knows of a dataset: its columns and their types, its time column.
public struct DatasetSchema: Sendable {
  /// The name formulas use.
  public var name: String
  /// The columns in file order, with their types.
  public var columns: [(name: String, type: ValueType)]
  /// The column windows and the default as-of read: the declared one, else `Dataset.defaultTimeColumn`.
  public var timeColumn: String?
  /// Where it was declared, for diagnostics about its time column.
  public var declaration: (Source, SourceRange)?

  /// True when the columns are not known yet (a header-only check of a JSON Lines file): any name is accepted.
  public var open = false

  func type(of column: String) -> ValueType? { columns.first { $0.name == column }?.type ?? (open ? .null : nil) }
}

/// A `let NAME = DATASET [where PRED] [time COL]`.
public struct ViewDefinition: Sendable {
  /// The name formulas use for the view.
  public var name: String
  /// The dataset or view it narrows.
  public var base: String
  /// The `where` predicate, checked per row of the base; nil for none.
  public var filter: Expr?
  /// The `time` column it reads instead of the base's, if given.
  public var time: String?
  /// The source it was defined in; `filter`'s ranges index it.
  public var source: Source
  /// The range of the whole statement, for diagnostics.
  public var range: SourceRange
}

/// A `let NAME = EXPR` or a `metric`.
public struct ValueDefinition: Sendable {
  /// The name formulas use.
  public var name: String
  /// The defining expression, checked afresh wherever the name is used.
  public var expr: Expr
  /// The source it was defined in; `expr`'s ranges index it.
  public var source: Source
  /// The `metric` declaration, or nil for a `let`.
  public var metric: MetricDecl?
}

/// The names a formula can use.
public struct Catalog: Sendable {
  /// Loaded datasets' schemas, by name.
  public var datasets: [String: DatasetSchema] = [:]
  /// Views (`let NAME = DATASET ...`), by name.
  public var views: [String: ViewDefinition] = [:]
  /// `let` values and metrics, by name.
  public var values: [String: ValueDefinition] = [:]
  /// An empty catalog.
  public init() {}

  var allNames: [String] { Array(datasets.keys) + Array(views.keys) + Array(values.keys) }
}

/// Resolves names and types: turns a parsed expression into a `Node` tree, or diagnostics.
/// It reads no data: only schemas.
public struct Checker {
  let catalog: Catalog
  let zone: Zone
  private(set) var diagnostics: [Diagnostic] = []
  /// The name whose definition is being checked: never suggested for a misspelt name in it.
  var definingName: String?

  private enum Level {
    case metric
    case row(Relation, DatasetSchema)
  }

  private struct Context {
    var level: Level = .metric
    var grouping: [GroupKey]? = nil
    var windowed = false
    var inlining: [String] = []
    var source: Source
    var depth = 0
    /// Where the `by` in force was written, to point at its keys.
    var groupingSite: (Source, SourceRange)? = nil
  }

  /// The type of each `by` key column seen so far in the `by` being checked, and its dataset.
  private var groupKeyTypes: [String: (ValueType, String)] = [:]

  /// An error at a `by` key as written (found in the `by` clause's text), else at `fallback`.
  private mutating func errorAtKey(_ key: String, _ message: String, _ ctx: Context, fallback: SourceRange, notes: [String] = []) {
    if let (src, range) = ctx.groupingSite {
      let text = src.slice(range.start..<range.end)
      if let by = text.range(of: " by ", options: .backwards), let k = text.range(of: key, range: by.upperBound..<text.endIndex) {
        let start = range.start + text.utf8.distance(from: text.startIndex, to: k.lowerBound)
        diagnostics.append(.error(message, src, SourceRange(start, start + key.utf8.count), notes: notes))
        return
      }
    }
    error(message, ctx, fallback, notes: notes)
  }

  private var tooDeep = false

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
    return .failure(TallyError(c.diagnostics.isEmpty ? [.error(Message.invalidFormula, source, expr.range)] : c.diagnostics))
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

  private mutating func error(_ m: String, _ ctx: Context, _ r: SourceRange, notes: [String] = []) {
    diagnostics.append(.error(m, ctx.source, r, notes: notes))
  }

  // MARK: Relations

  private var relationCache: [String: Relation] = [:]

  /// The relation of a dataset or view name.
  private mutating func relation(named name: String, _ ctx: Context, range: SourceRange) -> Relation? {
    if let r = relationCache[name] { return r }
    if let ds = catalog.datasets[name] {
      let r = Relation(name: name, dataset: name, filter: nil, filterKey: "", timeColumn: ds.timeColumn)
      relationCache[name] = r
      return r
    }
    guard let v = catalog.views[name] else { return nil }
    if ctx.inlining.contains(name) {
      error(Message.cycle(ctx.inlining + [name]), ctx, range)
      return nil
    }
    var inner = Context(source: v.source)
    inner.inlining = ctx.inlining + [name]
    guard var base = relation(named: v.base, inner, range: v.range) else {
      if catalog.views[v.base] == nil && catalog.datasets[v.base] == nil {
        let notes = suggestion(v.base, in: Array(catalog.datasets.keys) + Array(catalog.views.keys))
        // Under the base's name: `let paid = ordrs where ...`.
        var at = v.range
        let text = v.source.slice(v.range.start..<v.range.end)
        if let eq = text.firstIndex(of: "="), let r = text.range(of: v.base, options: .literal, range: eq..<text.endIndex) {
          at = SourceRange(
            v.range.start + text.utf8.distance(from: text.startIndex, to: r.lowerBound),
            v.range.start + text.utf8.distance(from: text.startIndex, to: r.upperBound))
        }
        if catalog.values[v.base] != nil {
          error(Message.notAView(v.base), inner, at)
        } else {
          error(Message.unknownDataset(v.base), inner, at, notes: notes)
        }
      }
      return nil
    }
    guard let schema = catalog.datasets[base.dataset] else { return nil }
    base.name = name
    if let f = v.filter {
      var rowCtx = inner
      rowCtx.level = .row(base, schema)
      guard let node = check(f, rowCtx) else { return nil }
      guard node.type == .bool || node.type == .null else {
        error(Message.expectedType("a 'where' filter", "a bool", node.type.description), inner, f.range)
        return nil
      }
      if let old = base.filter {
        base.filter = Node(.binary(.and, old, node), .bool, node.range)
      } else {
        base.filter = node
      }
      base.filterKey = base.filter!.key
    }
    if let t = v.time {
      guard let ty = schema.type(of: t) else {
        error(Message.unknownColumn(t, base.dataset), inner, v.range, notes: suggestion(t, in: schema.columns.map(\.name)))
        return nil
      }
      guard ty == .time || ty == .null else {
        error(Message.notTimeColumn(t, base.dataset, ty.description), inner, v.range)
        return nil
      }
      base.timeColumn = t
    }
    relationCache[name] = base
    return base
  }

  // MARK: Expressions

  /// The deepest checked tree, `let`s and metrics inlined, before a formula is refused.
  static let maxDepth = 160

  private mutating func check(_ e: Expr, _ ctx0: Context) -> Node? {
    var ctx = ctx0
    ctx.depth += 1
    if ctx.depth > Checker.maxDepth {
      if !tooDeep {
        error(Message.tooDeepDefinitions(Checker.maxDepth), ctx, e.range)
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
        error(Message.unaryMismatch("-", n.type.description), ctx, e.range)
        return nil
      }
      if case .interval(let d) = n.kind { return Node(.interval(d.negated), .duration, e.range) }
      return Node(.negate(n), n.type, e.range)
    case .not(let x):
      guard let n = check(x, ctx) else { return nil }
      guard n.type == .bool || n.type == .null else {
        error(Message.unaryMismatch("not", n.type.description), ctx, e.range)
        return nil
      }
      return Node(.not(n), .bool, e.range)
    case .binary(let op, let a, let b):
      let l = check(a, ctx)
      let r = check(b, ctx)
      guard let l, let r else { return nil }
      guard let t = binaryType(op, l.type, r.type) else {
        error(
          Message.typeMismatch(op.rawValue, l.type.description, r.type.description), ctx, e.range, notes: binaryHint(op, l.type, r.type))
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
          error(Message.typeMismatch("in", n.type.description, m.type.description), ctx, it.range)
          return nil
        }
        list.append(m)
      }
      return Node(.inList(n, list, negated: neg), .bool, e.range)
    case .call(let f, let args, let filter):
      if let agg = AggregateFunction(rawValue: f) { return aggregate(agg, args, filter, e.range, ctx) }
      if let fn = Function(rawValue: f) {
        if let filter {
          error(Message.whereOutsideAggregate(f), ctx, filter.range)
          return nil
        }
        return function(fn, args, e.range, ctx)
      }
      let all = AggregateFunction.allCases.map(\.rawValue) + Function.allCases.map(\.rawValue)
      error(Message.unknownFunction(f), ctx, SourceRange(e.range.start, e.range.start + f.utf8.count), notes: suggestion(f, in: all))
      return nil
    case .over(let x, let w):
      if case .row = ctx.level {
        error(Message.rowLevelClause, ctx, e.range)
        return nil
      }
      var inner = ctx
      inner.windowed = true
      guard let n = check(x, inner) else { return nil }
      return Node(.over(n, w), n.type, e.range)
    case .offset(let x, let d):
      if case .row = ctx.level {
        error(Message.rowLevelClause, ctx, e.range)
        return nil
      }
      guard let n = check(x, ctx) else { return nil }
      return Node(.offset(n, d), n.type, e.range)
    case .at(let x, let t):
      if case .row = ctx.level {
        error(Message.rowLevelClause, ctx, e.range)
        return nil
      }
      guard let inst = Instant(t) else {
        error(Message.badTimeLiteral(t), ctx, e.range)
        return nil
      }
      guard let n = check(x, ctx) else { return nil }
      return Node(.at(n, inst), n.type, e.range)
    case .by(let x, let keys):
      if case .row = ctx.level {
        error(Message.rowLevelClause, ctx, e.range)
        return nil
      }
      if ctx.grouping != nil {
        error(Message.nestedBy, ctx, e.range)
        return nil
      }
      var inner = ctx
      inner.grouping = keys
      inner.groupingSite = (ctx.source, e.range)
      groupKeyTypes = [:]
      guard let n = check(x, inner) else { return nil }
      return Node(.by(n, keys), n.type, e.range)
    }
  }

  private mutating func literal(_ l: Literal, _ r: SourceRange, _ ctx: Context) -> Node? {
    switch l {
    case .integer(let v): return Node(.literal(.int(v)), .int, r)
    case .number(let v): return Node(.literal(.number(v)), .number, r)
    case .bool(let b): return Node(.literal(.bool(b)), .bool, r)
    case .string(let s): return Node(.literal(.string(s)), .string, r)
    case .null: return Node(.literal(.null), .null, r)
    case .duration(let d):
      if d.months == 0 && d.days == 0 { return Node(.literal(.duration(d.micros)), .duration, r) }
      return Node(.interval(d), .duration, r)
    case .time(let t):
      guard let tt = parseTimeText(t) else {
        error(Message.badTimeLiteral(t), ctx, r)
        return nil
      }
      return Node(.literal(.time(zone.instant(tt))), .time, r)
    }
  }

  private mutating func name(_ n: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    if case .row(let rel, let schema) = ctx.level {
      if let t = schema.type(of: n) { return Node(.column(n), t, r) }
      if catalog.values[n] != nil { return inline(n, r, ctx) }
      error(Message.unknownColumn(n, rel.name), ctx, r, notes: suggestion(n, in: schema.columns.map(\.name) + ["true", "false", "null"]))
      return nil
    }
    if catalog.values[n] != nil { return inline(n, r, ctx) }
    if catalog.datasets[n] != nil || catalog.views[n] != nil {
      error(Message.datasetAsValue(n), ctx, r)
      return nil
    }
    let owners = catalog.datasets.values.filter { $0.type(of: n) != nil }.map(\.name).sorted()
    if !owners.isEmpty {
      error(Message.columnOutsideAggregate(n), ctx, r, notes: owners.count == 1 ? ["it is a column of '\(owners[0])'"] : [])
      return nil
    }
    let candidates = (catalog.allNames + Function.allCases.map(\.rawValue) + ["true", "false", "null"]).filter { $0 != definingName }
    error(Message.unknownName(n), ctx, r, notes: suggestion(n, in: candidates))
    return nil
  }

  /// A `let` or `metric` name: its formula, checked in place (so clauses around it apply inside).
  private mutating func inline(_ n: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard let def = catalog.values[n] else { return nil }
    if ctx.inlining.contains(n) {
      error(Message.cycle(ctx.inlining.drop { $0 != n } + [n]), ctx, r)
      return nil
    }
    var inner = ctx
    inner.source = def.source
    inner.inlining.append(n)
    if case .row = ctx.level {
      // A value is a metric formula; inside an aggregate only a constant one may be used, and
      // one that aggregates is reported here, where it is used, not inside its definition.
      inner.level = .metric
      inner.grouping = nil
      inner.groupingSite = nil
      inner.windowed = false
    }
    let before = diagnostics.count
    guard var node = check(def.expr, inner) else {
      if diagnostics.count == before { error(Message.definitionHasError(n), ctx, r) }
      return nil
    }
    if case .row = ctx.level, !node.isConstant {
      error(Message.notConstantInAggregate(n), ctx, r)
      return nil
    }
    node.range = r  // an inlined definition reports at the name that used it
    return node
  }

  private mutating func member(_ d: String, _ c: String, _ cr: SourceRange, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard case .row(let rel, let schema) = ctx.level else {
      if catalog.datasets[d] != nil || catalog.views[d] != nil {
        error(Message.columnOutsideAggregate("\(d).\(c)"), ctx, r)
      } else {
        let dr = SourceRange(r.start, max(r.start, cr.start - 1))
        error(Message.unknownDataset(d), ctx, dr, notes: suggestion(d, in: Array(catalog.datasets.keys) + Array(catalog.views.keys)))
      }
      return nil
    }
    guard d == rel.name || d == rel.dataset else {
      error(Message.twoDatasets(rel.name, d), ctx, r)
      return nil
    }
    guard let t = schema.type(of: c) else {
      error(Message.unknownColumn(c, d), ctx, cr, notes: suggestion(c, in: schema.columns.map(\.name)))
      return nil
    }
    return Node(.column(c), t, r)
  }

  // MARK: Aggregates

  /// Names an aggregate's argument and filter mention: `d.c` dataset names and bare names.
  private func references(_ e: Expr, members: inout [(String, SourceRange)], bare: inout [(String, SourceRange)]) {
    switch e.kind {
    case .literal: break
    case .name(let n): bare.append((n, e.range))
    case .member(let d, _, _): members.append((d, e.range))
    case .negate(let x), .not(let x), .isNull(let x, _): references(x, members: &members, bare: &bare)
    case .binary(_, let a, let b):
      references(a, members: &members, bare: &bare)
      references(b, members: &members, bare: &bare)
    case .inList(let x, let l, _):
      references(x, members: &members, bare: &bare)
      for i in l { references(i, members: &members, bare: &bare) }
    case .call(let f, let args, let filter):
      if AggregateFunction(rawValue: f) != nil { return }
      for a in args { references(a, members: &members, bare: &bare) }
      if let filter { references(filter, members: &members, bare: &bare) }
    case .over(let x, _), .offset(let x, _), .at(let x, _), .by(let x, _): references(x, members: &members, bare: &bare)
    }
  }

  private mutating func aggregate(_ f: AggregateFunction, _ args: [Expr], _ filter: Expr?, _ r: SourceRange, _ ctx: Context) -> Node? {
    if case .row = ctx.level {
      error(Message.aggregateInRow(f.rawValue), ctx, r)
      return nil
    }
    let arity = f == .percentile ? 2 : 1
    guard args.count == arity else {
      error(Message.argumentCount(f.rawValue, String(arity), args.count), ctx, r)
      return nil
    }
    // Which relation does it read?
    var relationName: String?
    var argument: Expr? = args[0]
    if case .name(let n) = args[0].kind, catalog.datasets[n] != nil || catalog.views[n] != nil {
      relationName = n
      argument = nil
      if f != .count {
        error(Message.aggregateNeedsColumn(f.rawValue, n), ctx, args[0].range)
        return nil
      }
    }
    // `count(X)` with X neither a dataset nor any column: most likely a dataset not loaded.
    if f == .count, case .name(let n) = args[0].kind, relationName == nil,
      catalog.values[n] == nil, !catalog.datasets.values.contains(where: { $0.type(of: n) != nil })
    {
      let names = Array(catalog.datasets.keys) + Array(catalog.views.keys)
      let notes = names.isEmpty ? ["no dataset is loaded; declare one with 'dataset \(n) from \"PATH\"'"] : suggestion(n, in: names)
      error(Message.unknownDataset(n), ctx, args[0].range, notes: notes)
      return nil
    }
    var members: [(String, SourceRange)] = []
    var bare: [(String, SourceRange)] = []
    if let argument { references(argument, members: &members, bare: &bare) }
    if let filter { references(filter, members: &members, bare: &bare) }
    if let relationName { members.insert((relationName, args[0].range), at: 0) }
    for (d, dr) in members where catalog.datasets[d] == nil && catalog.views[d] == nil {
      // Under the dataset's name, not the whole `dataset.column`.
      let quoted = ctx.source.slice(dr.start..<min(dr.end, dr.start + 1)) == "`"
      let nameRange = SourceRange(dr.start, min(dr.end, dr.start + d.utf8.count + (quoted ? 2 : 0)))
      error(Message.unknownDataset(d), ctx, nameRange, notes: suggestion(d, in: Array(catalog.datasets.keys) + Array(catalog.views.keys)))
      return nil
    }
    var named = members.first?.0
    // A view is its base dataset for naming columns: `count(paid where orders.vip)` reads `paid`.
    for (d, dr) in members.dropFirst() where d != named! {
      let a = catalog.views[named!]?.base ?? named!
      let b = catalog.views[d]?.base ?? d
      if a != b || (catalog.views[named!] != nil && catalog.views[d] != nil) {
        error(Message.twoDatasets(named!, d), ctx, dr)
        return nil
      }
      if catalog.views[d] != nil { named = d }
    }
    if named == nil {
      // Infer the dataset from bare column names; a name in one dataset only decides first.
      var chosen: (String, String)?  // dataset, column
      let datasets = Array(catalog.datasets.values)
      let unique = bare.filter { n in datasets.filter { $0.type(of: n.0) != nil }.count == 1 }
      let rest = bare.filter { n in datasets.filter { $0.type(of: n.0) != nil }.count != 1 }
      for (n, nr) in unique + rest {
        let owners = catalog.datasets.values.filter { $0.type(of: n) != nil }.map(\.name).sorted()
        if owners.isEmpty {
          if catalog.values[n] != nil { continue }
          let allColumns = Set(catalog.datasets.values.flatMap { $0.columns.map(\.name) })
          error(
            Message.unknownColumnAnywhere(n), ctx, nr,
            notes: suggestion(n, in: allColumns.union(catalog.datasets.keys).union(catalog.views.keys)))
          return nil
        }
        if owners.count > 1 {
          if let c = chosen, owners.contains(c.0) { continue }
          error(Message.ambiguousColumn(n, owners), ctx, nr)
          return nil
        }
        if let c = chosen, c.0 != owners[0] {
          error(Message.twoDatasets(c.0, owners[0]), ctx, nr, notes: ["'\(c.1)' is in '\(c.0)', '\(n)' is in '\(owners[0])'"])
          return nil
        }
        chosen = (owners[0], n)
      }
      guard let c = chosen else {
        error(Message.noDatasetForAggregate(f.rawValue), ctx, r)
        return nil
      }
      named = c.0
    }
    guard let relName = named, let rel = relation(named: relName, ctx, range: r), let schema = catalog.datasets[rel.dataset] else {
      return nil
    }
    // Clauses around it must fit its dataset.
    if ctx.windowed && rel.timeColumn == nil {
      error(Message.noTimeColumn(rel.name), ctx, r, notes: timeColumnHint(schema, rel.name))
      return nil
    }
    if let keys = ctx.grouping {
      for k in keys {
        switch k {
        case .column(let c):
          guard let t = schema.type(of: c) else {
            errorAtKey(
              c, Message.byColumnMissing(c, rel.name), ctx, fallback: r,
              notes: suggestion(c, in: schema.columns.map(\.name) + Period.allCases.map(\.rawValue)))
            return nil
          }
          if let (t0, d0) = groupKeyTypes[c], !(t0 == t || (t0.isNumeric && t.isNumeric) || t0 == .null || t == .null) {
            errorAtKey(c, Message.byKeyTypes(c, t0.description, d0, t.description, rel.name), ctx, fallback: r)
            return nil
          }
          groupKeyTypes[c] = (t, rel.name)
        case .grain(let p):
          if rel.timeColumn == nil {
            error(
              Message.noTimeColumn(rel.name), ctx, r,
              notes: ["'by \(p.rawValue)' groups rows by their time column"] + timeColumnHint(schema, rel.name))
            return nil
          }
        }
      }
    }
    var rowCtx = ctx
    rowCtx.level = .row(rel, schema)
    var argNode: Node?
    if let argument {
      guard let a = check(argument, rowCtx) else { return nil }
      argNode = a
    }
    var filterNode: Node?
    if let filter {
      guard let fl = check(filter, rowCtx) else { return nil }
      guard fl.type == .bool || fl.type == .null else {
        error(
          Message.expectedType("a 'where' filter", "a bool", fl.type.description), ctx, filter.range,
          notes: fl.type == .string
            ? [
              "compare it, as in \(filter.range.start == filter.range.end ? "x" : ctx.source.slice(filter.range.start..<filter.range.end)) = \"...\""
            ] : [])
        return nil
      }
      filterNode = fl
    }
    var param: Double?
    if f == .percentile {
      guard let q = check(args[1], Context(source: ctx.source)), q.isConstant,
        case .scalar(let v)? = try? Executor(datasets: [:], zone: zone).evaluate(q, asOf: 0), let d = v.double
      else {
        error(Message.percentileNotConstant, ctx, args[1].range)
        return nil
      }
      guard d >= 0 && d <= 1 else {
        error(Message.percentileRange, ctx, args[1].range)
        return nil
      }
      param = d
    }
    let t = argNode?.type ?? .int
    let resultType: ValueType
    switch f {
    case .count, .countDistinct: resultType = .int
    case .sum:
      guard [.int, .number, .duration, .bool, .null].contains(t) else {
        return typeError(f, t, "a number or a duration", args[0].range, ctx)
      }
      resultType = t == .bool ? .int : t
    case .avg:
      guard [.int, .number, .duration, .bool, .null].contains(t) else {
        return typeError(f, t, "a number or a duration", args[0].range, ctx)
      }
      resultType = t == .duration || t == .null ? t : .number
    case .min, .max:
      guard t != .bool else { return typeError(f, t, "a number, a time, a duration or a string", args[0].range, ctx) }
      resultType = t
    case .median, .percentile:
      guard [.int, .number, .duration, .time, .null].contains(t) else {
        return typeError(f, t, "a number, a duration or a time", args[0].range, ctx)
      }
      resultType = t == .int ? .number : t
    }
    let agg = Aggregate(function: f, relation: rel, argument: argNode, filter: filterNode, parameter: param)
    return Node(.aggregate(agg), resultType, r)
  }

  /// The dataset's `time` columns, to choose from.
  private func timeColumnHint(_ schema: DatasetSchema, _ name: String) -> [String] {
    let times = schema.columns.filter { $0.type == .time }.map(\.name)
    guard let first = times.first else { return [] }
    return ["its time columns: \(times.map { "'\($0)'" }.joined(separator: ", ")); in the REPL, ':load PATH as \(name) time \(first)'"]
  }

  private mutating func typeError(_ f: AggregateFunction, _ t: ValueType, _ want: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    error(Message.expectedType("the argument of '\(f.rawValue)'", want, t.description), ctx, r)
    return nil
  }

  // MARK: Functions

  private mutating func function(_ f: Function, _ args: [Expr], _ r: SourceRange, _ ctx: Context) -> Node? {
    var nodes: [Node] = []
    var failed = false
    for a in args {
      if let n = check(a, ctx) { nodes.append(n) } else { failed = true }
    }
    if failed { return nil }
    func arity(_ lo: Int, _ hi: Int) -> Bool {
      guard nodes.count >= lo && nodes.count <= hi else {
        let want = lo == hi ? String(lo) : hi == Int.max ? "\(lo) or more" : "\(lo) to \(hi)"
        error(Message.argumentCount(f.rawValue, want, nodes.count), ctx, r)
        return false
      }
      return true
    }
    func want(_ i: Int, _ types: [ValueType], _ what: String) -> Bool {
      let t = nodes[i].type
      if t == .null || types.contains(t) { return true }
      error(Message.expectedType("argument \(i + 1) of '\(f.rawValue)'", what, t.description), ctx, nodes[i].range)
      return false
    }
    let type: ValueType
    switch f {
    case .seconds, .minutes, .hours, .days:
      guard arity(1, 1), want(0, [.duration], "a duration") else { return nil }
      type = .number
    case .abs:
      guard arity(1, 1), want(0, [.int, .number, .duration], "a number or a duration") else { return nil }
      type = nodes[0].type
    case .round:
      guard arity(1, 2), want(0, [.int, .number], "a number") else { return nil }
      if nodes.count == 2 { guard want(1, [.int], "an int") else { return nil } }
      type = nodes[0].type == .int ? .int : .number
    case .floor, .ceil:
      guard arity(1, 1), want(0, [.int, .number], "a number") else { return nil }
      type = nodes[0].type == .int ? .int : .number
    case .least, .greatest, .coalesce:
      guard arity(1, Int.max) else { return nil }
      var t = ValueType.null
      for n in nodes {
        guard let c = commonType(t, n.type) else {
          error(Message.expectedType("every argument of '\(f.rawValue)'", t.description, n.type.description), ctx, n.range)
          return nil
        }
        t = c
      }
      type = t
    case .if:
      guard arity(3, 3), want(0, [.bool], "a bool") else { return nil }
      guard let t = commonType(nodes[1].type, nodes[2].type) else {
        error(
          Message.expectedType("both branches of 'if'", "of one type", "\(nodes[1].type.description) and \(nodes[2].type.description)"),
          ctx, r)
        return nil
      }
      type = t
    case .lower, .upper:
      guard arity(1, 1), want(0, [.string], "a string") else { return nil }
      type = .string
    case .length:
      guard arity(1, 1), want(0, [.string], "a string") else { return nil }
      type = .int
    case .contains, .startsWith, .endsWith:
      guard arity(2, 2), want(0, [.string], "a string"), want(1, [.string], "a string") else { return nil }
      type = .bool
    case .date:
      guard arity(1, 1), want(0, [.time], "a time") else { return nil }
      type = .time
    case .hour, .weekday:
      guard arity(1, 1), want(0, [.time], "a time") else { return nil }
      type = .int
    }
    return Node(.call(f, nodes), type, r)
  }
}

/// The type two values share, for `coalesce`, `if`, `least`, `greatest`.
func commonType(_ a: ValueType, _ b: ValueType) -> ValueType? {
  if a == .null { return b }
  if b == .null { return a }
  if a == b { return a }
  if a.isNumeric && b.isNumeric { return .number }
  return nil
}

/// The result type of a binary operator, or nil when the operands do not fit.
func binaryType(_ op: BinaryOp, _ l: ValueType, _ r: ValueType) -> ValueType? {
  switch op {
  case .and, .or:
    return (l == .bool || l == .null) && (r == .bool || r == .null) ? .bool : nil
  case .eq, .ne, .lt, .le, .gt, .ge:
    if l == .null || r == .null || l == r || (l.isNumeric && r.isNumeric) { return .bool }
    return nil
  case .add, .sub:
    switch (l, r) {
    case (.int, .int): return .int
    case (.null, .null): return .null
    case (.time, .time): return op == .sub ? .duration : nil
    case (.time, .duration), (.time, .null): return .time
    case (.duration, .time): return op == .add ? .time : nil
    case (.null, .time): return op == .add ? .time : nil
    case (.duration, .duration), (.duration, .null), (.null, .duration): return .duration
    default:
      if (l.isNumeric || l == .null) && (r.isNumeric || r == .null) {
        return l == .int || r == .int ? (l == .number || r == .number ? .number : .int) : .number
      }
      return nil
    }
  case .mul:
    switch (l, r) {
    case (.duration, .int), (.duration, .number), (.int, .duration), (.number, .duration), (.duration, .null), (.null, .duration):
      return .duration
    case (.int, .int), (.int, .null), (.null, .int): return .int
    case (.null, .null): return .null
    default: return (l.isNumeric || l == .null) && (r.isNumeric || r == .null) ? .number : nil
    }
  case .div:
    switch (l, r) {
    case (.duration, .int), (.duration, .number), (.duration, .null): return .duration
    case (.duration, .duration): return .number
    default: return (l.isNumeric || l == .null) && (r.isNumeric || r == .null) ? .number : nil
    }
  }
}

func binaryHint(_ op: BinaryOp, _ l: ValueType, _ r: ValueType) -> [String] {
  if (l == .time && r.isNumeric) || (r == .time && l.isNumeric) {
    return ["a time combines with a duration (as in 24h) or another time"]
  }
  if l == .duration && r.isNumeric && op.isComparison {
    return ["compare a duration with a duration, as in 24h, or convert it with hours(...)"]
  }
  if l == .string && r.isNumeric || r == .string && l.isNumeric {
    return ["a string is not a number; compare it with a string in quotes"]
  }
  return []
}
