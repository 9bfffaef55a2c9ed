import Foundation

/// What a diagnostic says: one case of a stage's message enum (`SyntaxMessage`,
/// `CheckMessage`, `DataMessage`, ...). The case is the diagnostic's identity; its text is
/// how it reads.
public protocol DiagnosticMessage: Hashable, Sendable {
  /// The stage that reports it: the first part of its `id` (`syntax`, `check`, `data`, ...).
  static var stage: String { get }
  /// One lowercase phrase stating the rule that was broken, names in quotes:
  /// `unknown column 'intervend' in 'refunds'`.
  var text: String { get }
}

/// A message's stable identity, `stage.case`: `check.unknownColumn`.
public struct DiagnosticID: Hashable, Sendable, CustomStringConvertible {
  /// The identity as text.
  public let rawValue: String
  /// The identity with this text.
  public init(_ rawValue: String) { self.rawValue = rawValue }
  /// `stage.case`.
  public var description: String { rawValue }
}

extension DiagnosticMessage {
  /// `stage.case`, the same whatever the case's arguments.
  public var id: DiagnosticID {
    let name = Mirror(reflecting: self).children.first?.label ?? String(describing: self)
    return DiagnosticID("\(Self.stage).\(name)")
  }
}

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
  /// What it says: a case of its stage's message enum.
  public var diagnosticMessage: any DiagnosticMessage
  /// Where it points.
  public var location: Location
  /// Suggestions, such as `did you mean 'intervened'?`.
  public var notes: [String]

  /// Creates a diagnostic.
  public init(_ severity: Severity = .error, _ message: some DiagnosticMessage, at location: Location = .none, notes: [String] = []) {
    self.severity = severity
    self.diagnosticMessage = message
    self.location = location
    self.notes = notes
  }

  /// An error at a range of a source.
  public static func error(_ message: some DiagnosticMessage, _ source: Source, _ range: SourceRange, notes: [String] = []) -> Diagnostic {
    Diagnostic(.error, message, at: .source(source, range), notes: notes)
  }

  /// An error in a data file.
  public static func dataError(
    _ message: some DiagnosticMessage, file: String, line: Int? = nil, column: Int? = nil, notes: [String] = []
  ) -> Diagnostic {
    Diagnostic(.error, message, at: .file(file, line: line, column: column), notes: notes)
  }

  /// The message's text: one lowercase phrase stating the rule that was broken.
  public var message: String { diagnosticMessage.text }

  /// The message's identity, `stage.case`.
  public var id: DiagnosticID { diagnosticMessage.id }

  /// The message as a case of `M`, for matching: `if case .unknownName(let n)? = d.message(as: CheckMessage.self)`.
  public func message<M: DiagnosticMessage>(as type: M.Type) -> M? { diagnosticMessage as? M }

  /// The same diagnostic at another place.
  public func moved(to location: Location) -> Diagnostic {
    var d = self
    d.location = location
    return d
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

  /// Sort key: file name, then offset; the count of errors not shown comes last.
  var sortKey: (String, Int) {
    if case .moreErrors? = message(as: SessionMessage.self) { return (position, .max) }
    switch location {
    case .source(let s, let r): return (s.name, r.start)
    case .file(let f, let l, _): return (f, l ?? 0)
    case .none: return ("", 0)
    }
  }

  /// What makes two diagnostics the same report: the message case with its arguments, and
  /// the place (the source and the range, or the file position).
  struct Key: Hashable {
    var message: AnyHashable
    var source: ObjectIdentifier?
    var place: [String]
    var range: SourceRange?
  }

  var key: Key {
    switch location {
    case .source(let s, let r): return Key(message: AnyHashable(diagnosticMessage), source: s.id, place: [], range: r)
    case .file(let f, let l, let c): return Key(message: AnyHashable(diagnosticMessage), place: [f, "\(l ?? 0)", "\(c ?? 0)"])
    case .none: return Key(message: AnyHashable(diagnosticMessage), place: [])
    }
  }

  /// The rendered diagnostic, without colour: `file:line:col: error: message`, the source
  /// line, a caret under the culprit, the notes.
  public func rendered(color: Bool = false) -> String {
    DiagnosticFormatter(color: color).format(self)
  }

  /// The rendered diagnostic, without colour.
  public var description: String { rendered() }
}

extension Array where Element == Diagnostic {
  /// The diagnostics with each report once, in order (a broken view is met by every formula that reads it).
  func uniqued() -> [Diagnostic] {
    var seen = Set<Diagnostic.Key>()
    return filter { seen.insert($0.key).inserted }
  }
}

/// One or more diagnostics, thrown by every stage that can fail.
public struct TallyError: Error, Sendable, CustomStringConvertible {
  /// The diagnostics, sorted by file and position.
  public var diagnostics: [Diagnostic]
  /// The most diagnostics shown for one file (or formula): the rest are counted in a note.
  public static let maxPerFile = 100

  /// Wraps diagnostics, sorting them by file and position; past `maxPerFile` in one file,
  /// a note says how many more there are.
  public init(_ diagnostics: [Diagnostic]) {
    // Errors already left out (by an earlier wrapping) are counted again with the rest.
    var leftOut: [String: Int] = [:]
    var sorted: [Diagnostic] = []
    for d in diagnostics {
      if case .moreErrors(let n)? = d.message(as: SessionMessage.self) { leftOut[d.sortKey.0, default: 0] += n } else { sorted.append(d) }
    }
    sorted.sort { $0.sortKey < $1.sortKey }
    var kept: [Diagnostic] = []
    var index = 0
    func note(_ file: String, _ n: Int) {
      kept.append(Diagnostic(.note, SessionMessage.moreErrors(n), at: .file(file, line: nil, column: nil)))
    }
    while index < sorted.count {
      let file = sorted[index].sortKey.0
      var end = index
      while end < sorted.count, sorted[end].sortKey.0 == file { end += 1 }
      kept += sorted[index..<min(end, index + Self.maxPerFile)]
      let more = max(0, end - index - Self.maxPerFile) + (leftOut.removeValue(forKey: file) ?? 0)
      if more > 0 { note(file, more) }
      index = end
    }
    for (file, n) in leftOut.sorted(by: { $0.key < $1.key }) { note(file, n) }
    self.diagnostics = kept
  }
  /// Wraps one diagnostic.
  public init(_ d: Diagnostic) { self.diagnostics = [d] }
  /// Every diagnostic rendered without colour, one after another.
  public var description: String { DiagnosticFormatter(color: false).format(diagnostics) }
}
