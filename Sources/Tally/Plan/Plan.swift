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
    case .column, .aggregate: return false
    case .negate(let n), .not(let n), .isNull(let n, _): return n.isConstant
    case .binary(_, let a, let b): return a.isConstant && b.isConstant
    case .inList(let n, let l, _): return n.isConstant && l.allSatisfy(\.isConstant)
    case .call(_, let args): return args.allSatisfy(\.isConstant)
    case .over(let n, _), .offset(let n, _), .at(let n, _), .by(let n, _): return n.isConstant
    }
  }
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
