import Foundation

/// Literals: strings with their escapes, time literals, numbers, percents and durations.
extension Lexer {
  mutating func lexString() {
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

  mutating func lexTime() {
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

  mutating func lexNumber() {
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
