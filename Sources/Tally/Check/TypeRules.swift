import Foundation

/// The type two values share, for `coalesce`, `if`, `least`, `greatest`.
func commonType(_ a: ValueType, _ b: ValueType) -> ValueType? {
  if a == .null { return b }
  if b == .null { return a }
  if a == b { return a }
  if a.isNumeric && b.isNumeric { return .number }
  return nil
}

/// The result type of a binary operator, or nil when the operands do not fit.
func binaryType(_ op: BinaryOp, _ l: ValueType, _ r: ValueType) -> ValueType? {
  switch op {
  case .and, .or:
    return (l == .bool || l == .null) && (r == .bool || r == .null) ? .bool : nil
  case .eq, .ne, .lt, .le, .gt, .ge:
    if l == .null || r == .null || l == r || (l.isNumeric && r.isNumeric) { return .bool }
    return nil
  case .add, .sub:
    switch (l, r) {
    case (.int, .int): return .int
    case (.null, .null): return .null
    case (.time, .time): return op == .sub ? .duration : nil
    case (.time, .duration): return .time
    case (.duration, .time): return op == .add ? .time : nil
    // A null, or a column whose type is not known yet, may be a time (its difference a
    // duration) or a duration (a time): the type is left open.
    case (.time, .null), (.null, .time): return op == .add ? .time : .null
    case (.duration, .duration), (.duration, .null), (.null, .duration): return .duration
    default:
      if (l.isNumeric || l == .null) && (r.isNumeric || r == .null) {
        return l == .int || r == .int ? (l == .number || r == .number ? .number : .int) : .number
      }
      return nil
    }
  case .mul:
    switch (l, r) {
    case (.duration, .int), (.duration, .number), (.int, .duration), (.number, .duration), (.duration, .null), (.null, .duration):
      return .duration
    case (.int, .int), (.int, .null), (.null, .int): return .int
    case (.null, .null): return .null
    default: return (l.isNumeric || l == .null) && (r.isNumeric || r == .null) ? .number : nil
    }
  case .div:
    switch (l, r) {
    case (.duration, .int), (.duration, .number), (.duration, .null): return .duration
    // A null, or a column whose type is not known yet, over a duration may be a duration's ratio.
    case (.duration, .duration), (.null, .duration): return .number
    default: return (l.isNumeric || l == .null) && (r.isNumeric || r == .null) ? .number : nil
    }
  }
}

func binaryHint(_ op: BinaryOp, _ l: ValueType, _ r: ValueType) -> [String] {
  if (l == .time && r.isNumeric) || (r == .time && l.isNumeric) {
    return ["a time combines with a duration (as in 24h) or another time"]
  }
  if l == .duration && r.isNumeric && op.isComparison {
    return ["compare a duration with a duration, as in 24h, or convert it with hours(...)"]
  }
  if l == .string && r.isNumeric || r == .string && l.isNumeric {
    return ["a string is not a number; compare it with a string in quotes"]
  }
  return []
}
