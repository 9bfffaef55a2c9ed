import Foundation

/// The operators: each operand checked, then the types combined by `TypeRules`.
extension Checker {
  mutating func negate(_ x: Expr, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard let n = check(x, ctx) else { return nil }
    guard [.int, .number, .duration, .null].contains(n.type) else {
      error(CheckMessage.unaryMismatch("-", n.type.description), ctx, r)
      return nil
    }
    if case .interval(let d) = n.kind { return Node(.interval(d.negated), .duration, r) }
    return Node(.negate(n), n.type, r)
  }

  mutating func not(_ x: Expr, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard let n = check(x, ctx) else { return nil }
    guard n.type == .bool || n.type == .null else {
      error(CheckMessage.unaryMismatch("not", n.type.description), ctx, r)
      return nil
    }
    return Node(.not(n), .bool, r)
  }

  mutating func binary(_ op: BinaryOp, _ a: Expr, _ b: Expr, _ range: SourceRange, _ ctx: Context) -> Node? {
    // A flat chain (`1 + 2 + 3`) adds no depth.
    var leftCtx = ctx
    if Expr.continuesChain(a, of: op) { leftCtx.depth -= 1 }
    let l = check(a, leftCtx)
    let r = check(b, ctx)
    guard let l, let r else { return nil }
    guard let t = binaryType(op, l.type, r.type) else {
      error(
        CheckMessage.typeMismatch(op.rawValue, l.type.description, r.type.description), ctx, range,
        notes: binaryHint(op, l.type, r.type) + textNotes([l, r], ctx))
      return nil
    }
    return Node(.binary(op, l, r), t, range)
  }

  mutating func inList(_ x: Expr, _ items: [Expr], negated: Bool, _ r: SourceRange, _ ctx: Context) -> Node? {
    guard let n = check(x, ctx) else { return nil }
    var list: [Node] = []
    for it in items {
      guard let m = check(it, ctx) else { return nil }
      guard binaryType(.eq, n.type, m.type) != nil else {
        error(CheckMessage.typeMismatch("in", n.type.description, m.type.description), ctx, it.range, notes: textNotes([n], ctx))
        return nil
      }
      list.append(m)
    }
    return Node(.inList(n, list, negated: negated), .bool, r)
  }

  /// An aggregate, a function, or a name that is neither.
  mutating func call(_ f: String, _ args: [Expr], _ filter: Expr?, _ r: SourceRange, _ ctx: Context) -> Node? {
    if let agg = AggregateFunction(rawValue: f) { return aggregate(agg, args, filter, r, ctx) }
    if let fn = Function(rawValue: f) {
      if let filter {
        error(CheckMessage.whereOutsideAggregate(f), ctx, filter.range)
        return nil
      }
      return function(fn, args, r, ctx)
    }
    let all = AggregateFunction.allCases.map(\.rawValue) + Function.allCases.map(\.rawValue)
    error(CheckMessage.unknownFunction(f), ctx, SourceRange(r.start, r.start + f.utf8.count), notes: suggestion(f, in: all))
    return nil
  }
}
