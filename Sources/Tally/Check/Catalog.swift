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

/// A `link A.COL -> B.KEY [as NAME]`: the statement, and where it was written.
@_spi(Stages) public struct LinkDefinition: Sendable {
  /// The link as written.
  public var decl: LinkDecl
  /// The source it was defined in; the declaration's ranges index it.
  public var source: Source
  /// The range of the whole statement.
  public var range: SourceRange
  /// The step a lookup through it takes.
  public var step: LinkStep {
    LinkStep(name: decl.name, from: decl.from, column: decl.column, to: decl.to, key: decl.key)
  }
  /// The link as written, for messages: `refunds.order_id -> orders.order_id`.
  public var written: String {
    "\(decl.from).\(decl.column) -> \(decl.to).\(decl.key)" + (decl.name == decl.to ? "" : " as \(decl.name)")
  }
}

/// The names a formula can use.
@_spi(Stages) public struct Catalog: Sendable {
  /// Loaded datasets' schemas, by name.
  public var datasets: [String: DatasetSchema] = [:]
  /// Views (`let NAME = DATASET ...`), by name.
  public var views: [String: ViewDefinition] = [:]
  /// `let` values and metrics, by name.
  public var values: [String: ValueDefinition] = [:]
  /// Links between datasets, in the order defined.
  public var links: [LinkDefinition] = []
  /// An empty catalog.
  public init() {}

  var allNames: [String] { Array(datasets.keys) + Array(views.keys) + Array(values.keys) }

  /// The links from a dataset's rows, in the order defined.
  func links(from dataset: String) -> [LinkDefinition] { links.filter { $0.decl.from == dataset } }

  /// The link of a dataset with a name.
  func link(from dataset: String, named name: String) -> LinkDefinition? {
    links.first { $0.decl.from == dataset && $0.decl.name == name }
  }

  /// The dataset a dataset or view name reads, following views; nil for any other name.
  func baseDataset(of name: String) -> String? {
    var n = name
    var seen = Set<String>()
    while let v = views[n], seen.insert(n).inserted { n = v.base }
    return datasets[n] != nil ? n : nil
  }

  /// The steps of a chain of link names from a dataset; nil when a name is not a link there.
  func linkPath(from dataset: String, _ names: some Collection<String>) -> [LinkStep]? {
    var at = dataset
    var steps: [LinkStep] = []
    for n in names {
      guard let l = link(from: at, named: n) else { return nil }
      steps.append(l.step)
      at = l.decl.to
    }
    return steps
  }
}
