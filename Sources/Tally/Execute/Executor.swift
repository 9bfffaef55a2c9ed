import Foundation

/// Runs checked formulas over loaded datasets: filters and aggregates are loops over
/// typed column buffers; row-level results are cached per relation and reused by every
/// formula of a session.
@_spi(Stages) public final class Executor {
  let datasets: [String: Dataset]
  let zone: Zone
  /// The key indexes that links read, by dataset and key column (built when missing).
  var keyIndexes: [KeyColumn: KeyIndex]
  /// For each chain of links, the row each row of its first dataset refers to (-1: none).
  var linkRowsCache: [[LinkStep]: [Int32]] = [:]
  /// Row formulas' vectors, time masks, filters' masks, group indexes and aggregates, each
  /// computed once and kept under what determines it.
  var rowCache: [RowKey: Vector] = [:]
  var timeMaskCache: [TimeMaskKey: Bitmap] = [:]
  var filterCache: [RowKey: Bitmap] = [:]
  var groupCache: [GroupingKey: GroupIndex] = [:]
  var aggregateCache: [AggregateKey: (value: MetricValue, notes: [String])] = [:]
  /// The aggregates over datasets on servers, which run there; nil when every dataset is a file.
  let servers: ServerAggregates?

  /// A row formula over a dataset; with the as-of and window in force when it holds an
  /// aggregate per row, whose values depend on them.
  struct RowKey: Hashable {
    var dataset: String
    var node: Node
    var asOf: Int64?
    var window: Window?
    init(_ dataset: String, _ node: Node, _ ctx: Context) {
      self.dataset = dataset
      self.node = node
      if node.readsPerRow {
        asOf = ctx.asOf
        window = ctx.window
      }
    }
  }

  /// The rows of a dataset's time column in `[start, end)` (no start: every row before `end`,
  /// and those with no time).
  struct TimeMaskKey: Hashable {
    var dataset: String
    var column: String
    var start: Int64?
    var end: Int64
  }

  /// The groups of a dataset's rows by some keys (a grain reads the time column).
  struct GroupingKey: Hashable {
    var dataset: String
    var timeColumn: String?
    var keys: [KeySource]
  }

  /// An aggregate in a context: its as-of, window and grouping.
  struct AggregateKey: Hashable {
    var node: Node
    var asOf: Int64
    var window: Window?
    var grouping: [GroupKey]?
  }
  var cachedGroups = 0
  /// Aggregates over groups evaluated so far: each one's groups are a dataset of their own.
  var groupTables = 0
  /// The most points of one series.
  static let maxSeriesPoints = 100_000
  /// The most groups kept in `aggregateCache` before it is emptied.
  static let maxCachedGroups = 2_000_000

  /// The evaluation context: the as-of instant, the window and the grouping in force.
  struct Context {
    var asOf: Int64
    var window: Window?
    var grouping: [GroupKey]?
  }

  /// An executor over loaded datasets, by name; calendar windows and durations follow `zone`.
  public init(datasets: [String: Dataset], zone: Zone, keyIndexes: [KeyColumn: KeyIndex] = [:]) {
    self.datasets = datasets
    self.zone = zone
    self.keyIndexes = keyIndexes
    servers = ServerAggregates(datasets: datasets, zone: zone)
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
    case .column(let c), .lookup(_, let c): throw TallyError(Diagnostic(.error, CheckMessage.columnOutsideAggregate(c)))
    case .perRow(let p): throw TallyError(Diagnostic(.error, CheckMessage.aggregateInRow(p.aggregate.function.rawValue)))
    case .series(let x, let grain, let span): return try series(x, grain, span, ctx)
    case .overGroups(let g):
      if let servers, let table = servers.server(of: n) {
        let empty = Accumulator(g.function, nil, n.type, g.parameter, groups: 1).result(0)
        return try servers.evaluate(n, on: table, asOf: ctx.asOf, window: ctx.window, grouping: ctx.grouping, empty: empty)
      }
      return try overGroups(g, n.type, ctx)
    case .aggregate(let a):
      // A metric used by others is inlined into them: its aggregates are computed once per context.
      let key = AggregateKey(node: n, asOf: ctx.asOf, window: ctx.window, grouping: ctx.grouping)
      if let hit = aggregateCache[key] {
        for note in hit.notes { RangeNotes.record(note) }
        return hit.value
      }
      let earlier = RangeNotes.take()
      let v: MetricValue
      if let servers, let table = servers.server(of: n) {
        let empty = Accumulator(a.function, nil, n.type, a.parameter, groups: 1).result(0)
        v = try servers.evaluate(n, on: table, asOf: ctx.asOf, window: ctx.window, grouping: ctx.grouping, empty: empty)
      } else {
        v = try aggregate(a, n.type, ctx)
      }
      let notes = RangeNotes.take()
      for note in earlier + notes { RangeNotes.record(note) }
      if case .grouped(let g) = v { cachedGroups += g.values.count }
      if cachedGroups > Self.maxCachedGroups {  // a long REPL session keeps memory in bounds
        aggregateCache.removeAll()
        cachedGroups = 0
      }
      aggregateCache[key] = (v, notes)
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
