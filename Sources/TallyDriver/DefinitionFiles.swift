import Foundation
import Tally

/// The `.kpi` files that a list of paths names, as `tally check`, `tally eval --file`, the
/// REPL's `:load` and its arguments read them: a file as given; a directory searched for
/// `*.kpi` files below it, in path order, files and directories whose name starts with `.`
/// skipped, symbolic links to directories followed (each directory read once); a file named
/// twice (directly, through its directory, through a symbolic link) read once. Nothing is
/// skipped in silence: a directory that cannot be read, a `*.kpi` link to nothing, or a data
/// file named as definitions is an error naming the path.
public enum DefinitionFiles {
  /// The files, as the paths were written; `full` gives the path to read for one as written
  /// (the REPL reads from its own directory). No path at all means the current directory.
  public static func collect(_ paths: [String], full: (String) -> String = { $0 }) throws -> [String] {
    var files: [String] = []
    for p in paths.isEmpty ? ["."] : paths {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: full(p), isDirectory: &isDir) else {
        throw TallyError(Diagnostic(.error, DriverMessage.noSuchFileOrDirectory(p), at: .file(p, line: nil, column: nil)))
      }
      if !isDir.boolValue {
        if let kind = dataKind(p) {
          throw TallyError(
            Diagnostic(
              .error, DriverMessage.dataFileAsDefinitions(p, kind: kind), at: .file(p, line: nil, column: nil),
              notes: ["declare it in a .kpi file, as in 'dataset NAME from \"\(p)\"', or give it with --data NAME=\(p)"]))
        }
        files.append(p)
        continue
      }
      var visited = Set<String>()
      var found: [String] = []
      try walk(p, full: full(p), into: &found, visited: &visited)
      if found.isEmpty {
        throw TallyError(
          Diagnostic(
            .error, DriverMessage.noDefinitionFiles(p), at: .file(p, line: nil, column: nil),
            notes: ["name the directory that holds the definitions, or the .kpi files themselves"]))
      }
      files += found.sorted()
    }
    var seen = Set<String>()
    return files.filter { seen.insert(URL(fileURLWithPath: full($0)).standardizedFileURL.resolvingSymlinksInPath().path).inserted }
  }

  /// What kind of data file a path names by its extension, if it is one.
  static func dataKind(_ path: String) -> String? {
    var lower = path.lowercased()
    if lower.hasSuffix(".gz") { lower.removeLast(3) }
    for (ext, kind) in [
      (".csv", "CSV"), (".tsv", "TSV"), (".tab", "TSV"), (".jsonl", "JSON Lines"), (".ndjson", "JSON Lines"), (".json", "JSON"),
      (".xlsx", "Excel"), (".xls", "Excel"), (".parquet", "Parquet"),
    ] where lower.hasSuffix(ext) {
      return kind
    }
    return nil
  }

  /// The `*.kpi` files below a directory, as paths that start with `directory` as written.
  static func walk(_ directory: String, full: String, into found: inout [String], visited: inout Set<String>) throws {
    let real = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
    guard visited.insert(real).inserted else { return }  // a link back up the tree
    let entries: [String]
    do {
      entries = try FileManager.default.contentsOfDirectory(atPath: full)
    } catch {
      throw TallyError(
        Diagnostic(
          .error, DriverMessage.unreadableDirectory(directory), at: .file(directory, line: nil, column: nil),
          notes: ["give the directory read permission, or name the .kpi files to check"]))
    }
    for name in entries.sorted() where !name.hasPrefix(".") {
      let shown = directory == "." ? name : (directory as NSString).appendingPathComponent(name)
      let path = (full as NSString).appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        // There by name only: a symbolic link to nothing.
        if name.lowercased().hasSuffix(".kpi") {
          throw TallyError(
            Diagnostic(
              .error, DriverMessage.brokenLink(shown), at: .file(shown, line: nil, column: nil),
              notes: ["remove the link, or make it point at a .kpi file"]))
        }
        continue
      }
      if isDirectory.boolValue {
        try walk(shown, full: path, into: &found, visited: &visited)
      } else if name.lowercased().hasSuffix(".kpi") {
        found.append(shown)
      }
    }
  }
}
