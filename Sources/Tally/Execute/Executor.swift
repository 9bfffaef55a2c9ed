import Foundation

/// Runs checked formulas over loaded datasets: filters and aggregates are loops over
/// typed column buffers; row-level results are cached per relation and reused by every
/// formula of a session.
@_spi(Stages) public final class Executor {
  let datasets: [String: Dataset]
  let zone: Zone
  var rowCache: [String: Vector] = [:]
  var maskCache: [String: Bitmap] = [:]
  var groupCache: [String: GroupIndex] = [:]
  var aggregateCache: [String: MetricValue] = [:]
  var cachedGroups = 0
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

  func eval(_ n: Node, _ ctx: Context) throws -> MetricValue {
    switch n.kind {
    case .literal(let v): return .scalar(v)
    case .interval(let d): return .scalar(.duration(d.fixedMicros))
    case .column(let c): throw TallyError(Diagnostic(.error, CheckMessage.columnOutsideAggregate(c)))
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
    case .negate(let x): return try eval(x, ctx).map { try Ops.negate($0) }
    case .not(let x): return try eval(x, ctx).map { Ops.not($0) }
    case .isNull(let x, let neg): return try eval(x, ctx).map { .bool($0.isNull != neg) }
    case .binary(let op, let a, let b):
      let apply = Ops.binary(op, a, b, zone: zone)
      return try MetricValue.combine([eval(a, ctx), eval(b, ctx)]) { try apply($0[0], $0[1]) }
    case .inList(let x, let items, let neg):
      let vals = try [eval(x, ctx)] + items.map { try eval($0, ctx) }
      return try MetricValue.combine(vals) { try Ops.inList($0[0], $0.dropFirst(), negated: neg) }
    case .call(let f, let args):
      let vals = try args.map { try eval($0, ctx) }
      return try MetricValue.combine(vals) { Ops.call(f, $0, zone: self.zone) }
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
}
