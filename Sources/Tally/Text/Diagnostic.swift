import Foundation

/// A problem found in a formula, a definition file or a data file.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
  /// How bad it is.
  public enum Severity: String, Sendable { case error, warning, note }

  /// Where a diagnostic points.
  public enum Location: Sendable {
    /// A range in Tally text.
    case source(Source, SourceRange)
    /// A place in a data file or on the command line; `line` and `column` are 1-based.
    case file(String, line: Int?, column: Int?)
    /// Nowhere in particular (an argument, the environment).
    case none
  }

  /// Whether it is an error, a warning or a note.
  public var severity: Severity
  /// One lowercase phrase stating the rule that was broken.
  public var message: String
  /// Where it points.
  public var location: Location
  /// Suggestions, such as `did you mean 'intervened'?`.
  public var notes: [String]

  /// Creates a diagnostic.
  public init(_ severity: Severity = .error, _ message: String, at location: Location = .none, notes: [String] = []) {
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
  }

  /// An error at a range of a source.
  public static func error(_ message: String, _ source: Source, _ range: SourceRange, notes: [String] = []) -> Diagnostic {
    Diagnostic(.error, message, at: .source(source, range), notes: notes)
  }

  /// An error in a data file.
  public static func dataError(_ message: String, file: String, line: Int? = nil, column: Int? = nil, notes: [String] = []) -> Diagnostic {
    Diagnostic(.error, message, at: .file(file, line: line, column: column), notes: notes)
  }

  /// `file:line:col`, as far as it is known.
  public var position: String {
    switch location {
    case .source(let src, let range):
      let (l, c) = src.location(of: range.start)
      return "\(src.name):\(l):\(c)"
    case .file(let f, let line, let col):
      var s = f
      if let line { s += ":\(line)" }
      if let col { s += ":\(col)" }
      return s
    case .none: return "tally"
    }
  }

  /// Sort key: file name, then offset.
  var sortKey: (String, Int) {
    switch location {
    case .source(let s, let r): return (s.name, r.start)
    case .file(let f, let l, _): return (f, l ?? 0)
    case .none: return ("", 0)
    }
  }

  /// The rendered diagnostic: `file:line:col: error: message`, the source line, a caret, the notes.
  public func rendered(color: Bool = false) -> String {
    let red = color ? "\u{1B}[1;31m" : ""
    let green = color ? "\u{1B}[1;32m" : ""
    let bold = color ? "\u{1B}[1m" : ""
    let reset = color ? "\u{1B}[0m" : ""
    let sev = severity == .error ? "\(red)error\(reset)" : severity.rawValue
    var out = "\(bold)\(position):\(reset) \(sev): \(bold)\(message)\(reset)\n"
    if case .source(let src, let range) = location {
      let (line, col) = src.location(of: range.start)
      let text = src.lineText(line)
      let (endLine, endCol) = src.location(of: range.end)
      let chars = Array(text)
      let upTo = endLine == line ? min(chars.count, endCol - 1) : chars.count
      // Terminal columns: a CJK character takes two, a tab stays a tab.
      let culprit = col - 1 < upTo ? String(chars[(col - 1)..<upTo]) : ""
      let width = max(1, Render.displayWidth(culprit))
      let gutter = String(line)
      let pad = String(repeating: " ", count: gutter.count)
      let lead = chars.prefix(col - 1).map { $0 == "\t" ? "\t" : String(repeating: " ", count: Render.displayWidth(String($0))) }.joined()
      out += "\(gutter) | \(text)\n"
      out += "\(pad) | \(lead)\(green)^\(String(repeating: "~", count: width - 1))\(reset)\n"
    }
    for n in notes { out += "note: \(n)\n" }
    return out
  }

  /// The rendered diagnostic, without colour.
  public var description: String { rendered() }
}

/// One or more diagnostics, thrown by every stage that can fail.
public struct TallyError: Error, Sendable, CustomStringConvertible {
  /// The diagnostics, sorted by file and position.
  public var diagnostics: [Diagnostic]
  /// Wraps diagnostics, sorting them by file and position.
  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics.sorted { $0.sortKey < $1.sortKey }
  }
  /// Wraps one diagnostic.
  public init(_ d: Diagnostic) { self.diagnostics = [d] }
  /// Every diagnostic rendered without colour, one after another.
  public var description: String { diagnostics.map { $0.rendered() }.joined() }
}
