import Foundation

/// What the loaders report about data files.
public enum DataMessage: DiagnosticMessage {
  case fileNotFound(String)
  /// A link's key column, its dataset, the value two rows share and their lines (when known).
  case repeatedKey(String, dataset: String, value: String, lines: [Int])
  case unreadable(String, why: String)
  case fieldCount(Int, header: Int)
  case unterminatedQuote
  case quoteInField
  case badUTF8
  case nulByte
  case emptyFile
  case emptyJSONLines
  case textAfterClosingQuote(field: Int)
  case duplicateHeader(String)
  case duplicateKey(String)
  case emptyHeader
  case badJSONLine(String)
  case gzip(String)

  public static let stage = "data"

  public var text: String {
    switch self {
    case .fileNotFound(let p): return "no such file '\(p)'"
    case .repeatedKey(let k, let d, let v, let lines):
      let at = lines.count == 2 ? "lines \(lines[0]) and \(lines[1])" : "two rows"
      return "the key '\(k)' of '\(d)' is not unique: \(at) share the value \(v)"
    case .unreadable(let p, let why): return "cannot read '\(p)': \(why)"
    case .fieldCount(let got, let want): return "row has \(got) field\(got == 1 ? "" : "s"), but the header has \(want)"
    case .unterminatedQuote: return "unterminated quoted field; close it with '\"'"
    case .quoteInField: return "a quote inside an unquoted field; quote the whole field and double the quote"
    case .badUTF8: return "invalid UTF-8"
    case .nulByte: return "a NUL byte, which text never holds; the file looks binary"
    case .emptyFile: return "the file is empty; a header row is required"
    case .emptyJSONLines: return "the file is empty; it needs one JSON object per line"
    case .textAfterClosingQuote(let field): return "unexpected text after the closing quote of field \(field)"
    case .duplicateHeader(let c): return "column '\(c)' appears twice in the header"
    case .duplicateKey(let k): return "key '\(k)' appears twice in the object"
    case .emptyHeader: return "a column has an empty name in the header"
    case .badJSONLine(let why): return "malformed JSON line: \(why)"
    case .gzip(let why): return "cannot decompress: \(why)"
    }
  }
}
