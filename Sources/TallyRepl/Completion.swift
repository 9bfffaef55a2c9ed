import Foundation
import Tally

/// Tab completion candidates for the word before the cursor.
public struct Completion: Equatable, Sendable {
  /// The UTF-8 offset, in the text before the cursor, where the completed word starts.
  public var start: Int
  /// Replacements for the word from `start`, sorted. A function's ends in `(`, a directory's in `/`.
  public var candidates: [String]

  /// Creates a completion.
  public init(start: Int, candidates: [String]) {
    self.start = start
    self.candidates = candidates
  }
}

extension ReplSession {
  /// Keywords, for completion.
  public static let keywords = [
    "dataset", "from", "time", "let", "metric", "assert", "where", "over", "offset", "by", "at", "and", "or", "not",
    "is", "in", "null", "true", "false", "format", "target", "warn", "percent", "number", "integer", "duration",
    "day", "week", "month", "quarter", "year", "hour",
  ]
  static let statementKeywords = ["dataset", "let", "metric", "assert"]
  static let rowKeywords = ["where", "and", "or", "not", "is", "in", "null", "true", "false"]
  static let metricKeywords = ["over", "offset", "by", "at", "and", "or", "not", "is", "in", "null", "true", "false"]

  /// Completion candidates for the word that ends `line` (the text before the cursor), in
  /// context: commands after `:`, file paths after `:load`, columns after `dataset.` and inside
  /// an aggregate on a known dataset, names, functions and keywords elsewhere.
  public func completions(for line: String) -> Completion {
    let trimmed = line.drop { $0 == " " || $0 == "\t" }
    if pending.isEmpty, trimmed.hasPrefix(":") { return commandCompletions(line) }
    // Earlier lines of a statement being typed give the context (an aggregate opened above).
    let context = pending.isEmpty ? line : pending.text + "\n" + line
    let offsetInContext = context.utf8.count - line.utf8.count
    var c = formulaCompletions(context)
    c.start -= offsetInContext
    return c
  }

}
