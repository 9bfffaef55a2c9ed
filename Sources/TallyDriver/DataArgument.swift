import Foundation
import Tally

/// `--data NAME=PATH[,time=COL]`.
public enum DataArgument {
  public static func parse(_ s: String) throws -> (String, String, String?) {
    guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
      throw TallyError(
        Diagnostic(
          .error, DriverMessage.malformedData(s), at: .file("--data", line: nil, column: nil), notes: [DriverMessage.dataHint]))
    }
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
    guard !path.isEmpty else {
      throw TallyError(
        Diagnostic(
          .error, DriverMessage.dataWithoutPath(s), at: .file("--data", line: nil, column: nil),
          notes: ["write NAME=PATH or NAME=PATH,time=COL"]))
    }
    return (name, path, time)
  }
}
