import Foundation

extension Checker {
  mutating func literal(_ l: Literal, _ r: SourceRange, _ ctx: Context) -> Node? {
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
        error(SyntaxMessage.badTimeLiteral(t), ctx, r)
        return nil
      }
      return Node(.literal(.time(zone.instant(tt))), .time, r)
    }
  }

  mutating func name(_ n: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    if case .row(let rel, let schema) = ctx.level {
      if let t = schema.type(of: n) { return Node(.column(n), t, r) }
      if catalog.values[n] != nil { return inline(n, r, ctx) }
      if n == "value" {
        error(CheckMessage.valueOutsideGroups, ctx, r)
        return nil
      }
      // Bare names never resolve through links; say which lookup would reach it.
      let through = reachableThroughLinks(n, from: rel.dataset)
      if let first = through.first {
        error(
          LinkMessage.onlyThroughLink(n, in: rel.name, path: first), ctx, r,
          notes: through.count > 1 ? ["it is also \(through.dropFirst().map { "'\($0)'" }.joined(separator: ", "))"] : [])
        return nil
      }
      // A column of another dataset: the aggregate reads this one because a qualified name says so.
      let elsewhere = catalog.datasets.values.filter { $0.type(of: n) != nil }.map(\.name).sorted()
      let near = suggestion(n, in: schema.columns.map(\.name) + ["true", "false", "null"])
      error(
        CheckMessage.unknownColumn(n, in: rel.name, qualified: false), ctx, r,
        notes: near.isEmpty && !elsewhere.isEmpty
          ? ["it is a column of \(elsewhere.map { "'\($0)'" }.joined(separator: ", ")); an aggregate reads one dataset, here '\(rel.name)'"]
          : near)
      return nil
    }
    if catalog.values[n] != nil { return inline(n, r, ctx) }
    if catalog.datasets[n] != nil || catalog.views[n] != nil {
      error(CheckMessage.datasetAsValue(n), ctx, r)
      return nil
    }
    if n == "value" {
      error(CheckMessage.valueOutsideGroups, ctx, r)
      return nil
    }
    let owners = catalog.datasets.values.filter { $0.type(of: n) != nil }.map(\.name).sorted()
    if !owners.isEmpty {
      error(CheckMessage.columnOutsideAggregate(n), ctx, r, notes: owners.count == 1 ? ["it is a column of '\(owners[0])'"] : [])
      return nil
    }
    let candidates = (catalog.allNames + Function.allCases.map(\.rawValue) + ["true", "false", "null"]).filter { $0 != definingName }
    error(CheckMessage.unknownName(n), ctx, r, notes: suggestion(n, in: candidates))
    return nil
  }

  /// A `let` or `metric` name: its formula, checked in place (so clauses around it apply inside).
  mutating func inline(_ n: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard let def = catalog.values[n] else { return nil }
    if ctx.inlining.contains(n) {
      error(CheckMessage.cycle(ctx.inlining.drop { $0 != n } + [n]), ctx, r)
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
      inner.groupingSource = nil
      inner.windowed = false
    }
    let before = diagnostics.count
    guard var node = check(def.expr, inner) else {
      if diagnostics.count == before { error(CheckMessage.definitionHasError(n), ctx, r) }
      return nil
    }
    if case .row = ctx.level, !node.isConstant {
      error(CheckMessage.notConstantInAggregate(n), ctx, r)
      return nil
    }
    node.range = r  // an inlined definition reports at the name that used it
    return node
  }

  mutating func member(_ names: [String], _ ranges: [SourceRange], _ r: SourceRange, _ ctx: Context) -> Node? {
    let d = names[0]
    guard case .row(let rel, let schema) = ctx.level else {
      if catalog.datasets[d] != nil || catalog.views[d] != nil {
        error(CheckMessage.columnOutsideAggregate(names.joined(separator: ".")), ctx, r)
      } else {
        error(
          CheckMessage.unknownDataset(d), ctx, ranges[0],
          notes: suggestion(d, in: Array(catalog.datasets.keys) + Array(catalog.views.keys) + catalog.links.map(\.decl.name)))
      }
      return nil
    }
    return lookup(names, ranges, r, rel, schema, ctx)
  }

}
