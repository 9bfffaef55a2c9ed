import Foundation

/// Path pieces by plain string rules (Foundation's `NSString` path methods trap on
/// one-character paths on Linux).
public enum Paths {
  /// The directory part of a path: "" for a bare file name, "/" for a file at the root.
  public static func directory(of path: String) -> String {
    var p = Substring(path)
    while p.count > 1, p.hasSuffix("/") { p.removeLast() }
    guard let slash = p.lastIndex(of: "/") else { return "" }
    return slash == p.startIndex ? "/" : String(p[..<slash])
  }

  /// The last component of a path: the file name.
  public static func lastComponent(of path: String) -> String {
    var p = Substring(path)
    while p.count > 1, p.hasSuffix("/") { p.removeLast() }
    guard let slash = p.lastIndex(of: "/") else { return String(p) }
    return String(p[p.index(after: slash)...])
  }
}

extension DataLoader {
  /// A file's bytes: a regular file memory-mapped (parsed in place, never copied), a pipe
  /// read to its end (`--data o=<(zcat x.csv.gz)`, /dev/stdin); anything else is refused.
  static func contents(of path: String) throws -> Data {
    switch fileKind(path) {
    case .regular:
      guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
        throw TallyError(.dataError(DataMessage.unreadable(path, why: "it cannot be opened for reading"), file: path))
      }
      return data
    case .pipe:
      guard let handle = FileHandle(forReadingAtPath: path) else {
        throw TallyError(.dataError(DataMessage.unreadable(path, why: "it cannot be opened for reading"), file: path))
      }
      defer { try? handle.close() }
      return (try? handle.readToEnd()) ?? Data()
    case .other:
      throw TallyError(.dataError(DataMessage.unreadable(path, why: "it is not a file or a pipe"), file: path))
    }
  }

  enum FileKind { case regular, pipe, other }

  /// What a path is, following symbolic links: a regular file, a pipe (FIFO), or something
  /// else (a device, a socket).
  static func fileKind(_ path: String) -> FileKind {
    var st = stat()
    guard stat(path, &st) == 0 else { return .other }
    switch st.st_mode & S_IFMT {
    case S_IFREG: return .regular
    case S_IFIFO: return .pipe
    default: return .other
    }
  }
}
