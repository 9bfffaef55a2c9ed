import Foundation

/// What goes wrong while computing a checked formula.
public enum ExecuteMessage: DiagnosticMessage {
  /// A node that no row loop computes (the checker lets none through).
  case notPerRow(String)
  /// An operator or aggregate whose number did not fit, so it is null.
  case outOfRange(String)
  case tooManyPoints(Int)

  public static let stage = "execute"

  public var text: String {
    switch self {
    case .tooManyPoints(let n): return "a series has more than \(n) points; take a coarser grain or a shorter span"
    case .notPerRow(let key): return "'\(key)' cannot be computed per row"
    case .outOfRange(let what): return "\(what) gives a number beyond ±1.8e308, the range of a number, so the result is null"
    }
  }
}
