import Foundation
import Tally

/// `NAME=PATH[,time=COL]`: a data file named as a dataset, as `--data` and the REPL's
/// arguments write it. A trailing `,time=COL` names the time column; any other comma belongs
/// to the path.
public enum DataArgument {
  /// The name, path and time column, or nil when the text has no `NAME=` before a path.
  public static func split(_ s: String) -> (name: String, path: String, time: String?)? {
    guard let eq = s.firstIndex(of: "="), eq != s.startIndex, !s[..<eq].contains("/") else { return nil }
    let name = String(s[..<eq])
    var path = String(s[s.index(after: eq)...])
    var time: String?
    if let r = path.range(of: ",time=", options: .backwards) {
      let col = String(path[r.upperBound...])
      if !col.isEmpty, !col.contains("/") {
        time = col
        path = String(path[..<r.lowerBound])
      }
    }
    return (name, path, time)
  }

  /// A `--data` argument, or the error that says how to write one.
  public static func parse(_ s: String) throws -> (String, String, String?) {
    guard let (name, path, time) = split(s) else {
      throw TallyError(
        Diagnostic(.error, DriverMessage.malformedData(s), at: .file("--data", line: nil, column: nil), notes: [DriverMessage.dataHint]))
    }
    guard !path.isEmpty else {
      throw TallyError(
        Diagnostic(.error, DriverMessage.dataWithoutPath(s), at: .file("--data", line: nil, column: nil), notes: [DriverMessage.dataHint]))
    }
    return (name, path, time)
  }
}
