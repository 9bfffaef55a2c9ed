import Foundation

/// A checked formula: every name resolved, every node typed. It is a plain value that
/// any executor can walk: the in-memory `Executor`, or a SQL generator.
///
/// Row-level nodes (`column` and what is built on columns) are evaluated per row of one
/// relation; metric-level nodes combine aggregates, literals and clauses.
public struct Node: Sendable, Hashable {
  /// What a node computes.
  public indirect enum Kind: Sendable, Hashable {
    case literal(Value)
    /// A calendar duration literal (`28d`, `1mo`): a duration that `time ± ...` applies on the calendar.
    case interval(DurationLiteral)
    /// A column of the relation being read (row level only).
    case column(String)
    case aggregate(Aggregate)
    case negate(Node)
    case not(Node)
    case binary(BinaryOp, Node, Node)
    case isNull(Node, negated: Bool)
    case inList(Node, [Node], negated: Bool)
    case call(Function, [Node])
    case over(Node, Window)
    case offset(Node, DurationLiteral)
    /// `at T`: the as-of instant for the inner expression.
    case at(Node, Instant)
    case by(Node, [GroupKey])
    /// A column of the row that the row being read refers to through a chain of links (row level).
    case lookup([LinkStep], String)
    /// An aggregate over the rows that refer to the row being read (row level, section 9).
    case perRow(PerRow)
    /// `EXPR every GRAIN for W`: one value per point, grouped by period (metric level).
    case series(Node, Period, DurationLiteral)
    /// `AGG(EXPR by KEYS [where PRED])`: an aggregate of the values of a grouped expression.
    case overGroups(GroupsAggregate)
  }

  /// What the node computes.
  public var kind: Kind
  /// The type of its value (of each group's value, under `by`).
  public var type: ValueType
  /// The range of the expression it was checked from.
  public var range: SourceRange

  /// Equal when they compute the same, of the same type, wherever they were written.
  public static func == (a: Node, b: Node) -> Bool { a.type == b.type && a.kind == b.kind }

  /// Hashes what `==` compares.
  public func hash(into h: inout Hasher) {
    h.combine(type)
    h.combine(kind)
  }

  /// Creates a node from what it computes, its type and its range.
  public init(_ kind: Kind, _ type: ValueType, _ range: SourceRange) {
    self.kind = kind
    self.type = type
    self.range = range
  }

  /// True when no node below reads a column or an aggregate (a constant).
  public var isConstant: Bool {
    switch kind {
    case .literal, .interval: return true
    case .column, .aggregate, .lookup, .perRow, .series, .overGroups: return false
    case .negate(let n), .not(let n), .isNull(let n, _): return n.isConstant
    case .binary(_, let a, let b): return a.isConstant && b.isConstant
    case .inList(let n, let l, _): return n.isConstant && l.allSatisfy(\.isConstant)
    case .call(_, let args): return args.allSatisfy(\.isConstant)
    case .over(let n, _), .offset(let n, _), .at(let n, _), .by(let n, _): return n.isConstant
    }
  }

  /// True when it is a series, under any time clauses.
  public var isSeries: Bool {
    switch kind {
    case .series: return true
    case .over(let n, _), .offset(let n, _), .at(let n, _): return n.isSeries
    default: return false
    }
  }

  /// True when a node below is an aggregate per row, whose values depend on the as-of and window.
  public var readsPerRow: Bool {
    switch kind {
    case .perRow: return true
    case .literal, .interval, .column, .aggregate, .lookup, .overGroups: return false
    case .negate(let n), .not(let n), .isNull(let n, _): return n.readsPerRow
    case .binary(_, let a, let b): return a.readsPerRow || b.readsPerRow
    case .inList(let n, let l, _): return n.readsPerRow || l.contains(where: \.readsPerRow)
    case .call(_, let args): return args.contains(where: \.readsPerRow)
    case .over(let n, _), .offset(let n, _), .at(let n, _), .by(let n, _), .series(let n, _, _): return n.readsPerRow
    }
  }
}

/// One link followed by a lookup: each row of `from` refers to the row of `to` whose `key`
/// equals its `column` (section 9).
public struct LinkStep: Sendable, Hashable {
  /// The link's name (`as NAME`, else the dataset referred to).
  public var name: String
  /// The dataset whose rows refer, and its column.
  public var from: String
  public var column: String
  /// The dataset referred to, and its key column.
  public var to: String
  public var key: String
  /// A step from `from.column` to `to.key`, named `name`.
  public init(name: String, from: String, column: String, to: String, key: String) {
    self.name = name
    self.from = from
    self.column = column
    self.to = to
    self.key = key
  }
}

/// An aggregate over the groups of a grouped expression (section 10): `avg(dispute_rate by shop)`.
public struct GroupsAggregate: Sendable, Hashable {
  /// What it computes over the groups' values.
  public var function: AggregateFunction
  /// The grouped expression: a `by` node whose keys are the outer `by`'s, if any, then its own.
  public var grouped: Node
  /// How many of its keys come from the outer `by`: it reduces over the rest, per outer group.
  public var outerKeys: Int
  /// Its `where`, over the groups: `value` and the key columns.
  public var filter: Node?
  /// The percentile fraction.
  public var parameter: Double?
  /// The type of the groups' values.
  public var valueType: ValueType
  /// The types of the keys, in order.
  public var keyTypes: [ValueType]
}

/// A clause on an aggregate per row, in the order written, outermost first.
public enum RowClause: Sendable, Hashable {
  case over(Window)
  case offset(DurationLiteral)
  case at(Instant)
}

/// An aggregate evaluated once per row of the dataset a `where` reads, over the rows of its own
/// dataset that refer to that row through `link`: `count(refunds)` in `count(paid where count(refunds) > 0)`.
public struct PerRow: Sendable, Hashable {
  /// The aggregate, over the referring dataset.
  public var aggregate: Aggregate
  /// The link from the aggregate's dataset to the row's.
  public var link: LinkStep
  /// Its own clauses, in parentheses around it: `(count(paid) over 28d) > 40`.
  public var clauses: [RowClause]
  /// The aggregate's type.
  public var type: ValueType
}

/// The rows an aggregate reads: a dataset, through a view's filter, with a time column.
public struct Relation: Sendable, Hashable {
  /// The dataset or view name as written.
  public var name: String
  /// The loaded dataset it reads.
  public var dataset: String
  /// The view's filter (ANDed filters of nested views), if any.
  public var filter: Node?
  /// The time column, if the dataset or view has one.
  public var timeColumn: String?

  /// A relation of a dataset, through a filter, with a time column.
  public init(name: String, dataset: String, filter: Node? = nil, timeColumn: String?) {
    self.name = name
    self.dataset = dataset
    self.filter = filter
    self.timeColumn = timeColumn
  }

  /// Equal when they read the same dataset, filter and time column, whatever the name.
  public static func == (a: Relation, b: Relation) -> Bool {
    a.dataset == b.dataset && a.filter == b.filter && a.timeColumn == b.timeColumn
  }
  /// Hashes what `==` compares: dataset, filter and time column.
  public func hash(into h: inout Hasher) {
    h.combine(dataset)
    h.combine(filter)
    h.combine(timeColumn)
  }
}

/// One aggregate: its function, the relation it reads, its argument, `where` and parameter.
public struct Aggregate: Sendable, Hashable {
  /// What it computes (`sum`, `count`, ...).
  public var function: AggregateFunction
  /// The rows it reads.
  public var relation: Relation
  /// Nil for `count(DATASET)`.
  public var argument: Node?
  /// Its `where` predicate, at row level, if any.
  public var filter: Node?
  /// The percentile fraction.
  public var parameter: Double?
  /// The `by` keys in force, resolved for this aggregate's dataset: a key through a link is a
  /// lookup. Nil outside any `by`.
  public var keys: [KeySource]? = nil
}

/// What an aggregate groups its rows by, for one `by` key: its own column, a lookup through
/// links, or the period of its time column.
public enum KeySource: Sendable, Hashable {
  case column(String)
  case lookup([LinkStep], String)
  case grain(Period)
}

/// A checked formula bound to the instant it is evaluated as of: what an `Engine` runs.
public struct Plan: Sendable {
  /// The checked formula.
  public var root: Node
  /// The as-of instant, the exclusive end of time (microseconds since the epoch).
  public var asOf: Int64
  /// A plan of `root` as of `asOf`.
  public init(root: Node, asOf: Int64) {
    self.root = root
    self.asOf = asOf
  }
}
