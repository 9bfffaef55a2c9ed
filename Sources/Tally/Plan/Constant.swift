import Foundation

/// The value of a constant formula (one that reads no column and no aggregate), computed
/// when it is checked: a bound (`target <= 1.5%`), a percentile (`90%`). It means what the
/// engines compute, through the same operators.
enum Constant {
  static func value(of n: Node, zone: Zone) throws -> MetricValue {
    switch n.kind {
    case .literal(let v): return .scalar(v)
    case .interval(let d): return .scalar(.duration(d.fixedMicros))
    case .column, .aggregate, .lookup, .perRow, .series, .overGroups: throw TallyError(Diagnostic(.error, PlanMessage.notConstant(n.key)))
    case .negate(let x): return try value(of: x, zone: zone).map { try Ops.negate($0) }
    case .not(let x): return try value(of: x, zone: zone).map { Ops.not($0) }
    case .isNull(let x, let neg): return try value(of: x, zone: zone).map { .bool($0.isNull != neg) }
    case .binary(let op, let a, let b):
      let apply = Ops.binary(op, a, b, zone: zone)
      return try MetricValue.combine([value(of: a, zone: zone), value(of: b, zone: zone)]) { try apply($0[0], $0[1]) }
    case .inList(let x, let items, let neg):
      let vals = try [value(of: x, zone: zone)] + items.map { try value(of: $0, zone: zone) }
      return try MetricValue.combine(vals) { try Ops.inList($0[0], $0.dropFirst(), negated: neg) }
    case .call(let f, let args):
      return try MetricValue.combine(args.map { try value(of: $0, zone: zone) }) { Ops.call(f, $0, zone: zone) }
    // Time clauses change no constant; a grouping of one has no groups.
    case .over(let x, _), .offset(let x, _), .at(let x, _): return try value(of: x, zone: zone)
    case .by(let x, let keys):
      let v = try value(of: x, zone: zone)
      if case .scalar(let s) = v { return .grouped(GroupedValue(keyNames: keys.map(\.name), values: [:], fallback: s)) }
      return v
    }
  }
}
