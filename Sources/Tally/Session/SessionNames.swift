import Foundation

/// What a front end (the REPL, an editor) asks a session about its names, so that it never
/// reads the catalog's internals.
extension Session {
  /// What a name stands for.
  public enum NameKind: String, Sendable {
    case dataset, view, value, metric
  }

  /// A dataset or a view as formulas see it.
  public struct RelationSchema: Sendable {
    /// Its name.
    public var name: String
    /// The dataset it reads: itself, or a view's base dataset.
    public var dataset: String
    /// For a view, the dataset or view it narrows, and its filter as written.
    public var viewOf: (base: String, filter: String?)?
    /// The dataset's columns in file order, with their types.
    public var columns: [(name: String, type: ValueType)]
    /// The time column windows read: a view's own, else its base's.
    public var timeColumn: String?
  }

  /// What a name is, or nil when it is not defined.
  public func kind(of name: String) -> NameKind? {
    let cat = state.catalog
    if cat.datasets[name] != nil { return .dataset }
    if cat.views[name] != nil { return .view }
    if let v = cat.values[name] { return v.metric == nil ? .value : .metric }
    return nil
  }

  /// The names of some kinds, sorted.
  public func names(_ kinds: Set<NameKind>) -> [String] {
    let cat = state.catalog
    var out: [String] = []
    if kinds.contains(.dataset) { out += cat.datasets.keys }
    if kinds.contains(.view) { out += cat.views.keys }
    if kinds.contains(.value) { out += cat.values.values.filter { $0.metric == nil }.map(\.name) }
    if kinds.contains(.metric) { out += cat.values.values.filter { $0.metric != nil }.map(\.name) }
    return out.sorted()
  }

  /// The schema of a dataset or view, or nil when the name is neither.
  public func schema(of name: String) -> RelationSchema? {
    let cat = state.catalog
    guard let dataset = state.baseDataset(of: name), let ds = cat.datasets[dataset] else { return nil }
    var time = ds.timeColumn
    var n = name
    var seen = Set<String>()
    while let v = cat.views[n], seen.insert(n).inserted {
      if let t = v.time {
        time = t
        break
      }
      n = v.base
    }
    let view = cat.views[name].map { v in (v.base, v.filter.map { v.source.slice($0.range.start..<$0.range.end) }) }
    return RelationSchema(name: name, dataset: dataset, viewOf: view, columns: ds.columns, timeColumn: time)
  }

  /// A link between datasets, as a front end shows it.
  public struct LinkInfo: Sendable {
    /// The link's name, which lookups write (`orders` in `orders.category`).
    public var name: String
    /// The dataset whose rows refer, and its column.
    public var from: String
    public var column: String
    /// The dataset referred to, and its key.
    public var to: String
    public var key: String
    /// As written: `refunds.order_id -> orders.order_id`.
    public var written: String
  }

  /// The links from the rows of a dataset (or a view's dataset), in the order defined.
  public func links(from name: String) -> [LinkInfo] {
    guard let dataset = state.baseDataset(of: name) else { return [] }
    return state.catalog.links(from: dataset).map {
      LinkInfo(name: $0.decl.name, from: $0.decl.from, column: $0.decl.column, to: $0.decl.to, key: $0.decl.key, written: $0.written)
    }
  }

  /// Every link, in the order defined.
  public var allLinks: [LinkInfo] {
    state.catalog.links.map {
      LinkInfo(name: $0.decl.name, from: $0.decl.from, column: $0.decl.column, to: $0.decl.to, key: $0.decl.key, written: $0.written)
    }
  }

  /// The datasets and links a formula reads, as the checker resolved them (empty when it does not check).
  public func reads(_ expr: Expr, in source: Source) -> (datasets: [String], links: [String]) {
    guard let node = try? Pipeline.check(expr, in: source, catalog: state.catalog, zone: zone) else { return ([], []) }
    var datasets = Set<String>()
    var links = Set<String>()
    node.visitReads(datasets: &datasets, links: &links)
    let written = Dictionary(state.catalog.links.map { ("\($0.decl.from).\($0.decl.name)", $0.written) }, uniquingKeysWith: { a, _ in a })
    return (datasets.sorted(), links.sorted().map { written[$0] ?? $0 })
  }

  /// How long reading a dataset's file took, in seconds, when this session read it.
  public func loadTime(of name: String) -> Double? { state.loadSeconds[name] }

  /// The definition of a `let` or a metric.
  public func definition(of name: String) -> ValueDefinition? { state.catalog.values[name] }

  /// The datasets that have a column of this name, sorted.
  public func datasets(withColumn column: String) -> [String] {
    state.catalog.datasets.values.filter { $0.columns.contains { $0.name == column } }.map(\.name).sorted()
  }

  /// Every column name of every dataset.
  public var allColumnNames: [String] { state.catalog.datasets.values.flatMap { $0.columns.map(\.name) } }

  /// The columns of a data file that are times, judged from its first megabyte; empty when
  /// they cannot be told without reading it all.
  public static func timeColumns(inFile path: String) -> [String] {
    guard let sample = try? DataLoader.headerAndStrings(path: path) else { return [] }
    return sample.names.filter { sample.times.contains($0) }
  }
}

extension Session {
  /// Whether a statement typed so far needs more lines: a bracket is open, or it ends in an
  /// operator or a keyword that something must follow.
  public static func needsMoreLines(_ text: String) -> Bool { Continuation.needsMore(text) }

  /// How many brackets are open at the end of the text.
  public static func openBrackets(_ text: String) -> Int { Continuation.depth(text) }
}
