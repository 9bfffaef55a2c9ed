import Foundation
import Tally

/// A REPL command: a line that starts with `:`.
struct MetaCommand {
  var name: String
  var usage: String
  var summary: String

  /// Every command, in the order `:help` lists them.
  static let all: [MetaCommand] = [
    MetaCommand(
      name: "load", usage: ":load PATH [as NAME] [time COL]",
      summary: "load a data file (.csv .tsv .jsonl, .gz), a .kpi file or a directory of them"),
    MetaCommand(name: "datasets", usage: ":datasets", summary: "list the datasets and views"),
    MetaCommand(name: "schema", usage: ":schema NAME", summary: "columns, types, nulls, rows and time range of a dataset"),
    MetaCommand(name: "metrics", usage: ":metrics", summary: "every metric with its value, target and status"),
    MetaCommand(name: "describe", usage: ":describe NAME", summary: "a metric's formula, description, target, value, status"),
    MetaCommand(name: "asof", usage: ":asof [T | default]", summary: "show or set the as-of instant (the end of time)"),
    MetaCommand(name: "tz", usage: ":tz [ZONE]", summary: "show or set the session time zone"),
    MetaCommand(name: "format", usage: ":format [table | json | csv]", summary: "show or set how results are printed"),
    MetaCommand(name: "timing", usage: ":timing [on | off]", summary: "print how long each statement takes"),
    MetaCommand(
      name: "save", usage: ":save FILE.kpi", summary: "write the session's datasets, views, values and metrics to a new .kpi file"),
    MetaCommand(name: "help", usage: ":help [TOPIC]", summary: "this list, or help on a command or a topic"),
    MetaCommand(name: "quit", usage: ":quit", summary: "leave the REPL (also Ctrl-D)"),
  ]

  /// Other spellings.
  static let aliases = ["q": "quit", "exit": "quit", "h": "help", "?": "help", "d": "describe", "l": "load"]

  /// Whether a (trimmed) line is a command rather than Tally: it starts with `:` (no
  /// formula does; `:` alone lists the commands).
  static func isCommand(_ line: String) -> Bool { line.hasPrefix(":") }

  /// The command a name stands for, if any.
  static func named(_ name: String) -> MetaCommand? {
    let n = aliases[name] ?? name
    return all.first { $0.name == n }
  }

  /// Splits arguments at white space; `"..."` keeps spaces in one argument, and so does
  /// a backslash before a space (`my\ data.csv`; also `\"` and `\\`) outside quotes. A name
  /// in backquotes, as formulas write it (`` `my shops` ``), is one argument without them.
  static func words(_ s: String) -> [String] {
    var out: [String] = []
    var cur = ""
    var quoted = false
    var backquoted = false
    var started = false
    var escaped = false
    for c in s {
      if escaped {
        if !(c.isWhitespace || c == "\"" || c == "\\") { cur.append("\\") }
        cur.append(c)
        escaped = false
        started = true
      } else if c == "\\" && !quoted {
        escaped = true
      } else if c == "\"" && !backquoted {
        quoted.toggle()
        started = true
      } else if c == "`" && !quoted {
        backquoted.toggle()
        started = true
      } else if c.isWhitespace && !quoted && !backquoted {
        if started { out.append(cur) }
        cur = ""
        started = false
      } else {
        cur.append(c)
        started = true
      }
    }
    if escaped { cur.append("\\") }
    if started || escaped { out.append(cur) }
    return out
  }

  /// Whether arguments end between words: in white space that is neither quoted nor escaped.
  static func endsBetweenWords(_ s: String) -> Bool {
    var quoted = false
    var escaped = false
    var between = true
    for c in s {
      if escaped {
        escaped = false
        between = false
      } else if c == "\\" && !quoted {
        escaped = true
        between = false
      } else if c == "\"" {
        quoted.toggle()
        between = false
      } else {
        between = c.isWhitespace && !quoted
      }
    }
    return between && !escaped
  }

  /// A path as one word with a backslash before each space, quote and backslash.
  static func escaped(_ path: String) -> String {
    var out = ""
    for c in path {
      if c.isWhitespace || c == "\"" || c == "\\" { out.append("\\") }
      out.append(c)
    }
    return out
  }
}

extension ReplSession {
  /// Runs a `:command` line.
  func command(_ line: String) -> ReplOutput {
    let body = line.dropFirst().drop { $0.isWhitespace }
    let name = String(body.prefix { !$0.isWhitespace })
    let rest = String(body.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
    let args = MetaCommand.words(rest)
    var out = ReplOutput()
    if name.isEmpty { return help(nil) }
    guard let cmd = MetaCommand.named(name) else {
      if let near = nearest(name, in: MetaCommand.all.map(\.name) + Array(MetaCommand.aliases.keys)) {
        out.error(Message.unknownCommand(name) + "; did you mean ':\(MetaCommand.aliases[near] ?? near)'?")
      } else {
        out.error(Message.unknownCommand(name) + "; type :help for the list of commands")
      }
      return out
    }
    switch cmd.name {
    case "load": return loadCommand(args)
    case "datasets": out.print(datasetList())
    case "schema":
      guard args.count == 1 else { return usage(cmd) }
      return schema(args[0])
    case "metrics": return metricList()
    case "save":
      guard args.count == 1 else { return usage(cmd) }
      return save(args[0])
    case "describe":
      guard args.count == 1 else { return usage(cmd) }
      return describe(args[0])
    case "asof": return asOfCommand(args)
    case "tz": return zoneCommand(args)
    case "format":
      guard args.count <= 1 else { return usage(cmd) }
      guard let a = args.first else {
        out.print("format \(format.rawValue)")
        return out
      }
      guard let f = OutputFormat(rawValue: a.lowercased()) else {
        let near = nearest(a, in: OutputFormat.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
        out.error(Message.unknownFormat(a, OutputFormat.allCases.map(\.rawValue)) + near)
        return out
      }
      format = f
      out.print("format \(f.rawValue)")
    case "timing":
      switch args.first?.lowercased() {
      case nil: timing.toggle()
      case "on"?: timing = true
      case "off"?: timing = false
      default: return usage(cmd)
      }
      out.print("timing \(timing ? "on" : "off")")
    case "help": return help(args.first)
    case "quit": quitRequested = true
    default: break
    }
    return out
  }

  private func usage(_ cmd: MetaCommand) -> ReplOutput {
    var out = ReplOutput()
    out.error(Message.usage(cmd.usage))
    return out
  }

  // MARK: Loading

  /// `:load PATH [as NAME] [time COL]`.
  private func loadCommand(_ args: [String]) -> ReplOutput {
    guard let path = args.first else { return usage(MetaCommand.named("load")!) }
    var name: String?
    var time: String?
    var i = 1
    while i + 1 < args.count, ["as", "time"].contains(args[i]) {
      if args[i] == "as" { name = args[i + 1] } else { time = args[i + 1] }
      i += 2
    }
    guard i == args.count else { return usage(MetaCommand.named("load")!) }
    if isDefinitionFile(path) || isDirectory(path) {
      guard name == nil, time == nil else {
        var out = ReplOutput()
        out.error(Message.loadOptionsForData)
        return out
      }
      return loadDefinitions(path)
    }
    return loadData(path, name: name ?? Self.datasetName(for: path), time: time)
  }

  /// A startup argument: `F.kpi`, a directory of them, `NAME=PATH[,time=COL]` or a data
  /// file (named after its stem).
  public func load(_ argument: String) -> ReplOutput {
    let out: ReplOutput
    if isDefinitionFile(argument) || isDirectory(argument) {
      out = loadDefinitions(argument)
    } else if let eq = argument.firstIndex(of: "="), eq != argument.startIndex, !argument[..<eq].contains("/") {
      var path = String(argument[argument.index(after: eq)...])
      var time: String?
      if let r = path.range(of: ",time=", options: .backwards), !path[r.upperBound...].contains("/"), r.upperBound != path.endIndex {
        time = String(path[r.upperBound...])
        path = String(path[..<r.lowerBound])
      }
      out = loadData(path, name: String(argument[..<eq]), time: time)
    } else {
      out = loadData(argument, name: Self.datasetName(for: argument), time: nil)
    }
    if out.failed { failureCount += 1 }
    return out
  }

  private func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: fullPath(path), isDirectory: &isDir) && isDir.boolValue
  }

  /// Every `*.kpi` file below a directory, in path order (as `tally check DIR` reads them),
  /// as typed paths: `defs/a.kpi`. Hidden files and directories are left out.
  func definitionFiles(in directory: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: fullPath(directory)) else { return [] }
    var found: [String] = []
    for case let rel as String in e where rel.lowercased().hasSuffix(".kpi") {
      if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
      found.append(directory.hasSuffix("/") ? directory + rel : directory + "/" + rel)
    }
    return found.sorted()
  }

  private func isDefinitionFile(_ path: String) -> Bool {
    let p = path.lowercased()
    return p.hasSuffix(".kpi") || p.hasSuffix(".tally")
  }

  /// `data/orders.csv.gz` → `orders`; characters a name cannot hold become `_`.
  static func datasetName(for path: String) -> String {
    var base = Paths.lastComponent(of: path)
    if base.lowercased().hasSuffix(".gz") { base.removeLast(3) }
    base = (base as NSString).deletingPathExtension
    var name = String(base.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    if name.first?.isNumber ?? true { name = "_" + name }
    return name
  }

  /// A path as typed, read from the base directory; `~` is the home directory (`$HOME`).
  func fullPath(_ path: String) -> String {
    var p = path
    if p == "~" || p.hasPrefix("~/") {
      let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
      p = home + p.dropFirst()
    } else if p.hasPrefix("~") {
      p = (p as NSString).expandingTildeInPath  // ~user/...
    }
    return p.hasPrefix("/") ? p : (baseDirectory as NSString).appendingPathComponent(p)
  }

  private func loadData(_ path: String, name: String, time: String?) -> ReplOutput {
    var out = ReplOutput()
    let verb = session.isDefined(name) ? "replaced" : "loaded"
    let started = DispatchTime.now()
    let full = fullPath(path)
    do {
      try session.load(name: name, path: full, timeColumn: time)
      definitions[name] = nil
      out.print("\(verb) dataset " + datasetSummary(name, elapsed: started))
    } catch let e as TallyError {
      // Errors name the file as it was typed.
      out.error(e.diagnostics.map(rendered).joined().replacingOccurrences(of: full, with: path))
    } catch {
      out.error("error: \(error)")
    }
    return out
  }

  /// Adds a `.kpi` file's definitions, or those of every `.kpi` file below a directory (as
  /// one namespace, all or nothing), with a summary line per dataset they load.
  func loadDefinitions(_ path: String) -> ReplOutput {
    var out = ReplOutput()
    let files = isDirectory(path) ? definitionFiles(in: path) : [path]
    guard !files.isEmpty else {
      out.error(Diagnostic(.error, Message.noDefinitionFiles(path), at: .file(path, line: nil, column: nil)).rendered(color: color))
      return out
    }
    var sources: [(source: Source, baseDirectory: String?)] = []
    for file in files {
      let full = fullPath(file)
      do {
        sources.append((Source(name: file, text: try Session.readSource(full).text), Paths.directory(of: full)))
      } catch let e as TallyError {
        // Errors name the file as it was typed.
        out.error(e.diagnostics.map(rendered).joined().replacingOccurrences(of: full, with: file))
        return out
      } catch {
        out.error("error: \(error)")
        return out
      }
    }
    let started = DispatchTime.now()
    // Names the files define that the session already has: they are replaced, and said so.
    let replaced = Set(
      sources.flatMap { Parser.parse($0.source).statements.compactMap(\.definedName) }.filter { session.isDefined($0) })
    let statements: [Statement]
    do {
      // As in a definition file: all or nothing, a name twice is an error, formulas alone are errors.
      statements = try session.define(sources, formulas: false)
    } catch let e as TallyError {
      out.error(e.diagnostics.map(rendered).joined())
      out.failed = true
      return out
    } catch {
      out.error("error: \(error)")
      out.failed = true
      return out
    }
    var counts: [String: Int] = [:]
    let directories = Dictionary(sources.map { ($0.source.name, $0.baseDirectory) }, uniquingKeysWith: { a, _ in a })
    for st in statements {
      if let n = st.definedName { definitions[n] = (st, directories[st.source.name] ?? nil) }
      switch st.kind {
      case .dataset(let name, _, _):
        out.print((replaced.contains(name) ? "replaced" : "loaded") + " dataset " + datasetSummary(name, elapsed: started))
        counts["dataset", default: 0] += 1
      case .metric: counts["metric", default: 0] += 1
      case .view: counts["view", default: 0] += 1
      case .value(let name, _): counts[session.catalog.views[name] != nil ? "view" : "value", default: 0] += 1
      case .assert: counts["assert", default: 0] += 1
      case .test: counts["test", default: 0] += 1
      case .expr: break
      }
    }
    let parts = ["dataset", "view", "value", "metric", "assert", "test"].compactMap { k in
      counts[k].map { "\($0) \(k)\($0 == 1 ? "" : "s")" }
    }
    let fileCount = files.count == 1 && files[0] == path ? "" : "\(files.count) file\(files.count == 1 ? "" : "s"), "
    out.print("\(path): " + fileCount + (parts.isEmpty ? "no definitions" : parts.joined(separator: ", ")))
    let others = statements.compactMap { st -> String? in
      if case .dataset = st.kind { return nil }
      return st.definedName.flatMap { replaced.contains($0) ? "'\($0)'" : nil }
    }
    if !others.isEmpty { out.print("replaced " + others.joined(separator: ", ")) }
    return out
  }

  // MARK: Saving

  /// `:save FILE.kpi`: the definitions in force, as a definition file that `tally check`
  /// and `:load` read back. Data paths are written relative to the file where they are
  /// below its directory, else in full. An existing file is never overwritten.
  func save(_ path: String) -> ReplOutput {
    var out = ReplOutput()
    let full = fullPath(path)
    guard full.hasSuffix(".kpi") else {
      out.error(Message.usage(":save FILE.kpi") + "; the file name ends in .kpi")
      return out
    }
    guard !FileManager.default.fileExists(atPath: full) else {
      out.error(Diagnostic(.error, Message.wouldOverwrite(path), at: .file(path, line: nil, column: nil)).rendered(color: color))
      return out
    }
    let dir = Paths.directory(of: full)
    let cat = session.catalog
    var text = "# Saved from tally repl.\n\n"
    for name in cat.datasets.keys.sorted() {
      guard let ds = session.datasets[name] else { continue }
      var file = ds.path.hasPrefix("/") ? ds.path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(ds.path)
      file = URL(fileURLWithPath: file).standardizedFileURL.path
      let top = URL(fileURLWithPath: dir.isEmpty ? "." : dir).standardizedFileURL.path + "/"
      if file.hasPrefix(top) { file = String(file.dropFirst(top.count)) }
      text +=
        "dataset \(formulaName(name)) from \"\(file.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
      if let t = cat.datasets[name]?.timeColumn { text += " time \(formulaName(t))" }
      text += "\n"
    }
    // Views, values and metrics as they were written (a metric's description first).
    let statements = definitions.values.map(\.statement).filter { st in
      switch st.kind {
      case .view, .value, .metric: return true
      default: return false
      }
    }
    for st in statements.sorted(by: { ($0.definedName ?? "") < ($1.definedName ?? "") }) {
      guard let name = st.definedName, session.isDefined(name) else { continue }
      text += "\n"
      if case .metric(let m) = st.kind, let d = m.description {
        text += d.split(separator: "\n", omittingEmptySubsequences: false).map { "## \($0)\n" }.joined()
      }
      text += st.source.slice(st.range.start..<st.range.end).trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }
    do {
      try text.write(toFile: full, atomically: true, encoding: .utf8)
    } catch {
      out.error(
        Diagnostic(.error, Message.unreadable(path, "it cannot be written"), at: .file(path, line: nil, column: nil)).rendered(color: color)
      )
      return out
    }
    out.print(
      "saved \(cat.datasets.count) dataset\(cat.datasets.count == 1 ? "" : "s") and \(statements.count) definition\(statements.count == 1 ? "" : "s") to \(path)"
    )
    return out
  }

  // MARK: Datasets

  /// `:datasets`: one row per dataset and view.
  func datasetList() -> String {
    let cat = session.catalog
    if cat.datasets.isEmpty && cat.views.isEmpty {
      return "no datasets; load one with ':load PATH' or 'dataset NAME from \"PATH\"'"
    }
    var rows: [[String]] = []
    for name in cat.datasets.keys.sorted() {
      guard let ds = session.datasets[name] else { continue }
      rows.append([
        name, "dataset", Render.grouped(String(ds.rowCount)), String(ds.columns.count), cat.datasets[name]?.timeColumn ?? "",
        displayPath(ds.path),
      ])
    }
    for name in cat.views.keys.sorted() {
      guard let v = cat.views[name] else { continue }
      let base = baseDataset(of: name)
      let cols = base.flatMap { cat.datasets[$0]?.columns.count }.map(String.init) ?? ""
      var what = v.base
      if let f = v.filter { what += " where " + v.source.slice(f.range.start..<f.range.end) }
      rows.append([name, "view", viewRowCount(name).map { Render.grouped(String($0)) } ?? "", cols, timeColumn(of: name) ?? "", what])
    }
    return Render.alignedTable(header: ["name", "kind", "rows", "columns", "time", "from"], rows: rows, rightAlign: [2, 3])
  }

  /// `:schema NAME`.
  func schema(_ name: String) -> ReplOutput {
    var out = ReplOutput()
    let cat = session.catalog
    guard cat.datasets[name] != nil || cat.views[name] != nil, let base = baseDataset(of: name), let ds = session.datasets[base] else {
      if let v = cat.values[name] {
        out.error(Message.notADataset(name, v.metric == nil ? "value" : "metric"))
      } else {
        out.error(unknown(name, kind: "dataset", in: Array(cat.datasets.keys) + Array(cat.views.keys)))
      }
      return out
    }
    var head: String
    let time = timeColumn(of: name)
    if let v = cat.views[name] {
      head = "\(name): view of '\(v.base)'"
      if let f = v.filter { head += " where " + v.source.slice(f.range.start..<f.range.end) }
      if let n = viewRowCount(name) { head += "; \(Render.grouped(String(n))) row\(n == 1 ? "" : "s")" }
    } else {
      head = "\(name): \(Render.grouped(String(ds.rowCount))) row\(ds.rowCount == 1 ? "" : "s"), from \(displayPath(ds.path))"
    }
    head += "\n"
    if let time {
      if let (lo, hi) = timeRange(ds, time) {
        head += "time column \(time): \(session.zone.iso(lo)) .. \(session.zone.iso(hi))\n"
      } else {
        head += "time column \(time): no values\n"
      }
    } else {
      head += "no time column; windows cannot apply to it\n"
    }
    let isView = cat.views[name] != nil
    let rows = ds.columns.map { c -> [String] in
      // A view's nulls are counted over its own rows.
      let nulls =
        isView ? viewNullCount(name, c.name).map { Render.grouped(String($0)) } ?? "?" : Render.grouped(String(c.vector.nullCount))
      return [c.name, c.type.rawValue, nulls, c.name == time ? "time column" : ""]
    }
    out.print(head + Render.alignedTable(header: ["column", "type", "nulls", "note"], rows: rows, rightAlign: [2]))
    return out
  }

  /// `count(VIEW)`: the rows of a view (before the as-of), or nil when it cannot be counted.
  func viewRowCount(_ view: String) -> Int? {
    let count = Expr(.call("count", [Expr(.name(view), SourceRange(0, 0))], filter: nil), SourceRange(0, 0))
    guard let ev = try? session.evaluate(count, in: Source(name: "", text: "")), case .scalar(let n) = ev.value, let c = n.double else {
      return nil
    }
    return Int(c)
  }

  /// `count(VIEW where VIEW.COL is null)`, or nil when it cannot be counted.
  func viewNullCount(_ view: String, _ column: String) -> Int? {
    guard !column.contains("`"), !column.contains("\n") else { return nil }
    let formula = "count(`\(view)` where `\(view)`.`\(column)` is null)"
    guard let ev = try? session.evaluate(formula, sourceName: "<schema>"), case .scalar(let v) = ev.value, let n = v.double else {
      return nil
    }
    return Int(n)
  }

  /// The dataset a dataset or view name reads.
  func baseDataset(of name: String) -> String? {
    var n = name
    var seen = Set<String>()
    while let v = session.catalog.views[n], seen.insert(n).inserted { n = v.base }
    return session.catalog.datasets[n] != nil ? n : nil
  }

  /// The time column of a dataset or view.
  func timeColumn(of name: String) -> String? {
    var n = name
    var seen = Set<String>()
    while let v = session.catalog.views[n], seen.insert(n).inserted {
      if let t = v.time { return t }
      n = v.base
    }
    return session.catalog.datasets[n]?.timeColumn
  }

  private func displayPath(_ path: String) -> String {
    let base = baseDirectory.hasSuffix("/") ? baseDirectory : baseDirectory + "/"
    return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
  }

  private func unknown(_ name: String, kind: String, in names: [String]) -> String {
    var s = "unknown \(kind) '\(name)'"
    if let near = nearest(name, in: names) { s += "\nnote: did you mean '\(near)'?" }
    return s
  }

  // MARK: Metrics

  /// `:metrics`: every metric with its value, target, warn bound and status.
  func metricList() -> ReplOutput {
    var out = ReplOutput()
    guard !session.metrics.isEmpty else {
      out.print("no metrics; define one with 'metric NAME = FORMULA' or load a .kpi file")
      return out
    }
    var rows: [[String]] = []
    for st in session.metrics {
      guard case .metric(let m) = st.kind else { continue }
      let value: String
      var status = ""
      do {
        let ev = try session.evaluate(Expr(.name(m.name), st.nameRange), in: st.source)
        switch ev.value {
        case .scalar(let v): value = Render.display(v, format: ev.format, zone: session.zone)
        case .grouped(let g): value = "\(g.values.count) groups by \(g.keyNames.joined(separator: ", "))"
        }
        status = metricStatus(ev.value, m, st.source).rawValue
      } catch let e as TallyError {
        value = "error: " + (e.diagnostics.first?.message ?? "")
        status = "error"
      } catch {
        value = "error"
        status = "error"
      }
      rows.append([m.name, value, boundText(m.target, st.source), boundText(m.warn, st.source), status])
    }
    out.print(Render.alignedTable(header: ["metric", "value", "target", "warn", "status"], rows: rows, rightAlign: [1]))
    return out
  }

  /// `:describe NAME`: what a name is and what it is worth now.
  func describe(_ name: String) -> ReplOutput {
    let cat = session.catalog
    if cat.datasets[name] != nil || cat.views[name] != nil { return schema(name) }
    var out = ReplOutput()
    guard let v = cat.values[name] else {
      out.error(unknown(name, kind: "name", in: cat.values.keys.map { $0 } + cat.datasets.keys + cat.views.keys))
      return out
    }
    var fields: [(String, String)] = []
    var head = "\(v.metric == nil ? "value" : "metric") \(name)"
    if v.source.name != sourceName, let st = session.metrics.first(where: { $0.definedName == name }) {
      head += " (\(v.source.name):\(st.line))"
    } else if v.source.name != sourceName {
      head += " (\(v.source.name):\(v.source.location(of: v.expr.range.start).line))"
    }
    var lines = [head]
    if let d = v.metric?.description { lines += d.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 } }
    fields.append(("formula", v.source.slice(v.expr.range.start..<v.expr.range.end)))
    if let m = v.metric {
      if let f = m.format { fields.append(("format", f.rawValue)) }
      if m.target != nil { fields.append(("target", boundText(m.target, v.source))) }
      if m.warn != nil { fields.append(("warn", boundText(m.warn, v.source))) }
    }
    var table = ""
    do {
      let ev = try session.evaluate(Expr(.name(name), v.expr.range), in: v.source)
      switch ev.value {
      case .scalar(let x): fields.append(("value", Render.display(x, format: ev.format, zone: session.zone)))
      case .grouped(let g):
        fields.append(("value", "\(g.values.count) groups by \(g.keyNames.joined(separator: ", ")), below"))
        table = render(ev, grain: nil)
      }
      if let m = v.metric { fields.append(("status", metricStatus(ev.value, m, v.source).rawValue)) }
      fields.append(("as of", session.zone.iso(ev.asOf)))
    } catch let e as TallyError {
      fields.append(("value", "error: " + (e.diagnostics.first?.message ?? "")))
    } catch {
      fields.append(("value", "error"))
    }
    let width = fields.map(\.0.count).max() ?? 0
    lines += fields.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
    out.print(lines.joined(separator: "\n") + "\n" + table)
    return out
  }

  // MARK: Settings

  /// `:asof [T | default]`; a space may part the day from the time, as in data files.
  private func asOfCommand(_ args: [String]) -> ReplOutput {
    var out = ReplOutput()
    guard args.count <= 2 else { return usage(MetaCommand.named("asof")!) }
    if !args.isEmpty {
      let a = args.joined(separator: " ")
      if ["default", "reset", "none", "auto"].contains(a.lowercased()) {
        session.asOf = nil
      } else {
        let text = a.hasPrefix("@") ? String(a.dropFirst()) : a
        guard let i = Instant(text) else {
          out.error(Message.malformedAsOf(a) + "; " + Message.asOfHint)
          return out
        }
        session.asOf = i
      }
    }
    let why = session.asOf == nil ? " (default: the start of the day after the latest data)" : ""
    out.print("as of \(session.zone.iso(session.resolvedAsOf))\(why)")
    return out
  }

  /// `:tz [ZONE]`.
  private func zoneCommand(_ args: [String]) -> ReplOutput {
    var out = ReplOutput()
    guard args.count <= 1 else { return usage(MetaCommand.named("tz")!) }
    guard let name = args.first else {
      out.print("time zone \(zoneName)")
      return out
    }
    guard let z = Zone(name) else {
      var message = "unknown time zone '\(name)'; use an IANA name such as 'Asia/Shanghai' or 'UTC', or an offset such as '+08:00'"
      if let near = nearest(name, in: TimeZone.knownTimeZoneIdentifiers) { message += "\nnote: did you mean '\(near)'?" }
      out.error(message)
      return out
    }
    let started = DispatchTime.now()
    do {
      try session.setZone(z)
    } catch let e as TallyError {
      out.error(e.diagnostics.map(rendered).joined())
      return out
    } catch {
      out.error("error: \(error)")
      return out
    }
    zoneName = name
    var line = "time zone \(name)"
    if !session.datasets.isEmpty {
      line += " (\(session.datasets.count) dataset\(session.datasets.count == 1 ? "" : "s") read again in \(milliseconds(since: started)))"
    }
    out.print(line)
    return out
  }
}
