import Foundation

extension Executor {
  func aggregate(_ a: Aggregate, _ type: ValueType, _ ctx: Context) throws -> MetricValue {
    try Interruption.check()
    guard let ds = datasets[a.relation.dataset] else {
      throw TallyError(Diagnostic(.error, CheckMessage.unknownDataset(a.relation.dataset)))
    }
    var base = try timeMask(ds, a.relation.timeColumn, ctx)
    if let f = a.relation.filter { base.formAnd(try truthy(f, ds)) }
    var mask = base
    if let f = a.filter { mask.formAnd(try truthy(f, ds)) }
    let arg = try a.argument.map { try row($0, ds) }
    if let arg, let valid = arg.valid {
      if arg.count == ds.rowCount { mask.formAnd(valid) } else if !arg.isValid(0) { mask = Bitmap(count: ds.rowCount, value: false) }
    }
    guard let keys = ctx.grouping else {
      var acc = Accumulator(a.function, arg, type, a.parameter, groups: 1)
      mask.forEachSet { acc.add($0, group: 0) }
      if acc.outOfRange(0) { RangeNotes.record("'\(a.function.rawValue)'") }
      return .scalar(acc.result(0))
    }
    let index = try groupIndex(ds, keys, a.relation.timeColumn)
    var present = [Bool](repeating: false, count: index.keys.count)
    base.forEachSet { present[Int(index.ids[$0])] = true }
    var acc = Accumulator(a.function, arg, type, a.parameter, groups: index.keys.count)
    mask.forEachSet { acc.add($0, group: Int(index.ids[$0])) }
    var values: [[Value]: Value] = [:]
    values.reserveCapacity(index.keys.count)
    for g in 0..<index.keys.count where present[g] {
      if g & 0xFFFF == 0xFFFF { try Interruption.check() }
      if acc.outOfRange(g) { RangeNotes.record("'\(a.function.rawValue)'") }
      values[index.keys[g]] = acc.result(g)
    }
    let empty = Accumulator(a.function, nil, type, a.parameter, groups: 1).result(0)
    return .grouped(GroupedValue(keyNames: keys.map(\.name), values: values, fallback: empty))
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
  func truthy(_ n: Node, _ ds: Dataset) throws -> Bitmap {
    let key = RowKey(dataset: ds.name, node: n)
    if let m = filterCache[key] { return m }
    let v = try row(n, ds)
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
