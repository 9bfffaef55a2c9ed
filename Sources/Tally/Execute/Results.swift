import Foundation

/// A metric-level result: one value, or one value per group.
public enum MetricValue: Sendable {
  case scalar(Value)
  case grouped(GroupedValue)

  /// `f` applied to the value, or to each group's value and the fallback.
  func map(_ f: (Value) throws -> Value) throws -> MetricValue {
    try Self.combine([self]) { try f($0[0]) }
  }

  /// Applies `f` to scalars, or per group with an outer join on the keys.
  static func combine(_ vs: [MetricValue], _ f: ([Value]) throws -> Value) throws -> MetricValue {
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
      case .string: return kind == nil ? stringRanks(keys) ?? generalRanks(keys) : generalRanks(keys)
      default: return generalRanks(keys)
      }
      // Int64.max itself is left to the general path, where it still sorts before null.
      guard kind == nil || kind == this, x != .max else { return generalRanks(keys) }
      kind = this
      out[i] = x
    }
    return out
  }

  /// Ranks of strings (and nulls), in code-point order, which is the order of their UTF-8
  /// bytes: sorted by comparing bytes, with no hashing. Nil when another kind of value is met.
  private static func stringRanks(_ keys: [Value]) -> [Int64]? {
    var arena: [UInt8] = []
    var starts = [Int](repeating: 0, count: keys.count + 1)
    var present: [Int32] = []
    present.reserveCapacity(keys.count)
    for (i, k) in keys.enumerated() {
      starts[i] = arena.count
      switch k {
      case .string(let s):
        arena.append(contentsOf: s.utf8)
        present.append(Int32(i))
      case .null: break
      default: return nil
      }
    }
    starts[keys.count] = arena.count
    var out = [Int64](repeating: .max, count: keys.count)
    arena.withUnsafeBufferPointer { a in
      let base = a.baseAddress ?? UnsafePointer(bitPattern: 1)!
      // -1, 0 or 1 as the bytes of keys i and j compare.
      func compare(_ i: Int, _ j: Int) -> Int32 {
        let li = starts[i + 1] - starts[i]
        let lj = starts[j + 1] - starts[j]
        let c = memcmp(base + starts[i], base + starts[j], min(li, lj))
        return c != 0 ? c : li < lj ? -1 : li > lj ? 1 : 0
      }
      present.sort { compare(Int($0), Int($1)) < 0 }
      var rank: Int64 = 0
      for (pos, i) in present.enumerated() {
        if pos > 0, compare(Int(present[pos - 1]), Int(i)) != 0 { rank += 1 }
        out[Int(i)] = rank
      }
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
