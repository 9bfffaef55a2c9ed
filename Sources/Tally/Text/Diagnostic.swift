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

  /// Sort key: file name, then offset.
  var sortKey: (String, Int) {
    switch location {
    case .source(let s, let r): return (s.name, r.start)
    case .file(let f, let l, _): return (f, l ?? 0)
    case .none: return ("", 0)
    }
  }

  /// What makes two diagnostics the same report: the message case with its arguments, and
  /// the place (the source, by name and text, and the range; or the file position).
  struct Key: Hashable {
    var message: AnyHashable
    var place: [String]
    var range: SourceRange?
  }

  var key: Key {
    switch location {
    case .source(let s, let r): return Key(message: AnyHashable(diagnosticMessage), place: [s.name, s.text], range: r)
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
  /// Wraps diagnostics, sorting them by file and position.
  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics.sorted { $0.sortKey < $1.sortKey }
  }
  /// Wraps one diagnostic.
  public init(_ d: Diagnostic) { self.diagnostics = [d] }
  /// Every diagnostic rendered without colour, one after another.
  public var description: String { DiagnosticFormatter(color: false).format(diagnostics) }
}
