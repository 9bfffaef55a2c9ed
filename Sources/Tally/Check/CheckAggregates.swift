import Foundation

extension Checker {
  /// Names an aggregate's argument and filter mention: `d.c` dataset names and bare names.
  func references(_ e: Expr, members: inout [(String, SourceRange)], bare: inout [(String, SourceRange)]) {
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

  mutating func aggregate(_ f: AggregateFunction, _ args: [Expr], _ filter: Expr?, _ r: SourceRange, _ ctx: Context) -> Node? {
    if case .row = ctx.level {
      error(CheckMessage.aggregateInRow(f.rawValue), ctx, r)
      return nil
    }
    let arity = f == .percentile ? 2 : 1
    guard args.count == arity else {
      error(CheckMessage.argumentCount(f.rawValue, want: String(arity), got: args.count), ctx, r)
      return nil
    }
    // Which relation does it read?
    var relationName: String?
    var argument: Expr? = args[0]
    if case .name(let n) = args[0].kind, catalog.datasets[n] != nil || catalog.views[n] != nil {
      relationName = n
      argument = nil
      if f != .count {
        error(CheckMessage.aggregateNeedsColumn(f.rawValue, dataset: n), ctx, args[0].range)
        return nil
      }
    }
    // `count(X)` with X neither a dataset nor any column: most likely a dataset not loaded.
    if f == .count, case .name(let n) = args[0].kind, relationName == nil,
      catalog.values[n] == nil, !catalog.datasets.values.contains(where: { $0.type(of: n) != nil })
    {
      let names = Array(catalog.datasets.keys) + Array(catalog.views.keys)
      let notes = names.isEmpty ? ["no dataset is loaded; declare one with 'dataset \(n) from \"PATH\"'"] : suggestion(n, in: names)
      error(CheckMessage.unknownDataset(n), ctx, args[0].range, notes: notes)
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
      error(
        CheckMessage.unknownDataset(d), ctx, nameRange, notes: suggestion(d, in: Array(catalog.datasets.keys) + Array(catalog.views.keys)))
      return nil
    }
    var named = members.first?.0
    // A view is its base dataset for naming columns: `count(paid where orders.vip)` reads `paid`.
    for (d, dr) in members.dropFirst() where d != named! {
      let a = catalog.views[named!]?.base ?? named!
      let b = catalog.views[d]?.base ?? d
      if a != b || (catalog.views[named!] != nil && catalog.views[d] != nil) {
        error(CheckMessage.twoDatasets(named!, d), ctx, dr)
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
            CheckMessage.unknownColumnAnywhere(n), ctx, nr,
            notes: suggestion(n, in: allColumns.union(catalog.datasets.keys).union(catalog.views.keys)))
          return nil
        }
        if owners.count > 1 {
          if let c = chosen, owners.contains(c.0) { continue }
          error(CheckMessage.ambiguousColumn(n, datasets: owners), ctx, nr)
          return nil
        }
        if let c = chosen, c.0 != owners[0] {
          error(CheckMessage.twoDatasets(c.0, owners[0]), ctx, nr, notes: ["'\(c.1)' is in '\(c.0)', '\(n)' is in '\(owners[0])'"])
          return nil
        }
        chosen = (owners[0], n)
      }
      guard let c = chosen else {
        error(CheckMessage.noDatasetForAggregate(f.rawValue), ctx, r)
        return nil
      }
      named = c.0
    }
    guard let relName = named, let rel = relation(named: relName, ctx, range: r), let schema = catalog.datasets[rel.dataset] else {
      return nil
    }
    // Clauses around it must fit its dataset.
    if ctx.windowed && rel.timeColumn == nil {
      error(CheckMessage.noTimeColumn(rel.name), ctx, r, notes: timeColumnHint(schema, rel.name))
      return nil
    }
    if let keys = ctx.grouping {
      for k in keys {
        switch k.key {
        case .column(let c):
          guard let t = schema.type(of: c) else {
            errorAtKey(
              k, CheckMessage.byColumnMissing(c, in: rel.name), ctx,
              notes: suggestion(c, in: schema.columns.map(\.name) + Period.allCases.map(\.rawValue)))
            return nil
          }
          if let (t0, d0) = groupKeyTypes[c], !(t0 == t || (t0.isNumeric && t.isNumeric) || t0 == .null || t == .null) {
            errorAtKey(k, CheckMessage.byKeyTypes(c, t0.description, d0, t.description, rel.name), ctx)
            return nil
          }
          groupKeyTypes[c] = (t, rel.name)
        case .grain(let p):
          if rel.timeColumn == nil {
            error(
              CheckMessage.noTimeColumn(rel.name), ctx, r,
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
          CheckMessage.expectedType("a 'where' filter", want: "a bool", got: fl.type.description), ctx, filter.range,
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
        case .scalar(let v)? = try? Constant.value(of: q, zone: zone), let d = v.double
      else {
        error(CheckMessage.percentileNotConstant, ctx, args[1].range)
        return nil
      }
      guard d >= 0 && d <= 1 else {
        error(CheckMessage.percentileRange, ctx, args[1].range)
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
  func timeColumnHint(_ schema: DatasetSchema, _ name: String) -> [String] {
    let times = schema.columns.filter { $0.type == .time }.map(\.name)
    guard let first = times.first else { return [] }
    return ["its time columns: \(times.map { "'\($0)'" }.joined(separator: ", ")); in the REPL, ':load PATH as \(name) time \(first)'"]
  }

  mutating func typeError(_ f: AggregateFunction, _ t: ValueType, _ want: String, _ r: SourceRange, _ ctx: Context) -> Node? {
    error(CheckMessage.expectedType("the argument of '\(f.rawValue)'", want: want, got: t.description), ctx, r)
    return nil
  }
}
