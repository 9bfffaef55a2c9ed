import Foundation

/// What the lexer and the parser report.
public enum SyntaxMessage: DiagnosticMessage {
  case unexpectedCharacter(String)
  case unterminatedString
  /// A string in single or typographic quotes (`'paid'`, `“paid”`).
  case notStraightQuotes
  case unterminatedBackquote
  case badEscape(String)
  case badNumber(String)
  case numberOutOfRange(String)
  case badDurationUnit(String)
  case badTimeLiteral(String)
  case durationOutOfRange
  case calendarDurationWhole
  case expected(String, found: String)
  case clauseEndsExpression
  case duplicateClause(String)
  case unclosedParen
  case unknownMetricClause(String)
  case unknownTestClause(String)
  case unknownFormat(String)
  case nestedTooDeep(Int)
  case chainTooDeep(Int)
  case tooManyOperators(Int)
  case letWhereNeedsDataset
  case chainedComparison
  case whereAfterFirstArgument
  case windowNotDuration
  case offsetNotDuration
  case atNotTime
  case everyNotGrain
  case linkShape

  public static let stage = "syntax"

  public var text: String {
    switch self {
    case .unexpectedCharacter(let c):
      // A control or invisible character is named by its code point; a long run is cut.
      let visible = c.unicodeScalars.allSatisfy {
        !$0.properties.isWhitespace && $0.properties.generalCategory != .control && $0.properties.generalCategory != .format
      }
      let count = c.unicodeScalars.count
      let shown = c.unicodeScalars.prefix(16)
      let more = count > 16 ? "…" : ""
      let what = count == 1 ? "character" : "characters"
      return visible
        ? "unexpected \(what) '\(String(String.UnicodeScalarView(shown)))\(more)'"
        : "unexpected \(what) \(shown.map { String(format: "U+%04X", $0.value) }.joined(separator: " "))\(more)"
    case .unterminatedString: return "unterminated string literal"
    case .notStraightQuotes: return "a string is written in straight double quotes"
    case .unterminatedBackquote: return "unterminated backquoted name"
    case .badEscape(let s): return "unknown escape sequence '\\\(s)' in string"
    case .badNumber(let s): return "malformed number '\(s)'"
    case .numberOutOfRange(let s): return "number '\(s)' is out of range"
    case .badDurationUnit(let s): return "unknown duration unit '\(s)'; units are s, m, h, d, w, mo, y"
    case .badTimeLiteral(let s):
      return "malformed time literal '@\(s)'; write @2024-06-30, @2024-06-30T12:00:00 or @2024-06-30T12:00:00+08:00"
    case .durationOutOfRange: return "duration out of range; a duration spans at most 10,000 years"
    case .calendarDurationWhole: return "a calendar duration takes a whole number, as in 28d"
    case .expected(let what, let found): return "expected \(what), found \(found)"
    case .clauseEndsExpression:
      return "a clause ('over', 'offset', 'by', 'at', 'every') ends an expression; put the clause and what it applies to in parentheses"
    case .duplicateClause(let c): return "'\(c)' is given twice for one expression"
    case .unclosedParen: return "unclosed '('; add ')'"
    case .unknownMetricClause(let s): return "unknown metric clause '\(s)'; clauses are format, target and warn"
    case .unknownTestClause(let s): return "unknown test clause '\(s)'; clauses are with, at and expect"
    case .unknownFormat(let s): return "unknown format '\(s)'; formats are percent, number, integer, duration"
    case .nestedTooDeep(let n): return "the formula nests brackets, 'not' or '-' more than \(n) deep; name parts of it with 'let'"
    case .chainTooDeep(let n): return "the formula is more than \(n) operators deep; name parts of it with 'let'"
    case .tooManyOperators(let n): return "the formula has more than \(n) operators and operands; name parts of it with 'let'"
    case .letWhereNeedsDataset: return "only a dataset or a view takes 'where' or 'time' in a 'let'"
    case .chainedComparison: return "comparisons do not chain; join them with 'and'"
    case .whereAfterFirstArgument: return "'where' belongs right after an aggregate's first argument"
    case .everyNotGrain: return "'every' takes a grain: hour, day, week, month, quarter or year (as in every day for 28d)"
    case .linkShape: return "a link is written 'link A.COLUMN -> B.KEY', optionally followed by 'as NAME'"
    case .windowNotDuration: return "a window is a duration (as in 28d) or a calendar period (day, week, month, quarter, year)"
    case .offsetNotDuration: return "an offset is a duration, as in 7d or 1mo"
    case .atNotTime: return "'at' takes a time, as in @2024-06-30"
    }
  }
}
