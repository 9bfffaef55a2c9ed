import Foundation

/// Results that do not fit in a number (past ±1.8e308) are null, and said so: the operators
/// and aggregates that meet one record it here, and the session turns what an evaluation
/// recorded into notes at its formula. Recorded per thread, so evaluations on several
/// threads keep their own.
enum RangeNotes {
  private static let key = "tally.rangeNotes"

  /// Records that `what` gave a number out of range.
  static func record(_ what: String) {
    let d = Thread.current.threadDictionary
    var list = d[key] as? [String] ?? []
    if !list.contains(what) { list.append(what) }
    d[key] = list
  }

  /// What was recorded since the last call, in order, once each.
  static func take() -> [String] {
    let d = Thread.current.threadDictionary
    let list = d[key] as? [String] ?? []
    d[key] = nil
    return list
  }
}
