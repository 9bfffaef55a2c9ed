import Foundation

/// What goes wrong while computing a checked formula.
public enum ExecuteMessage: DiagnosticMessage {
  case integerOverflow(String)
  /// A node that no row loop computes (the checker lets none through).
  case notPerRow(String)
  /// A formula evaluated as a constant that reads data (the checker lets none through).
  case notConstant(String)

  public static let stage = "execute"

  public var text: String {
    switch self {
    case .integerOverflow(let op): return "integer overflow in '\(op)'"
    case .notPerRow(let key): return "'\(key)' cannot be computed per row"
    case .notConstant(let key): return "'\(key)' is not a constant"
    }
  }
}
