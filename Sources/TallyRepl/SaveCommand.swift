import Foundation
import Tally

extension ReplSession {
  /// `:save FILE.kpi`: the definitions in force, as a definition file that `tally check`
  /// and `:load` read back. Data paths are written relative to the file where they are
  /// below its directory, else in full. An existing file is never overwritten.
  func save(_ path: String) -> ReplOutput {
    var out = ReplOutput()
    let full = fullPath(path)
    guard full.hasSuffix(".kpi") else {
      out.error(ReplMessage.usage(":save FILE.kpi").text + "; the file name ends in .kpi")
      return out
    }
    guard !FileManager.default.fileExists(atPath: full) else {
      out.error(Diagnostic(.error, ReplMessage.wouldOverwrite(path), at: .file(path, line: nil, column: nil)).rendered(color: color))
      return out
    }
    let dir = Paths.directory(of: full)
    let datasets = session.names([.dataset])
    var text = "# Saved from tally repl.\n\n"
    for name in datasets {
      guard let ds = session.datasets[name] else { continue }
      let quoted = { (s: String) in
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
      }
      if let server = ds.server {  // the connection as declared: a variable, or a URL without a password
        text += "dataset \(formulaName(name)) from postgres \(quoted(server.connection)) table \(quoted(server.table))"
        if let t = session.schema(of: name)?.timeColumn { text += " time \(formulaName(t))" }
        text += "\n"
        continue
      }
      var file = ds.path.hasPrefix("/") ? ds.path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(ds.path)
      file = URL(fileURLWithPath: file).standardizedFileURL.path
      let top = URL(fileURLWithPath: dir.isEmpty ? "." : dir).standardizedFileURL.path + "/"
      if file.hasPrefix(top) { file = String(file.dropFirst(top.count)) }
      text +=
        "dataset \(formulaName(name)) from \"\(file.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
      if let t = session.schema(of: name)?.timeColumn { text += " time \(formulaName(t))" }
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
        Diagnostic(.error, DataMessage.unreadable(path, why: "it cannot be written"), at: .file(path, line: nil, column: nil)).rendered(
          color: color)
      )
      return out
    }
    out.print(
      "saved \(datasets.count) dataset\(datasets.count == 1 ? "" : "s") and \(statements.count) definition\(statements.count == 1 ? "" : "s") to \(path)"
    )
    return out
  }
}
