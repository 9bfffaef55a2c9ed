import Foundation
import Tally

/// The `.kpi` files that a list of paths names, as `tally check`, `tally eval --file`, the
/// REPL's `:load` and its arguments read them: a file as given; a directory searched for
/// `*.kpi` files below it, in path order, files and directories whose name starts with `.`
/// skipped; a file named twice (directly, through its directory, through a symbolic link)
/// read once.
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
        files.append(p)
        continue
      }
      let found = definitionFiles(in: p, full: full(p))
      if found.isEmpty {
        throw TallyError(
          Diagnostic(
            .error, DriverMessage.noDefinitionFiles(p), at: .file(p, line: nil, column: nil),
            notes: ["name the directory that holds the definitions, or the .kpi files themselves"]))
      }
      files += found
    }
    var seen = Set<String>()
    return files.filter { seen.insert(URL(fileURLWithPath: full($0)).standardizedFileURL.resolvingSymlinksInPath().path).inserted }
  }

  /// The `*.kpi` files below a directory, sorted, as paths that start with `directory` as written.
  static func definitionFiles(in directory: String, full: String) -> [String] {
    var found: [String] = []
    guard let e = FileManager.default.enumerator(atPath: full) else { return [] }
    for case let rel as String in e where rel.lowercased().hasSuffix(".kpi") {
      // Hidden files and directories (`.git`, `.build`) are not definitions.
      if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
      var isDirectory: ObjCBool = false
      let path = (full as NSString).appendingPathComponent(rel)
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
      found.append(directory == "." ? rel : (directory as NSString).appendingPathComponent(rel))
    }
    return found.sorted()
  }
}
