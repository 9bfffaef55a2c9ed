import Foundation

/// What Tally reports about datasets on database servers. No message ever holds a password.
public enum ServerMessage: DiagnosticMessage {
  /// The server could not be reached or refused the connection: its name and why.
  case unreachable(String, why: String)
  /// The server has no such table.
  case noTable(String, server: String)
  /// A statement failed on the server: the server's name and message.
  case failed(String, why: String)
  /// A link's two datasets are on different sources (files, servers).
  case linkAcrossSources(String, from: String, to: String)
  /// An aggregate reads a server's dataset together with files, through links that a test's
  /// fixture (or `--data`) made cross sources: the dataset and its server.
  case mixedSources(String, server: String)
  /// A link's key repeats on the server: the key column, the dataset, the value.
  case repeatedKey(String, dataset: String, value: String, server: String)

  public static let stage = "server"

  /// The note for `mixedSources`.
  public static let swapAllLinked =
    "a test's 'with' (or --data) must swap every dataset linked to the one it replaces for a file, or none of them"

  public var text: String {
    switch self {
    case .unreachable(let s, let why): return "cannot connect to \(s): \(why)"
    case .noTable(let t, let s): return "no table '\(t)' on \(s)"
    case .failed(let s, let why): return "\(s) failed the statement: \(why)"
    case .linkAcrossSources(let l, let a, let b):
      return "the link \(l) joins datasets of two different sources (\(a) and \(b))"
    case .mixedSources(let d, let s):
      return "'\(d)' is on \(s), but this formula reads it together with files through links"
    case .repeatedKey(let k, let d, let v, let s):
      return "the key '\(k)' of '\(d)' is not unique: two rows on \(s) share the value \(v)"
    }
  }
}
