import Foundation

/// What a session reports about definitions as a whole, and about a run.
public enum SessionMessage: DiagnosticMessage {
  case duplicateName(String)
  case bareFormulaInFile
  case replacementBreaks(String)
  case outsideRoot(String, root: String)
  case fixtureForNoDataset(String)
  case interrupted
  /// More errors in a file than are shown.
  case moreErrors(Int)
  /// The default as-of came from one column far past the others.
  case asOfFromColumn(String, String, String)
  /// An error from outside Tally, as its text.
  case unexpected(String)

  public static let stage = "session"

  public var text: String {
    switch self {
    case .duplicateName(let n): return "'\(n)' is defined twice"
    case .bareFormulaInFile:
      return "a formula on its own does nothing in a definition file; make it a 'metric NAME = ...', a 'let' or an 'assert'"
    case .replacementBreaks(let n): return "replacing '\(n)' would break the definitions below; change or remove them first"
    case .outsideRoot(let p, let root): return "dataset path '\(p)' is outside the root '\(root)'"
    case .fixtureForNoDataset(let d): return "'with \(d)' names no declared dataset"
    case .interrupted: return "interrupted"
    case .asOfFromColumn(let d, let c, let e):
      return "the as-of \(e) comes from '\(d).\(c)', whose latest time is more than a year past every other time column"
    case .moreErrors(let n):
      return "\(n == 1 ? "1 more error in this file is" : "\(n) more errors in this file are") not shown; fix the ones above first"
    case .unexpected(let s): return s
    }
  }

  /// The note under a name defined twice.
  static func previousDefinition(_ n: String, _ at: String) -> String { "'\(n)' was first defined at \(at)" }
}
