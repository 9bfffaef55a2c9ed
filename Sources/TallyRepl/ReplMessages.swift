import Foundation
import Tally

/// What the REPL's commands report.
enum ReplMessage: DiagnosticMessage {
  case unknownCommand(String)
  case usage(String)
  case loadOptionsForData
  case notADataset(String, kind: String)
  case wouldOverwrite(String)
  case unknownFormat(String, formats: [String])

  static let stage = "repl"

  var text: String {
    switch self {
    case .unknownCommand(let c): return "unknown command ':\(c)'"
    case .usage(let u): return "usage: \(u)"
    case .loadOptionsForData: return "'as' and 'time' apply to data files, not to a .kpi file"
    case .notADataset(let n, let kind): return "'\(n)' is a \(kind), not a dataset; try ':describe \(n)'"
    case .wouldOverwrite(let p): return "'\(p)' exists; save to a new file"
    case .unknownFormat(let f, let formats): return "unknown format '\(f)'; formats are \(formats.joined(separator: ", "))"
    }
  }
}
