import Foundation

extension Executor {
  /// A group id per row and the key values of each group.
  struct GroupIndex {
    var ids: [Int32]
    var keys: [[Value]]
  }

  func groupIndex(_ ds: Dataset, _ keys: [GroupKey], _ timeColumn: String?) throws -> GroupIndex {
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

  func singleKeyIndex(_ ds: Dataset, _ key: GroupKey, _ timeColumn: String?) throws -> GroupIndex {
    let n = ds.rowCount
    var ids = [Int32](repeating: 0, count: n)
    var keys: [[Value]] = []
    switch key {
    case .column(let c):
      guard let col = ds.column(c) else { throw TallyError(Diagnostic(.error, CheckMessage.byColumnMissing(c, in: ds.name))) }
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
        throw TallyError(Diagnostic(.error, CheckMessage.noTimeColumn(ds.name)))
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
}
