import Foundation

/// An aggregate, in phases: which dataset it reads, whether the clauses around it fit that
/// dataset, its row formulas (argument and `where`), its parameter, its result type.
extension Checker {
  mutating func aggregate(_ f: AggregateFunction, _ args: [Expr], _ filter: Expr?, _ r: SourceRange, _ ctx: Context) -> Node? {
    if case .row(let outer, _) = ctx.level { return perRow(f, args, filter, r, outer, ctx) }
    if let first = args.first, isGrouped(first) { return overGroups(f, args, filter, r, ctx) }
    let arity = f == .percentile ? 2 : 1
    guard args.count == arity else {
      error(CheckMessage.argumentCount(f.rawValue, want: String(arity), got: args.count), ctx, r)
      return nil
    }
    var keys: [KeySource]?
    guard let (relationName, argument) = readsWhat(f, args[0], ctx),
      let named = whichDataset(f, relationName, args[0].range, argument, filter, r, ctx),
      let rel = relation(named: named, ctx, range: r), let schema = catalog.datasets[rel.dataset],
      clausesFit(rel, schema, r, ctx, keys: &keys)
    else { return nil }
    if f == .first || f == .last, rel.timeColumn == nil {
      error(
        CheckMessage.noTimeColumn(rel.name), ctx, r,
        notes: ["'\(f.rawValue)' takes the value at the \(f == .first ? "earliest" : "latest") time"] + timeColumnHint(schema, rel.name))
      return nil
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
      guard let fl = rowFilter(filter, rowCtx, ctx) else { return nil }
      filterNode = fl
    }
    var param: Double?
    if f == .percentile {
      guard let d = percentile(args[1], ctx) else { return nil }
      param = d
    }
    guard let resultType = resultType(f, argNode, args[0].range, ctx, rowCtx) else { return nil }
    var agg = Aggregate(function: f, relation: rel, argument: argNode, filter: filterNode, parameter: param)
    agg.keys = keys
    return Node(.aggregate(agg), resultType, r)
  }

  /// An aggregate inside the `where` of an aggregate over `outer`: evaluated once per row of
  /// `outer`, over the rows of its own dataset that refer to that row through its one link there.
  mutating func perRow(_ f: AggregateFunction, _ args: [Expr], _ filter: Expr?, _ r: SourceRange, _ outer: Relation, _ ctx: Context)
    -> Node?
  {
    var inner = ctx
    inner.level = .metric
    inner.grouping = nil
    inner.groupingSource = nil
    inner.rowClauses = []
    let saved = groupKeyTypes
    defer { groupKeyTypes = saved }
    guard let node = aggregate(f, args, filter, r, inner), case .aggregate(let a) = node.kind else { return nil }
    let links = catalog.links(from: a.relation.dataset).filter { $0.decl.to == outer.dataset }
    guard links.count == 1 else {
      if links.isEmpty, a.relation.dataset == outer.dataset {
        error(CheckMessage.aggregateInRow(f.rawValue), ctx, r)
      } else if links.isEmpty {
        let here = catalog.links(from: a.relation.dataset)
        error(
          LinkMessage.noLinkToRows(a.relation.name, outer.name), ctx, r,
          notes: here.isEmpty
            ? [
              "an aggregate per row of '\(outer.name)' reads the rows that refer to it; add 'link \(a.relation.dataset).COLUMN -> \(outer.dataset).KEY'"
            ]
            : ["the links of '\(a.relation.dataset)': \(here.map { "'\($0.decl.name)' (\($0.written))" }.joined(separator: ", "))"])
      } else {
        error(
          LinkMessage.severalLinks(a.relation.dataset, outer.dataset, links.map(\.decl.name)), ctx, r,
          notes: ["its links to '\(outer.dataset)': \(links.map { "'\($0.decl.name)' (\($0.written))" }.joined(separator: ", "))"])
      }
      return nil
    }
    let p = PerRow(aggregate: a, link: links[0].step, clauses: ctx.rowClauses, type: node.type)
    return Node(.perRow(p), node.type, r)
  }

  /// `count(DATASET)` reads the dataset it names and has no argument; any other aggregate
  /// reads its argument. Nil after an error.
  mutating func readsWhat(_ f: AggregateFunction, _ first: Expr, _ ctx: Context) -> (relation: String?, argument: Expr?)? {
    if case .name(let n) = first.kind, catalog.datasets[n] != nil || catalog.views[n] != nil {
      guard f == .count else {
        error(CheckMessage.aggregateNeedsColumn(f.rawValue, dataset: n), ctx, first.range)
        return nil
      }
      return (n, nil)
    }
    // `count(X)` with X neither a dataset nor any column: most likely a dataset not loaded.
    if f == .count, case .name(let n) = first.kind, catalog.values[n] == nil,
      !catalog.datasets.values.contains(where: { $0.type(of: n) != nil })
    {
      let names = Array(catalog.datasets.keys) + Array(catalog.views.keys)
      let notes = names.isEmpty ? ["no dataset is loaded; declare one with 'dataset \(n) from \"PATH\"'"] : suggestion(n, in: names)
      error(CheckMessage.unknownDataset(n), ctx, first.range, notes: notes)
      return nil
    }
    return (nil, first)
  }

  /// A `where` inside the aggregate: a boolean row formula.
  mutating func rowFilter(_ filter: Expr, _ rowCtx: Context, _ ctx: Context) -> Node? {
    guard let fl = check(filter, rowCtx) else { return nil }
    guard fl.type == .bool || fl.type == .null else {
      error(
        CheckMessage.expectedType("a 'where' filter", want: "a bool", got: fl.type.description), ctx, filter.range,
        notes: fl.type == .string
          ? [
            "compare it, as in \(filter.range.start == filter.range.end ? "x" : ctx.source.slice(filter.range.start..<filter.range.end)) = \"...\""
          ] : [])
      return nil
    }
    return fl
  }

  /// A percentile's fraction: a constant between 0 and 1.
  mutating func percentile(_ e: Expr, _ ctx: Context) -> Double? {
    guard let q = check(e, Context(source: ctx.source)), q.isConstant,
      case .scalar(let v)? = try? Constant.value(of: q, zone: zone), let d = v.double
    else {
      error(CheckMessage.percentileNotConstant, ctx, e.range)
      return nil
    }
    guard d >= 0 && d <= 1 else {
      error(CheckMessage.percentileRange, ctx, e.range)
      return nil
    }
    return d
  }

  /// What the aggregate gives, from the type of its argument (`count(DATASET)` counts rows);
  /// a type error says why a text column is text.
  mutating func resultType(_ f: AggregateFunction, _ argument: Node?, _ r: SourceRange, _ ctx: Context, _ rowCtx: Context) -> ValueType? {
    let t = argument?.type ?? .int
    let notes = textNotes([argument], rowCtx)
    switch f {
    case .count, .countDistinct: return .int
    case .sum:
      guard [.int, .number, .duration, .bool, .null].contains(t) else { return typeError(f, t, "a number or a duration", r, ctx, notes) }
      return t == .bool ? .int : t
    case .avg:
      guard [.int, .number, .duration, .bool, .null].contains(t) else { return typeError(f, t, "a number or a duration", r, ctx, notes) }
      return t == .duration || t == .null ? t : .number
    case .first, .last: return t
    case .min, .max:
      guard t != .bool else { return typeError(f, t, "a number, a time, a duration or a string", r, ctx, notes) }
      return t
    case .median, .percentile:
      guard [.int, .number, .duration, .time, .null].contains(t) else {
        return typeError(f, t, "a number, a duration or a time", r, ctx, notes)
      }
      return t == .int ? .number : t
    }
  }

  /// The dataset's `time` columns, to choose from.
  func timeColumnHint(_ schema: DatasetSchema, _ name: String) -> [String] {
    let times = schema.columns.filter { $0.type == .time }.map(\.name)
    guard let first = times.first else { return [] }
    return ["its time columns: \(times.map { "'\($0)'" }.joined(separator: ", ")); in the REPL, ':load PATH as \(name) time \(first)'"]
  }

  mutating func typeError(_ f: AggregateFunction, _ t: ValueType, _ want: String, _ r: SourceRange, _ ctx: Context, _ notes: [String])
    -> ValueType?
  {
    error(CheckMessage.expectedType("the argument of '\(f.rawValue)'", want: want, got: t.description), ctx, r, notes: notes)
    return nil
  }
}
