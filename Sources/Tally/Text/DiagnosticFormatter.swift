import Foundation

/// Renders diagnostics as people read them, for the command line and the REPL alike:
///
/// ```
/// <expr>:1:21: error: unknown column 'intervend' in 'refunds'
/// 1 | count(refunds where intervend)
///   |                     ^~~~~~~~~
/// note: did you mean 'intervened'?
/// ```
///
/// Line and column come from the byte range only here. Colour is a decorator, on only
/// for a terminal. Text typed in pieces (the REPL's statements) is shown as it was typed
/// through `lines`: each source line's number in the input, its text and how far it was
/// shifted to make it a continuation line.
public struct DiagnosticFormatter: Sendable {
  /// How the parts of a diagnostic are decorated: ANSI colours, or nothing.
  public struct Decorator: Sendable {
    /// The severity word `error`.
    public var error: @Sendable (String) -> String
    /// The position and the message.
    public var emphasis: @Sendable (String) -> String
    /// The caret and its underline.
    public var caret: @Sendable (String) -> String

    /// No decoration.
    public static let plain = Decorator(error: { $0 }, emphasis: { $0 }, caret: { $0 })
    /// ANSI colours: bold red `error`, bold position and message, green caret.
    public static let ansi = Decorator(
      error: { "\u{1B}[1;31m\($0)\u{1B}[0m" }, emphasis: { "\u{1B}[1m\($0)\u{1B}[0m" }, caret: { "\u{1B}[1;32m\($0)\u{1B}[0m" })
  }

  /// A source line as it was typed: its number in the input, its text, and how many
  /// characters were put before it (so columns are counted from what was typed).
  public struct TypedLine: Sendable {
    /// The 1-based line number shown.
    public var number: Int
    /// The text shown.
    public var text: String
    /// Characters put before the typed text in the source.
    public var shift: Int
    /// A typed line.
    public init(number: Int, text: String, shift: Int = 0) {
      self.number = number
      self.text = text
      self.shift = shift
    }
  }

  /// Where the diagnostic's header goes.
  public enum Placement: Sendable {
    /// `file:line:col: error: message`, then the line and its caret.
    case full
    /// `error: message` without a position, then the line and its caret (at a prompt,
    /// for a line typed earlier).
    case withoutPosition
    /// The caret alone under the line just typed after a prompt `promptWidth` wide, then
    /// `error: message`.
    case underPrompt(promptWidth: Int)
  }

  /// Lines longer than this many characters are shown in part, around the culprit.
  static let longLine = 200

  /// The decoration in use.
  public var decorator: Decorator
  /// How a line of a source was typed; nil (or a nil answer) shows the source as it is.
  public var lines: (@Sendable (Source, Int) -> TypedLine?)?

  /// A formatter, with ANSI colours when `color` is true.
  public init(color: Bool = false, lines: (@Sendable (Source, Int) -> TypedLine?)? = nil) {
    self.decorator = color ? .ansi : .plain
    self.lines = lines
  }

  /// Every diagnostic, one after another.
  public func format(_ diagnostics: [Diagnostic]) -> String { diagnostics.map { format($0) }.joined() }

  /// One diagnostic: its header, the source line with a caret under the range, its notes.
  public func format(_ d: Diagnostic, placement: Placement = .full) -> String {
    let severity = d.severity == .error ? decorator.error("error") : d.severity.rawValue
    let message = decorator.emphasis(visibleText(d.message))
    guard case .source(let src, let range) = d.location else {
      return decorator.emphasis(visibleText("\(d.position):")) + " \(severity): \(message)\n" + notes(d)
    }
    let (line, col) = src.location(of: range.start)
    let (endLine, endCol) = src.location(of: range.end)
    let typed = lines?(src, line) ?? TypedLine(number: line, text: src.lineText(line))
    let column = max(1, col - typed.shift)
    var chars = Array(Self.maskingPasswords(typed.text))
    var upTo = endLine == line ? min(chars.count, endCol - 1 - typed.shift) : chars.count
    // A long line is shown around the culprit, so that output stays linear in the input.
    var first = 0
    if chars.count > Self.longLine {
      first = max(0, column - 1 - Self.longLine / 4)
      let last = min(chars.count, first + Self.longLine)
      upTo = min(upTo, last)
      chars = (first > 0 ? ["…"] : []) + Array(chars[first..<last]) + (last < chars.count ? ["…"] : [])
      if first > 0 { first -= 1 }  // the ellipsis stands before the shown text
    }
    // Control characters other than tabs are shown as escapes, never sent to the terminal.
    let shown = chars.map { $0 == "\t" ? "\t" : visibleText(String($0)) }
    let culprit = column - 1 < upTo ? shown[(column - 1 - first)..<(upTo - first)].joined() : ""
    let width = max(1, terminalWidth(of: culprit))
    // Under a tab, a tab; under a wide character, two spaces.
    let lead = shown.prefix(column - 1 - first).map { $0 == "\t" ? "\t" : String(repeating: " ", count: terminalWidth(of: $0)) }.joined()
    let caret = decorator.caret("^" + String(repeating: "~", count: width - 1))
    switch placement {
    case .underPrompt(let promptWidth):
      return String(repeating: " ", count: promptWidth) + lead + caret + "\n" + "\(severity): \(message)\n" + notes(d)
    case .withoutPosition, .full:
      let gutter = String(typed.number)
      let pad = String(repeating: " ", count: gutter.count)
      var out = ""
      if case .full = placement {
        out += decorator.emphasis("\(src.name):\(typed.number):\(column):") + " \(severity): \(message)\n"
      } else {
        out += "\(severity): \(message)\n"
      }
      out += "\(gutter) | \(shown.joined())\n"
      out += "\(pad) | \(lead)\(caret)\n"
      return out + notes(d)
    }
  }

  /// A line with every password a connection URL in it holds (`postgres://USER:PASSWORD@`,
  /// `password=...`) replaced by as many `*`, so that columns still line up under it.
  static func maskingPasswords(_ line: String) -> String {
    guard line.contains("@") || line.contains("password=") else { return line }
    var out = line
    for regex in passwordPatterns {
      for m in regex.matches(in: out, range: NSRange(out.startIndex..., in: out)).reversed() {
        guard let r = Range(m.range(at: 1), in: out), !r.isEmpty else { continue }
        out.replaceSubrange(r, with: String(repeating: "*", count: out[r].count))
      }
    }
    return out
  }

  private static let passwordPatterns = [
    try! NSRegularExpression(pattern: #"://[^/@\s:"?]*:([^\s"]*)@"#),
    try! NSRegularExpression(pattern: #"password=([^&\s"]*)"#),
  ]

  private func notes(_ d: Diagnostic) -> String { d.notes.map { "note: \(visibleText($0))\n" }.joined() }
}
