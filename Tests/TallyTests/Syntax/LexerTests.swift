import XCTest

@_spi(Stages) @testable import Tally

/// Tokens with their byte ranges, for every literal form of LANGUAGE.md section 2.
final class LexerTests: XCTestCase {
  /// One token as `kind:payload@start-end` (byte offsets into the UTF-8 text).
  static func show(_ t: Token) -> String {
    let r = "@\(t.range.start)-\(t.range.end)"
    switch t.kind {
    case .identifier(let s): return "id:\(s)\(r)"
    case .quotedIdentifier(let s): return "qid:\(s)\(r)"
    case .integer(let v): return "int:\(v)\(r)"
    case .number(let v): return "num:\(v)\(r)"
    case .percent(let v): return "pct:\(v)\(r)"
    case .duration(let d): return "dur:\(d.months)mo,\(d.days)d,\(d.micros)us\(r)"
    case .string(let s): return "str:\(s.debugDescription)\(r)"
    case .time(let s): return "time:\(s)\(r)"
    case .punct(let p): return "'\(p)'\(r)"
    case .newline: return "NL\(r)"
    case .eof: return "EOF\(r)"
    }
  }

  /// The tokens of a text, without the end-of-input token and the zero-width line end before it.
  static func tokens(_ text: String) -> (String, [Diagnostic]) {
    let lexed = Lexer.lex(Source(name: "t.kpi", text: text))
    var ts = lexed.tokens
    if ts.last?.kind == .eof { ts.removeLast() }
    if let last = ts.last, last.kind == .newline, last.range.start == last.range.end { ts.removeLast() }
    return (ts.map(show).joined(separator: " "), lexed.diagnostics)
  }

  func testLiteralsAndNames() {
    let cases: [(String, String)] = [
      ("12", "int:12@0-2"),
      ("3.5", "num:3.5@0-3"),
      ("1_000", "int:1000@0-5"),
      ("1e6", "num:1000000.0@0-3"),
      ("2.5E-3", "num:0.0025@0-6"),
      ("1.5%", "pct:0.015@0-4"),
      ("90%", "pct:0.9@0-3"),
      ("true false null", "id:true@0-4 id:false@5-10 id:null@11-15"),
      // m is minutes, mo months; a week is 7 calendar days, a year 12 months.
      (
        "30s 15m 2h 28d 4w 3mo 1y",
        "dur:0mo,0d,30000000us@0-3 dur:0mo,0d,900000000us@4-7 dur:0mo,0d,7200000000us@8-10 "
          + "dur:0mo,28d,0us@11-14 dur:0mo,28d,0us@15-17 dur:3mo,0d,0us@18-21 dur:12mo,0d,0us@22-24"
      ),
      // 1.5 h = 5400 s.
      ("1.5h", "dur:0mo,0d,5400000000us@0-4"),
      // Source: "a\"b\\c\nd\te\u{4E2D}" is 23 bytes; the value is a"b\c<LF>d<TAB>e中.
      (#""a\"b\\c\nd\te\u{4E2D}""#, #"str:"a\"b\\c\nd\te中"@0-23"#),
      // Each CJK character is 3 UTF-8 bytes.
      (#""中文""#, #"str:"中文"@0-8"#),
      (#""""#, #"str:""@0-2"#),
      ("@2024-06-30", "time:2024-06-30@0-11"),
      ("@2024-06-30T12:00:00", "time:2024-06-30T12:00:00@0-20"),
      ("@2024-06-30T12:00:00Z", "time:2024-06-30T12:00:00Z@0-21"),
      ("@2024-06-30T12:00:00+08:00", "time:2024-06-30T12:00:00+08:00@0-26"),
      ("@2024-06-30T12:00:00.250-05:00", "time:2024-06-30T12:00:00.250-05:00@0-30"),
      ("`order id`", "qid:order id@0-10"),
      ("`where`", "qid:where@0-7"),
      ("退款 客服介入", "id:退款@0-6 id:客服介入@7-19"),
      ("count(refunds where 客服介入)", "id:count@0-5 '('@5-6 id:refunds@6-13 id:where@14-19 id:客服介入@20-32 ')'@32-33"),
      ("orders.amount", "id:orders@0-6 '.'@6-7 id:amount@7-13"),
      ("_x1 x_2", "id:_x1@0-3 id:x_2@4-7"),
      // `<>` is `!=`, `==` is `=`.
      (
        "a <> b != c == d = e <= f >= g < h > i",
        "id:a@0-1 '!='@2-4 id:b@5-6 '!='@7-9 id:c@10-11 '='@12-14 id:d@15-16 '='@17-18 id:e@19-20 "
          + "'<='@21-23 id:f@24-25 '>='@26-28 id:g@29-30 '<'@31-32 id:h@33-34 '>'@35-36 id:i@37-38"
      ),
      ("-x*(y/2)+1", "'-'@0-1 id:x@1-2 '*'@2-3 '('@3-4 id:y@4-5 '/'@5-6 int:2@6-7 ')'@7-8 '+'@8-9 int:1@9-10"),
    ]
    for (text, want) in cases {
      let (got, diags) = Self.tokens(text)
      XCTAssertEqual(got, want, "tokens of \(text)")
      XCTAssertEqual(diags.map(\.message), [], "diagnostics of \(text)")
    }
  }

  func testStatementEndsAndContinuations() {
    let cases: [(String, String)] = [
      ("a\nb", "id:a@0-1 NL@1-2 id:b@2-3"),
      // A comment runs to the end of the line; the line break still ends the statement.
      ("a # note\nb", "id:a@0-1 NL@8-9 id:b@9-10"),
      // The next line starts with white space: a continuation, no statement end.
      ("a\n  + b", "id:a@0-1 '+'@4-5 id:b@6-7"),
      ("a\n\t+ b", "id:a@0-1 '+'@3-4 id:b@5-6"),
      // An open bracket joins lines.
      ("(a\nb)", "'('@0-1 id:a@1-2 id:b@3-4 ')'@4-5"),
      ("f(a,\nb)\nc", "id:f@0-1 '('@1-2 id:a@2-3 ','@3-4 id:b@5-6 ')'@6-7 NL@7-8 id:c@8-9"),
      // Blank lines and comment lines in between give one statement end.
      ("a\n\n# note\nb", "id:a@0-1 NL@1-2 id:b@10-11"),
      // An indented comment line is skipped when looking for a continuation.
      ("a\n  # indented comment\n  + b", "id:a@0-1 '+'@25-26 id:b@27-28"),
      // A blank line before an indented line does not stop the continuation.
      ("a\n\n  + b", "id:a@0-1 '+'@5-6 id:b@7-8"),
      // CRLF line ends.
      ("a\r\nb", "id:a@0-1 NL@2-3 id:b@3-4"),
      ("a\r\n  + b\r\n", "id:a@0-1 '+'@5-6 id:b@7-8 NL@9-10"),
      // A metric with clauses on continuation lines is one statement.
      (
        "metric m = x\n  format percent\n  target <= 1.5%\nlet y = 1",
        "id:metric@0-6 id:m@7-8 '='@9-10 id:x@11-12 id:format@15-21 id:percent@22-29 id:target@32-38 "
          + "'<='@39-41 pct:0.015@42-46 NL@46-47 id:let@47-50 id:y@51-52 '='@53-54 int:1@55-56"
      ),
    ]
    for (text, want) in cases {
      let (got, diags) = Self.tokens(text)
      XCTAssertEqual(got, want, "tokens of \(text.debugDescription)")
      XCTAssertEqual(diags.map(\.message), [], "diagnostics of \(text.debugDescription)")
    }
  }

  func testDocCommentLines() {
    let text = """
      # plain comment
      ## Refund rate: refunds per paid order.
      ##   Second line.
      metric r = 1
      x ## not a doc line
        ## indented doc
      """
    let lexed = Lexer.lex(Source(name: "t.kpi", text: text))
    // Lines 2 and 3 are `##` lines on their own; line 5 has code before `##`.
    XCTAssertEqual(lexed.docLines[2], "Refund rate: refunds per paid order.")
    XCTAssertEqual(lexed.docLines[3], "Second line.")
    XCTAssertNil(lexed.docLines[1])
    XCTAssertNil(lexed.docLines[5])
    XCTAssertEqual(lexed.diagnostics.count, 0)
  }

  func testLexicalErrors() {
    // (text, rendered diagnostics): the caret spans the offending bytes.
    let cases: [(String, String)] = [
      (
        #""abc"#,
        """
        t.kpi:1:1: error: unterminated string literal
        1 | "abc
          | ^~~~
        note: close the string with '"'

        """
      ),
      (
        #"x = "a\qb""#,
        #"""
        t.kpi:1:7: error: unknown escape sequence '\q' in string
        1 | x = "a\qb"
          |       ^~
        note: escapes are \", \\, \n, \t and \u{XXXX}

        """#
      ),
      (
        #""\u{D800}""#,
        #"""
        t.kpi:1:2: error: unknown escape sequence '\u{D800}' in string
        1 | "\u{D800}"
          |  ^~~~~~~~
        note: write a code point as \u{4E2D}

        """#
      ),
      (
        #""\u00e9t\u00e9""#,
        #"""
        t.kpi:1:2: error: unknown escape sequence '\u00e9' in string
        1 | "\u00e9t\u00e9"
          |  ^~~~~~
        note: write a code point in braces, as \u{00e9}
        t.kpi:1:9: error: unknown escape sequence '\u00e9' in string
        1 | "\u00e9t\u00e9"
          |         ^~~~~~
        note: write a code point in braces, as \u{00e9}

        """#
      ),
      (
        "count(x) over 3x",
        """
        t.kpi:1:15: error: unknown duration unit 'x'; units are s, m, h, d, w, mo, y
        1 | count(x) over 3x
          |               ^~

        """
      ),
      (
        "1.5d",
        """
        t.kpi:1:1: error: a calendar duration takes a whole number, as in 28d
        1 | 1.5d
          | ^~~~

        """
      ),
      (
        "a ! b",
        """
        t.kpi:1:3: error: unexpected character '!'
        1 | a ! b
          |   ^
        note: write 'not' or '!='

        """
      ),
      (
        "a $ b",
        """
        t.kpi:1:3: error: unexpected character '$'
        1 | a $ b
          |   ^

        """
      ),
      (
        "`order id",
        """
        t.kpi:1:1: error: unterminated backquoted name
        1 | `order id
          | ^~~~~~~~~

        """
      ),
      (
        "x at @2024-13-01",
        """
        t.kpi:1:6: error: malformed time literal '@2024-13-01'; write @2024-06-30, @2024-06-30T12:00:00 or @2024-06-30T12:00:00+08:00
        1 | x at @2024-13-01
          |      ^~~~~~~~~~~

        """
      ),
    ]
    for (text, want) in cases {
      let lexed = Lexer.lex(Source(name: "t.kpi", text: text))
      XCTAssertEqual(lexed.diagnostics.map { $0.rendered() }.joined(), want, "diagnostics of \(text)")
    }
    // Columns count characters, not bytes: '$' is the fourth character of "退款 $".
    let wide = Lexer.lex(Source(name: "t.kpi", text: "退款 $"))
    XCTAssertEqual(wide.diagnostics.map(\.position), ["t.kpi:1:4"])
  }
}
