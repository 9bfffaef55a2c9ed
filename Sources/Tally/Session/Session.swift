import Foundation

/// A Tally session: loaded datasets, definitions, a time zone and an as-of instant. This is
/// the embedding API; `Pipeline` exposes the stages it runs one by one.
///
/// ```swift
/// let session = Session(zone: Zone("Asia/Shanghai")!)
/// try session.load(name: "orders", path: "orders.csv")
/// let result = try session.evaluate("count(orders where status = \"paid\") over 28d")
/// print(Render.json(result, zone: session.zone))
/// ```
public final class Session {
  /// The session time zone: values without an offset are read in it, days and months follow it.
  public private(set) var zone: Zone
  /// An explicit as-of (`--as-of`); nil means the default, from the data.
  public var asOf: Instant?
  /// When true (the REPL), defining a name again replaces it instead of being an error.
  public var allowsRedefinition = false
  /// When set, a `dataset` path outside this directory (after resolving `..` and symbolic links) is refused.
  public var root: String?
  /// Files that replace declared datasets (by name): `tally test` fixtures, `--data` next to `--file`.
  public var datasetOverrides: [String: String] = [:]
  /// Time columns that replace declared ones (by dataset name), with `datasetOverrides`.
  public var timeColumnOverrides: [String: String] = [:]
  /// Loaded files shared between sessions (by path), so that several sessions read a file once.
  public var cache: DatasetCache?
  /// When true (`tally check`), a data file's columns that no formula of the definitions
  /// names are not read, only checked for their structure: for a session that evaluates only
  /// the formulas it was defined with. The REPL, which takes new formulas, reads every column.
  public var readsOnlyNamedColumns = false
  /// Where typed columns are kept between runs (`tally check`, `tally eval`); nil for none.
  public var columnCache: ColumnCache?
  /// Formulas to be evaluated after the definitions (`tally eval`'s), whose names count as
  /// read with `readsOnlyNamedColumns`.
  public var formulasToCome: [String] = []
  /// The names the definitions' formulas may read a column by, with `readsOnlyNamedColumns`.
  var columnsNamed: Set<String>?

  /// Everything defined so far. Changing it drops what was derived from it.
  var state = SessionState() {
    didSet {
      engineCache = nil
      defaultAsOfCache = nil
    }
  }
  private var engineCache: Executor?
  /// The default as-of, computed once until the data changes.
  var defaultAsOfCache: Int64?
  /// How often the stages ran, to check that each runs once.
  var statistics = Statistics()

  /// Counts of the work a session did.
  struct Statistics {
    /// Formulas checked against the loaded data (definitions, and formulas evaluated).
    var formulasChecked = 0
    /// Formulas checked against the data files' headers, before the data was read.
    var formulasResolved = 0
    /// Times the time columns were scanned for the default as-of.
    var asOfScans = 0
  }

  /// Creates an empty session.
  public init(zone: Zone = .utc) {
    self.zone = zone
  }

  /// The names formulas can use (the checker's view of them; front ends ask `kind(of:)`, `schema(of:)`).
  @_spi(Stages) public var catalog: Catalog { state.catalog }
  /// The loaded datasets by name.
  public var datasets: [String: Dataset] { state.datasets }
  /// Metric statements in definition order.
  public var metrics: [Statement] { state.metrics }
  /// Assert statements in definition order.
  public var asserts: [Statement] { state.asserts }
  /// Test statements in definition order.
  public var tests: [Statement] { state.tests }
  /// The names of the sources defined so far, in the order they were read.
  public var sourceOrder: [String] { state.sourceOrder }

  var settings: DefinitionSettings {
    DefinitionSettings(
      zone: zone, root: root, datasetOverrides: datasetOverrides, timeColumnOverrides: timeColumnOverrides,
      allowsRedefinition: allowsRedefinition, cache: cache, columnsNamed: columnsNamed,
      columnCache: columnCache)
  }

  /// Forgets every result computed from the data (aggregates, filters, groups, the default
  /// as-of), keeping the data, the key indexes and the checked plans: the next evaluation
  /// computes from nothing, as a benchmark of evaluation wants.
  public func forgetResults() {
    engineCache = nil
    defaultAsOfCache = nil
  }

  /// The engine that runs plans over the loaded data: the in-memory executor.
  var engine: any Engine {
    if let e = engineCache { return e }
    let e = Executor(datasets: state.datasets, zone: zone, keyIndexes: state.keyIndexes)
    engineCache = e
    return e
  }

  // MARK: Data

  /// Loads a data file as a dataset. `timeColumn` names its time column (else the contract's
  /// default rule). Loading over an existing name (the REPL) is refused when a definition
  /// would stop checking.
  @discardableResult
  public func load(name: String, path: String, timeColumn: String? = nil) throws -> Dataset {
    try LargeStack.run { try self.loadHere(name: name, path: path, timeColumn: timeColumn) }
  }

  private func loadHere(name: String, path: String, timeColumn: String?) throws -> Dataset {
    var definitions = Definitions(state: state, settings: settings, reading: .files)
    try definitions.load(name: name, path: path, timeColumn: timeColumn, site: nil)
    if state.sites[name] != nil {
      let broken = definitions.checkAll()
      statistics.formulasChecked += definitions.formulasChecked
      if !broken.isEmpty {
        throw TallyError(
          [Diagnostic(.error, SessionMessage.replacementBreaks(name), at: .file(path, line: nil, column: nil))] + broken)
      }
    }
    state = definitions.state
    return state.datasets[name]!
  }

  /// Adds an already loaded dataset.
  public func add(_ ds: Dataset, timeColumn: String? = nil) throws {
    try state.add(ds, timeColumn: timeColumn, site: nil)
  }

  /// Changes the session zone; datasets are read again, since times without an offset depend
  /// on it. All or nothing: when a file cannot be read again (or the reading is interrupted),
  /// the session keeps its zone and data.
  public func setZone(_ z: Zone) throws {
    var next = state
    for (name, l) in state.loads {
      let ds = try DataLoader.load(name: name, path: l.path, zone: z)
      try next.add(ds, timeColumn: l.time, site: l.site)
    }
    // Time literals in the plans were read in the old zone.
    next.checkedMetrics = [:]
    next.checkedAsserts = [:]
    zone = z
    state = next
  }

  /// Forgets a name: a dataset, view, value or metric.
  public func remove(_ name: String) {
    state.removeName(name)
  }

  /// Whether a name is defined (dataset, view, value or metric).
  public func isDefined(_ name: String) -> Bool { state.sites[name] != nil }

  // MARK: Definitions

  /// Parses Tally text and adds its definitions (loading the datasets it declares, relative
  /// to `baseDirectory`). Returns the statements, including bare formulas, for the caller to evaluate.
  /// Every error in the text is reported together.
  @discardableResult
  public func define(_ source: Source, baseDirectory: String? = nil) throws -> [Statement] {
    try define([(source, baseDirectory)])
  }

  /// Adds statements' definitions and checks them, all or nothing: when any fails, the
  /// session is left as it was and every diagnostic is thrown.
  public func defineChecked(_ statements: [(Statement, String?)]) throws {
    try LargeStack.run {
      var definitions = Definitions(state: self.state, settings: self.settings, reading: .files)
      defer { self.statistics.formulasChecked += definitions.formulasChecked }
      try definitions.add(statements)
      self.state = definitions.state
    }
  }

  /// Adds one statement's definition without checking it. Bare formulas and tests add nothing.
  public func define(_ st: Statement, baseDirectory: String? = nil) throws {
    var definitions = Definitions(state: state, settings: settings, reading: .files)
    try definitions.declare(st, baseDirectory: baseDirectory)
    state = definitions.state
  }

  /// Checks every formula of some statements; returns all diagnostics.
  public func validate(_ statements: [Statement]) -> [Diagnostic] {
    LargeStack.run {
      var definitions = Definitions(state: self.state, settings: self.settings, reading: .files)
      let diagnostics = definitions.check(statements)
      self.statistics.formulasChecked += definitions.formulasChecked
      return diagnostics
    }
  }

  /// Reads `.kpi` files and adds their definitions as one namespace.
  @discardableResult
  public func defineFiles(_ paths: [String]) throws -> [Statement] {
    var sources: [(Source, String?)] = []
    var diagnostics: [Diagnostic] = []
    for path in paths {
      do {
        sources.append((try Session.readSource(path), Paths.directory(of: path)))
      } catch let e as TallyError {
        diagnostics += e.diagnostics
      }
    }
    if !diagnostics.isEmpty { throw TallyError(diagnostics) }
    return try define(sources, formulas: false)
  }

  /// Reads a `.kpi` file and adds its definitions.
  @discardableResult
  public func defineFile(_ path: String) throws -> [Statement] {
    try defineFiles([path])
  }

  /// Reads a definition file as a source.
  public static func readSource(_ path: String) throws -> Source {
    guard FileManager.default.fileExists(atPath: path) else { throw TallyError(.dataError(DataMessage.fileNotFound(path), file: path)) }
    let data = try DataLoader.contents(of: path)  // a pipe too: `--file <(generate-kpis)`
    guard let text = String(data: data, encoding: .utf8), !data.contains(0) else {
      let bytes = [UInt8](data)
      let invalid = bytes.withUnsafeBufferPointer { firstInvalidUTF8($0, from: 0) }
      let bad = [bytes.firstIndex(of: 0), invalid].compactMap { $0 }.min() ?? 0
      let (line, column) = bytes.withUnsafeBufferPointer { lineAndColumn($0, bad) }
      let message = bad < bytes.count && bytes[bad] == 0 ? DataMessage.nulByte : DataMessage.badUTF8
      throw TallyError(.dataError(message, file: path, line: line, column: column, notes: ["save the file as UTF-8 text"]))
    }
    // Classic Mac line ends (a lone CR) end lines too; each stays one byte, so offsets hold.
    let lines = text.contains("\r") ? text.replacingOccurrences(of: "\r(?!\n)", with: "\n", options: .regularExpression) : text
    return Source(name: path, text: lines)
  }
}
