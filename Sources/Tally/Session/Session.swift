import Foundation

/// A place a name was defined, for duplicate-definition errors.
struct DefinitionSite {
  var source: Source
  var range: SourceRange
  var position: String {
    let (l, c) = source.location(of: range.start)
    return "\(source.name):\(l):\(c)"
  }
}

/// A Tally session: loaded datasets, definitions, a time zone and an as-of instant.
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
  /// The names of the sources defined so far, in the order they were read.
  public private(set) var sourceOrder: [String] = []
  /// Loaded files shared between sessions (by path), so that several sessions read a file once.
  public var cache: DatasetCache?
  /// The names formulas can use.
  public private(set) var catalog = Catalog()
  /// The loaded datasets by name.
  public private(set) var datasets: [String: Dataset] = [:]
  /// Metric statements in definition order.
  public private(set) var metrics: [Statement] = []
  /// Assert statements in definition order.
  public private(set) var asserts: [Statement] = []
  /// Test statements in definition order.
  public private(set) var tests: [Statement] = []
  /// Where each dataset was loaded from and with which time column, to reload on a zone change.
  private var loads: [String: (path: String, time: String?, site: DefinitionSite?)] = [:]
  private var sites: [String: DefinitionSite] = [:]
  private var cachedExecutor: Executor?
  /// A session that reads only the headers of data files: names are checked, types are not.
  private var headersOnly = false

  /// Creates an empty session.
  public init(zone: Zone = .utc) {
    self.zone = zone
  }

  // MARK: Data

  /// Loads a data file as a dataset. `timeColumn` names its time column (else the contract's default rule).
  @discardableResult
  /// Loading over an existing name (the REPL) is refused when a definition would stop checking.
  public func load(name: String, path: String, timeColumn: String? = nil) throws -> Dataset {
    let replacing = sites[name] != nil
    let saved = snapshot
    let ds = try load(name: name, path: path, timeColumn: timeColumn, site: nil)
    if replacing {
      let broken = validateAll()
      if !broken.isEmpty {
        restore(saved)
        throw TallyError([Diagnostic(.error, SessionMessage.replacementBreaks(name), at: .file(path, line: nil, column: nil))] + broken)
      }
    }
    return ds
  }

  @discardableResult
  func load(name: String, path: String, timeColumn: String?, site: DefinitionSite?, timeSite: DefinitionSite? = nil) throws -> Dataset {
    if !allowsRedefinition, let s = sites[name] {
      throw TallyError(duplicate(name, at: site, first: s))
    }
    var ds: Dataset
    if headersOnly {
      // Names from the header; a column's type only where its first values settle it (text),
      // else unknown to the checker, which then lets it pass until the data is read.
      let sample = try DataLoader.headerAndStrings(path: path)
      let names = sample?.names
      let unknown = Vector(type: .null, data: .string(codes: [], dictionary: []), valid: nil)
      let text = Vector(type: .string, data: .string(codes: [], dictionary: []), valid: nil)
      ds = Dataset(
        name: name, path: path,
        columns: (names ?? []).map { Column(name: $0, vector: sample?.strings.contains($0) == true ? text : unknown) }, rowCount: 0)
      try add(ds, timeColumn: timeColumn, site: site, timeSite: timeSite)
      if names == nil { catalog.datasets[name]?.open = true }
      catalog.datasets[name]?.timeColumn = timeColumn ?? ""
      return ds
    } else if let hit = cache?.get(path, zone: zone) {
      ds = hit
      ds.name = name
    } else {
      ds = try DataLoader.load(name: name, path: path, zone: zone)
      cache?.put(path, zone: zone, ds)
    }
    try add(ds, timeColumn: timeColumn, site: site, timeSite: timeSite)
    loads[name] = (path, timeColumn, site)
    return ds
  }

  /// Adds an already loaded dataset.
  public func add(_ ds: Dataset, timeColumn: String? = nil) throws {
    try add(ds, timeColumn: timeColumn, site: nil)
  }

  /// `site` is where the dataset is declared; `timeSite` where its time column is named
  /// (a wrong time column is reported there).
  private func add(_ ds: Dataset, timeColumn: String?, site: DefinitionSite?, timeSite: DefinitionSite? = nil) throws {
    var tc = ds.defaultTimeColumn
    if let timeColumn {
      let bad: CheckMessage?
      var notes: [String] = []
      if headersOnly && ds.columns.isEmpty {  // a header that could not be read ahead: checked on load
        bad = nil
      } else if let col = ds.column(timeColumn) {
        bad = col.type == .time || col.type == .null ? nil : CheckMessage.notTimeColumn(timeColumn, of: ds.name, type: col.type.description)
      } else {
        bad = CheckMessage.unknownColumn(timeColumn, in: ds.name, qualified: false)
        notes = suggestion(timeColumn, in: ds.columnNames)
      }
      if let bad {
        if let at = timeSite ?? site { throw TallyError(.error(bad, at.source, at.range, notes: notes)) }
        throw TallyError(.dataError(bad, file: ds.path, notes: notes))
      }
      tc = timeColumn
    }
    removeName(ds.name)
    datasets[ds.name] = ds
    catalog.datasets[ds.name] = DatasetSchema(name: ds.name, columns: ds.columns.map { ($0.name, $0.type) }, timeColumn: tc)
    if let site {
      sites[ds.name] = site
    } else {
      sites[ds.name] = DefinitionSite(source: Source(name: ds.path, text: ""), range: SourceRange(0, 0))
    }
    cachedExecutor = nil
  }

  /// Changes the session zone; datasets are read again, since times without an offset depend
  /// on it. All or nothing: when a file cannot be read again (or the reading is interrupted),
  /// the session keeps its zone and data.
  public func setZone(_ z: Zone) throws {
    var reloaded: [(Dataset, String?, DefinitionSite?)] = []
    for (name, l) in loads {
      reloaded.append((try DataLoader.load(name: name, path: l.path, zone: z), l.time, l.site))
    }
    let saved = snapshot
    let savedZone = zone
    zone = z
    do {
      for (ds, time, site) in reloaded { try add(ds, timeColumn: time, site: site) }
    } catch {
      restore(saved)
      zone = savedZone
      throw error
    }
    cachedExecutor = nil
  }

  private func removeName(_ name: String) {
    guard sites[name] != nil || datasets[name] != nil else { return }  // a new name: nothing to remove
    datasets[name] = nil
    catalog.datasets[name] = nil
    catalog.views[name] = nil
    catalog.values[name] = nil
    metrics.removeAll { $0.definedName == name }
    sites[name] = nil
  }

  private func duplicate(_ name: String, at site: DefinitionSite?, first: DefinitionSite) -> Diagnostic {
    let note = SessionMessage.previousDefinition(name, first.position)
    if let site { return .error(SessionMessage.duplicateName(name), site.source, site.range, notes: [note]) }
    return Diagnostic(.error, SessionMessage.duplicateName(name), notes: [note])
  }

  /// Forgets a name: a dataset, view, value or metric.
  public func remove(_ name: String) {
    removeName(name)
    cachedExecutor = nil
  }

  /// Whether a name is defined (dataset, view, value or metric).
  public func isDefined(_ name: String) -> Bool { sites[name] != nil }

  // MARK: Definitions

  /// Parses Tally text and adds its definitions (loading the datasets it declares, relative
  /// to `baseDirectory`). Returns the statements, including bare formulas, for the caller to evaluate.
  /// Every error in the text is reported together.
  @discardableResult
  public func define(_ source: Source, baseDirectory: String? = nil) throws -> [Statement] {
    try define([(source, baseDirectory)])
  }

  /// Adds the definitions of several sources as one namespace, in three steps that each
  /// report every error they find: parse all (and find names defined twice) before any data
  /// is read; then load the declared datasets; then check every formula.
  @discardableResult
  /// With `formulas: false` (definition files), a bare formula is an error: it would do nothing.
  public func define(_ sources: [(source: Source, baseDirectory: String?)], formulas: Bool = true) throws -> [Statement] {
    var diagnostics: [Diagnostic] = []
    var statements: [(Statement, String?)] = []
    var unparsed: [String: String] = [:]
    for (source, base) in sources {
      let parsed = Parser.parse(source)
      diagnostics += parsed.diagnostics
      statements += parsed.statements.map { ($0, base) }
      unparsed.merge(parsed.unparsedNames) { a, _ in a }
    }
    if !formulas {
      for (st, _) in statements {
        if case .expr = st.kind { diagnostics.append(.error(SessionMessage.bareFormulaInFile, st.source, st.range)) }
      }
    }
    do {
      // Within the sources a name is defined once; outside them only the REPL may redefine.
      var seen: [String: DefinitionSite] = allowsRedefinition ? [:] : sites
      for (st, _) in statements {
        guard let name = st.definedName else { continue }
        let site = DefinitionSite(source: st.source, range: st.nameRange)
        if let first = seen[name] {
          diagnostics.append(duplicate(name, at: site, first: first))
        } else {
          seen[name] = site
        }
      }
    }
    let jsonLines = statements.contains { st, _ in
      if case .dataset(let d) = st.kind {
        return [".jsonl", ".ndjson", ".json"].contains { d.path.lowercased().replacingOccurrences(of: ".gz", with: "").hasSuffix($0) }
      }
      return false
    }
    // Names next, from the files' headers only, so a typo fails fast even on big files and is
    // reported with the malformed statements. Unknown columns cannot be told apart from those
    // of a dataset whose declaration is malformed: then the parse errors come alone.
    if !headersOnly && !allowsRedefinition && !jsonLines && !catalog.datasets.values.contains(where: \.open)
      && !unparsed.values.contains("dataset")
    {
      let probe = Session(zone: zone)
      probe.headersOnly = true
      probe.root = root
      probe.datasetOverrides = datasetOverrides
      probe.timeColumnOverrides = timeColumnOverrides
      probe.catalog = catalog
      probe.sites = sites
      do {
        try probe.atomically(statements)
      } catch let e as TallyError {
        // A name whose definition did not parse is reported there, not at every use.
        let known = Set(diagnostics.map(\.key))
        diagnostics += Self.withoutUses(of: Set(unparsed.keys), e.diagnostics).filter { !known.contains($0.key) }
      }
    }
    if !diagnostics.isEmpty { throw TallyError(diagnostics) }
    try atomically(statements)
    var known = Set(sourceOrder)
    for (source, _) in sources where known.insert(source.name).inserted { sourceOrder.append(source.name) }
    return statements.map(\.0)
  }

  /// Adds statements' definitions and checks them, all or nothing: when any fails, the
  /// session is left as it was and every diagnostic is thrown.
  public func defineChecked(_ statements: [(Statement, String?)]) throws {
    try atomically(statements)
  }

  private func atomically(_ statements: [(Statement, String?)]) throws {
    let saved = snapshot
    let replaced = statements.filter { st, _ in st.definedName.map { sites[$0] != nil } ?? false }.map(\.0)
    var diagnostics: [Diagnostic] = []
    var defined: [Statement] = []
    var failed: [Statement] = []
    for (st, base) in statements {
      do {
        try define(st, baseDirectory: base)
        defined.append(st)
      } catch let e as TallyError {
        if Interruption.isRequested {  // stopped: nothing of it stays
          restore(saved)
          throw e
        }
        diagnostics += e.diagnostics
        failed.append(st)
      }
    }
    // The formulas are checked even when a definition failed (a name defined twice, say), but
    // not when a dataset did: its columns are unknown.
    if !failed.contains(where: { if case .dataset = $0.kind { true } else { false } }) {
      let missing = Set(failed.compactMap(\.definedName).filter { sites[$0] == nil })
      diagnostics += Self.withoutUses(of: missing, validate(defined))
    }
    if diagnostics.isEmpty, !replaced.isEmpty {
      // A replaced name must not break what was defined on it.
      let broken = validateAll()
      if !broken.isEmpty {
        diagnostics = replaced.map { .error(SessionMessage.replacementBreaks($0.definedName ?? ""), $0.source, $0.nameRange) } + broken
      }
    }
    if !diagnostics.isEmpty {
      restore(saved)
      throw TallyError(diagnostics)
    }
  }

  private typealias Snapshot = (
    Catalog, [String: Dataset], [Statement], [Statement], [Statement], [String: (path: String, time: String?, site: DefinitionSite?)],
    [String: DefinitionSite]
  )
  private var snapshot: Snapshot { (catalog, datasets, metrics, asserts, tests, loads, sites) }
  private func restore(_ s: Snapshot) {
    (catalog, datasets, metrics, asserts, tests, loads, sites) = s
    cachedExecutor = nil
  }

  /// The diagnostics but those that say one of `names` is unknown (or broken) where it is
  /// used: their definitions failed, and are reported where they are.
  static func withoutUses(of names: Set<String>, _ diagnostics: [Diagnostic]) -> [Diagnostic] {
    guard !names.isEmpty else { return diagnostics }
    return diagnostics.filter { d in
      guard case .source(let source, let range) = d.location else { return true }
      let n = source.slice(range.start..<range.end).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
      guard names.contains(n) else { return true }
      switch d.message(as: CheckMessage.self) {
      case .unknownName(n)?, .unknownDataset(n)?, .unknownColumnAnywhere(n)?, .definitionHasError(n)?: return false
      // A bare name inside an aggregate is looked up as a column first; `refunds.amount` is a column.
      case .unknownColumn(n, _, qualified: false)?: return false
      default: return true
      }
    }
  }

  /// Every current view, value and metric checked again (after a name was replaced).
  func validateAll() -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    for name in catalog.views.keys.sorted() {
      var c = Checker(catalog: catalog, zone: zone)
      if let v = catalog.views[name] { _ = c.checkView(name, source: v.source) }
      diagnostics += c.diagnostics
    }
    for name in catalog.values.keys.sorted() {
      guard let v = catalog.values[name] else { continue }
      var c = Checker(catalog: catalog, zone: zone)
      _ = c.check(v.expr, v.source)
      diagnostics += c.diagnostics
    }
    return diagnostics.uniqued()
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
    return Source(name: path, text: text)
  }

  /// Reads a `.kpi` file and adds its definitions.
  @discardableResult
  public func defineFile(_ path: String) throws -> [Statement] {
    try defineFiles([path])
  }

  /// Adds one statement's definition. Bare formulas and tests add nothing.
  public func define(_ st: Statement, baseDirectory: String? = nil) throws {
    let site = DefinitionSite(source: st.source, range: st.nameRange)
    if let name = st.definedName, !allowsRedefinition, let first = sites[name] {
      throw TallyError(duplicate(name, at: site, first: first))
    }
    switch st.kind {
    case .dataset(let decl):
      let (name, path, declaredTime) = (decl.name, decl.path, decl.time)
      let time = timeColumnOverrides[name] ?? declaredTime
      let full = datasetOverrides[name] ?? resolvePath(path, baseDirectory)
      if let root, !Self.isInside(full, root: root) {  // also a test's fixture in place of the declared file
        throw TallyError(
          .error(
            SessionMessage.outsideRoot(path, root: root), st.source, st.range,
            notes: ["keep data files inside the root, or run without --root"]))
      }
      // A definition names files: a pipe or a device there could make a run wait forever.
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
        DataLoader.fileKind(full) != .regular
      {
        throw TallyError(.error(DataMessage.unreadable(path, why: "it is not a regular file"), st.source, st.range))
      }
      // A wrong time column is reported at its name.
      var timeSite: DefinitionSite?
      if let range = decl.timeRange, timeColumnOverrides[name] == nil { timeSite = DefinitionSite(source: st.source, range: range) }
      do {
        try load(name: name, path: full, timeColumn: time, site: site, timeSite: timeSite)
      } catch var e as TallyError {
        // A missing file is reported at the declaration.
        e.diagnostics = e.diagnostics.map { d in
          if case .file(let f, nil, nil) = d.location, f == full {
            return d.moved(to: .source(st.source, st.range))
          }
          return d
        }
        throw e
      }
    case .view(let v):
      let name = v.name
      removeName(name)
      catalog.views[name] = ViewDefinition(
        name: name, base: v.base, baseRange: v.baseRange, filter: v.filter, time: v.time, timeRange: v.timeRange, source: st.source,
        range: st.range)
      sites[name] = site
    case .value(let name, let e):
      removeName(name)
      if case .name(let base) = e.kind, catalog.datasets[base] != nil || catalog.views[base] != nil {
        catalog.views[name] = ViewDefinition(
          name: name, base: base, baseRange: e.range, filter: nil, time: nil, source: st.source, range: st.range)
      } else {
        catalog.values[name] = ValueDefinition(name: name, expr: e, source: st.source, metric: nil)
      }
      sites[name] = site
    case .metric(let m):
      removeName(m.name)
      catalog.values[m.name] = ValueDefinition(name: m.name, expr: m.expr, source: st.source, metric: m)
      metrics.append(st)
      sites[m.name] = site
    case .assert: asserts.append(st)
    case .test: tests.append(st)
    case .expr: break
    }
    cachedExecutor = nil
  }

  /// Whether a path, with `..` and symbolic links resolved, is inside the directory `root`.
  static func isInside(_ path: String, root: String) -> Bool {
    let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    let top = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
    return real == top || real.hasPrefix(top.hasSuffix("/") ? top : top + "/")
  }

  func resolvePath(_ path: String, _ base: String?) -> String {
    if path.hasPrefix("/") || base == nil || base!.isEmpty { return path }
    return (base! as NSString).appendingPathComponent(path)
  }

  /// Checks every definition of some statements; returns all diagnostics.
  public func validate(_ statements: [Statement]) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    for st in statements {
      var checker = Checker(catalog: catalog, zone: zone)
      checker.definingName = st.definedName
      switch st.kind {
      case .view(let v):
        _ = checker.checkView(v.name, source: st.source)
      case .value(_, let e):
        if case .name(let n) = e.kind, catalog.views[n] != nil || catalog.datasets[n] != nil { break }
        _ = checker.check(e, st.source)
      case .metric(let m):
        let node = checker.check(m.expr, st.source)
        for b in [m.target, m.warn].compactMap({ $0 }) {
          if let bn = checker.check(b.value, st.source), let node, !bn.isConstant || binaryType(b.op, node.type, bn.type) == nil {
            diagnostics.append(
              .error(
                bn.isConstant
                  ? CheckMessage.typeMismatch(b.op.rawValue, node.type.description, bn.type.description)
                  : CheckMessage.boundNotConstant, st.source, b.value.range))
          }
        }
      case .assert(let e):
        if let node = checker.check(e, st.source), node.type != .bool, node.type != .null {
          diagnostics.append(.error(CheckMessage.assertNotBool, st.source, e.range))
        }
      default: break
      }
      diagnostics += checker.diagnostics
    }
    // A broken view is met by each formula that reads it: reported once.
    return oneErrorPerCycle(diagnostics).uniqued()
  }

  /// A cycle is found from each of its members: it is reported once, at the first, with
  /// where the others are defined.
  private func oneErrorPerCycle(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    var seen = Set<[String]>()
    return diagnostics.compactMap { d in
      guard case .cycle(let names)? = d.message(as: CheckMessage.self) else { return d }
      guard seen.insert(Set(names).sorted()).inserted else { return nil }
      var d = d
      if names.count > 2 { d.notes += names.dropLast().compactMap { n in sites[n].map { "'\(n)' is defined at \($0.position)" } } }
      return d
    }
  }

  // MARK: Evaluation

  /// The as-of instant in force: the explicit one, else the start of the day after the latest
  /// time in any dataset's or view's time column, else the start of tomorrow.
  public var resolvedAsOf: Int64 {
    if let asOf { return asOf.resolve(zone) }
    var latest: Int64?
    var columns: [(String, String)] = []
    for (name, schema) in catalog.datasets { if let t = schema.timeColumn { columns.append((name, t)) } }
    for v in catalog.views.values {
      if let t = v.time, let base = baseDataset(v.name) { columns.append((base, t)) }
    }
    for (d, c) in columns {
      guard let col = datasets[d]?.column(c), case .time(let ts) = col.vector.data else { continue }
      for i in 0..<ts.count where col.vector.isValid(i) {
        if latest == nil || ts[i] > latest! { latest = ts[i] }
      }
    }
    let anchor = latest ?? Int64(Date().timeIntervalSince1970 * 1e6)
    let end = zone.fromLocal((zone.localDay(anchor).day + 1) * Micros.day)
    return Time.inRange(end) ? end : Time.max
  }

  private func baseDataset(_ view: String) -> String? {
    var name = view
    var seen = Set<String>()
    while let v = catalog.views[name], seen.insert(name).inserted { name = v.base }
    return catalog.datasets[name] != nil ? name : nil
  }

  private var executor: Executor {
    if let e = cachedExecutor { return e }
    let e = Executor(datasets: datasets, zone: zone)
    cachedExecutor = e
    return e
  }

  /// The whole pipeline for one formula: lex and parse, check names and types, then execute.
  /// Stops at the first stage that fails, with every diagnostic of that stage.
  public func evaluate(_ text: String, sourceName: String = "<expr>") throws -> Evaluation {
    let source = Source(name: sourceName, text: text)
    let (expr, diagnostics) = Parser.parseExpression(source)
    guard let expr, diagnostics.isEmpty else { throw TallyError(diagnostics) }
    return try evaluate(expr, in: source)
  }

  /// Checks and executes a parsed formula.
  public func evaluate(_ expr: Expr, in source: Source) throws -> Evaluation {
    let node = try Checker.check(expr, in: source, catalog: catalog, zone: zone).get()
    let asOf = resolvedAsOf
    let value: MetricValue
    do {
      value = try executor.evaluate(node, asOf: asOf)
    } catch var e as TallyError {
      // Errors found while computing (an integer overflow) point at the formula.
      e.diagnostics = e.diagnostics.map { d in
        guard case .none = d.location, d.message(as: SessionMessage.self) != .interrupted else { return d }
        return d.moved(to: .source(source, expr.range))
      }
      throw e
    }
    // A metric's format carries to the metric under clauses: `dispute_rate by week`.
    var format: ValueFormat?
    var inner = expr
    while true {
      switch inner.kind {
      case .over(let x, _), .offset(let x, _), .at(let x, _), .by(let x, _):
        inner = x
        continue
      case .name(let n): format = catalog.values[n]?.metric?.format
      default: break
      }
      break
    }
    return Evaluation(asOf: asOf, value: value, type: node.type, format: format)
  }

  /// Checks a formula without running it; returns its type.
  public func typeCheck(_ text: String, sourceName: String = "<expr>") throws -> ValueType {
    let source = Source(name: sourceName, text: text)
    let (expr, diagnostics) = Parser.parseExpression(source)
    guard let expr, diagnostics.isEmpty else { throw TallyError(diagnostics) }
    return try Checker.check(expr, in: source, catalog: catalog, zone: zone).get().type
  }

  /// Evaluates a constant bound (`target <= 1.5%`).
  func constant(_ e: Expr, in source: Source) throws -> Value {
    let r = try evaluate(e, in: source)
    if case .scalar(let v) = r.value { return v }
    throw TallyError(.error(CheckMessage.groupedTarget, source, e.range))
  }
}
