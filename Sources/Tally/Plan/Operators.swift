import Foundation

/// The meaning of every operator and function on single values. The executor's vector
/// loops must agree with these; metric-level arithmetic uses them directly.
enum Ops {
  /// `op` on the values of nodes `a` and `b`: a calendar duration literal (`1mo`, `28d`)
  /// after `time +`/`time -` or before `+ time` moves the time on the session calendar;
  /// anything else is `binary(op, l, r)`.
  static func binary(_ op: BinaryOp, _ a: Node, _ b: Node, zone: Zone) -> (Value, Value) throws -> Value {
    if op == .add || op == .sub, case .interval(let d) = b.kind, a.type == .time {
      return { l, _ in
        guard case .time(let t) = l else { return .null }
        return Time.value(op == .add ? zone.add(d, to: t) : zone.subtract(d, from: t))
      }
    }
    if op == .add, case .interval(let d) = a.kind, b.type == .time {
      return { _, r in
        guard case .time(let t) = r else { return .null }
        return Time.value(zone.add(d, to: t))
      }
    }
    return { l, r in try binary(op, l, r) }
  }

  /// `x in (items)`: true when an item equals x, else null when x or a compared item is
  /// null, else false; `negated` for `not in`.
  static func inList(_ x: Value, _ items: some Sequence<Value>, negated: Bool) throws -> Value {
    var sawNull = x.isNull
    for item in items {
      let r = try binary(.eq, x, item)
      if case .bool(true) = r { return .bool(!negated) }
      if r.isNull { sawNull = true }
    }
    return sawNull ? .null : .bool(negated)
  }

  /// Three-valued `and`/`or`, null-propagating arithmetic and comparisons.
  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
    switch op {
    case .and:
      if case .bool(false) = a { return .bool(false) }
      if case .bool(false) = b { return .bool(false) }
      if a.isNull || b.isNull { return .null }
      return .bool(true)
    case .or:
      if case .bool(true) = a { return .bool(true) }
      if case .bool(true) = b { return .bool(true) }
      if a.isNull || b.isNull { return .null }
      return .bool(false)
    default: break
    }
    if a.isNull || b.isNull { return .null }
    if op.isComparison {
      guard let c = compare(a, b) else { return .null }
      switch op {
      case .eq: return .bool(c == 0)
      case .ne: return .bool(c != 0)
      case .lt: return .bool(c < 0)
      case .le: return .bool(c <= 0)
      case .gt: return .bool(c > 0)
      default: return .bool(c >= 0)
      }
    }
    switch (a, b) {
    case (.int(let x), .int(let y)):
      switch op {
      case .add: return try checked(x.addingReportingOverflow(y), op)
      case .sub: return try checked(x.subtractingReportingOverflow(y), op)
      case .mul: return try checked(x.multipliedReportingOverflow(by: y), op)
      default: return y == 0 ? .null : .number(Double(x) / Double(y))
      }
    case (.time(let x), .time(let y)) where op == .sub: return .duration(x &- y)
    case (.time(let x), .duration(let y)):
      let (r, o) = op == .add ? x.addingReportingOverflow(y) : x.subtractingReportingOverflow(y)
      return o ? .null : Time.value(r)
    case (.duration(let x), .time(let y)) where op == .add:
      let (r, o) = x.addingReportingOverflow(y)
      return o ? .null : Time.value(r)
    case (.duration(let x), .duration(let y)):
      switch op {
      case .add: return .duration(x &+ y)
      case .sub: return .duration(x &- y)
      default: return y == 0 ? .null : .number(Double(x) / Double(y))
      }
    case (.duration(let x), _):
      guard let y = b.double else { return .null }
      if op == .mul { return durationValue(Double(x) * y) }
      return y == 0 ? .null : durationValue(Double(x) / y)
    case (_, .duration(let y)) where op == .mul:
      guard let x = a.double else { return .null }
      return durationValue(x * Double(y))
    default:
      guard let x = a.double, let y = b.double else { return .null }
      let r: Double
      switch op {
      case .add: r = x + y
      case .sub: r = x - y
      case .mul: r = x * y
      default: r = y == 0 ? .nan : x / y
      }
      if r.isFinite { return .number(r) }
      if !r.isNaN { RangeNotes.record("'\(op.rawValue)'") }  // never infinity or NaN (a division by zero is NaN)
      return .null
    }
  }

  static func durationValue(_ micros: Double) -> Value {
    guard micros.isFinite, abs(micros) < 9e18 else { return .null }
    return .duration(Int64(micros.rounded()))
  }

  static func checked(_ r: (partialValue: Int64, overflow: Bool), _ op: BinaryOp) throws -> Value {
    if r.overflow { throw TallyError(Diagnostic(.error, PlanMessage.integerOverflow(op.rawValue))) }
    return .int(r.partialValue)
  }

  /// -1, 0, 1; nil for values that do not compare.
  static func compare(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x < y ? -1 : x > y ? 1 : 0
    case (.string(let x), .string(let y)): return compareStrings(x, y)
    case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
    case (.time(let x), .time(let y)), (.duration(let x), .duration(let y)): return x < y ? -1 : x > y ? 1 : 0
    default:
      guard let x = a.double, let y = b.double else { return nil }
      return x < y ? -1 : x > y ? 1 : 0
    }
  }

  /// Strings compare by Unicode code point, with no normalization.
  static func compareStrings(_ x: String, _ y: String) -> Int {
    var i = x.unicodeScalars.makeIterator()
    var j = y.unicodeScalars.makeIterator()
    while true {
      switch (i.next(), j.next()) {
      case (nil, nil): return 0
      case (nil, _): return -1
      case (_, nil): return 1
      case (let p?, let q?): if p != q { return p.value < q.value ? -1 : 1 }
      }
    }
  }

  static func negate(_ v: Value) throws -> Value {
    switch v {
    case .int(let x): return try checked((0 as Int64).subtractingReportingOverflow(x), .sub)
    case .number(let x): return .number(-x)
    case .duration(let x): return x == .min ? .null : .duration(-x)
    default: return .null
    }
  }

  static func not(_ v: Value) -> Value {
    if case .bool(let b) = v { return .bool(!b) }
    return .null
  }

  /// Rounds half away from zero to `digits` decimals.
  static func round(_ x: Double, _ digits: Int) -> Double {
    if digits == 0 { return x.rounded(.toNearestOrAwayFromZero) }
    if digits < 0 {
      // To tens, hundreds…: the quotient by the power of ten, rounded, times it (dividing by
      // 10^k is exact where multiplying by 10^-k is not: 200000 * 1e-5 * 1e5 is 199999.99…).
      let p = pow(10, Double(-digits))
      return (x / p).rounded(.toNearestOrAwayFromZero) * p
    }
    let f = pow(10, Double(digits))
    // A number this large has no digits after the point to round (and `x * f` would overflow).
    if !(x * f).isFinite || abs(x) >= 0x1p52 { return x }
    let r = (x * f).rounded(.toNearestOrAwayFromZero) / f
    // Correct for representation error (2.675 stored as 2.67499...).
    let s = (x * f)
    let nearHalf = abs(abs(s - s.rounded(.towardZero)) - 0.5) < 1e-9
    if nearHalf { return (s.rounded(.towardZero) + (x < 0 ? -1 : 1)) / f }
    return r
  }

  /// Row- and metric-level functions on single values.
  static func call(_ f: Function, _ args: [Value], zone: Zone) -> Value {
    switch f {
    case .coalesce: return args.first { !$0.isNull } ?? .null
    case .least, .greatest:
      var best: Value = .null
      for a in args where !a.isNull {
        if best.isNull {
          best = a
          continue
        }
        if let c = compare(a, best), f == .least ? c < 0 : c > 0 { best = a }
      }
      if case .int = best, args.contains(where: { if case .number = $0 { return true } else { return false } }) {
        return .number(best.double!)
      }
      return best
    case .if:
      if case .bool(true) = args[0] { return args[1] }
      return args[2]
    default: break
    }
    if args.contains(where: \.isNull) { return .null }
    switch f {
    case .seconds, .minutes, .hours, .days:
      guard case .duration(let d) = args[0] else { return .null }
      let unit: Double = f == .seconds ? 1e6 : f == .minutes ? 60e6 : f == .hours ? 3600e6 : 86400e6
      return .number(Double(d) / unit)
    case .abs:
      switch args[0] {
      case .int(let x): return x == .min ? .null : .int(Swift.abs(x))
      case .number(let x): return .number(Swift.abs(x))
      case .duration(let x): return x == .min ? .null : .duration(Swift.abs(x))
      default: return .null
      }
    case .round:
      let digits: Int
      if args.count > 1, case .int(let d) = args[1] { digits = Int(max(-15, min(15, d))) } else { digits = 0 }
      switch args[0] {
      case .int(let x):
        if digits >= 0 { return .int(x) }
        return Int64(exactly: round(Double(x), digits)).map { .int($0) } ?? .null
      case .number(let x): return .number(round(x, digits))
      default: return .null
      }
    case .floor, .ceil:
      switch args[0] {
      case .int: return args[0]
      case .number(let x): return .number(f == .floor ? x.rounded(.down) : x.rounded(.up))
      default: return .null
      }
    case .lower, .upper, .length:
      guard case .string(let s) = args[0] else { return .null }
      if f == .length { return .int(Int64(s.count)) }
      return .string(f == .lower ? s.lowercased() : s.uppercased())
    case .contains, .startsWith, .endsWith:
      guard case .string(let s) = args[0], case .string(let t) = args[1] else { return .null }
      let a = Array(s.unicodeScalars)
      let b = Array(t.unicodeScalars)
      switch f {
      case .startsWith: return .bool(a.starts(with: b))
      case .endsWith: return .bool(a.reversed().starts(with: b.reversed()))
      default:
        if b.isEmpty { return .bool(true) }
        guard a.count >= b.count else { return .bool(false) }
        for k in 0...(a.count - b.count) where a[k] == b[0] && Array(a[k..<(k + b.count)]) == b { return .bool(true) }
        return .bool(false)
      }
    case .date:
      guard case .time(let t) = args[0] else { return .null }
      return .time(zone.periodStart(.day, t))
    case .hour:
      guard case .time(let t) = args[0] else { return .null }
      return .int(zone.localDay(t).micro / Micros.hour)
    case .weekday:
      guard case .time(let t) = args[0] else { return .null }
      let d = zone.localDay(t).day
      return .int((d % 7 + 7 + 3) % 7 + 1)
    default: return .null
    }
  }
}
