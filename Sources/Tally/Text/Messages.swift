import Foundation

/// Every diagnostic message, as one lowercase phrase stating the rule (the CLI and the REPL
/// use them too).
public enum Message {
  public static func didYouMean(_ s: String) -> String { "did you mean '\(s)'?" }
  // Lexer
  public static func unexpectedCharacter(_ c: String) -> String {
    // A control or invisible character is named by its code point.
    let visible = c.unicodeScalars.allSatisfy {
      !$0.properties.isWhitespace && $0.properties.generalCategory != .control && $0.properties.generalCategory != .format
    }
    return visible
      ? "unexpected character '\(c)'"
      : "unexpected character \(c.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " "))"
  }
  public static let unterminatedString = "unterminated string literal"
  public static let interrupted = "interrupted"
  public static let unterminatedBackquote = "unterminated backquoted name"
  public static func badEscape(_ s: String) -> String { "unknown escape sequence '\\\(s)' in string" }
  public static func badNumber(_ s: String) -> String { "malformed number '\(s)'" }
  public static func badDurationUnit(_ s: String) -> String {
    "unknown duration unit '\(s)'; units are s, m, h, d, w, mo, y"
  }
  public static func badTimeLiteral(_ s: String) -> String {
    "malformed time literal '@\(s)'; write @2024-06-30, @2024-06-30T12:00:00 or @2024-06-30T12:00:00+08:00"
  }
  // Parser
  public static func expected(_ what: String, found: String) -> String { "expected \(what), found \(found)" }
  public static let clauseEndsExpression =
    "a clause ('over', 'offset', 'by', 'at') ends an expression; put the clause and what it applies to in parentheses"
  public static func duplicateClause(_ c: String) -> String { "'\(c)' is given twice for one expression" }
  public static let unclosedParen = "unclosed '('; add ')'"
  public static func unknownMetricClause(_ s: String) -> String {
    "unknown metric clause '\(s)'; clauses are format, target and warn"
  }
  public static func unknownFormat(_ s: String) -> String { "unknown format '\(s)'; formats are percent, number, integer, duration" }
  // Checker
  public static func unknownName(_ s: String) -> String { "unknown name '\(s)'" }
  public static func unknownColumn(_ c: String, _ d: String) -> String { "unknown column '\(c)' in '\(d)'" }
  public static func unknownColumnAnywhere(_ c: String) -> String { "unknown column '\(c)' in any dataset" }
  public static func unknownDataset(_ s: String) -> String { "unknown dataset '\(s)'" }
  public static func unknownFunction(_ s: String) -> String { "unknown function '\(s)'" }
  public static func ambiguousColumn(_ c: String, _ ds: [String]) -> String {
    "column '\(c)' is in several datasets (\(ds.map { "'\($0)'" }.joined(separator: ", "))); name one, as in '\(formulaName(ds[0])).\(formulaName(c))'"
  }
  public static func columnOutsideAggregate(_ c: String) -> String {
    "column '\(c)' is used outside an aggregate; wrap it in one, as in 'sum(\(c.contains(".") ? c : formulaName(c)))'"
  }
  public static func datasetAsValue(_ d: String) -> String {
    "dataset '\(d)' is not a value; count its rows with 'count(\(formulaName(d)))'"
  }
  public static func aggregateInRow(_ f: String) -> String { "aggregate '\(f)' inside another aggregate or a row filter" }
  public static func twoDatasets(_ a: String, _ b: String) -> String {
    "one aggregate reads one dataset, but this one reads '\(a)' and '\(b)'"
  }
  public static func noDatasetForAggregate(_ f: String) -> String {
    "aggregate '\(f)' names no dataset; name one, as in '\(f)(orders.amount)' or 'count(orders)'"
  }
  public static func typeMismatch(_ op: String, _ l: String, _ r: String) -> String { "'\(op)' cannot combine \(l) and \(r)" }
  public static func unaryMismatch(_ op: String, _ t: String) -> String { "'\(op)' cannot apply to \(t)" }
  public static func expectedType(_ what: String, _ want: String, _ got: String) -> String { "\(what) must be \(want), not \(got)" }
  public static func argumentCount(_ f: String, _ want: String, _ got: Int) -> String {
    "'\(f)' takes \(want) argument\(want == "1" ? "" : "s"), not \(got)"
  }
  public static let percentileRange = "percentile must be between 0 and 1 (as in 90% or 0.9)"
  public static func noTimeColumn(_ d: String) -> String {
    "dataset '\(d)' has no time column for a window; name one with 'time COL' in its declaration, '--data \(d)=PATH,time=COL' or ':load PATH as \(d) time COL'"
  }
  public static func notTimeColumn(_ c: String, _ d: String, _ t: String) -> String {
    "column '\(c)' of '\(d)' is \(t), not a time, so it cannot be the time column"
  }
  public static func byColumnMissing(_ c: String, _ d: String) -> String { "'by \(c)': dataset '\(d)' has no column '\(c)'" }
  public static func byKeyTypes(_ c: String, _ t0: String, _ d0: String, _ t1: String, _ d1: String) -> String {
    "'by \(c)': '\(c)' is \(t0) in '\(d0)' but \(t1) in '\(d1)', so their groups cannot meet"
  }
  public static let bareFormulaInFile =
    "a formula on its own does nothing in a definition file; make it a 'metric NAME = ...', a 'let' or an 'assert'"
  public static func replacementBreaks(_ n: String) -> String {
    "replacing '\(n)' would break the definitions below; change or remove them first"
  }
  public static let invalidFormula = "invalid formula"
  public static func tooDeepDefinitions(_ n: Int) -> String {
    "definitions nest more than \(n) operators deep once 'let's and metrics are put in place"
  }
  public static func whereOutsideAggregate(_ f: String) -> String { "'where' goes only in an aggregate, not in '\(f)'" }
  public static func definitionHasError(_ n: String) -> String { "'\(n)' has an error" }
  public static func notConstantInAggregate(_ n: String) -> String { "'\(n)' is not a constant, so it cannot be used inside an aggregate" }
  public static func aggregateNeedsColumn(_ f: String, _ d: String) -> String {
    "'\(f)' needs a column or a row formula, as in '\(f)(\(formulaName(d)).amount)'"
  }
  public static let percentileNotConstant = "the percentile must be a constant number, as in 90%"
  public static let durationOutOfRange = "duration out of range; a duration spans at most 10,000 years"
  public static let calendarDurationWhole = "a calendar duration takes a whole number, as in 28d"
  public static func nestedTooDeep(_ n: Int) -> String {
    "the formula nests brackets, 'not' or '-' more than \(n) deep; name parts of it with 'let'"
  }
  public static func chainTooDeep(_ n: Int) -> String { "the formula is more than \(n) operators deep; name parts of it with 'let'" }
  public static let letWhereNeedsDataset = "only a dataset or a view takes 'where' or 'time' in a 'let'"
  public static let chainedComparison = "comparisons do not chain; join them with 'and'"
  public static let whereAfterFirstArgument = "'where' belongs right after an aggregate's first argument"
  public static let nestedBy = "'by' inside another 'by' is not supported; group the whole expression once"
  public static func duplicateName(_ n: String) -> String { "'\(n)' is defined twice" }
  public static func previousDefinition(_ n: String, _ at: String) -> String { "'\(n)' was first defined at \(at)" }
  public static func cycle(_ names: [String]) -> String { "definitions refer to each other in a cycle: \(names.joined(separator: " -> "))" }
  public static let assertNotBool = "an assert must be a boolean formula"
  public static func notAView(_ n: String) -> String { "'\(n)' is not a dataset or a view, so it cannot take 'where' or 'time'" }
  public static let windowNotDuration = "a window is a duration (as in 28d) or a calendar period (day, week, month, quarter, year)"
  public static let offsetNotDuration = "an offset is a duration, as in 7d or 1mo"
  public static let atNotTime = "'at' takes a time, as in @2024-06-30"
  public static let rowLevelClause = "'over', 'offset', 'at' and 'by' apply to aggregates, not inside one"
  public static let groupedTarget = "a target or warn bound is a single value"
  // Data
  public static func fileNotFound(_ p: String) -> String { "no such file '\(p)'" }
  public static func unreadable(_ p: String, _ why: String) -> String { "cannot read '\(p)': \(why)" }
  public static func fieldCount(_ got: Int, _ want: Int) -> String {
    "row has \(got) field\(got == 1 ? "" : "s"), but the header has \(want)"
  }
  public static let unterminatedQuote = "unterminated quoted field; close it with '\"'"
  public static let quoteInField = "a quote inside an unquoted field; quote the whole field and double the quote"
  public static let badUTF8 = "invalid UTF-8"
  public static let nulByte = "a NUL byte, which text never holds; the file looks binary"
  public static let emptyFile = "the file is empty; a header row is required"
  public static let emptyJSONLines = "the file is empty; it needs one JSON object per line"
  public static func textAfterClosingQuote(_ field: Int) -> String { "unexpected text after the closing quote of field \(field)" }
  // Command line and REPL
  public static func noDefinitionFiles(_ dir: String) -> String { "no .kpi files in '\(dir)'" }
  public static func noSuchDirectory(_ dir: String) -> String { "no such directory '\(dir)'" }
  public static func noSuchFileOrDirectory(_ p: String) -> String { "no such file or directory '\(p)'" }
  public static func unknownZone(_ z: String) -> String { "unknown time zone '\(z)'" }
  public static let zoneHint = "use an IANA name such as 'Asia/Shanghai', 'Europe/Berlin' or 'UTC', or an offset such as '+08:00'"
  public static func malformedAsOf(_ s: String) -> String { "malformed as-of '\(s)'" }
  public static let asOfHint = "write a day (2024-06-30, meaning through its end) or an instant (2024-06-30T12:00:00+08:00)"
  public static func malformedData(_ s: String) -> String { "malformed --data '\(s)'" }
  public static func dataWithoutPath(_ s: String) -> String { "malformed --data '\(s)': no path" }
  public static let dataHint = "write NAME=PATH or NAME=PATH,time=COL"
  public static func dataNamedTwice(_ n: String) -> String { "'\(n)' is given twice" }
  public static func wouldOverwrite(_ p: String) -> String { "'\(p)' exists; save to a new file" }
  public static func unknownCommand(_ c: String) -> String { "unknown command ':\(c)'" }
  public static func unknownFormat(_ f: String, _ formats: [String]) -> String {
    "unknown format '\(f)'; formats are \(formats.joined(separator: ", "))"
  }
  public static func usage(_ u: String) -> String { "usage: \(u)" }
  public static let loadOptionsForData = "'as' and 'time' apply to data files, not to a .kpi file"
  public static func notADataset(_ n: String, _ kind: String) -> String { "'\(n)' is a \(kind), not a dataset; try ':describe \(n)'" }
  public static func fixtureForNoDataset(_ d: String) -> String { "'with \(d)' names no declared dataset" }
  public static func duplicateHeader(_ c: String) -> String { "column '\(c)' appears twice in the header" }
  public static let emptyHeader = "a column has an empty name in the header"
  public static func badJSONLine(_ why: String) -> String { "malformed JSON line: \(why)" }
  public static func unknownTimeZone(_ z: String) -> String {
    "unknown time zone '\(z)'; use an IANA name such as 'Asia/Shanghai' or 'UTC'"
  }
  public static func badAsOf(_ s: String) -> String {
    "malformed as-of '\(s)'; write a day (2024-06-30) or an instant (2024-06-30T12:00:00+08:00)"
  }
  public static func badDataArgument(_ s: String) -> String { "malformed --data '\(s)'; write NAME=PATH or NAME=PATH,time=COL" }
  public static func gzip(_ why: String) -> String { "cannot decompress: \(why)" }
  public static func outsideRoot(_ p: String, _ root: String) -> String { "dataset path '\(p)' is outside the root '\(root)'" }
  public static func integerOverflow(_ op: String) -> String { "integer overflow in '\(op)'" }
}
