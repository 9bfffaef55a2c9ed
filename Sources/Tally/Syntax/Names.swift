import Foundation

/// A name as a formula writes it: backquoted unless it is a plain identifier (`` `order id` ``).
public func formulaName(_ name: String) -> String {
  guard let first = name.first else { return "``" }
  let plain = (first.isLetter || first == "_") && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
  return plain && !Parser.reserved.contains(name) ? name : "`\(name)`"
}
