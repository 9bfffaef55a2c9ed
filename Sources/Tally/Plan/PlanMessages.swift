import Foundation

/// What the meaning of an operator forbids, wherever it is computed (a constant when it is
/// checked, a formula on an engine).
public enum PlanMessage: DiagnosticMessage {
  case integerOverflow(String)
  /// A formula evaluated as a constant that reads data (the checker lets none through).
  case notConstant(String)

  public static let stage = "plan"

  public var text: String {
    switch self {
    case .integerOverflow(let op): return "integer overflow in '\(op)'"
    case .notConstant(let key): return "'\(key)' is not a constant"
    }
  }
}
