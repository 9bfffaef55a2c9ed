import Foundation

/// Turns Tally text into tokens. A line break ends a statement unless a bracket is open
/// or the next non-blank line starts with white space.
@_spi(Stages) public struct Lexer {
  let source: Source
  let scalars: [Unicode.Scalar]
  let offsets: [Int]  // utf8 offset of each scalar, plus the end
  var i = 0
  var depth = 0
  var tokens: [Token] = []
  var docLines: [Int: String] = [:]
  var diagnostics: [Diagnostic] = []
  var line = 1
  var sawSpace = true

  /// A lexer over a source; `lex` runs one.
  public init(_ source: Source) {
    self.source = source
    var sc: [Unicode.Scalar] = []
    var off: [Int] = []
    var o = 0
    for s in source.text.unicodeScalars {
      sc.append(s)
      off.append(o)
      o += UTF8.width(s)
    }
    off.append(o)
    scalars = sc
    offsets = off
  }

  /// Lexes the whole source.
  public static func lex(_ source: Source) -> LexedSource {
    var lexer = Lexer(source)
    lexer.run()
    return LexedSource(tokens: lexer.tokens, docLines: lexer.docLines, diagnostics: lexer.diagnostics)
  }

  func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < scalars.count ? scalars[i + k] : nil }

  mutating func add(_ kind: TokenKind, from start: Int) {
    tokens.append(Token(kind: kind, range: SourceRange(offsets[start], offsets[i]), spaceBefore: sawSpace))
    sawSpace = false
  }

  /// Records an error; a line reports at most `maxErrorsPerLine`, the last of them saying so.
  mutating func error(_ message: SyntaxMessage, from start: Int, notes: [String] = []) {
    if errorLine != line {
      errorLine = line
      errorsOnLine = 0
    }
    errorsOnLine += 1
    guard errorsOnLine <= Self.maxErrorsPerLine else { return }
    let more = errorsOnLine == Self.maxErrorsPerLine ? ["errors after this one on the line are not shown"] : []
    diagnostics.append(.error(message, source, SourceRange(offsets[start], offsets[max(i, start + 1)]), notes: notes + more))
  }

  /// The most lexing errors reported for one line.
  static let maxErrorsPerLine = 10
  var errorLine = 0
  var errorsOnLine = 0

  static func isIdentStart(_ s: Unicode.Scalar) -> Bool {
    s == "_" || s.properties.isAlphabetic
  }
  static func isIdentContinue(_ s: Unicode.Scalar) -> Bool {
    s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
      || s.properties.generalCategory == .nonspacingMark || s.properties.generalCategory == .spacingMark
  }
  static func isDigit(_ s: Unicode.Scalar?) -> Bool {
    guard let s else { return false }
    return s >= "0" && s <= "9"
  }

  mutating func run() {
    while let c = peek() {
      let start = i
      switch c {
      case " ", "\t", "\r":
        i += 1
        sawSpace = true
      case "\n": lexLineBreak()
      case "#": lexComment()
      case "\"": lexString()
      case "`": lexBackquoted()
      case "@": lexTime()
      case "(", "[", ")", "]", "+", "-", "*", "/", ",", ".", "%", "=", "!", "<", ">": lexPunctuation(c)
      default:
        if Lexer.isDigit(c) {
          lexNumber()
        } else if Lexer.isIdentStart(c) {
          var name = ""
          while let d = peek(), Lexer.isIdentContinue(d) {
            name.unicodeScalars.append(d)
            i += 1
          }
          add(.identifier(name), from: start)
        } else {
          lexUnexpected()
        }
      }
    }
    if !(tokens.last.map { $0.kind == .newline } ?? true) {
      tokens.append(Token(kind: .newline, range: SourceRange(offsets[i], offsets[i]), spaceBefore: true))
    }
    tokens.append(Token(kind: .eof, range: SourceRange(offsets[i], offsets[i]), spaceBefore: true))
  }

  /// Characters no token starts with: a run of them is one error.
  mutating func lexUnexpected() {
    let start = i
    if let close = Self.curlyQuotes[scalars[i]] {
      // A string in the wrong quotes: one error, and the string is read so the rest parses.
      var j = i + 1
      var text = ""
      while j < scalars.count, scalars[j] != "\n", scalars[j] != close, !(close == "'" && scalars[j] == "\u{2019}") {
        text.unicodeScalars.append(scalars[j])
        j += 1
      }
      if j < scalars.count, scalars[j] != "\n" {
        i = j + 1
        error(SyntaxMessage.notStraightQuotes, from: start, notes: ["write it as \"\(text)\""])
        add(.string(text), from: start)
        return
      }
    }
    var run = ""
    while let d = peek(), run.isEmpty || !Lexer.startsToken(d) {
      run.unicodeScalars.append(d)
      i += 1
    }
    let quotes: Set<Unicode.Scalar> = ["'", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{FF02}", "\u{FF07}"]
    let notes = run.unicodeScalars.contains(where: quotes.contains) ? ["write a string in straight double quotes, as in \"paid\""] : []
    error(SyntaxMessage.unexpectedCharacter(run), from: start, notes: notes)
  }

  /// Quotes that are not a string's, with the quote that closes each.
  static let curlyQuotes: [Unicode.Scalar: Unicode.Scalar] = [
    "'": "'", "\u{2018}": "\u{2019}", "\u{201C}": "\u{201D}", "\u{FF02}": "\u{FF02}", "\u{FF07}": "\u{FF07}", "\u{300C}": "\u{300D}",
  ]

  /// Whether a token, a space or a comment can start with this character.
  static func startsToken(_ s: Unicode.Scalar) -> Bool {
    if isDigit(s) || isIdentStart(s) { return true }
    return " \t\r\n#\"`@()[]+-*/,.%=!<>".unicodeScalars.contains(s)
  }

  /// A line break ends the statement unless a bracket is open or the next line is indented.
  mutating func lexLineBreak() {
    let start = i
    i += 1
    line += 1
    sawSpace = true
    // Look ahead only when a statement is open (keeps runs of blank lines linear).
    if depth == 0 && !(tokens.last.map { $0.kind == .newline } ?? true) && !nextLineContinues() {
      tokens.append(Token(kind: .newline, range: SourceRange(offsets[start], offsets[start] + 1), spaceBefore: true))
    } else if depth > 0 && nextLineStartsDefinition() {
      // A bracket left open does not swallow the next definition: the statement ends here
      // (and is reported unclosed), and `metric b = ...` below is read on its own.
      depth = 0
      tokens.append(Token(kind: .newline, range: SourceRange(offsets[start], offsets[start] + 1), spaceBefore: true))
    }
  }

  /// A comment to the end of the line; a `##` line on its own is kept as a description line.
  mutating func lexComment() {
    let start = i
    let atLineStart = tokens.last.map { $0.kind == .newline } ?? true
    let lineStart = lineBeginsBlank(before: start)
    while let d = peek(), d != "\n" { i += 1 }
    let text = source.slice(offsets[start]..<offsets[i])
    if text.hasPrefix("##"), lineStart, atLineStart || depth == 0 {
      docLines[line] = text.dropFirst(2).trimmingCharacters(in: .whitespaces)
    }
  }

  /// `` `any name` ``, never a keyword.
  mutating func lexBackquoted() {
    let start = i
    i += 1
    var name = ""
    while let d = peek(), d != "`", d != "\n" {
      name.unicodeScalars.append(d)
      i += 1
    }
    if peek() == "`" {
      i += 1
      add(.quotedIdentifier(name), from: start)
    } else {
      error(SyntaxMessage.unterminatedBackquote, from: start)
    }
  }

  /// Brackets (counted, since a line break inside them continues the statement) and operators;
  /// `==` is `=`, `<>` is `!=`.
  mutating func lexPunctuation(_ c: Unicode.Scalar) {
    let start = i
    i += 1
    switch c {
    case "(", "[": depth += 1
    case ")", "]": depth = max(0, depth - 1)
    case "=":
      if peek() == "=" { i += 1 }
    case "!":
      guard peek() == "=" else {
        error(SyntaxMessage.unexpectedCharacter("!"), from: start, notes: ["write 'not' or '!='"])
        return
      }
      i += 1
      add(.punct("!="), from: start)
      return
    case "-":
      if peek() == ">" {
        i += 1
        add(.punct("->"), from: start)
        return
      }
    case "<", ">":
      if peek() == "=" {
        i += 1
        add(.punct(c == "<" ? "<=" : ">="), from: start)
        return
      }
      if c == "<", peek() == ">" {
        i += 1
        add(.punct("!="), from: start)
        return
      }
    default: break
    }
    add(.punct(String(c)), from: start)
  }

  func lineBeginsBlank(before start: Int) -> Bool {
    var k = start - 1
    while k >= 0, scalars[k] != "\n" {
      if scalars[k] != " " && scalars[k] != "\t" { return false }
      k -= 1
    }
    return true
  }

  /// Whether the next non-blank line starts with white space (a continuation line).
  /// Whether the next line starts, unindented, a definition: `metric NAME =`, `let NAME =`,
  /// `dataset NAME from` or `test "`.
  func nextLineStartsDefinition() -> Bool {
    var j = i
    var line = ""
    while j < scalars.count, scalars[j] != "\n", line.unicodeScalars.count < 200 {
      line.unicodeScalars.append(scalars[j])
      j += 1
    }
    let name = #"(?:[\p{L}_][\p{L}\p{N}_]*|`[^`]*`)"#
    return line.range(
      of: #"^(?:(?:metric|let)\s+"# + name + #"\s*=|dataset\s+"# + name + #"\s+from\b|test\s+")"#, options: .regularExpression)
      != nil
  }

  func nextLineContinues() -> Bool {
    var k = i
    while k < scalars.count {
      var j = k
      var indented = false
      while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" || scalars[j] == "\r" {
        j += 1
        indented = true
      }
      if j >= scalars.count { return false }
      if scalars[j] == "\n" {
        k = j + 1
        continue
      }
      if scalars[j] == "#" {  // a comment line: look past it
        while j < scalars.count, scalars[j] != "\n" { j += 1 }
        k = j + 1
        continue
      }
      return indented
    }
    return false
  }

}
