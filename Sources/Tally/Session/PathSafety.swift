import Foundation

/// Paths named by definition files: relative to the file that names them, and kept inside a root.
enum PathSafety {
  /// Whether a path, with `..` and symbolic links resolved, is inside the directory `root`.
  static func isInside(_ path: String, root: String) -> Bool {
    let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    let top = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
    return real == top || real.hasPrefix(top.hasSuffix("/") ? top : top + "/")
  }

  /// A path as a definition file in `base` means it.
  static func resolve(_ path: String, relativeTo base: String?) -> String {
    guard let base, !path.hasPrefix("/"), !base.isEmpty else { return path }
    return (base as NSString).appendingPathComponent(path)
  }
}
