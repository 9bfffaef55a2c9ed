import Foundation

/// The clauses `over`, `offset`, `at` and `by`: they apply to aggregates, so never inside one,
/// and set the context the aggregates below them are checked in.
extension Checker {
  /// Refuses a clause inside an aggregate.
  mutating func metricLevel(_ r: SourceRange, _ ctx: Context) -> Bool {
    if case .row = ctx.level {
      error(CheckMessage.rowLevelClause, ctx, r)
      return false
    }
    return true
  }

  /// A clause inside an aggregate's `where`: it applies to the aggregates per row in its
  /// parentheses (`(count(paid) over 28d) > 40`), and to nothing else.
  mutating func rowClause(_ x: Expr, _ clause: RowClause, _ r: SourceRange, _ ctx: Context) -> Node? {
    var inner = ctx
    inner.rowClauses.append(clause)
    if case .over = clause { inner.windowed = true }
    guard let n = check(x, inner) else { return nil }
    guard n.readsPerRow else {
      error(CheckMessage.rowLevelClause, ctx, r)
      return nil
    }
    return n
  }

  mutating func over(_ x: Expr, _ w: Window, _ r: SourceRange, _ ctx: Context) -> Node? {
    if case .row = ctx.level { return rowClause(x, .over(w), r, ctx) }
    var inner = ctx
    inner.windowed = true
    guard let n = check(x, inner) else { return nil }
    return Node(.over(n, w), n.type, r)
  }

  mutating func offset(_ x: Expr, _ d: DurationLiteral, _ r: SourceRange, _ ctx: Context) -> Node? {
    if case .row = ctx.level { return rowClause(x, .offset(d), r, ctx) }
    guard let n = check(x, ctx) else { return nil }
    return Node(.offset(n, d), n.type, r)
  }

  mutating func at(_ x: Expr, _ t: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard let inst = Instant(t) else {
      error(SyntaxMessage.badTimeLiteral(t), ctx, r)
      return nil
    }
    if case .row = ctx.level { return rowClause(x, .at(inst), r, ctx) }
    guard let n = check(x, ctx) else { return nil }
    return Node(.at(n, inst), n.type, r)
  }

  mutating func by(_ x: Expr, _ keys: [ByKey], _ r: SourceRange, _ ctx: Context) -> Node? {
    guard metricLevel(r, ctx) else { return nil }
    if ctx.grouping != nil {
      error(CheckMessage.nestedBy, ctx, r)
      return nil
    }
    // In an aggregate over groups, the outer `by`'s keys come first (`avg(count(paid) by buyer_id) by shop`).
    let all = (ctx.outerKeys ?? []) + keys
    var inner = ctx
    inner.grouping = all
    inner.groupingSource = ctx.source
    inner.outerKeys = nil
    groupKeyTypes = [:]
    guard let n = check(x, inner) else { return nil }
    lastByKeys = all
    return Node(.by(n, all.map(\.key)), n.type, r)
  }
}

extension Checker {
  /// Whether the clauses around an aggregate fit the dataset it reads: a window needs a time
  /// column; each `by` key a column of it or a lookup through its links (of one type across
  /// the aggregates) or, for a grain, a time column. `keys` is set to what it groups by.
  mutating func clausesFit(_ rel: Relation, _ schema: DatasetSchema, _ r: SourceRange, _ ctx: Context, keys: inout [KeySource]?) -> Bool {
    if ctx.windowed && rel.timeColumn == nil {
      error(CheckMessage.noTimeColumn(rel.name), ctx, r, notes: timeColumnHint(schema, rel.name))
      return false
    }
    guard let grouping = ctx.grouping else { return true }
    var resolved: [KeySource] = []
    for k in grouping {
      switch k.key {
      case .column(let c):
        guard let (source, t) = keySource(k, c, rel, schema, ctx) else { return false }
        if let (t0, d0) = groupKeyTypes[c], !(t0 == t || (t0.isNumeric && t.isNumeric) || t0 == .null || t == .null) {
          errorAtKey(k, CheckMessage.byKeyTypes(c, t0.description, d0, t.description, rel.name), ctx)
          return false
        }
        groupKeyTypes[c] = (t, rel.name)
        resolved.append(source)
      case .grain(let p):
        if rel.timeColumn == nil {
          error(
            CheckMessage.noTimeColumn(rel.name), ctx, r,
            notes: ["'by \(p.rawValue)' groups rows by their time column"] + timeColumnHint(schema, rel.name))
          return false
        }
        resolved.append(.grain(p))
      }
    }
    keys = resolved
    return true
  }

  /// What a `by` key groups an aggregate's rows by: its own column (`shop`, `orders.shop` in
  /// an aggregate over orders), or a lookup through its links (`orders.shop` over refunds).
  mutating func keySource(_ k: ByKey, _ c: String, _ rel: Relation, _ schema: DatasetSchema, _ ctx: Context) -> (KeySource, ValueType)? {
    var path = k.qualifier[...]
    if let first = path.first, first == rel.name || catalog.baseDataset(of: first) == rel.dataset,
      catalog.link(from: rel.dataset, named: first) == nil || first == rel.name
    {
      path = path.dropFirst()
    }
    if path.isEmpty {
      guard let t = schema.type(of: c) else {
        let through = reachableThroughLinks(c, from: rel.dataset)
        errorAtKey(
          k, CheckMessage.byColumnMissing(c, in: rel.name), ctx,
          notes: through.isEmpty
            ? suggestion(c, in: schema.columns.map(\.name) + Period.allCases.map(\.rawValue))
            : ["through a link it is \(through.map { "'\($0)'" }.joined(separator: ", ")): 'by \(through[0])'"])
        return nil
      }
      return (.column(c), t)
    }
    guard let steps = catalog.linkPath(from: rel.dataset, path), let target = steps.last.flatMap({ catalog.datasets[$0.to] }) else {
      let links = catalog.links(from: rel.dataset)
      errorAtKey(
        k, LinkMessage.keyNotReached(k.written, rel.name), ctx,
        notes: links.isEmpty
          ? ["'\(rel.dataset)' has no links; add one, as in 'link \(rel.dataset).COLUMN -> \(k.qualifier[0]).KEY'"]
          : ["the links of '\(rel.dataset)': \(links.map { "'\($0.decl.name)'" }.joined(separator: ", "))"])
      return nil
    }
    guard let t = target.type(of: c) else {
      errorAtKey(k, CheckMessage.byColumnMissing(c, in: target.name), ctx, notes: suggestion(c, in: target.columns.map(\.name)))
      return nil
    }
    return (.lookup(steps, c), t)
  }
}

extension Checker {
  /// `EXPR every GRAIN for W`: a series of EXPR, one point per grain back from the as-of.
  mutating func every(_ x: Expr, _ g: Period, _ w: DurationLiteral, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard metricLevel(r, ctx) else { return nil }
    if ctx.inSeries {
      error(CheckMessage.nestedSeries, ctx, r)
      return nil
    }
    guard w.months > 0 || w.days > 0 || w.micros > 0 else {
      error(CheckMessage.seriesSpan, ctx, r)
      return nil
    }
    var inner = ctx
    inner.inSeries = true
    lastByKeys = nil
    guard let n = check(x, inner) else { return nil }
    // As the argument of an aggregate over groups, its groups are the points, then any `by` keys.
    lastByKeys = [ByKey(.grain(g), r)] + (lastByKeys ?? [])
    return Node(.series(n, g, w), n.type, r)
  }
}
