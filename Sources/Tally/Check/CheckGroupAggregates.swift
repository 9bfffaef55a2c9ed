import Foundation

/// Aggregates over the groups of a grouped expression (section 10): `avg(dispute_rate by shop)`,
/// `count(count(paid) by buyer_id where value >= 2)`. The grouped expression is checked with the
/// outer `by` keys first; its `where` reads `value` and the keys.
extension Checker {
  /// Whether an aggregate's argument is a grouped expression: a `by` or a series, possibly
  /// under time clauses, or a `let` or metric whose formula is one.
  func isGrouped(_ e: Expr, _ seen: Set<String> = []) -> Bool {
    switch e.kind {
    case .by, .every: return true
    case .over(let x, _), .offset(let x, _), .at(let x, _): return isGrouped(x, seen)
    case .name(let n):
      guard !seen.contains(n), let def = catalog.values[n] else { return false }
      return isGrouped(def.expr, seen.union([n]))
    default: return false
    }
  }

  mutating func overGroups(_ f: AggregateFunction, _ args: [Expr], _ filter: Expr?, _ r: SourceRange, _ ctx: Context) -> Node? {
    if f == .first || f == .last {
      error(CheckMessage.firstOverGroups(f.rawValue), ctx, r)
      return nil
    }
    let arity = f == .percentile ? 2 : 1
    guard args.count == arity else {
      error(CheckMessage.argumentCount(f.rawValue, want: String(arity), got: args.count), ctx, r)
      return nil
    }
    let outer = ctx.grouping ?? []
    var inner = ctx
    inner.grouping = nil
    inner.groupingSource = nil
    inner.outerKeys = outer
    lastByKeys = nil
    guard let grouped = check(args[0], inner) else { return nil }
    guard let keys = lastByKeys else {
      error(CheckMessage.invalidFormula, ctx, args[0].range)
      return nil
    }
    if !outer.isEmpty, case .grain = keys.first?.key, grouped.isSeries {
      error(CheckMessage.seriesOverGroupsUnderBy, ctx, args[0].range)
      return nil
    }
    // The groups' rows: `value`, then each key with the type its aggregates gave it.
    var columns: [(name: String, type: ValueType)] = [("value", grouped.type)]
    for k in keys {
      switch k.key {
      case .grain: columns.append((k.key.name, .string))
      case .column(let c): columns.append((c, groupKeyTypes[c]?.0 ?? .null))
      }
    }
    var filterNode: Node?
    if let filter {
      let schema = DatasetSchema(name: "groups", columns: columns, timeColumn: nil)
      var rowCtx = ctx
      rowCtx.level = .row(Relation(name: "groups", dataset: Checker.groupsDataset, timeColumn: nil), schema)
      rowCtx.grouping = nil
      guard let fl = rowFilter(filter, rowCtx, ctx) else { return nil }
      filterNode = fl
    }
    var param: Double?
    if f == .percentile {
      guard let d = percentile(args[1], ctx) else { return nil }
      param = d
    }
    let valueNode = Node(.literal(.null), grouped.type, args[0].range)
    guard let resultType = resultType(f, valueNode, args[0].range, ctx, ctx) else { return nil }
    let g = GroupsAggregate(
      function: f, grouped: grouped, outerKeys: outer.count, filter: filterNode, parameter: param, valueType: grouped.type,
      keyTypes: columns.dropFirst().map(\.type))
    return Node(.overGroups(g), resultType, r)
  }

  /// The name of the rows an aggregate over groups reads, as its `where` sees them.
  static let groupsDataset = "\u{1}groups"
}
