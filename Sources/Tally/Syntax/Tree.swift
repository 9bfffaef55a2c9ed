import Foundation

/// A literal value as written.
public enum Literal: Hashable, Sendable {
  case integer(Int64)
  case number(Double)
  case bool(Bool)
  case string(String)
  /// A time literal's text; its zone is the session's unless the text names an offset.
  case time(String)
  case duration(DurationLiteral)
  case null
}

/// Binary operators, by precedence level.
public enum BinaryOp: String, Sendable {
  case or, and
  case eq = "="
  case ne = "!="
  case lt = "<"
  case le = "<="
  case gt = ">"
  case ge = ">="
  case add = "+"
  case sub = "-"
  case mul = "*"
  case div = "/"

  var isComparison: Bool { [.eq, .ne, .lt, .le, .gt, .ge].contains(self) }
  /// The binding strength, lowest first: `or`, `and`, comparisons, `+ -`, `* /`.
  var precedence: Int {
    switch self {
    case .or: return 1
    case .and: return 2
    case .eq, .ne, .lt, .le, .gt, .ge: return 3
    case .add, .sub: return 4
    case .mul, .div: return 5
    }
  }
  var isLogical: Bool { self == .or || self == .and }
}

/// The window of an `over` clause.
public enum Window: Hashable, Sendable {
  /// `[E − d, E)`.
  case trailing(DurationLiteral)
  /// The calendar period containing the instant just before E, to date.
  case period(Period)
}

/// One key of a `by` clause.
public enum GroupKey: Hashable, Sendable {
  case column(String)
  case grain(Period)

  /// The name of the key column in results.
  public var name: String {
    switch self {
    case .column(let c): return c
    case .grain(let p): return p.rawValue
    }
  }
}

/// An expression with the byte range it was written at.
public indirect enum ExprKind: Sendable {
  case literal(Literal)
  /// A bare or backquoted name: a column, a dataset, a view, a `let` or a `metric`.
  case name(String)
  /// `dataset.column`, `link.column`, `link.link.column`: the names, and where each stands.
  case member([String], [SourceRange])
  case negate(Expr)
  case not(Expr)
  case binary(BinaryOp, Expr, Expr)
  case isNull(Expr, negated: Bool)
  case inList(Expr, [Expr], negated: Bool)
  /// A function or aggregate call; `filter` is an aggregate's `where`.
  case call(String, [Expr], filter: Expr?)
  case over(Expr, Window)
  case offset(Expr, DurationLiteral)
  case at(Expr, String)
  case by(Expr, [ByKey])
  /// `every GRAIN for W`: a series, one point per step back.
  case every(Expr, Period, DurationLiteral)
}

/// A `by` key as written, with the range of its column's name (or of its grain).
public struct ByKey: Sendable {
  /// The key.
  public var key: GroupKey
  /// Where its name stands: `category` in `by orders.category`.
  public var range: SourceRange
  /// The names before the column, as in `orders` in `by orders.category`: a dataset, a view
  /// or a link path.
  public var qualifier: [String] = []
  /// Where each name of `qualifier` stands.
  public var qualifierRanges: [SourceRange] = []
  /// A key written at `range`.
  public init(_ key: GroupKey, _ range: SourceRange) {
    self.key = key
    self.range = range
  }
  /// The key as written: `orders.category`.
  public var written: String { (qualifier + [key.name]).joined(separator: ".") }
}

/// An expression node.
public struct Expr: Sendable {
  /// Whether `left`, the left operand of `op`, is the same kind of operation, as in the
  /// `1 + 2` of `1 + 2 + 3`: a flat chain, which adds no depth.
  static func continuesChain(_ left: Expr, of op: BinaryOp) -> Bool {
    guard case .binary(let inner, _, _) = left.kind else { return false }
    return inner.precedence == op.precedence && !op.isComparison
  }

  /// What the expression is.
  public var kind: ExprKind
  /// The bytes it was written at.
  public var range: SourceRange
  /// Creates an expression of a kind at a range.
  public init(_ kind: ExprKind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// A `dataset NAME from "PATH" [time COL]` statement.
public struct DatasetDecl: Sendable {
  /// The dataset's name.
  public var name: String
  /// The file, as written (relative to the file that says it); empty for a table on a server.
  public var path: String
  /// The table on a database server, for `dataset NAME from postgres "CONN" table "S.T"`.
  public var server: ServerTableDecl?
  /// The `time` column, if named.
  public var time: String?
  /// Where the time column's name stands.
  public var timeRange: SourceRange?
}

/// Where a `dataset ... from postgres "CONN" table "S.T"` finds its table.
public struct ServerTableDecl: Sendable {
  /// `env:VAR`, or a `postgres://` URL without a password.
  public var connection: String
  /// Where the connection's string stands.
  public var connectionRange: SourceRange
  /// The table, `SCHEMA.TABLE` or `TABLE`.
  public var table: String
  /// Where the table's string stands.
  public var tableRange: SourceRange
}

/// A `let NAME = BASE [where PRED] [time COL]` statement: a view of a dataset or another view.
public struct ViewDecl: Sendable {
  /// The view's name.
  public var name: String
  /// The dataset or view it narrows.
  public var base: String
  /// Where the base's name stands.
  public var baseRange: SourceRange
  /// Its `where` predicate, if any.
  public var filter: Expr?
  /// Its own `time` column, if named.
  public var time: String?
  /// Where the time column's name stands.
  public var timeRange: SourceRange?
}

/// A `link A.COL -> B.KEY [as NAME]` statement.
public struct LinkDecl: Sendable {
  /// The dataset whose rows refer (A) and its column.
  public var from: String
  public var column: String
  /// The dataset referred to (B) and its key column.
  public var to: String
  public var key: String
  /// The link's name: `as NAME`, else B's name.
  public var name: String
  /// Where A, COL, B, KEY and the name stand.
  public var fromRange: SourceRange
  public var columnRange: SourceRange
  public var toRange: SourceRange
  public var keyRange: SourceRange
  public var nameRange: SourceRange
}

/// How a metric's value is shown.
public enum ValueFormat: String, Sendable {
  case percent, number, integer, duration
}

/// A `target` or `warn` bound.
public struct Bound: Sendable {
  /// The comparison a metric's value must satisfy, as `value OP bound`.
  public var op: BinaryOp
  /// The bound: a constant expression such as `1.5%`.
  public var value: Expr
}

/// A `metric` statement.
public struct MetricDecl: Sendable {
  /// The metric's name.
  public var name: String
  /// Its formula.
  public var expr: Expr
  /// Its `##` comment lines above the statement, joined by line breaks.
  public var description: String?
  /// Its `format` clause, if any.
  public var format: ValueFormat?
  /// Its `target` clause: the bound a passing value meets.
  public var target: Bound?
  /// Its `warn` clause: a value that misses the target but meets this warns instead of failing.
  public var warn: Bound?
}

/// An `expect` line of a `test`.
public struct Expectation: Sendable {
  /// The formula tested: the left side of `=`, or the whole expression.
  public var actual: Expr
  /// The right side of `=`; nil when the expression itself must be true.
  public var expected: Expr?
  /// The `within` allowance, if any.
  public var tolerance: Expr?
  /// The range from `expect` to the end of the clause.
  public var range: SourceRange
}

/// A `test` statement: fixture data, an as-of, expected values.
public struct TestDecl: Sendable {
  /// The test's name, as quoted after `test`.
  public var name: String
  /// Its `with DATASET from "PATH"` clauses: the dataset, the file replacing it, the range of the dataset name.
  public var fixtures: [(dataset: String, path: String, range: SourceRange)]
  /// The text of its `at` time, its as-of; nil for the default.
  public var at: String?
  /// Its `expect` clauses, in order.
  public var expectations: [Expectation]
}

/// What a statement says.
public enum StatementKind: Sendable {
  case dataset(DatasetDecl)
  case link(LinkDecl)
  case view(ViewDecl)
  case value(name: String, Expr)
  case metric(MetricDecl)
  case assert(Expr)
  case test(TestDecl)
  case expr(Expr)
}

/// A statement, with the range of its first keyword and of the whole.
public struct Statement: Sendable {
  /// What the statement says.
  public var kind: StatementKind
  /// The source it was written in.
  public var source: Source
  /// The range of the statement's keyword (its reported line).
  public var keywordRange: SourceRange
  /// The range of the name it defines, if any.
  public var nameRange: SourceRange
  /// The range of the whole statement.
  public var range: SourceRange

  /// The name the statement defines, if any.
  public var definedName: String? {
    switch kind {
    case .dataset(let d): return d.name
    case .view(let v): return v.name
    case .value(let n, _): return n
    case .metric(let m): return m.name
    default: return nil
    }
  }

  /// The 1-based line of the statement's keyword.
  public var line: Int { source.location(of: keywordRange.start).line }
}
