import Foundation

/// What the checker knows of a dataset: its columns and their types, its time column.
@_spi(Stages) public struct DatasetSchema: Sendable {
  /// The name formulas use.
  public var name: String
  /// The columns in file order, with their types.
  public var columns: [(name: String, type: ValueType)]
  /// The column windows and the default as-of read: the declared one, else `Dataset.defaultTimeColumn`.
  public var timeColumn: String?
  /// Where it was declared, for diagnostics about its time column.
  public var declaration: (Source, SourceRange)?

  /// The file it was read from.
  public var path = ""
  /// Why each text column is text: its first value that no narrower type reads.
  public var textOrigins: [String: TextOrigin] = [:]

  /// True when the columns are not known yet (a header-only check of a JSON Lines file): any name is accepted.
  public var open = false

  func type(of column: String) -> ValueType? { columns.first { $0.name == column }?.type ?? (open ? .null : nil) }
}

/// A `let NAME = DATASET [where PRED] [time COL]`: the statement, and where it was written.
@_spi(Stages) public struct ViewDefinition: Sendable {
  /// The view as written.
  public var decl: ViewDecl
  /// The source it was defined in; the declaration's ranges index it.
  public var source: Source
  /// The range of the whole statement, for diagnostics.
  public var range: SourceRange

  /// The name formulas use for the view.
  public var name: String { decl.name }
  /// The dataset or view it narrows.
  public var base: String { decl.base }
  /// Where the base's name is written (inside any backquotes).
  public var baseRange: SourceRange { decl.baseRange }
  /// The `where` predicate, checked per row of the base; nil for none.
  public var filter: Expr? { decl.filter }
  /// The `time` column it reads instead of the base's, if given.
  public var time: String? { decl.time }
  /// Where the time column's name is written.
  public var timeRange: SourceRange? { decl.timeRange }
}

/// A `let NAME = EXPR` or a `metric`.
public struct ValueDefinition: Sendable {
  /// The name formulas use.
  public var name: String
  /// The defining expression, checked afresh wherever the name is used.
  public var expr: Expr
  /// The source it was defined in; `expr`'s ranges index it.
  public var source: Source
  /// The `metric` declaration, or nil for a `let`.
  public var metric: MetricDecl?
}

/// The names a formula can use.
@_spi(Stages) public struct Catalog: Sendable {
  /// Loaded datasets' schemas, by name.
  public var datasets: [String: DatasetSchema] = [:]
  /// Views (`let NAME = DATASET ...`), by name.
  public var views: [String: ViewDefinition] = [:]
  /// `let` values and metrics, by name.
  public var values: [String: ValueDefinition] = [:]
  /// An empty catalog.
  public init() {}

  var allNames: [String] { Array(datasets.keys) + Array(views.keys) + Array(values.keys) }
}
