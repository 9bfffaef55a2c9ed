import Foundation

/// Vectorized operators: typed loops over whole columns, one-row vectors broadcast.
enum VectorOps {
  static func binary(_ op: BinaryOp, _ a: Vector, _ b: Vector, resultType: ValueType, count n: Int) throws -> Vector {
    if op == .and || op == .or { return logical(op, a, b, n) }
    let aNull = a.count == 1 && !a.isValid(0)
    let bNull = b.count == 1 && !b.isValid(0)
    if aNull || bNull { return Vector.constant(.null, resultType == .null ? .bool : resultType) }
    let valid = combinedValid(a, b, n)
    if op.isComparison { return compare(op, a, b, n, valid) }
    return try arithmetic(op, a, b, resultType, n, valid)
  }

  /// Validity of a combination: null where either side is.
  static func combinedValid(_ a: Vector, _ b: Vector, _ n: Int) -> Bitmap? {
    func full(_ v: Vector) -> Bitmap? {
      guard let m = v.valid else { return nil }
      if v.count == 1 && n != 1 { return m[0] ? nil : Bitmap(count: n, value: false) }
      return m
    }
    switch (full(a), full(b)) {
    case (nil, nil): return nil
    case (let x?, nil): return x
    case (nil, let y?): return y
    case (let x?, let y?): return x & y
    }
  }

  static func expandBool(_ v: Vector, _ n: Int) -> (t: Bitmap, f: Bitmap) {
    if v.count == 1 && n != 1 {
      let known = v.isValid(0)
      var isTrue = false
      if case .bool(let b) = v.data { isTrue = b[0] }
      return (Bitmap(count: n, value: known && isTrue), Bitmap(count: n, value: known && !isTrue))
    }
    guard case .bool(let b) = v.data else { return (Bitmap(count: n, value: false), Bitmap(count: n, value: false)) }
    let valid = v.valid ?? Bitmap(count: n, value: true)
    return (b & valid, Bitmap.andNot(valid, b))
  }

  /// Three-valued logic on (true, false) bitmaps.
  static func logical(_ op: BinaryOp, _ a: Vector, _ b: Vector, _ n: Int) -> Vector {
    let (ta, fa) = expandBool(a, n)
    let (tb, fb) = expandBool(b, n)
    let t = op == .and ? ta & tb : ta | tb
    let f = op == .and ? fa | fb : fa & fb
    let known = t | f
    return Vector(type: .bool, data: .bool(t), valid: known.popcount == n ? nil : known)
  }

  static func int64s(_ v: Vector) -> [Int64]? {
    switch v.data {
    case .int(let a), .time(let a), .duration(let a): return a
    case .bool(let b): return (0..<b.count).map { b[$0] ? 1 : 0 }
    default: return nil
    }
  }

  static func doubles(_ v: Vector) -> [Double]? {
    switch v.data {
    case .number(let a): return a
    case .int(let a), .duration(let a), .time(let a): return a.map(Double.init)
    default: return nil
    }
  }

  static func compare(_ op: BinaryOp, _ a: Vector, _ b: Vector, _ n: Int, _ valid: Bitmap?) -> Vector {
    var out = Bitmap(count: n, value: false)
    let sa = a.count == 1 && n != 1 ? 0 : 1
    let sb = b.count == 1 && n != 1 ? 0 : 1
    @inline(__always) func test(_ c: Int) -> Bool {
      switch op {
      case .eq: return c == 0
      case .ne: return c != 0
      case .lt: return c < 0
      case .le: return c <= 0
      case .gt: return c > 0
      default: return c >= 0
      }
    }
    switch (a.data, b.data) {
    case (.string(let ca, let da), .string(let cb, let db)):
      // The code of a null row may point nowhere (a column of nulls has no strings at all);
      // its result is masked by `valid`, so it is only kept in bounds here.
      guard !da.isEmpty, !db.isEmpty else { break }
      if sb == 0 {
        let rhs = db[Int(cb[0])]
        let byCode = da.map { test(Ops.compareStrings($0, rhs)) }
        for i in 0..<n where byCode[min(Int(ca[i]), da.count - 1)] { out[i] = true }
      } else if sa == 0 {
        let lhs = da[Int(ca[0])]
        let byCode = db.map { test(Ops.compareStrings(lhs, $0)) }
        for i in 0..<n where byCode[min(Int(cb[i]), db.count - 1)] { out[i] = true }
      } else {
        for i in 0..<n where test(Ops.compareStrings(da[min(Int(ca[i]), da.count - 1)], db[min(Int(cb[i]), db.count - 1)])) {
          out[i] = true
        }
      }
    case (.number, _), (_, .number):
      guard let x = doubles(a), let y = doubles(b) else { break }
      x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
          for i in 0..<n {
            let p = x[i * sa]
            let q = y[i * sb]
            if test(p < q ? -1 : p > q ? 1 : 0) { out[i] = true }
          }
        }
      }
    default:
      guard let x = int64s(a), let y = int64s(b) else { break }
      x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
          for i in 0..<n {
            let p = x[i * sa]
            let q = y[i * sb]
            if test(p < q ? -1 : p > q ? 1 : 0) { out[i] = true }
          }
        }
      }
    }
    return Vector(type: .bool, data: .bool(out), valid: valid)
  }

  static func arithmetic(_ op: BinaryOp, _ a: Vector, _ b: Vector, _ type: ValueType, _ n: Int, _ valid0: Bitmap?) throws -> Vector {
    let sa = a.count == 1 && n != 1 ? 0 : 1
    let sb = b.count == 1 && n != 1 ? 0 : 1
    var valid = valid0
    func markNull(_ i: Int) {
      if valid == nil { valid = Bitmap(count: n, value: true) }
      valid![i] = false
    }
    // Integer-valued results: int, time, duration from int64 operands.
    let intOperands: Bool
    switch (a.data, b.data) {
    case (.int, .int), (.time, .time), (.time, .duration), (.duration, .time), (.duration, .duration): intOperands = true
    default: intOperands = false
    }
    if intOperands && op != .div, let x = int64s(a), let y = int64s(b) {
      var out = [Int64](repeating: 0, count: n)
      var overflow = false
      x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
          for i in 0..<n {
            let p = x[i * sa]
            let q = y[i * sb]
            let (r, o): (Int64, Bool)
            switch op {
            case .add: (r, o) = p.addingReportingOverflow(q)
            case .sub: (r, o) = p.subtractingReportingOverflow(q)
            default: (r, o) = p.multipliedReportingOverflow(by: q)
            }
            out[i] = r
            if o && (valid?[i] ?? true) { overflow = true }
          }
        }
      }
      if overflow && type != .time { throw TallyError(Diagnostic(.error, PlanMessage.integerOverflow(op.rawValue))) }
      if type == .time {
        // Times outside years 1 to 9999 (or past Int64) are null.
        for i in 0..<n where !Time.inRange(out[i]) && (valid?[i] ?? true) {
          if valid == nil { valid = Bitmap(count: n, value: true) }
          valid![i] = false
        }
      }
      let data: ColumnData = type == .time ? .time(out) : type == .duration ? .duration(out) : .int(out)
      return Vector(type: type, data: data, valid: valid)
    }
    guard let x = doubles(a), let y = doubles(b) else { return Vector.constant(.null, type) }
    var out = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let p = x[i * sa]
      let q = y[i * sb]
      switch op {
      case .add: out[i] = p + q
      case .sub: out[i] = p - q
      case .mul: out[i] = p * q
      default:
        if q == 0 {
          markNull(i)
        } else {
          out[i] = p / q
        }
      }
      if !out[i].isFinite {  // never infinity or NaN (a division by zero is NaN)
        if !out[i].isNaN { RangeNotes.record("'\(op.rawValue)'") }
        markNull(i)
      }
    }
    if type == .duration {
      var ints = [Int64](repeating: 0, count: n)
      for i in 0..<n {
        let v = out[i].rounded()
        if v.isFinite && abs(v) < 9e18 { ints[i] = Int64(v) } else { markNull(i) }
      }
      return Vector(type: .duration, data: .duration(ints), valid: valid)
    }
    return Vector(type: .number, data: .number(out), valid: valid)
  }
}
