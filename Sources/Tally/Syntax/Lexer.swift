import Foundation

/// Turns Tally text into tokens. A line break ends a statement unless a bracket is open
/// or the next non-blank line starts with white space.
@_spi(Stages) public struct Lexer {
  let source: Source
  private let scalars: [Unicode.Scalar]
  private let offsets: [Int]  // utf8 offset of each scalar, plus the end
  private var i = 0
  private var depth = 0
  private var tokens: [Token] = []
  private var docLines: [Int: String] = [:]
  private var diagnostics: [Diagnostic] = []
  private var line = 1
  private var sawSpace = true

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

  private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < scalars.count ? scalars[i + k] : nil }

  private mutating func add(_ kind: TokenKind, from start: Int) {
    tokens.append(Token(kind: kind, range: SourceRange(offsets[start], offsets[i]), spaceBefore: sawSpace))
    sawSpace = false
  }

  /// Records an error; a line reports at most `maxErrorsPerLine`, the last of them saying so.
  private mutating func error(_ message: SyntaxMessage, from start: Int, notes: [String] = []) {
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
  private var errorLine = 0
  private var errorsOnLine = 0

  private static func isIdentStart(_ s: Unicode.Scalar) -> Bool {
    s == "_" || s.properties.isAlphabetic
  }
  private static func isIdentContinue(_ s: Unicode.Scalar) -> Bool {
    s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
      || s.properties.generalCategory == .nonspacingMark || s.properties.generalCategory == .spacingMark
  }
  private static func isDigit(_ s: Unicode.Scalar?) -> Bool {
    guard let s else { return false }
    return s >= "0" && s <= "9"
  }

  private mutating func run() {
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
  private mutating func lexUnexpected() {
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
  private static let curlyQuotes: [Unicode.Scalar: Unicode.Scalar] = [
    "'": "'", "\u{2018}": "\u{2019}", "\u{201C}": "\u{201D}", "\u{FF02}": "\u{FF02}", "\u{FF07}": "\u{FF07}", "\u{300C}": "\u{300D}",
  ]

  /// Whether a token, a space or a comment can start with this character.
  private static func startsToken(_ s: Unicode.Scalar) -> Bool {
    if isDigit(s) || isIdentStart(s) { return true }
    return " \t\r\n#\"`@()[]+-*/,.%=!<>".unicodeScalars.contains(s)
  }

  /// A line break ends the statement unless a bracket is open or the next line is indented.
  private mutating func lexLineBreak() {
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
  private mutating func lexComment() {
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
  private mutating func lexBackquoted() {
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
  private mutating func lexPunctuation(_ c: Unicode.Scalar) {
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

  private func lineBeginsBlank(before start: Int) -> Bool {
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
  private func nextLineStartsDefinition() -> Bool {
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

  private func nextLineContinues() -> Bool {
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

  private mutating func lexString() {
    let start = i
    i += 1
    var value = ""
    while true {
      guard let c = peek(), c != "\n" else {
        error(SyntaxMessage.unterminatedString, from: start, notes: ["close the string with '\"'"])
        return
      }
      i += 1
      if c == "\"" { break }
      if c == "\\" {
        let escStart = i - 1
        guard let e = peek() else { continue }
        i += 1
        switch e {
        case "\"": value += "\""
        case "\\": value += "\\"
        case "n": value += "\n"
        case "t": value += "\t"
        case "r": value += "\r"
        case "u":
          var hex = ""
          guard peek() == "{" else {
            // `\u4E2D`: the code point goes in braces.
            var digits = ""
            while let h = peek(), h.properties.isASCIIHexDigit, digits.count < 4 {
              digits.unicodeScalars.append(h)
              i += 1
            }
            let valid = UInt32(digits, radix: 16).flatMap(Unicode.Scalar.init) != nil
            let example = digits.count == 4 && valid ? digits : "4E2D"
            error(SyntaxMessage.badEscape("u\(digits)"), from: escStart, notes: ["write a code point in braces, as \\u{\(example)}"])
            continue
          }
          i += 1
          while let h = peek(), h != "}", hex.count < 8 {
            hex.unicodeScalars.append(h)
            i += 1
          }
          if peek() == "}" { i += 1 }
          if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) {
            value.unicodeScalars.append(s)
          } else {
            error(SyntaxMessage.badEscape("u{\(hex)}"), from: escStart, notes: ["write a code point as \\u{4E2D}"])
          }
        default:
          error(SyntaxMessage.badEscape(String(e)), from: escStart, notes: ["escapes are \\\", \\\\, \\n, \\t and \\u{XXXX}"])
        }
      } else {
        value.unicodeScalars.append(c)
      }
    }
    add(.string(value), from: start)
  }

  private mutating func lexTime() {
    let start = i
    i += 1
    var text = ""
    while let c = peek(), Lexer.isDigit(c) || c == "-" || c == ":" || c == "T" || c == "t" || c == "Z" || c == "z" || c == "+" || c == "." {
      text.unicodeScalars.append(c)
      i += 1
    }
    if parseTimeText(text) == nil {
      error(SyntaxMessage.badTimeLiteral(text), from: start)
      add(.time("1970-01-01"), from: start)
    } else {
      add(.time(text), from: start)
    }
  }

  private mutating func lexNumber() {
    let start = i
    var text = ""
    var isReal = false
    func digits(_ lexer: inout Lexer, _ text: inout String) {
      while let c = lexer.peek(), Lexer.isDigit(c) || (c == "_" && Lexer.isDigit(lexer.peek(1))) {
        if c != "_" { text.unicodeScalars.append(c) }
        lexer.i += 1
      }
    }
    digits(&self, &text)
    if peek() == ".", Lexer.isDigit(peek(1)) {
      i += 1
      text += "."
      isReal = true
      digits(&self, &text)
    }
    if let e = peek(), e == "e" || e == "E",
      Lexer.isDigit(peek(1)) || ((peek(1) == "+" || peek(1) == "-") && Lexer.isDigit(peek(2)))
    {
      text += "e"
      i += 1
      if let s = peek(), s == "+" || s == "-" {
        text.unicodeScalars.append(s)
        i += 1
      }
      isReal = true
      digits(&self, &text)
    }
    if peek() == "%" {
      i += 1
      add(.percent((Double(text) ?? 0) / 100), from: start)
      return
    }
    if let u = peek(), Lexer.isIdentStart(u) {
      var unit = ""
      while let d = peek(), Lexer.isIdentContinue(d) {
        unit.unicodeScalars.append(d)
        i += 1
      }
      let amount = Double(text) ?? 0
      let whole = Int(exactly: amount)
      let fixed: [String: Double] = ["s": 1e6, "m": 60e6, "h": 3600e6]
      let calendarDays: [String: Double] = ["d": 1, "w": 7, "mo": 30.4375, "y": 365.25]
      if abs(amount * (fixed[unit] ?? 0)) > 3.2e17 || abs(amount * (calendarDays[unit] ?? 0)) > 3_660_000 {
        // Beyond 10,000 years, time arithmetic would overflow.
        error(SyntaxMessage.durationOutOfRange, from: start)
        add(.duration(DurationLiteral()), from: start)
      } else if let f = fixed[unit] {
        add(.duration(DurationLiteral(micros: Int64((amount * f).rounded()))), from: start)
      } else if let n = whole, ["d", "w", "mo", "y"].contains(unit) {
        let d: DurationLiteral
        switch unit {
        case "d": d = DurationLiteral(days: n)
        case "w": d = DurationLiteral(days: n * 7)
        case "mo": d = DurationLiteral(months: n)
        default: d = DurationLiteral(months: n * 12)
        }
        add(.duration(d), from: start)
      } else if ["d", "w", "mo", "y"].contains(unit) {
        error(SyntaxMessage.calendarDurationWhole, from: start)
        add(.duration(DurationLiteral()), from: start)
      } else {
        error(SyntaxMessage.badDurationUnit(unit), from: start)
        add(.integer(0), from: start)
      }
      return
    }
    if !isReal, let v = Int64(text) {
      add(.integer(v), from: start)
    } else if let v = Double(text), v.isFinite {
      add(.number(v), from: start)
    } else if let v = Double(text), v.isInfinite {
      error(SyntaxMessage.numberOutOfRange(text), from: start, notes: ["numbers run to ±1.8e308"])
      add(.integer(0), from: start)
    } else {
      error(SyntaxMessage.badNumber(text), from: start)
      add(.integer(0), from: start)
    }
  }
}
