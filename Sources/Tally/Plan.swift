import Foundation

/// A checked formula: every name resolved, every node typed. It is a plain value that
/// any executor can walk: the in-memory `Executor`, or a SQL generator.
///
/// Row-level nodes (`column` and what is built on columns) are evaluated per row of one
/// relation; metric-level nodes combine aggregates, literals and clauses.
public struct Node: Sendable {
  /// What a node computes.
  public indirect enum Kind: Sendable {
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

/// An as-of instant as written: a day means the start of the next day in the session zone.
public enum Instant: Hashable, Sendable {
  case day(TimeText)
  case instant(TimeText)

  /// Parses `2024-06-30` or an instant, with or without the `@` of a time literal.
  public init?(_ text: String) {
    guard let t = parseTimeText(text.hasPrefix("@") ? String(text.dropFirst()) : text) else { return nil }
    self = t.hasTime || t.offset != nil ? .instant(t) : .day(t)
  }

  /// The exclusive end of time it stands for.
  public func resolve(_ zone: Zone) -> Int64 {
    switch self {
    case .instant(let t): return zone.instant(t)
    case .day(let t):
      // The start of the next day, even when a DST change skips its midnight.
      let end = zone.fromLocal((daysFromCivil(t.year, t.month, t.day) + 1) * Micros.day)
      return Time.inRange(end) ? end : Time.max
    }
  }
}

/// Row-level and metric-level functions.
public enum Function: String, Sendable, CaseIterable {
  case seconds, minutes, hours, days, abs, round, floor, ceil, least, greatest, coalesce
  case `if`, lower, upper, length, contains, date, hour, weekday
  case startsWith = "starts_with"
  case endsWith = "ends_with"
}

/// Aggregate functions.
public enum AggregateFunction: String, Sendable, CaseIterable {
  case count, sum, avg, min, max, median, percentile
  case countDistinct = "count_distinct"
}

/// The rows an aggregate reads: a dataset, through a view's filter, with a time column.
public struct Relation: Sendable, Hashable {
  /// The dataset or view name as written.
  public var name: String
  /// The loaded dataset it reads.
  public var dataset: String
  /// The view's filter (ANDed filters of nested views), if any.
  public var filter: Node?
  /// A text key of the filter, for caching and equality.
  public var filterKey: String
  /// The time column, if the dataset or view has one.
  public var timeColumn: String?

  /// Equal when they read the same dataset, filter and time column, whatever the name.
  public static func == (a: Relation, b: Relation) -> Bool {
    a.dataset == b.dataset && a.filterKey == b.filterKey && a.timeColumn == b.timeColumn
  }
  /// Hashes what `==` compares: dataset, filter key and time column.
  public func hash(into h: inout Hasher) {
    h.combine(dataset)
    h.combine(filterKey)
    h.combine(timeColumn)
  }
}

/// One aggregate: its function, the relation it reads, its argument, `where` and parameter.
public struct Aggregate: Sendable {
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

extension Node {
  /// A canonical text of the node (cache key and test dump).
  public var key: String {
    switch kind {
    case .literal(let v):
      // Code points spelled out: as cache keys, Swift's String equality would merge `é` and `e\u{301}`.
      if case .string(let s) = v {
        return "\""
          + s.unicodeScalars.map { $0.isASCII && $0 != "\\" && $0 != "\"" ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
          + "\""
      }
      if case .time(let t) = v { return "@\(t)" }
      if case .duration(let d) = v { return "\(d)us" }
      return v.description
    case .interval(let d): return d.description
    case .column(let c): return "`\(c)`"
    case .aggregate(let a):
      let rel =
        a.relation.name + (a.relation.filterKey.isEmpty ? "" : "[\(a.relation.filterKey)]") + (a.relation.timeColumn.map { "@\($0)" } ?? "")
      let arg = a.argument.map { $0.key } ?? "*"
      return "\(a.function.rawValue)(\(rel): \(arg)\(a.filter.map { " where \($0.key)" } ?? "")\(a.parameter.map { ", \($0)" } ?? ""))"
    case .negate(let n): return "(-\(n.key))"
    case .not(let n): return "(not \(n.key))"
    case .binary(let op, let a, let b): return "(\(a.key) \(op.rawValue) \(b.key))"
    case .isNull(let n, let neg): return "(\(n.key) is \(neg ? "not " : "")null)"
    case .inList(let n, let l, let neg): return "(\(n.key) \(neg ? "not " : "")in (\(l.map(\.key).joined(separator: ", "))))"
    case .call(let f, let args): return "\(f.rawValue)(\(args.map(\.key).joined(separator: ", ")))"
    case .over(let n, let w):
      switch w {
      case .trailing(let d): return "(\(n.key) over \(d))"
      case .period(let p): return "(\(n.key) over \(p.rawValue))"
      }
    case .offset(let n, let d): return "(\(n.key) offset \(d))"
    case .at(let n, let i): return "(\(n.key) at \(i))"
    case .by(let n, let k): return "(\(n.key) by \(k.map(\.name).joined(separator: ", ")))"
    }
  }
}
