import Foundation

extension Vector {
  /// A one-row vector holding a constant, broadcast by the vector operators.
  static func constant(_ v: Value, _ type: ValueType) -> Vector {
    var b = VectorBuilder(type: type == .null ? v.naturalType : type, capacity: 1)
    b.append(v)
    return b.finish()
  }
}

extension Executor {
  /// A row formula over every row of a dataset. Constants come back as one-row vectors.
  func row(_ n: Node, _ ds: Dataset, _ ctx: Context) throws -> Vector {
    if n.isConstant {
      guard case .scalar(let s) = try Constant.value(of: n, zone: zone) else { return Vector.constant(.null, n.type) }
      return Vector.constant(s, n.type)
    }
    let key = RowKey(ds.name, n, ctx)
    if let v = rowCache[key] { return v }
    let v = try computeRow(n, ds, ctx)
    rowCache[key] = v
    return v
  }

  func computeRow(_ n: Node, _ ds: Dataset, _ ctx: Context) throws -> Vector {
    try Interruption.check()
    switch n.kind {
    case .column(let c):
      guard let col = ds.column(c) else {
        throw TallyError(Diagnostic(.error, CheckMessage.unknownColumn(c, in: ds.name, qualified: false)))
      }
      return col.vector
    case .lookup(let steps, let c): return try lookupVector(steps, c)
    case .perRow(let p): return try perRow(p, ds, ctx)
    case .not(let x):
      let v = try row(x, ds, ctx)
      guard case .bool(let b) = v.data else { return v }
      var r = Bitmap(count: b.count, value: true)
      r = Bitmap.andNot(r, b)
      return Vector(type: .bool, data: .bool(r), valid: v.valid)
    case .isNull(let x, let neg):
      let v = try row(x, ds, ctx)
      var r = v.valid ?? Bitmap(count: v.count, value: true)
      if !neg { r = Bitmap.andNot(Bitmap(count: v.count, value: true), r) }
      return Vector(type: .bool, data: .bool(r), valid: nil)
    case .binary(let op, let a0, let b0):
      // A calendar duration literal moves a time on the session calendar, on either side of `+`.
      let leftInterval: Bool
      if op == .add, case .interval = a0.kind, b0.type == .time { leftInterval = true } else { leftInterval = false }
      let (a, b) = leftInterval ? (b0, a0) : (a0, b0)
      if op == .add || op == .sub, case .interval(let d) = b.kind, a.type == .time {
        let l = try row(a, ds, ctx)
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
      let l = try row(a, ds, ctx)
      let r = try row(b, ds, ctx)
      return try VectorOps.binary(op, l, r, resultType: n.type, count: ds.rowCount)
    case .call(let f, let args) where [.seconds, .minutes, .hours, .days].contains(f):
      let v = try row(args[0], ds, ctx)
      guard case .duration(let d) = v.data else { return try boxed(n, ds, ctx) }
      let unit: Double = f == .seconds ? 1e6 : f == .minutes ? 60e6 : f == .hours ? 3600e6 : 86400e6
      return Vector(type: .number, data: .number(d.map { Double($0) / unit }), valid: v.valid)
    default:
      return try boxed(n, ds, ctx)
    }
  }

  /// Row by row through the scalar operators, for the less common functions.
  func boxed(_ n: Node, _ ds: Dataset, _ ctx: Context) throws -> Vector {
    let count = ds.rowCount
    var builder = VectorBuilder(type: n.type, capacity: count)
    switch n.kind {
    case .negate(let x):
      let v = try row(x, ds, ctx)
      for i in 0..<count { builder.append(try Ops.negate(v.value(at: v.count == 1 ? 0 : i))) }
    case .inList(let x, let items, let neg):
      let v = try row(x, ds, ctx)
      let list = try items.map { try row($0, ds, ctx) }
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
      let vs = try args.map { try row($0, ds, ctx) }
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
      throw TallyError(Diagnostic(.error, ExecuteMessage.notPerRow(n.key)))
    }
    return builder.finish()
  }
}
