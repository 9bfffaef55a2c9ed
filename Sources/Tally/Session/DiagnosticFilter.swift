import Foundation

/// Which diagnostics a user sees when one mistake shows up in several places.
enum DiagnosticFilter {
  /// The diagnostics but those that say one of `names` is unknown (or broken) where it is
  /// used: their definitions failed, and are reported where they are.
  static func withoutUses(of names: Set<String>, _ diagnostics: [Diagnostic]) -> [Diagnostic] {
    guard !names.isEmpty else { return diagnostics }
    return diagnostics.filter { d in
      // Only a diagnostic at a use of the name: its range is the name (backquoted or not).
      guard case .source(let source, let range) = d.location else { return true }
      let n = source.slice(range.start..<range.end).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
      guard names.contains(n) else { return true }
      switch d.message(as: CheckMessage.self) {
      case .unknownName(n)?, .unknownDataset(n)?, .unknownColumnAnywhere(n)?, .definitionHasError(n)?: return false
      // A bare name inside an aggregate is looked up as a column first; `refunds.amount` is a column.
      case .unknownColumn(n, _, qualified: false)?: return false
      default: return true
      }
    }
  }

  /// A cycle is found from each of its members: it is reported once, at the first, with
  /// where the others are defined.
  static func oneErrorPerCycle(_ diagnostics: [Diagnostic], sites: [String: DefinitionSite]) -> [Diagnostic] {
    var seen = Set<[String]>()
    return diagnostics.compactMap { d in
      guard case .cycle(let names)? = d.message(as: CheckMessage.self) else { return d }
      guard seen.insert(Set(names).sorted()).inserted else { return nil }
      var d = d
      if names.count > 2 { d.notes += names.dropLast().compactMap { n in sites[n].map { "'\(n)' is defined at \($0.position)" } } }
      return d
    }
  }
}
