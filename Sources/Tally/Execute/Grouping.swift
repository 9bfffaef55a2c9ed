import Foundation

extension Executor {
  /// A group id per row and the key values of each group.
  struct GroupIndex {
    var ids: [Int32]
    var keys: [[Value]]
  }

  func groupIndex(_ ds: Dataset, _ keys: [KeySource], _ timeColumn: String?) throws -> GroupIndex {
    let cacheKey = GroupingKey(dataset: ds.name, timeColumn: timeColumn, keys: keys)
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
  static func integerKeyIds(_ a: [Int64], _ v: Vector, keys: inout [[Value]], _ box: (Int64) -> Value) throws -> [Int32] {
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

  /// Group ids for one key: a column's values, or the periods of the time column.
  func singleKeyIndex(_ ds: Dataset, _ key: KeySource, _ timeColumn: String?) throws -> GroupIndex {
    var keys: [[Value]] = []
    let ids: [Int32]
    switch key {
    case .column, .lookup:
      let v: Vector
      if case .lookup(let steps, let c) = key {
        v = try lookupVector(steps, c)
      } else if case .column(let c) = key, let col = ds.column(c) {
        v = col.vector
      } else {
        throw TallyError(Diagnostic(.error, CheckMessage.byColumnMissing(key.key, in: ds.name)))
      }
      switch v.data {
      case .string(let codes, let dict): ids = try Self.stringKeyIds(codes, dict, v, keys: &keys)
      case .int(let a): ids = try Self.integerKeyIds(a, v, keys: &keys) { .int($0) }
      case .time(let a): ids = try Self.integerKeyIds(a, v, keys: &keys) { .time($0) }
      case .duration(let a): ids = try Self.integerKeyIds(a, v, keys: &keys) { .duration($0) }
      case .number, .bool: ids = try Self.valueKeyIds(v, keys: &keys)
      }
    case .grain(let p):
      guard let tc = timeColumn, let col = ds.column(tc), case .time(let times) = col.vector.data else {
        throw TallyError(Diagnostic(.error, CheckMessage.noTimeColumn(ds.name)))
      }
      ids = try periodKeyIds(times, col.vector, p, keys: &keys)
    }
    return GroupIndex(ids: ids, keys: keys)
  }

  /// Group ids for a string column: one per dictionary code that occurs, in the order met.
  static func stringKeyIds(_ codes: [Int32], _ dict: [String], _ v: Vector, keys: inout [[Value]]) throws -> [Int32] {
    var ids = [Int32](repeating: 0, count: codes.count)
    var remap = [Int32](repeating: -1, count: dict.count)
    var nullId: Int32 = -1
    for i in 0..<codes.count {
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
    return ids
  }

  /// Group ids for numbers and booleans, by value: numbers meet ints on the key, so 1.0 and 1
  /// are one group (and -0.0 is 0).
  static func valueKeyIds(_ v: Vector, keys: inout [[Value]]) throws -> [Int32] {
    var ids = [Int32](repeating: 0, count: v.count)
    var map: [Value: Int32] = [:]
    for i in 0..<v.count {
      if i & 0xFFFF == 0xFFFF { try Interruption.check() }
      var val = v.value(at: i)
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
    return ids
  }

  /// Group ids for the periods of a time column in the session zone, labelled; a row whose
  /// time is null is the null group.
  func periodKeyIds(_ times: [Int64], _ v: Vector, _ p: Period, keys: inout [[Value]]) throws -> [Int32] {
    var ids = [Int32](repeating: 0, count: times.count)
    var map: [Int64: Int32] = [:]
    var byLabel: [String: Int32] = [:]
    var nullId: Int32 = -1
    var lastStart: Int64 = .min
    var lastEnd: Int64 = .min
    var lastId: Int32 = 0
    for i in 0..<times.count {
      if i & 0xFFFF == 0xFFFF { try Interruption.check() }
      guard v.isValid(i) else {
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
    return ids
  }
}
