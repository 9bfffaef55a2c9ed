import Foundation

extension Executor {
  func aggregate(_ a: Aggregate, _ type: ValueType, _ ctx: Context) throws -> MetricValue {
    try Interruption.check()
    guard let ds = datasets[a.relation.dataset] else {
      throw TallyError(Diagnostic(.error, CheckMessage.unknownDataset(a.relation.dataset)))
    }
    try Self.requireLocal(ds)
    let (base, mask, arg) = try rowsRead(a, ds, ctx)
    guard let grouping = ctx.grouping else {
      var acc = Accumulator(a.function, arg, type, a.parameter, groups: 1, times: orderingTimes(a, ds))
      mask.forEachSet { acc.add($0, group: 0) }
      if acc.outOfRange(0) { RangeNotes.record("'\(a.function.rawValue)'") }
      return .scalar(acc.result(0))
    }
    let keys =
      a.keys
      ?? grouping.map { k -> KeySource in
        switch k {
        case .column(let c): return .column(c)
        case .grain(let p): return .grain(p)
        }
      }
    let index = try groupIndex(ds, keys, a.relation.timeColumn)
    var present = [Bool](repeating: false, count: index.keys.count)
    base.forEachSet { present[Int(index.ids[$0])] = true }
    var acc = Accumulator(a.function, arg, type, a.parameter, groups: index.keys.count, times: orderingTimes(a, ds))
    mask.forEachSet { acc.add($0, group: Int(index.ids[$0])) }
    var values: [[Value]: Value] = [:]
    values.reserveCapacity(index.keys.count)
    for g in 0..<index.keys.count where present[g] {
      if g & 0xFFFF == 0xFFFF { try Interruption.check() }
      if acc.outOfRange(g) { RangeNotes.record("'\(a.function.rawValue)'") }
      values[index.keys[g]] = acc.result(g)
    }
    let empty = Accumulator(a.function, nil, type, a.parameter, groups: 1).result(0)
    return .grouped(GroupedValue(keyNames: grouping.map(\.name), values: values, fallback: empty))
  }

  /// Refuses to read a server's dataset here: it holds no rows. Its aggregates run on the
  /// server, unless links join it to files (where a fixture replaced a linked dataset).
  static func requireLocal(_ ds: Dataset) throws {
    guard let server = ds.server else { return }
    throw TallyError(
      Diagnostic(.error, ServerMessage.mixedSources(ds.name, server: server.serverName), notes: [ServerMessage.swapAllLinked]))
  }

  /// The time column that orders the rows of `first` and `last`.
  func orderingTimes(_ a: Aggregate, _ ds: Dataset) -> Vector? {
    guard a.function == .first || a.function == .last, let tc = a.relation.timeColumn else { return nil }
    return ds.column(tc)?.vector
  }

  /// The rows an aggregate reads before its own `where` (`base`: the as-of, the window and the
  /// view's filter), the rows it aggregates (`mask`), and its argument's values.
  func rowsRead(_ a: Aggregate, _ ds: Dataset, _ ctx: Context) throws -> (base: Bitmap, mask: Bitmap, arg: Vector?) {
    var base = try timeMask(ds, a.relation.timeColumn, ctx)
    if let f = a.relation.filter { base.formAnd(try truthy(f, ds, ctx)) }
    var mask = base
    if let f = a.filter { mask.formAnd(try truthy(f, ds, ctx)) }
    let arg = try a.argument.map { try row($0, ds, ctx) }
    if let arg, let valid = arg.valid {
      if arg.count == ds.rowCount { mask.formAnd(valid) } else if !arg.isValid(0) { mask = Bitmap(count: ds.rowCount, value: false) }
    }
    return (base, mask, arg)
  }

  /// An aggregate per row of `ds`: over the rows of its own dataset that refer to each row of
  /// `ds` through its link, with its own clauses applied to the context in force.
  func perRow(_ p: PerRow, _ ds: Dataset, _ ctx0: Context) throws -> Vector {
    var ctx = ctx0
    ctx.grouping = nil
    for c in p.clauses {
      switch c {
      case .over(let w): ctx.window = w
      case .offset(let d): ctx.asOf = zone.subtract(d, from: ctx.asOf)
      case .at(let i): ctx.asOf = i.resolve(zone)
      }
    }
    let a = p.aggregate
    guard let from = datasets[a.relation.dataset] else {
      throw TallyError(Diagnostic(.error, CheckMessage.unknownDataset(a.relation.dataset)))
    }
    try Self.requireLocal(from)
    let (_, mask, arg) = try rowsRead(a, from, ctx)
    let refers = try linkRows([p.link])
    var acc = Accumulator(a.function, arg, p.type, a.parameter, groups: ds.rowCount, times: orderingTimes(a, from))
    refers.withUnsafeBufferPointer { r in
      mask.forEachSet { i in
        let g = r[i]
        if g >= 0 { acc.add(i, group: Int(g)) }
      }
    }
    var out = VectorBuilder(type: p.type, capacity: ds.rowCount)
    for g in 0..<ds.rowCount {
      if g & 0xFFFF == 0xFFFF { try Interruption.check() }
      if acc.outOfRange(g) { RangeNotes.record("'\(a.function.rawValue)'") }
      out.append(acc.result(g))
    }
    return out.finish()
  }

  /// For each row of the first link's dataset, the row of the last link's dataset it refers
  /// to through the chain, or -1: a key index probed once per link, then composed.
  func linkRows(_ steps: [LinkStep]) throws -> [Int32] {
    if let hit = linkRowsCache[steps] { return hit }
    let first = steps[0]
    guard let from = datasets[first.from], let col = from.column(first.column), let to = datasets[first.to],
      let keyCol = to.column(first.key)
    else {
      throw TallyError(Diagnostic(.error, CheckMessage.unknownDataset(first.to)))
    }
    try Self.requireLocal(from)
    try Self.requireLocal(to)
    let key = KeyColumn(dataset: first.to, column: first.key)
    let index: KeyIndex
    if let k = keyIndexes[key] {
      index = k
    } else {
      switch KeyIndex.build(keyCol.vector) {
      case .success(let k): index = k
      case .failure(let r):
        throw TallyError(
          .dataError(DataMessage.repeatedKey(first.key, dataset: first.to, value: r.value.description, lines: []), file: to.path))
      }
      keyIndexes[key] = index
    }
    var rows = index.rows(for: col.vector)
    if steps.count > 1 {
      let rest = try linkRows(Array(steps.dropFirst()))
      for i in 0..<rows.count where rows[i] >= 0 { rows[i] = rest[Int(rows[i])] }
    }
    linkRowsCache[steps] = rows
    return rows
  }

  /// A column of the rows referred to through a chain of links, one value per row of the first dataset.
  func lookupVector(_ steps: [LinkStep], _ column: String) throws -> Vector {
    guard let target = datasets[steps[steps.count - 1].to], let col = target.column(column) else {
      throw TallyError(Diagnostic(.error, CheckMessage.unknownColumn(column, in: steps[steps.count - 1].to, qualified: true)))
    }
    return col.vector.gathered(try linkRows(steps))
  }

  /// `EXPR every GRAIN for W`: EXPR as of the as-of, then one grain earlier, and so on, for
  /// every point later than as-of − W; each labelled by the period just before it.
  func series(_ x: Node, _ grain: Period, _ span: DurationLiteral, _ ctx: Context) throws -> MetricValue {
    let step: DurationLiteral
    switch grain {
    case .hour: step = DurationLiteral(micros: 3_600_000_000)
    case .day: step = DurationLiteral(days: 1)
    case .week: step = DurationLiteral(days: 7)
    case .month: step = DurationLiteral(months: 1)
    case .quarter: step = DurationLiteral(months: 3)
    case .year: step = DurationLiteral(months: 12)
    }
    let earliest = zone.subtract(span, from: ctx.asOf)
    var values: [[Value]: Value] = [:]
    var keyNames = [grain.rawValue]
    var fallback: Value = .null
    // Under `by`, a group met at any point is at every point (its value there: no rows).
    var pointGroups: [(label: Value, g: GroupedValue)] = []
    var k = 0
    while true {
      let multiple = DurationLiteral(months: step.months * k, days: step.days * k, micros: step.micros * Int64(k))
      let point = zone.subtract(multiple, from: ctx.asOf)
      guard point > earliest, Time.inRange(point) else { break }
      if k >= Self.maxSeriesPoints { throw TallyError(Diagnostic(.error, ExecuteMessage.tooManyPoints(Self.maxSeriesPoints))) }
      try Interruption.check()
      var c = ctx
      c.asOf = point
      let label = Value.string(zone.label(grain, point - 1))
      switch try eval(x, c) {
      case .scalar(let v): values[[label]] = v
      case .grouped(let g):
        keyNames = [grain.rawValue] + g.keyNames
        fallback = g.fallback
        pointGroups.append((label, g))
      }
      k += 1
    }
    if !pointGroups.isEmpty {
      var all = Set<[Value]>()
      for (_, g) in pointGroups { all.formUnion(g.values.keys) }
      for (label, g) in pointGroups {
        for key in all { values[[label] + key] = g.values[key] ?? g.fallback }
      }
    }
    return .grouped(GroupedValue(keyNames: keyNames, values: values, fallback: fallback))
  }

  /// Rows before the as-of instant and inside the window; rows with a null time are read only without a window.
  func timeMask(_ ds: Dataset, _ timeColumn: String?, _ ctx: Context) throws -> Bitmap {
    guard let tc = timeColumn, let col = ds.column(tc), case .time(let times) = col.vector.data else {
      return Bitmap(count: ds.rowCount, value: true)
    }
    guard Time.inRange(ctx.asOf) else { return Bitmap(count: ds.rowCount, value: false) }
    var start: Int64?
    switch ctx.window {
    case .trailing(let d): start = zone.subtract(d, from: ctx.asOf)
    case .period(let p): start = zone.periodStart(p, ctx.asOf - 1)
    case nil: start = nil
    }
    let key = TimeMaskKey(dataset: ds.name, column: tc, start: start, end: ctx.asOf)
    if let m = timeMaskCache[key] { return m }
    var m = Bitmap(count: ds.rowCount, value: false)
    let end = ctx.asOf
    let valid = col.vector.valid
    times.withUnsafeBufferPointer { t in
      if let s = start {
        for i in 0..<t.count where t[i] >= s && t[i] < end && (valid?[i] ?? true) { m[i] = true }
      } else {
        for i in 0..<t.count where t[i] < end || !(valid?[i] ?? true) { m[i] = true }
      }
    }
    timeMaskCache[key] = m
    return m
  }

  /// Rows where a boolean row formula is true (not false, not null).
  func truthy(_ n: Node, _ ds: Dataset, _ ctx: Context) throws -> Bitmap {
    let key = RowKey(ds.name, n, ctx)
    if let m = filterCache[key] { return m }
    let v = try row(n, ds, ctx)
    var m: Bitmap
    if v.count == 1 && ds.rowCount != 1 {
      let t: Bool
      if case .bool(let b) = v.data { t = b[0] && v.isValid(0) } else { t = false }
      m = Bitmap(count: ds.rowCount, value: t)
    } else if case .bool(let b) = v.data {
      m = b
      if let valid = v.valid { m.formAnd(valid) }
    } else {
      m = Bitmap(count: ds.rowCount, value: false)
    }
    filterCache[key] = m
    return m
  }
}
