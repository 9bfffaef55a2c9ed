import Foundation

/// The settings definitions are added under.
struct DefinitionSettings {
  var zone: Zone
  var root: String?
  var datasetOverrides: [String: String] = [:]
  var timeColumnOverrides: [String: String] = [:]
  var allowsRedefinition = false
  var cache: DatasetCache?
  /// When set, the names formulas may read a column by: a CSV or TSV dataset with a time
  /// column (which settles its default) reads only the columns named so.
  var columnsNamed: Set<String>?
  /// Typed columns kept between runs.
  var columnCache: ColumnCache?
}

/// How a `dataset` statement reads its file.
enum DatasetReading {
  /// The header only, and the columns that the first megabyte shows to be text: enough to
  /// resolve names before any data is read.
  case headers
  /// The whole file, into typed columns.
  case files
}

/// Adds statements to a state, one stage after the other: declare each dataset (reading its
/// file as `reading` says), view, value and metric; then check every formula, keeping the
/// plans. All or nothing: when anything fails, `state` is as it was and every diagnostic is thrown.
struct Definitions {
  var state: SessionState
  let settings: DefinitionSettings
  let reading: DatasetReading
  /// Formulas checked, for `Session.statistics`.
  var formulasChecked = 0
  /// Connections whose failure was reported already: said once, not once per dataset.
  var unreachable: Set<String> = []

  /// Declares and checks statements (with the directory relative paths are read from).
  mutating func add(_ statements: [(Statement, String?)]) throws {
    let saved = state
    let replaced = statements.filter { st, _ in st.definedName.map { state.sites[$0] != nil } ?? false }.map(\.0)
    var diagnostics: [Diagnostic] = []
    var declared: [Statement] = []
    var failed: [Statement] = []
    for (st, base) in statements {
      do {
        try declare(st, baseDirectory: base)
        declared.append(st)
      } catch let e as TallyError {
        if Interruption.isRequested {  // stopped: nothing of it stays
          state = saved
          throw e
        }
        diagnostics += e.diagnostics
        failed.append(st)
      }
    }
    // The formulas are checked even when a definition failed (a name defined twice, say), but
    // not when a dataset did: its columns are unknown.
    if !failed.contains(where: { if case .dataset = $0.kind { true } else { false } }) {
      let missing = Set(failed.compactMap(\.definedName).filter { state.sites[$0] == nil })
      diagnostics += DiagnosticFilter.withoutUses(of: missing, check(declared))
    }
    if diagnostics.isEmpty, !replaced.isEmpty {
      // A replaced name must not break what was defined on it.
      let broken = checkAll()
      if !broken.isEmpty {
        diagnostics = replaced.map { .error(SessionMessage.replacementBreaks($0.definedName ?? ""), $0.source, $0.nameRange) } + broken
      }
    }
    if !diagnostics.isEmpty {
      state = saved
      throw TallyError(diagnostics)
    }
  }

  // MARK: Declaring

  /// Adds one statement's definition to the catalog (reading a dataset's file). Bare formulas
  /// add nothing; asserts and tests are kept in order.
  mutating func declare(_ st: Statement, baseDirectory: String?) throws {
    let site = DefinitionSite(source: st.source, range: st.nameRange)
    if let name = st.definedName, !settings.allowsRedefinition, let first = state.sites[name] {
      throw TallyError(Self.duplicate(name, at: site, first: first))
    }
    switch st.kind {
    case .dataset(let decl): try declareDataset(decl, st, site: site, baseDirectory: baseDirectory)
    case .link(let l):
      // In the REPL a link defined again replaces the one of that name.
      if settings.allowsRedefinition { state.catalog.links.removeAll { $0.decl.from == l.from && $0.decl.name == l.name } }
      state.catalog.links.append(LinkDefinition(decl: l, source: st.source, range: st.range))
      state.checkedMetrics = [:]
      state.checkedAsserts = [:]
    case .view(let v):
      state.removeName(v.name)
      state.catalog.views[v.name] = ViewDefinition(decl: v, source: st.source, range: st.range)
      state.sites[v.name] = site
    case .value(let name, let e):
      state.removeName(name)
      if case .name(let base) = e.kind, state.catalog.datasets[base] != nil || state.catalog.views[base] != nil {
        state.catalog.views[name] = ViewDefinition(
          decl: ViewDecl(name: name, base: base, baseRange: e.range), source: st.source, range: st.range)
      } else {
        state.catalog.values[name] = ValueDefinition(name: name, expr: e, source: st.source, metric: nil)
      }
      state.sites[name] = site
    case .metric(let m):
      state.removeName(m.name)
      state.catalog.values[m.name] = ValueDefinition(name: m.name, expr: m.expr, source: st.source, metric: m)
      state.metrics.append(st)
      state.sites[m.name] = site
    case .assert: state.asserts.append(st)
    case .test: state.tests.append(st)
    case .expr: break
    }
  }

  private mutating func declareDataset(_ decl: DatasetDecl, _ st: Statement, site: DefinitionSite, baseDirectory: String?) throws {
    let name = decl.name
    let time = settings.timeColumnOverrides[name] ?? decl.time
    if let server = decl.server, settings.datasetOverrides[name] == nil {  // a test's fixture stands in for the table
      var timeSite: DefinitionSite?
      if let range = decl.timeRange, settings.timeColumnOverrides[name] == nil {
        timeSite = DefinitionSite(source: st.source, range: range)
      }
      return try declareServerTable(name, server, timeColumn: time, st, site: site, timeSite: timeSite)
    }
    let full = settings.datasetOverrides[name] ?? PathSafety.resolve(decl.path, relativeTo: baseDirectory)
    if let root = settings.root, !PathSafety.isInside(full, root: root) {  // also a test's fixture in place of the declared file
      throw TallyError(
        .error(
          SessionMessage.outsideRoot(decl.path, root: root), st.source, st.range,
          notes: ["keep data files inside the root, or run without --root"]))
    }
    // A definition names files: a pipe or a device there could make a run wait forever.
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
      DataLoader.fileKind(full) != .regular
    {
      throw TallyError(.error(DataMessage.unreadable(decl.path, why: "it is not a regular file"), st.source, st.range))
    }
    // A wrong time column is reported at its name.
    var timeSite: DefinitionSite?
    if let range = decl.timeRange, settings.timeColumnOverrides[name] == nil { timeSite = DefinitionSite(source: st.source, range: range) }
    do {
      try load(name: name, path: full, timeColumn: time, site: site, timeSite: timeSite)
    } catch var e as TallyError {
      // A missing file is reported at the declaration.
      e.diagnostics = e.diagnostics.map { d in
        if case .file(let f, nil, nil) = d.location, f == full { return d.moved(to: .source(st.source, st.range)) }
        return d
      }
      throw e
    }
  }

  /// Reads a file as a dataset, as `reading` says, and adds it.
  mutating func load(name: String, path: String, timeColumn: String?, site: DefinitionSite?, timeSite: DefinitionSite? = nil) throws {
    if !settings.allowsRedefinition, let s = state.sites[name] {
      throw TallyError(Self.duplicate(name, at: site, first: s))
    }
    switch reading {
    case .headers:
      // Names from the header; a column's type only where its first values settle it (text),
      // else unknown to the checker, which then lets it pass until the data is read.
      let sample = try DataLoader.headerAndStrings(path: path)
      let names = sample?.names
      let unknown = Vector(type: .null, data: .string(codes: [], dictionary: []), valid: nil)
      let text = Vector(type: .string, data: .string(codes: [], dictionary: []), valid: nil)
      let ds = Dataset(
        name: name, path: path,
        columns: (names ?? []).map {
          Column(name: $0, vector: sample?.strings.contains($0) == true ? text : unknown, textOrigin: sample?.origins[$0])
        }, rowCount: 0)
      try state.add(ds, timeColumn: timeColumn, site: site, timeSite: timeSite, headerOnly: true)
      if names == nil { state.catalog.datasets[name]?.open = true }
      // Whether a time column will be there is known once the data is read.
      state.catalog.datasets[name]?.timeColumn = timeColumn ?? ""
    case .files:
      var ds: Dataset
      // The columns that may be named, when only those are read.
      let named = timeColumn.flatMap { t in settings.columnsNamed.map { $0.union([t]) } }
      // What the file is before it is read: kept only if it is still that after.
      let identity = settings.columnCache == nil ? nil : ColumnCache.identity(of: path, zone: settings.zone)
      if let identity, let hit = settings.columnCache?.load(name: name, path: path, zone: settings.zone, named: named, identity: identity) {
        ds = hit
      } else if named == nil, let hit = settings.cache?.get(path, zone: settings.zone) {
        ds = hit
        ds.name = name
      } else {
        let started = ContinuousClock.now
        ds = try DataLoader.load(name: name, path: path, zone: settings.zone, columns: named)
        state.loadSeconds[name] = Session.seconds(since: started)
        // Part of a file's columns is never shared with other sessions.
        if named == nil { settings.cache?.put(path, zone: settings.zone, ds) }
        settings.columnCache?.store(ds, path: path, zone: settings.zone, identity: identity)
      }
      try state.add(ds, timeColumn: timeColumn, site: site, timeSite: timeSite)
      state.loads[name] = LoadRecord(path: path, time: timeColumn, site: site)
    }
  }

  static func duplicate(_ name: String, at site: DefinitionSite?, first: DefinitionSite) -> Diagnostic {
    let note = SessionMessage.previousDefinition(name, first.position)
    if let site { return .error(SessionMessage.duplicateName(name), site.source, site.range, notes: [note]) }
    return Diagnostic(.error, SessionMessage.duplicateName(name), notes: [note])
  }

  // MARK: Checking

  /// Checks every formula of some statements against the catalog; returns all diagnostics.
  /// The plans of the metrics and asserts that check are kept, with the metrics' bounds
  /// evaluated, for evaluation to reuse.
  mutating func check(_ statements: [Statement]) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    var errorsIn: [String: Int] = [:]
    // Links first, so that a formula meets only the links that hold: one that does not is left out.
    var links: [Statement] = []
    var others: [Statement] = []
    for st in statements {
      if case .link = st.kind { links.append(st) } else { others.append(st) }
    }
    for st in links + others {
      // Past what a report shows of one file, checking the rest of it is no use.
      guard errorsIn[st.source.name, default: 0] <= TallyError.maxPerFile else { continue }
      let before = diagnostics.count
      defer { errorsIn[st.source.name, default: 0] += diagnostics.count - before }
      var checker = Checker(catalog: state.catalog, zone: settings.zone)
      checker.definingName = st.definedName
      switch st.kind {
      case .link(let l):
        formulasChecked += 1
        let isThis: (LinkDefinition) -> Bool = {
          $0.decl.from == l.from && $0.decl.name == l.name && $0.source.id == st.source.id && $0.range.start == st.range.start
        }
        guard let def = state.catalog.links.last(where: isThis) else { break }
        guard checker.checkLink(def) else {
          state.catalog.links.removeAll(where: isThis)
          break
        }
        if reading == .files, let problem = keyIndex(of: def) { diagnostics.append(problem) }
      case .view(let v):
        formulasChecked += 1
        _ = checker.checkView(v.name, source: st.source)
      case .value(_, let e):
        if case .name(let n) = e.kind, state.catalog.views[n] != nil || state.catalog.datasets[n] != nil { break }
        formulasChecked += 1
        _ = checker.check(e, st.source)
      case .metric(let m):
        formulasChecked += 1
        let node = checker.check(m.expr, st.source)
        var problems: [Diagnostic] = []
        var bounds: [BoundValue?] = []
        for b in [m.target, m.warn] {
          guard let b else {
            bounds.append(nil)
            continue
          }
          bounds.append(Self.bound(b, of: node, &checker, st.source, &problems))
        }
        diagnostics += problems
        if let node, checker.diagnostics.isEmpty, problems.isEmpty {
          state.checkedMetrics[m.name] = CheckedMetric(plan: node, target: bounds[0], warn: bounds[1])
        }
      case .assert(let e):
        formulasChecked += 1
        if let node = checker.check(e, st.source) {
          if node.type != .bool, node.type != .null {
            diagnostics.append(.error(CheckMessage.assertNotBool, st.source, e.range))
          } else if checker.diagnostics.isEmpty {
            state.checkedAsserts[.init(st)] = node
          }
        }
      default: break
      }
      diagnostics += checker.diagnostics
    }
    // A broken view is met by each formula that reads it: reported once.
    return DiagnosticFilter.oneErrorPerCycle(diagnostics, sites: state.sites).uniqued()
  }

  /// Builds the key index a link reads, once per dataset and key; a key that two rows share is
  /// a data error naming the file and both lines.
  mutating func keyIndex(of def: LinkDefinition) -> Diagnostic? {
    let key = KeyColumn(dataset: def.decl.to, column: def.decl.key)
    // Where a fixture or `--data` stands in for one side, only a formula that follows the link fails.
    let swapped = settings.datasetOverrides[def.decl.from] != nil || settings.datasetOverrides[key.dataset] != nil
    if let from = state.datasets[def.decl.from], let to = state.datasets[key.dataset], from.server?.connection != to.server?.connection {
      if swapped { return nil }
      return .error(
        ServerMessage.linkAcrossSources(def.written, from: from.sourceName, to: to.sourceName), def.source, def.range,
        notes: ["link datasets of one source: files with files, tables of one server with each other"])
    }
    guard state.keyIndexes[key] == nil, let ds = state.datasets[key.dataset], let col = ds.column(key.column) else { return nil }
    if let server = ds.server {
      guard state.serverKeysChecked.insert(key).inserted else { return nil }
      return serverKeyProblem(def, ds, server)
    }
    switch KeyIndex.build(col.vector) {
    case .success(let index):
      state.keyIndexes[key] = index
      return nil
    case .failure(let r):
      let lines = [ds.rowLines.line(of: r.first), ds.rowLines.line(of: r.second)].compactMap { $0 }
      let shown: String
      if case .string(let s) = r.value { shown = "'\(s)'" } else { shown = r.value.description }
      return .dataError(
        DataMessage.repeatedKey(key.column, dataset: key.dataset, value: shown, lines: lines.count == 2 ? lines : []), file: ds.path,
        line: lines.count == 2 ? lines[1] : nil,
        notes: [
          "the link \(def.written) (\(def.source.name):\(def.source.location(of: def.range.start).line)) needs one row of '\(key.dataset)' per key",
          "remove the repeated rows, or link to a column whose values are unique",
        ])
    }
  }

  /// A link's key on a server: unique, or an error naming a value that two rows share. The
  /// server checks it with one statement each time the definitions are loaded.
  func serverKeyProblem(_ def: LinkDefinition, _ ds: Dataset, _ table: ServerTable) -> Diagnostic? {
    let key = Dialect.postgres.quote(def.decl.key)
    let sql =
      "SELECT CAST(\(key) AS TEXT) FROM \(table.from(zone: settings.zone)) AS t WHERE \(key) IS NOT NULL GROUP BY \(key) HAVING COUNT(*) > 1 LIMIT 1"
    let rows: [[String?]]
    do {
      rows = try DatabaseServers.shared.server(table.connection).rows(sql)
    } catch let e as DatabaseServerError {
      return .error(ServerMessage.failed(table.serverName, why: e.message), def.source, def.range, notes: e.notes)
    } catch {
      return .error(ServerMessage.failed(table.serverName, why: "\(error)"), def.source, def.range)
    }
    guard let first = rows.first, let value = first.first ?? nil else { return nil }
    let shown = ds.column(def.decl.key)?.type == .string ? "'\(value)'" : value
    return .error(
      ServerMessage.repeatedKey(def.decl.key, dataset: def.decl.to, value: shown, server: table.serverName), def.source, def.range,
      notes: [
        "the link needs one row of '\(def.decl.to)' per key (table \(table.table))",
        "remove the repeated rows, or link to a column whose values are unique",
      ])
  }

  /// A metric's bound, checked (a constant of a type the metric's value compares with) and
  /// evaluated once.
  static func bound(_ b: Bound, of node: Node?, _ checker: inout Checker, _ source: Source, _ problems: inout [Diagnostic]) -> BoundValue? {
    guard let bn = checker.check(b.value, source), let node else { return nil }
    guard bn.isConstant, binaryType(b.op, node.type, bn.type) != nil else {
      problems.append(
        .error(
          bn.isConstant
            ? CheckMessage.typeMismatch(b.op.rawValue, node.type.description, bn.type.description) : CheckMessage.boundNotConstant,
          source, b.value.range))
      return nil
    }
    do {
      guard case .scalar(let v) = try Constant.value(of: bn, zone: checker.zone) else {
        problems.append(.error(CheckMessage.groupedTarget, source, b.value.range))
        return nil
      }
      return BoundValue(op: b.op, value: v)
    } catch let e as TallyError {
      problems += e.diagnostics.map { $0.moved(to: .source(source, b.value.range)) }
      return nil
    } catch {
      return nil
    }
  }

  /// Every current view, value and metric checked again (after a name was replaced).
  mutating func checkAll() -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    for def in state.catalog.links {
      var c = Checker(catalog: state.catalog, zone: settings.zone)
      if c.checkLink(def) {
        if reading == .files, let problem = keyIndex(of: def) { diagnostics.append(problem) }
      } else {
        diagnostics += c.diagnostics
      }
    }
    for name in state.catalog.views.keys.sorted() {
      var c = Checker(catalog: state.catalog, zone: settings.zone)
      formulasChecked += 1
      if let v = state.catalog.views[name] { _ = c.checkView(name, source: v.source) }
      diagnostics += c.diagnostics
    }
    for name in state.catalog.values.keys.sorted() {
      guard let v = state.catalog.values[name] else { continue }
      var c = Checker(catalog: state.catalog, zone: settings.zone)
      formulasChecked += 1
      _ = c.check(v.expr, v.source)
      diagnostics += c.diagnostics
    }
    return diagnostics.uniqued()
  }
}
