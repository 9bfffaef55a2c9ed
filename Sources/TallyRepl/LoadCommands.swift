import Foundation
import Tally
import TallyDriver

extension ReplSession {
  /// `:load PATH [as NAME] [time COL]`.
  func loadCommand(_ args: [String]) -> ReplOutput {
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
        out.error(ReplMessage.loadOptionsForData.text)
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
    } else if let (name, path, time) = DataArgument.split(argument) {
      out = loadData(path, name: name, time: time)
    } else {
      out = loadData(argument, name: Self.datasetName(for: argument), time: nil)
    }
    if out.failed { failureCount += 1 }
    return out
  }

  func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: fullPath(path), isDirectory: &isDir) && isDir.boolValue
  }

  func isDefinitionFile(_ path: String) -> Bool {
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

  func loadData(_ path: String, name: String, time: String?) -> ReplOutput {
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
    let files: [String]
    do {
      files = try DefinitionFiles.collect([path]) { self.fullPath($0) }
    } catch let e as TallyError {
      out.error(e.diagnostics.map(rendered).joined())
      return out
    } catch {
      out.error("error: \(error)")
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
    let parsed = sources.map { (Pipeline.parseStatements($0.source), $0.baseDirectory) }
    let replaced = Set(parsed.flatMap { $0.0.statements.compactMap(\.definedName) }.filter { session.isDefined($0) })
    let statements: [Statement]
    do {
      // As in a definition file: all or nothing, a name twice is an error, formulas alone are errors.
      statements = try session.define(parsed: parsed, formulas: false)
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
      case .dataset(let d):
        out.print((replaced.contains(d.name) ? "replaced" : "loaded") + " dataset " + datasetSummary(d.name, elapsed: started, own: true))
        counts["dataset", default: 0] += 1
      case .metric: counts["metric", default: 0] += 1
      case .view: counts["view", default: 0] += 1
      case .value(let name, _): counts[session.kind(of: name) == .view ? "view" : "value", default: 0] += 1
      case .assert: counts["assert", default: 0] += 1
      case .link: counts["link", default: 0] += 1
      case .test: counts["test", default: 0] += 1
      case .expr: break
      }
    }
    let parts = ["dataset", "link", "view", "value", "metric", "assert", "test"].compactMap { k in
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
}
