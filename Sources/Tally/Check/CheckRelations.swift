import Foundation

extension Checker {
  /// The relation of a dataset or view name.
  mutating func relation(named name: String, _ ctx: Context, range: SourceRange) -> Relation? {
    if let r = relationCache[name] { return r }
    if let ds = catalog.datasets[name] {
      let r = Relation(name: name, dataset: name, timeColumn: ds.timeColumn)
      relationCache[name] = r
      return r
    }
    guard let v = catalog.views[name] else { return nil }
    if ctx.inlining.contains(name) {
      error(CheckMessage.cycle(ctx.inlining + [name]), ctx, range)
      return nil
    }
    var inner = Context(source: v.source)
    inner.inlining = ctx.inlining + [name]
    guard var base = relation(named: v.base, inner, range: v.range) else {
      if catalog.views[v.base] == nil && catalog.datasets[v.base] == nil {
        let notes = suggestion(v.base, in: Array(catalog.datasets.keys) + Array(catalog.views.keys))
        // Under the base's name: `let paid = ordrs where ...`.
        let at = v.baseRange
        if catalog.values[v.base] != nil {
          error(CheckMessage.notAView(v.base), inner, at)
        } else {
          error(CheckMessage.unknownDataset(v.base), inner, at, notes: notes)
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
        error(CheckMessage.expectedType("a 'where' filter", want: "a bool", got: node.type.description), inner, f.range)
        return nil
      }
      if let old = base.filter {
        base.filter = Node(.binary(.and, old, node), .bool, node.range)
      } else {
        base.filter = node
      }
    }
    if let t = v.time {
      guard let ty = schema.type(of: t) else {
        error(
          CheckMessage.unknownColumn(t, in: base.dataset, qualified: false), inner, v.timeRange ?? v.range,
          notes: suggestion(t, in: schema.columns.map(\.name)))
        return nil
      }
      guard ty == .time || ty == .null else {
        error(CheckMessage.notTimeColumn(t, of: base.dataset, type: ty.description), inner, v.timeRange ?? v.range)
        return nil
      }
      base.timeColumn = t
    }
    relationCache[name] = base
    return base
  }

}
