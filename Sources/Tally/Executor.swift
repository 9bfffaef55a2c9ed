import Foundation

/// A metric-level result: one value, or one value per group.
public enum MetricValue: Sendable {
  case scalar(Value)
  case grouped(GroupedValue)
}

/// Values by group key, with the value of a group that has no rows (`count` 0, others null).
public struct GroupedValue: Sendable {
  /// Key column names: columns or grains (`day`, `week`, ...).
  public var keyNames: [String]
  /// The value of each group, by its key values in `keyNames` order.
  public var values: [[Value]: Value]
  /// The value for a key with no rows.
  public var fallback: Value

  /// Rows sorted by key: numbers and times by value, strings by code point, null last.
  public var sortedRows: [(key: [Value], value: Value)] {
    let rows = values.map { (key: $0.key, value: $0.value) }
    guard rows.count > 1 else { return rows }
    // Each key column as integer ranks, so that sorting compares integers, not boxed values.
    let ranks = (0..<keyNames.count).map { j in Self.ranks(rows.map { $0.key[j] }) }
    var order = Array(0..<rows.count)
    if ranks.count == 1 {
      let r = ranks[0]
      r.withUnsafeBufferPointer { r in order.sort { r[$0] < r[$1] } }
    } else {
      order.sort { a, b in
        for r in ranks where r[a] != r[b] { return r[a] < r[b] }
        return false
      }
    }
    return order.map { rows[$0] }
  }

  /// The rank of each value in key order (equal values share a rank; null ranks last).
  static func ranks(_ keys: [Value]) -> [Int64] {
    // One integer-like kind (ints, times, durations or booleans): the values are the ranks.
    enum Kind { case int, time, duration, bool }
    var out = [Int64](repeating: .max, count: keys.count)
    var kind: Kind?
    for (i, k) in keys.enumerated() {
      let (x, this): (Int64, Kind)
      switch k {
      case .null: continue
      case .int(let v): (x, this) = (v, .int)
      case .time(let v): (x, this) = (v, .time)
      case .duration(let v): (x, this) = (v, .duration)
      case .bool(let b): (x, this) = (b ? 1 : 0, .bool)
      default: return generalRanks(keys)
      }
      // Int64.max itself is left to the general path, where it still sorts before null.
      guard kind == nil || kind == this, x != .max else { return generalRanks(keys) }
      kind = this
      out[i] = x
    }
    return out
  }

  /// Ranks by sorting the distinct values once with `Value.keyLess`.
  private static func generalRanks(_ keys: [Value]) -> [Int64] {
    var distinct: [Value: Int] = [:]  // `Value` compares strings by code point
    var uniques: [Value] = []
    var ids = [Int](repeating: 0, count: keys.count)
    for (i, k) in keys.enumerated() {
      if let id = distinct[k] {
        ids[i] = id
      } else {
        distinct[k] = uniques.count
        ids[i] = uniques.count
        uniques.append(k)
      }
    }
    let sorted = uniques.indices.sorted { a, b in Value.keyLess(uniques[a], uniques[b]) }
    var rankOf = [Int64](repeating: 0, count: uniques.count)
    var rank: Int64 = 0
    for (pos, u) in sorted.enumerated() {
      if pos > 0, Value.keyLess(uniques[sorted[pos - 1]], uniques[u]) { rank += 1 }
      rankOf[u] = rank
    }
    return ids.map { rankOf[$0] }
  }
}

/// Runs checked formulas over loaded datasets: filters and aggregates are loops over
/// typed column buffers; row-level results are cached per relation and reused by every
/// formula of a session.
public final class Executor {
  let datasets: [String: Dataset]
  let zone: Zone
  private var rowCache: [String: Vector] = [:]
  private var maskCache: [String: Bitmap] = [:]
  private var groupCache: [String: GroupIndex] = [:]
  private var aggregateCache: [String: MetricValue] = [:]
  private var cachedGroups = 0
  /// The most groups kept in `aggregateCache` before it is emptied.
  static let maxCachedGroups = 2_000_000

  /// The evaluation context: the as-of instant, the window and the grouping in force.
  struct Context {
    var asOf: Int64
    var window: Window?
    var grouping: [GroupKey]?
  }

  /// An executor over loaded datasets, by name; calendar windows and durations follow `zone`.
  public init(datasets: [String: Dataset], zone: Zone) {
    self.datasets = datasets
    self.zone = zone
  }

  /// Evaluates a metric-level node with the as-of instant `asOf`.
  public func evaluate(_ node: Node, asOf: Int64) throws -> MetricValue {
    try eval(node, Context(asOf: asOf))
  }

  // MARK: Metric level

  private func eval(_ n: Node, _ ctx: Context) throws -> MetricValue {
    switch n.kind {
    case .literal(let v): return .scalar(v)
    case .interval(let d): return .scalar(.duration(d.fixedMicros))
    case .column(let c): throw TallyError(Diagnostic(.error, Message.columnOutsideAggregate(c)))
    case .aggregate(let a):
      // A metric used by others is inlined into them: its aggregates are computed once per context.
      let key = "\(n.key)|\(n.type)|\(ctx.asOf)|\(String(describing: ctx.window))|\(String(describing: ctx.grouping))"
      if let v = aggregateCache[key] { return v }
      let v = try aggregate(a, n.type, ctx)
      if case .grouped(let g) = v { cachedGroups += g.values.count }
      if cachedGroups > Self.maxCachedGroups {  // a long REPL session keeps memory in bounds
        aggregateCache.removeAll()
        cachedGroups = 0
      }
      aggregateCache[key] = v
      return v
    case .negate(let x): return try map(eval(x, ctx)) { try Ops.negate($0) }
    case .not(let x): return try map(eval(x, ctx)) { Ops.not($0) }
    case .isNull(let x, let neg): return try map(eval(x, ctx)) { .bool($0.isNull != neg) }
    case .binary(let op, let a, let b):
      let l = try eval(a, ctx)
      let r = try eval(b, ctx)
      if op == .add || op == .sub, case .interval(let d) = b.kind, a.type == .time {
        return try map(l) { v in
          guard case .time(let t) = v else { return .null }
          return Time.value(op == .add ? self.zone.add(d, to: t) : self.zone.subtract(d, from: t))
        }
      }
      if op == .add, case .interval(let d) = a.kind, b.type == .time {
        return try map(r) { v in
          guard case .time(let t) = v else { return .null }
          return Time.value(self.zone.add(d, to: t))
        }
      }
      return try combine([l, r]) { try Ops.binary(op, $0[0], $0[1]) }
    case .inList(let x, let items, let neg):
      let vals = try [eval(x, ctx)] + items.map { try eval($0, ctx) }
      return try combine(vals) { v in
        var sawNull = v[0].isNull
        for item in v.dropFirst() {
          let r = try Ops.binary(.eq, v[0], item)
          if case .bool(true) = r { return .bool(!neg) }
          if r.isNull { sawNull = true }
        }
        return sawNull ? .null : .bool(neg)
      }
    case .call(let f, let args):
      let vals = try args.map { try eval($0, ctx) }
      return try combine(vals) { Ops.call(f, $0, zone: self.zone) }
    case .over(let x, let w):
      var c = ctx
      c.window = w
      return try eval(x, c)
    case .offset(let x, let d):
      var c = ctx
      c.asOf = zone.subtract(d, from: ctx.asOf)
      return try eval(x, c)
    case .at(let x, let inst):
      var c = ctx
      c.asOf = inst.resolve(zone)
      return try eval(x, c)
    case .by(let x, let keys):
      var c = ctx
      c.grouping = keys
      let r = try eval(x, c)
      if case .scalar(let v) = r { return .grouped(GroupedValue(keyNames: keys.map(\.name), values: [:], fallback: v)) }
      return r
    }
  }

  private func map(_ v: MetricValue, _ f: (Value) throws -> Value) throws -> MetricValue {
    try combine([v]) { try f($0[0]) }
  }

  /// Applies `f` to scalars, or per group with an outer join on the keys.
  private func combine(_ vs: [MetricValue], _ f: ([Value]) throws -> Value) throws -> MetricValue {
    var groups: [GroupedValue] = []
    for v in vs { if case .grouped(let g) = v { groups.append(g) } }
    if groups.isEmpty {
      return .scalar(try f(vs.map { if case .scalar(let s) = $0 { return s } else { return .null } }))
    }
    var keys = Set<[Value]>()
    for g in groups { keys.formUnion(g.values.keys) }
    func at(_ v: MetricValue, _ k: [Value]?) -> Value {
      switch v {
      case .scalar(let s): return s
      case .grouped(let g): return k.flatMap { g.values[$0] } ?? g.fallback
      }
    }
    var out: [[Value]: Value] = [:]
    for k in keys { out[k] = try f(vs.map { at($0, k) }) }
    let fallback = try f(vs.map { at($0, nil) })
    return .grouped(GroupedValue(keyNames: groups[0].keyNames, values: out, fallback: fallback))
  }

  // MARK: Aggregates

  private func aggregate(_ a: Aggregate, _ type: ValueType, _ ctx: Context) throws -> MetricValue {
    try Interruption.check()
    guard let ds = datasets[a.relation.dataset] else {
      throw TallyError(Diagnostic(.error, Message.unknownDataset(a.relation.dataset)))
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
      values[index.keys[g]] = acc.result(g)
    }
    let empty = Accumulator(a.function, nil, type, a.parameter, groups: 1).result(0)
    return .grouped(GroupedValue(keyNames: keys.map(\.name), values: values, fallback: empty))
  }

  /// Rows before the as-of instant and inside the window; rows with a null time are read only without a window.
  private func timeMask(_ ds: Dataset, _ timeColumn: String?, _ ctx: Context) throws -> Bitmap {
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
    let key = "\(ds.name)|\(tc)|\(start.map(String.init) ?? "-")|\(ctx.asOf)"
    if let m = maskCache[key] { return m }
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
    maskCache[key] = m
    return m
  }

  /// Rows where a boolean row formula is true (not false, not null).
  private func truthy(_ n: Node, _ ds: Dataset) throws -> Bitmap {
    let key = "truthy|\(ds.name)|\(n.key)"
    if let m = maskCache[key] { return m }
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
    maskCache[key] = m
    return m
  }

  // MARK: Grouping

  /// A group id per row and the key values of each group.
  struct GroupIndex {
    var ids: [Int32]
    var keys: [[Value]]
  }

  private func groupIndex(_ ds: Dataset, _ keys: [GroupKey], _ timeColumn: String?) throws -> GroupIndex {
    let cacheKey =
      "\(ds.name)|\(timeColumn ?? "")|\(keys.map(\.name).joined(separator: ","))|\(keys.map { if case .grain = $0 { return "g" } else { return "c" } }.joined())"
    if let g = groupCache[cacheKey] { return g }
    var perKey: [GroupIndex] = []
    for k in keys { perKey.append(try singleKeyIndex(ds, k, timeColumn)) }
    var result = perKey[0]
    for next in perKey.dropFirst() {
      var map: [Int64: Int32] = [:]
      var ids = [Int32](repeating: 0, count: ds.rowCount)
      var combined: [[Value]] = []
      for i in 0..<ds.rowCount {
        if i & 0xFFFF == 0xFFFF { try Interruption.check() }
        let composite = Int64(result.ids[i]) << 32 | Int64(next.ids[i])
        if let g = map[composite] {
          ids[i] = g
        } else {
          let g = Int32(combined.count)
          map[composite] = g
          combined.append(result.keys[Int(result.ids[i])] + next.keys[Int(next.ids[i])])
          ids[i] = g
        }
      }
      result = GroupIndex(ids: ids, keys: combined)
    }
    groupCache[cacheKey] = result
    return result
  }

  /// Group ids for an integer-like column (ints, times, durations): keyed by the raw Int64.
  private static func integerKeyIds(_ a: [Int64], _ v: Vector, keys: inout [[Value]], _ box: (Int64) -> Value) throws -> [Int32] {
    var ids = [Int32](repeating: 0, count: a.count)
    var map: [Int64: Int32] = [:]
    var nullId: Int32 = -1
    for i in 0..<a.count {
      if i & 0xFFFF == 0xFFFF { try Interruption.check() }
      guard v.isValid(i) else {
        if nullId < 0 {
          nullId = Int32(keys.count)
          keys.append([.null])
        }
        ids[i] = nullId
        continue
      }
      if let g = map[a[i]] {
        ids[i] = g
      } else {
        let g = Int32(keys.count)
        map[a[i]] = g
        keys.append([box(a[i])])
        ids[i] = g
      }
    }
    return ids
  }

  private func singleKeyIndex(_ ds: Dataset, _ key: GroupKey, _ timeColumn: String?) throws -> GroupIndex {
    let n = ds.rowCount
    var ids = [Int32](repeating: 0, count: n)
    var keys: [[Value]] = []
    switch key {
    case .column(let c):
      guard let col = ds.column(c) else { throw TallyError(Diagnostic(.error, Message.byColumnMissing(c, ds.name))) }
      let v = col.vector
      if case .string(let codes, let dict) = v.data {
        var remap = [Int32](repeating: -1, count: dict.count)
        var nullId: Int32 = -1
        for i in 0..<n {
          if i & 0xFFFF == 0xFFFF { try Interruption.check() }
          if !v.isValid(i) {
            if nullId < 0 {
              nullId = Int32(keys.count)
              keys.append([.null])
            }
            ids[i] = nullId
            continue
          }
          let code = Int(codes[i])
          if remap[code] < 0 {
            remap[code] = Int32(keys.count)
            keys.append([.string(dict[code])])
          }
          ids[i] = remap[code]
        }
      } else if case .int(let a) = v.data {
        ids = try Self.integerKeyIds(a, v, keys: &keys) { .int($0) }
      } else if case .time(let a) = v.data {
        ids = try Self.integerKeyIds(a, v, keys: &keys) { .time($0) }
      } else if case .duration(let a) = v.data {
        ids = try Self.integerKeyIds(a, v, keys: &keys) { .duration($0) }
      } else {
        var map: [Value: Int32] = [:]
        for i in 0..<n {
          if i & 0xFFFF == 0xFFFF { try Interruption.check() }
          var val = v.value(at: i)
          // Numbers meet ints on the key: 1.0 and 1 are one group (and -0.0 is 0).
          if case .number(let x) = val, x == x.rounded(), abs(x) < 9e15 { val = .int(Int64(x)) }
          if let g = map[val] {
            ids[i] = g
          } else {
            let g = Int32(keys.count)
            map[val] = g
            keys.append([val])
            ids[i] = g
          }
        }
      }
    case .grain(let p):
      guard let tc = timeColumn, let col = ds.column(tc), case .time(let times) = col.vector.data else {
        throw TallyError(Diagnostic(.error, Message.noTimeColumn(ds.name)))
      }
      var map: [Int64: Int32] = [:]
      var byLabel: [String: Int32] = [:]
      var nullId: Int32 = -1
      var lastStart: Int64 = .min
      var lastEnd: Int64 = .min
      var lastId: Int32 = 0
      for i in 0..<n {
        if i & 0xFFFF == 0xFFFF { try Interruption.check() }
        guard col.vector.isValid(i) else {
          if nullId < 0 {
            nullId = Int32(keys.count)
            keys.append([.null])
          }
          ids[i] = nullId
          continue
        }
        let t = times[i]
        if t >= lastStart && t < lastEnd {
          ids[i] = lastId
          continue
        }
        let start = zone.periodStart(p, t)
        let id: Int32
        if let g = map[start] {
          id = g
        } else {
          // Groups are labels: the two repeated hours of a DST fall-back share one.
          let label = zone.label(p, t)
          if let g = byLabel[label] {
            id = g
          } else {
            id = Int32(keys.count)
            byLabel[label] = id
            keys.append([.string(label)])
          }
          map[start] = id
        }
        lastStart = start
        lastEnd = zone.periodEnd(p, t)
        lastId = id
        ids[i] = id
      }
    }
    return GroupIndex(ids: ids, keys: keys)
  }

  // MARK: Row level

  /// A row formula over every row of a dataset. Constants come back as one-row vectors.
  func row(_ n: Node, _ ds: Dataset) throws -> Vector {
    if n.isConstant {
      let v = try eval(n, Context(asOf: 0))
      guard case .scalar(let s) = v else { return Vector.constant(.null, n.type) }
      return Vector.constant(s, n.type)
    }
    let key = "\(ds.name)|\(n.key)"
    if let v = rowCache[key] { return v }
    let v = try computeRow(n, ds)
    rowCache[key] = v
    return v
  }

  private func computeRow(_ n: Node, _ ds: Dataset) throws -> Vector {
    try Interruption.check()
    switch n.kind {
    case .column(let c):
      guard let col = ds.column(c) else { throw TallyError(Diagnostic(.error, Message.unknownColumn(c, ds.name))) }
      return col.vector
    case .not(let x):
      let v = try row(x, ds)
      guard case .bool(let b) = v.data else { return v }
      var r = Bitmap(count: b.count, value: true)
      r = Bitmap.andNot(r, b)
      return Vector(type: .bool, data: .bool(r), valid: v.valid)
    case .isNull(let x, let neg):
      let v = try row(x, ds)
      var r = v.valid ?? Bitmap(count: v.count, value: true)
      if !neg { r = Bitmap.andNot(Bitmap(count: v.count, value: true), r) }
      return Vector(type: .bool, data: .bool(r), valid: nil)
    case .binary(let op, let a, let b):
      if op == .add || op == .sub, case .interval(let d) = b.kind, a.type == .time {
        let l = try row(a, ds)
        guard case .time(let t) = l.data else { return l }
        var valid = l.valid
        var out = [Int64](repeating: 0, count: t.count)
        for i in 0..<t.count where l.isValid(i) {
          let r = op == .add ? zone.add(d, to: t[i]) : zone.subtract(d, from: t[i])
          if Time.inRange(r) {
            out[i] = r
          } else {
            if valid == nil { valid = Bitmap(count: t.count, value: true) }
            valid![i] = false
          }
        }
        return Vector(type: .time, data: .time(out), valid: valid)
      }
      let l = try row(a, ds)
      let r = try row(b, ds)
      return try VectorOps.binary(op, l, r, resultType: n.type, count: ds.rowCount)
    case .call(let f, let args) where [.seconds, .minutes, .hours, .days].contains(f):
      let v = try row(args[0], ds)
      guard case .duration(let d) = v.data else { return try boxed(n, ds) }
      let unit: Double = f == .seconds ? 1e6 : f == .minutes ? 60e6 : f == .hours ? 3600e6 : 86400e6
      return Vector(type: .number, data: .number(d.map { Double($0) / unit }), valid: v.valid)
    default:
      return try boxed(n, ds)
    }
  }

  /// Row by row through the scalar operators, for the less common functions.
  private func boxed(_ n: Node, _ ds: Dataset) throws -> Vector {
    let count = ds.rowCount
    var builder = ColumnBuilder(type: n.type, zone: zone, capacity: count)
    switch n.kind {
    case .negate(let x):
      let v = try row(x, ds)
      for i in 0..<count { builder.append(try Ops.negate(v.value(at: v.count == 1 ? 0 : i))) }
    case .inList(let x, let items, let neg):
      let v = try row(x, ds)
      let list = try items.map { try row($0, ds) }
      if case .string(let codes, let dict) = v.data, v.count == count, list.allSatisfy({ $0.count == 1 }) {
        // A string column against constants: decide once per distinct string.
        let constants = list.map { $0.value(at: 0) }
        let byCode = dict.map { s -> Value in
          var r: Value = .bool(neg)
          for c in constants {
            let e = (try? Ops.binary(.eq, .string(s), c)) ?? .null
            if case .bool(true) = e { return .bool(!neg) }
            if e.isNull { r = .null }
          }
          return r
        }
        for i in 0..<count { builder.append(v.isValid(i) ? byCode[Int(codes[i])] : .null) }
        return builder.finish()
      }
      for i in 0..<count {
        let a = v.value(at: v.count == 1 ? 0 : i)
        var result: Value = a.isNull ? .null : .bool(neg)
        for it in list {
          let r = try Ops.binary(.eq, a, it.value(at: it.count == 1 ? 0 : i))
          if case .bool(true) = r {
            result = .bool(!neg)
            break
          }
          if r.isNull { result = .null }
        }
        builder.append(result)
      }
    case .call(let f, let args):
      let vs = try args.map { try row($0, ds) }
      if [.lower, .upper, .length, .contains, .startsWith, .endsWith].contains(f), case .string(let codes, let dict) = vs[0].data,
        vs.count == 1 || vs[1].count == 1, vs[0].count == count
      {
        // Once per distinct string, then by code.
        let rest = vs.dropFirst().map { $0.value(at: 0) }
        let mapped = dict.map { Ops.call(f, [.string($0)] + rest, zone: zone) }
        for i in 0..<count { builder.append(vs[0].isValid(i) ? mapped[Int(codes[i])] : .null) }
      } else {
        for i in 0..<count { builder.append(Ops.call(f, vs.map { $0.value(at: $0.count == 1 ? 0 : i) }, zone: zone)) }
      }
    default:
      throw TallyError(Diagnostic(.error, "'\(n.key)' cannot be computed per row"))
    }
    return builder.finish()
  }
}

extension Vector {
  /// A one-row vector holding a constant, broadcast by the vector operators.
  static func constant(_ v: Value, _ type: ValueType) -> Vector {
    var b = ColumnBuilder(type: type == .null ? v.naturalType : type, zone: .utc, capacity: 1)
    b.append(v)
    return b.finish()
  }
}

extension Value {
  var naturalType: ValueType {
    switch self {
    case .null: return .null
    case .int: return .int
    case .number: return .number
    case .bool: return .bool
    case .string: return .string
    case .time: return .time
    case .duration: return .duration
    }
  }
}
