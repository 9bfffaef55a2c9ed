import Foundation
import Tally

/// The `.kpi` files a list of paths names: files as given, directories searched for `*.kpi`.
public enum DefinitionFiles {
  public static func collect(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    for p in paths.isEmpty ? ["."] : paths {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
        throw TallyError(Diagnostic(.error, DriverMessage.noSuchFileOrDirectory(p), at: .file(p, line: nil, column: nil)))
      }
      if !isDir.boolValue {
        files.append(p)
        continue
      }
      var found: [String] = []
      if let e = FileManager.default.enumerator(atPath: p) {
        for case let rel as String in e where rel.hasSuffix(".kpi") {
          // Hidden files and directories (`.git`, `.build`) are not definitions.
          if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
          let path = p == "." ? rel : (p as NSString).appendingPathComponent(rel)
          var isDirectory: ObjCBool = false
          if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { found.append(path) }
        }
      }
      if found.isEmpty {
        throw TallyError(
          Diagnostic(
            .error, DriverMessage.noDefinitionFiles(p), at: .file(p, line: nil, column: nil),
            notes: ["name the directory that holds the definitions, or the .kpi files themselves"]))
      }
      files += found.sorted()
    }
    // A file named twice (directly, through its directory, through a symbolic link) is read once.
    var seen = Set<String>()
    return files.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path).inserted }
  }
}
