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

  mutating func over(_ x: Expr, _ w: Window, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard metricLevel(r, ctx) else { return nil }
    var inner = ctx
    inner.windowed = true
    guard let n = check(x, inner) else { return nil }
    return Node(.over(n, w), n.type, r)
  }

  mutating func offset(_ x: Expr, _ d: DurationLiteral, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard metricLevel(r, ctx) else { return nil }
    guard let n = check(x, ctx) else { return nil }
    return Node(.offset(n, d), n.type, r)
  }

  mutating func at(_ x: Expr, _ t: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard metricLevel(r, ctx) else { return nil }
    guard let inst = Instant(t) else {
      error(SyntaxMessage.badTimeLiteral(t), ctx, r)
      return nil
    }
    guard let n = check(x, ctx) else { return nil }
    return Node(.at(n, inst), n.type, r)
  }

  mutating func by(_ x: Expr, _ keys: [ByKey], _ r: SourceRange, _ ctx: Context) -> Node? {
    guard metricLevel(r, ctx) else { return nil }
    if ctx.grouping != nil {
      error(CheckMessage.nestedBy, ctx, r)
      return nil
    }
    var inner = ctx
    inner.grouping = keys
    inner.groupingSource = ctx.source
    groupKeyTypes = [:]
    guard let n = check(x, inner) else { return nil }
    return Node(.by(n, keys.map(\.key)), n.type, r)
  }
}

extension Checker {
  /// Whether the clauses around an aggregate fit the dataset it reads: a window needs a time
  /// column; each `by` key a column (of one type across the aggregates) or, for a grain, a
  /// time column.
  mutating func clausesFit(_ rel: Relation, _ schema: DatasetSchema, _ r: SourceRange, _ ctx: Context) -> Bool {
    if ctx.windowed && rel.timeColumn == nil {
      error(CheckMessage.noTimeColumn(rel.name), ctx, r, notes: timeColumnHint(schema, rel.name))
      return false
    }
    for k in ctx.grouping ?? [] {
      switch k.key {
      case .column(let c):
        guard let t = schema.type(of: c) else {
          errorAtKey(
            k, CheckMessage.byColumnMissing(c, in: rel.name), ctx,
            notes: suggestion(c, in: schema.columns.map(\.name) + Period.allCases.map(\.rawValue)))
          return false
        }
        if let (t0, d0) = groupKeyTypes[c], !(t0 == t || (t0.isNumeric && t.isNumeric) || t0 == .null || t == .null) {
          errorAtKey(k, CheckMessage.byKeyTypes(c, t0.description, d0, t.description, rel.name), ctx)
          return false
        }
        groupKeyTypes[c] = (t, rel.name)
      case .grain(let p):
        if rel.timeColumn == nil {
          error(
            CheckMessage.noTimeColumn(rel.name), ctx, r,
            notes: ["'by \(p.rawValue)' groups rows by their time column"] + timeColumnHint(schema, rel.name))
          return false
        }
      }
    }
    return true
  }
}
