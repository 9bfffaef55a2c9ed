import Foundation

/// What `tally sql` cannot write for an engine.
public enum SQLMessage: DiagnosticMessage {
  /// A construct, the dialect, and why it cannot express it.
  case unsupported(String, Dialect, String)
  /// An unknown dialect name.
  case unknownDialect(String)

  public static let stage = "sql"

  public var text: String {
    switch self {
    case .unsupported(let what, let d, let why):
      let others = Dialect.allCases.filter { $0 != d && $0 != .sqlite }.map(\.rawValue).joined(separator: ", ")
      return "\(what) cannot be written for \(d.rawValue): \(why); use one of \(others)"
    case .unknownDialect(let d):
      return "unknown dialect '\(d)'; use one of \(Dialect.allCases.map(\.rawValue).joined(separator: ", "))"
    }
  }
}

/// A construct a dialect cannot express, before it is placed on the formula.
struct SQLError: Error {
  var message: SQLMessage

  static func unsupported(_ what: String, _ d: Dialect, _ why: String) -> SQLError {
    SQLError(message: .unsupported(what, d, why))
  }
}
